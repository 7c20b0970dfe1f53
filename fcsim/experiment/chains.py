"""The strategies of `fcsim advise` sized side by side, each going through the volumes.

Place in the flow: `fcsim.experiment.advise.Advisor.run` hands itself to `Chains` when its
pipeline has more than one worker (one worker: the same steps one after the other, in the
advisor). Each strategy is a thread that screens a volume (`Advisor._size`), runs its
confirmation's first stage (`fcsim.experiment.confirmation.first_stage`) and goes on to its
next volume; a volume's second stage (`confirmation.second_stage`) runs in a thread of its own
once every strategy is through the first. The threads take turns for the pipeline's workers
(`fcsim.experiment.executors.prefer`). Nothing here decides a setting: the answer is the one
the advisor finds one volume and one strategy after the other.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from fcsim.experiment import confirmation
from fcsim.experiment.advice import Sizing
from fcsim.experiment.candidates import Config
from fcsim.experiment.executors import prefer

if TYPE_CHECKING:
    from fcsim.experiment.advise import Advisor


class Chains:
    """The strategies sized side by side, each strategy's volumes one after the other.

    With more than one worker each strategy is a chain in a thread of its own: screen a
    volume, run its confirmation's first stage (`confirmation.first_stage`, its own runs),
    then on to the next volume while the others catch up, so that the runs of one chain
    fill the workers another leaves idle (a search step with fewer candidates than workers).
    Once every strategy of a volume is through its first stage, the second stage (the
    ranking's top-ups, `confirmation.second_stage`) runs in a thread of its own. A chain
    starts its next volume's search from the setting its first stage kept, and waits for
    that volume's second stage only before it joins the next one's; when the second stage
    changed the setting (a step up), the chain searches and first-confirms that volume
    again from the new one. The chains take turns for the workers (`executors.prefer`): the
    one furthest behind in the volumes first, and among equals the one with the most
    decision variables (the hybrid's search, the longest), so that it is not left running
    alone at the end; a volume's second stage before them all. So each search starts where it
    would one volume after the other, decides from its own trials alone and runs on the same
    orders whatever runs beside it: the answer is the same as one volume and one strategy after
    the other."""

    def __init__(self, advisor: Advisor) -> None:
        self.a = advisor
        self.names = advisor.s.strategies
        n = len(advisor.s.volumes)
        self.here: list[dict[str, Sizing]] = [{} for _ in range(n)]
        self.done = [threading.Event() for _ in range(n)]
        self.stop = threading.Event()  # a chain failed: the others stop waiting and running
        advisor._halt = self.stop
        self.lock = threading.Lock()
        self.joints: list[Future[None]] = []  # the second stages submitted

    def _wait(self, i: int) -> None:
        """Until the second stage of volume `i` has ended (or a chain has failed)."""
        while not self.done[i].wait(0.1):
            if self.stop.is_set():
                raise Stopped

    def _chain(self, strategy: str, joint: ThreadPoolExecutor) -> None:
        try:
            a, prev, kept = self.a, None, None
            width = len(a.sizing(strategy, a.s.volumes[0]).variables)
            for i, volume in enumerate(a.s.volumes):
                with prefer((i, -width)):  # the furthest behind first, then the widest
                    z = a._size(strategy, volume, prev, kept)
                    confirmation.first_stage(a, z)
                    if i:
                        self._wait(i - 1)
                        assert prev is not None
                        if self._moved(z, prev, kept):  # stepped up: search again from there
                            z = a._size(strategy, volume, prev)
                            confirmation.first_stage(a, z)
                with self.lock:
                    self.here[i][strategy] = z
                    prev, kept = z, z.config  # before a second stage may step it up
                    if len(self.here[i]) == len(self.names):
                        self.joints.append(joint.submit(self._second, i))
        except BaseException:
            self.stop.set()
            raise

    def _moved(self, z: Sizing, prev: Sizing, kept: Config | None) -> bool:
        """Whether the second stage before `z` stepped `prev` up so that `z`'s search, begun
        from `kept`, would now start elsewhere (a step may scale to the same start)."""
        if prev.config == kept:
            return False
        start = self.a._start(z.variables, z.volume, prev, kept)
        return self.a._start(z.variables, z.volume, prev, prev.config) != start

    def _second(self, i: int) -> None:
        try:
            here = [self.here[i][s] for s in self.names]
            with prefer((i, -math.inf)):  # before every chain still at this volume
                confirmation.second_stage(self.a, here)
            self.a._said(here)
            self.done[i].set()
        except BaseException:
            self.stop.set()
            raise

    def run(self) -> list[Sizing]:
        a = self.a
        _ = (a.axis, a.cut_short)  # cached before the threads read them
        chains = ThreadPoolExecutor(len(self.names), thread_name_prefix="fcsim-advise")
        joint = ThreadPoolExecutor(1, thread_name_prefix="fcsim-confirm")
        try:
            futures = [chains.submit(self._chain, s, joint) for s in self.names]
            while True:  # until every chain and second stage has ended; the first error raised
                with self.lock:  # a chain adds a second stage under it: none missed
                    every = futures + self.joints
                    running = [f for f in every if not f.done()]
                for f in every:
                    e = f.exception() if f.done() else None
                    if e is not None and not isinstance(e, Stopped):
                        raise e
                if not running:
                    if not all(d.is_set() for d in self.done):  # every chain ended without it
                        raise RuntimeError("a volume's confirmation never ran")
                    a._halt = None  # all ended: the advisor may run again
                    break
                wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
        except KeyboardInterrupt:
            a.pipeline.interrupted()
            raise
        finally:  # on Ctrl-C or an error the pipeline closes next: a thread waiting for runs stops
            self.stop.set()
            chains.shutdown(wait=False, cancel_futures=True)
            joint.shutdown(wait=False, cancel_futures=True)
        return [self.here[i][s] for i in range(len(self.here)) for s in self.names]


class Stopped(Exception):
    """A thread of the side-by-side sizing stopped (waiting or about to run) because another
    failed or the sizing was interrupted."""
