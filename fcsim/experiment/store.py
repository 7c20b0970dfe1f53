"""The run store of an output folder: one file per finished run and a manifest, for `--resume`.

Place in the flow: the run step of the pipeline (`fcsim.experiment.pipeline`) asks the store
which runs of a plan are already done, runs the others, and stores each result as soon as it
comes back; the results of the runs already done are read back from the store. A run is
identified by `spec_hash`, a hash of its resolved `RunSpec` (validated scenario content,
strategy, replication, seed, overrides, fcsim version), so a resumed run or sweep skips exactly
the runs already done and runs each missing one once: nothing lost, nothing duplicated.

Layout, inside the output folder:

    .fcsim/manifest.jsonl     one JSON line per finished run: {"hash", "status", ...}
    .fcsim/runs/<hash>.pkl    the `RunResult` of a successful run (pickle, written by fcsim)

Crash safety: a result file is written to a temporary name and renamed into place, then its
manifest line is appended and flushed to disk. A process killed at any point leaves at worst a
result file without its line (the run is simply done again) or a truncated last line (ignored).
A damaged line elsewhere (not UTF-8, not JSON) is skipped and named (`unreadable`: the pipeline
reports it), its run done again; every readable line is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fcsim import __version__

if TYPE_CHECKING:
    from fcsim.experiment.runs import RunResult, RunSpec

STORE_DIR = ".fcsim"
MANIFEST = "manifest.jsonl"


def spec_hash(spec: RunSpec, scenario_hash: str | None = None) -> str:
    """SHA-256 (hex, 32 characters kept) of everything a run's result depends on.

    `scenario_hash` is `spec.scenario.content_hash()` when the caller already has it.
    """
    key = {
        "scenario": scenario_hash or spec.scenario.content_hash(),
        "strategy": spec.strategy,
        "replication": spec.replication,
        "seed": spec.seed,
        "overrides": list(spec.overrides),
        "fcsim": __version__,
    }
    if spec.trace:  # a run without its trace does not stand for one with it
        key["trace"] = True
    if spec.cut_short is not None:  # a run that may stop early stands for no other
        key["cut_short"] = dataclasses.asdict(spec.cut_short)
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Entry:
    """One manifest line."""

    hash: str
    status: str  # "done" or "failed"
    info: dict[str, Any]


class RunStore:
    """Finished runs of one output folder, keyed by `spec_hash`."""

    def __init__(self, out: Path, resume: bool = False) -> None:
        """Open the store of `out`; without `resume`, previous runs there are forgotten."""
        self.folder = out / STORE_DIR
        self.runs = self.folder / "runs"
        self.manifest = self.folder / MANIFEST
        self.unreadable: list[int] = []  # manifest lines that could not be read (1-based)
        if not resume and self.folder.exists():
            shutil.rmtree(self.folder)
        self.entries: dict[str, Entry] = self._read() if resume else {}

    # ------------------------------------------------------------------ reading
    def _read(self) -> dict[str, Entry]:
        """The entries of the manifest; a line that cannot be read is skipped (its run is done
        again) and its number kept in `unreadable`, every other entry is kept."""
        entries: dict[str, Entry] = {}
        if not self.manifest.is_file():
            return entries
        raw = self.manifest.read_bytes()
        if raw and not raw.endswith(b"\n"):  # cut short: the next line must start afresh
            with self.manifest.open("ab") as fh:
                fh.write(b"\n")
        lines = raw.split(b"\n")
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line.decode("utf-8"))
                entry = Entry(str(doc["hash"]), str(doc["status"]), doc)
            except (ValueError, KeyError, TypeError, RecursionError):
                # not UTF-8, not JSON, or a line cut short by a killed process
                if number < len(lines) or raw.endswith(b"\n"):
                    self.unreadable.append(number)
                continue
            entries[entry.hash] = entry
        return entries

    def is_done(self, h: str) -> bool:
        """True when the run `h` finished successfully and its result file is there."""
        e = self.entries.get(h)
        return e is not None and e.status == "done" and self._path(h).is_file()

    def load(self, h: str) -> RunResult | None:
        """The stored result of run `h`, or None when it is unreadable or from older code."""
        from fcsim.experiment.runs import RunResult

        try:
            with self._path(h).open("rb") as fh:
                obj = pickle.load(fh)
        except Exception:
            return None
        if not isinstance(obj, RunResult) or any(
            not hasattr(obj, f.name) for f in fields(RunResult)
        ):
            return None
        return obj

    def _path(self, h: str) -> Path:
        return self.runs / f"{h}.pkl"

    # ------------------------------------------------------------------ writing
    def put(self, h: str, spec: RunSpec, result: RunResult) -> None:
        """Store a successful run: result file first, then its manifest line."""
        self.runs.mkdir(parents=True, exist_ok=True)
        path = self._path(h)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self._append(Entry(h, "done", _describe(spec) | {"wall_s": result.wall_s}))

    def put_failure(self, h: str, spec: RunSpec, message: str) -> None:
        """Record a failed run (it is run again by `--resume`)."""
        self._append(Entry(h, "failed", _describe(spec) | {"message": message}))

    def _append(self, entry: Entry) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        doc = {"hash": entry.hash, "status": entry.status} | {
            k: v for k, v in entry.info.items() if k not in ("hash", "status")
        }
        with self.manifest.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(doc, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.entries[entry.hash] = Entry(entry.hash, entry.status, doc)


def _describe(spec: RunSpec) -> dict[str, Any]:
    return {
        "scenario": spec.scenario.name,
        "strategy": spec.strategy,
        "replication": spec.replication,
        "seed": spec.seed,
        "overrides": list(spec.overrides),
    }
