"""Deterministic random streams: one SeedSequence per replication, one named child per purpose.

A stream is keyed by a stable hash of its name (e.g. "radar:EW-1:detection"), not by the
order in which streams are created, so adding an entity never shifts anyone else's draws and
two what-if variants of a scenario share common random numbers.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=65536)
def _name_key(name: str) -> tuple[int, ...]:
    """Four 32-bit words from a BLAKE2b digest of the name: stable across runs and platforms.
    Memoised: the replications of a scenario ask for the same few hundred names."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def replication_seed(root_seed: int, index: int) -> int:
    """The seed of replication `index` in a batch started from `root_seed` (independent streams)."""
    seq = np.random.SeedSequence(entropy=root_seed, spawn_key=(index,))
    return int(seq.generate_state(2, dtype=np.uint64)[0] >> np.uint64(1))


class RngStreams:
    """Factory of named, independent numpy Generators for one replication."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._cache: dict[str, np.random.Generator] = {}

    def stream(self, name: str) -> np.random.Generator:
        """The generator for `name`; the same object on every call within a replication."""
        gen = self._cache.get(name)
        if gen is None:
            seq = np.random.SeedSequence(entropy=self.seed, spawn_key=_name_key(name))
            gen = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = gen
        return gen
