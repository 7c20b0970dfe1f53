"""Named random streams: one master seed, one independent generator per purpose and replication.

Place in the flow: `fcsim.experiment.runs.simulate` creates `Streams(seed, replication)`; each
module asks for the stream of its purpose (`"demand"`, `"pick"`, `"transit"`, ...). A purpose's
stream does not depend on the strategy being simulated, so strategies see identical orders and
identical customer behaviour (common random numbers). Never the global `random` or `np.random`
state.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

FIXED = -1
"""Replication number of streams shared by every replication (e.g. the catalogue)."""


@lru_cache(maxsize=1024)
def purpose_key(purpose: str) -> int:
    """A stable 63-bit integer for a purpose name (not Python's salted `hash`)."""
    return int.from_bytes(hashlib.blake2b(purpose.encode(), digest_size=8).digest(), "big") >> 1


class Streams:
    """Independent numpy generators keyed by purpose, for one seed and replication."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._cache: dict[str, np.random.Generator] = {}

    def rng(self, purpose: str) -> np.random.Generator:
        """The generator of `purpose` (created on first use, then advanced by each draw)."""
        gen = self._cache.get(purpose)
        if gen is None:
            ss = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.replication + 1, purpose_key(purpose))
            )
            gen = self._cache[purpose] = np.random.Generator(np.random.PCG64(ss))
        return gen

    def uniform(self, purpose: str, shape: int | tuple[int, ...]) -> np.ndarray:
        """Uniforms in [0, 1) from a fresh generator of `purpose` (same call, same numbers)."""
        ss = np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replication + 1, purpose_key(purpose), 1)
        )
        return np.random.Generator(np.random.PCG64(ss)).random(shape)

    def keyed(self, purpose: str, *keys: np.ndarray | int) -> np.ndarray:
        """Uniforms in [0, 1), one per element of the broadcast `keys` (counter-based).

        The value for a given (seed, replication, purpose, keys) never depends on which other
        elements are asked for, nor in which order: an order's transit noise is the same whether
        the strategy ships it first or last, alone or with others (common random numbers).
        """
        base = _mix(self.seed, self.replication + 1, purpose_key(purpose))
        small = _small_keys(keys)
        if small is not None:  # a few keys: Python integers beat numpy's per-call overhead
            if small == 0:
                return np.float64(_keyed_scalar(base, keys))
            cols = [k.tolist() if isinstance(k, np.ndarray) else [k] * small for k in keys]
            return np.array([_keyed_scalar(base, row) for row in zip(*cols, strict=True)])
        x = np.uint64(base)
        with np.errstate(over="ignore"):
            for i, k in enumerate(keys):
                k = np.asarray(k).astype(np.uint64)
                x = _splitmix(x ^ (k * np.uint64(_GOLDEN[i % len(_GOLDEN)])))
            x = _splitmix(x)
        return (np.asarray(x) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)

    @staticmethod
    def fixed(seed: int, purpose: str) -> np.random.Generator:
        """A generator shared by every replication (scenario structure, not noise)."""
        return Streams(seed, FIXED).rng(purpose)


_GOLDEN = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)


def _splitmix(x: np.ndarray | np.uint64) -> np.ndarray:
    """SplitMix64 finaliser (Steele, Lea & Flood 2014), vectorised on uint64 (wrapping)."""
    x = np.asarray(x, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@lru_cache(maxsize=1024)
def _mix(*parts: int) -> int:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


_MASK = (1 << 64) - 1
_SMALL = 16
"""Up to this many keys, `keyed` computes in Python integers instead of numpy arrays."""


def _small_keys(keys: tuple[np.ndarray | int, ...]) -> int | None:
    """0 when every key is a Python or numpy integer; n when the array keys are 1-d integer
    arrays of one length n <= `_SMALL` (the rest integers); None otherwise."""
    n = 0
    for k in keys:
        if isinstance(k, np.ndarray):
            if k.ndim != 1 or k.dtype.kind not in "iu" or not 0 < len(k) <= _SMALL:
                return None
            if n and len(k) != n:
                return None
            n = len(k)
        elif not isinstance(k, int | np.integer):
            return None
    return n


def _splitmix_int(x: int) -> int:
    """`_splitmix` on one Python int (same bits, without numpy's per-call overhead)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _keyed_scalar(base: int, keys: tuple[int | np.integer, ...] | tuple[int, ...]) -> float:
    """`Streams.keyed` for scalar keys, in Python integers (bit-identical to the numpy path)."""
    x = base
    for i, k in enumerate(keys):
        x = _splitmix_int(x ^ ((int(k) & _MASK) * _GOLDEN[i % len(_GOLDEN)] & _MASK))
    x = _splitmix_int(x)
    return float(x >> 11) * (1.0 / 9007199254740992.0)
