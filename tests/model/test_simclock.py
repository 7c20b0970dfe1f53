"""The run's clock against SimPy's: `RunEnvironment`, `Due` and `Drive` (`model/simclock.py`).

Random event graphs (hypothesis: processes that wait, fire shared events, fail, start others)
run on `simpy.Environment` and on `RunEnvironment` must give the same events in the same order
at the same times, and `RunEnvironment.processed` the number of `step` calls SimPy makes.
"""

from __future__ import annotations

from typing import Any

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.reference import CountingEnvironment as Stepping  # SimPy's own, counting
from fcsim.model.simclock import Drive, Due, RunEnvironment

# an action of a process: ("wait", minutes), ("on", event), ("fire", event), ("fail", event),
# ("spawn", process), ("raise", 0)
ACTIONS = st.one_of(
    st.tuples(st.just("wait"), st.sampled_from([0, 0.5, 1, 1, 2, 3.25])),
    st.tuples(st.sampled_from(["on", "fire", "fail"]), st.integers(0, 3)),
    st.tuples(st.just("spawn"), st.integers(0, 4)),
)
GRAPHS = st.lists(st.lists(ACTIONS, max_size=6), min_size=1, max_size=5)


class Boom(Exception):
    pass


def play(env: simpy.Environment, graph: list[list[tuple[str, Any]]], until: Any) -> list[Any]:
    """Run `graph` in `env` and return what happened, in order, with the times."""
    log: list[Any] = []
    shared = [env.event() for _ in range(4)]

    def proc(name: int, actions: list[tuple[str, Any]], depth: int):
        log.append((env.now, name, "start"))
        for i, (what, arg) in enumerate(actions):
            if what == "wait":
                yield env.timeout(arg, value=(name, i))
            elif what == "on":
                try:
                    value = yield shared[arg]
                    log.append((env.now, name, "got", arg, value))
                except Boom as exc:
                    log.append((env.now, name, "caught", arg, exc.args))
            elif what in ("fire", "fail") and not shared[arg].triggered:
                if what == "fire":
                    shared[arg].succeed((name, i))
                else:
                    shared[arg].fail(Boom(name, i))
                    shared[arg].defused = True  # nobody may be waiting: no crash
            elif what == "spawn" and depth < 2:
                env.process(proc(10 * name + arg, graph[arg % len(graph)], depth + 1))
            log.append((env.now, name, what, arg))
        return name

    procs = [env.process(proc(k, actions, 0)) for k, actions in enumerate(graph)]
    for p in procs:
        p.callbacks.append(lambda ev: log.append((env.now, "ended", ev.value)))
    stop: Any = until
    if until == "first":
        stop = procs[0]
    elif until == "shared":
        stop = shared[0]
    try:
        log.append(("returned", env.run(until=stop)))
    except RuntimeError as exc:  # `until` an event that never comes
        log.append(("error", str(exc)[:40]))
    except Boom as exc:  # `until` an event that fails
        log.append(("failed", exc.args))
    log.append(("now", env.now))
    if until is not None:  # then on to the end
        log.append(("rest", env.run()))
    log.append(("end", env.now, env.processed))  # type: ignore[attr-defined]
    return log


@settings(max_examples=150, deadline=None)
@given(graph=GRAPHS, until=st.sampled_from([None, 0.5, 1, 2.5, 3, "first", "shared"]))
def test_same_events_in_the_same_order_at_the_same_times(graph, until) -> None:
    expected = play(Stepping(), graph, until)
    got = play(RunEnvironment(), graph, until)
    assert got == expected


def test_until_a_number_stops_before_the_events_at_that_time() -> None:
    for env in (Stepping(), RunEnvironment()):
        seen: list[float] = []
        for t in (1, 2, 2, 3):
            env.timeout(t).callbacks.append(lambda ev, e=env, s=seen: s.append(e.now))
        assert env.run(until=2) is None
        assert env.now == 2 and seen == [1]
        env.run(until=3.5)
        assert seen == [1, 2, 2, 3] and env.now == 3.5
        with pytest.raises(ValueError, match="must be greater"):
            env.run(until=3.5)
        # 4 timeouts, 2 stops, and the first stop again: SimPy schedules a stopping event once
        # more (with the callbacks left after the stop, here none) for when the run resumes
        assert env.processed == 7


def test_until_an_event() -> None:
    for env in (Stepping(), RunEnvironment()):
        done = env.timeout(4, value="v")
        assert env.run(until=done) == "v" and env.now == 4
        assert env.run(until=done) == "v"  # already processed: at once
        never = env.event()
        with pytest.raises(RuntimeError, match="was not triggered"):
            env.run(until=never)


def test_until_an_event_that_fails() -> None:
    for env in (Stepping(), RunEnvironment()):
        bad = env.event()
        bad.fail(Boom("until"))
        with pytest.raises(Boom, match="until"):
            env.run(until=bad)


def test_a_failure_nobody_defused_stops_the_run_as_in_simpy() -> None:
    def crash(env):
        yield env.timeout(1)
        raise Boom("at one", 1)

    caught = []
    for env in (Stepping(), RunEnvironment()):
        env.process(crash(env))
        with pytest.raises(Boom) as info:
            env.run()
        caught.append((type(info.value), info.value.args, type(info.value.__cause__), env.now))
        assert env.processed == 3  # the start, the timeout, the failed process
    assert caught[0] == caught[1] == (Boom, ("at one", 1), Boom, 1)


def test_a_defused_failure_does_not_stop_the_run() -> None:
    for env in (Stepping(), RunEnvironment()):
        ev = env.event()
        ev.fail(Boom("quiet"))
        ev.defused = True
        env.timeout(2)
        env.run()
        assert env.now == 2


def test_an_exception_in_a_callback_leaves_the_run_and_the_count() -> None:
    for env in (Stepping(), RunEnvironment()):

        def bad(_):
            raise KeyError("callback")

        env.timeout(1)
        env.timeout(2).callbacks.append(bad)
        env.timeout(3)
        with pytest.raises(KeyError):
            env.run()
        assert env.now == 2 and env.processed == 2
        env.run()  # the rest runs on
        assert env.now == 3 and env.processed == 4


@settings(max_examples=60, deadline=None)
@given(
    delays=st.lists(
        st.lists(st.sampled_from([0.5, 1.0, 1.0, 2.0, 0.25]), max_size=8), min_size=1, max_size=4
    )
)
def test_due_and_drive_are_timeouts_and_processes(delays) -> None:
    """The same waits as `Timeout`s in processes, or as a `Due` and `Drive`s: the same log."""

    def with_simpy(env):
        log = []

        def proc(k, ds):
            for d in ds:
                yield env.timeout(d)
                log.append((env.now, k))

        for k, ds in enumerate(delays):
            env.process(proc(k, ds))
        env.run()
        return log, env.processed

    def with_drive(env):
        log = []

        def gen(k, ds):
            for d in ds:
                yield d
                log.append((env.now, k))

        drives = [Drive(env, gen(k, ds)) for k, ds in enumerate(delays)]
        env.run()
        assert not any(d.running for d in drives)
        return log, env.processed

    def with_due(env):
        log = []

        def waits(k, left):
            due = Due(env)

            def next_wait(ev):
                log.append((env.now, k))
                if left:
                    due.at(left.pop(0), next_wait)

            if left:
                due.at(left.pop(0), next_wait)

        for k, ds in enumerate(delays):
            waits(k, list(ds))
        env.run()
        return log

    expected, count = with_simpy(Stepping())
    assert with_drive(RunEnvironment()) == (expected, count)
    assert with_drive(Stepping()) == (expected, count)  # Drive needs no RunEnvironment
    assert [k for _, k in with_due(RunEnvironment())] == [k for _, k in expected]


def test_a_due_is_scheduled_once_at_a_time() -> None:
    env = RunEnvironment()
    due = Due(env)
    seen = []
    due.at(1, lambda ev: seen.append((env.now, ev.value)), "a")
    with pytest.raises(RuntimeError, match="already scheduled"):
        due.at(2, lambda ev: None)
    env.run()
    due.at(2, lambda ev: seen.append((env.now, ev.value)), "b")  # processed: free again
    with pytest.raises(ValueError, match="negative"):
        Due(env).at(-1, lambda ev: None)
    env.run()
    assert seen == [(1, "a"), (3, "b")]
