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


@lru_cache(maxsize=65536)
def _name_words(name: str) -> np.ndarray:
    """`_name_key` as a uint32 array (read-only: shared by the replications)."""
    words = np.array(_name_key(name), dtype=np.uint32)
    words.flags.writeable = False
    return words


def _seed_words(seed: int) -> np.ndarray:
    """The words numpy's SeedSequence makes of an integer entropy when a spawn key follows
    it: its 32-bit words, least significant first, padded with zeros to the pool size."""
    words = []
    while True:
        words.append(seed & 0xFFFFFFFF)
        seed >>= 32
        if not seed:
            break
    words += [0] * (POOL_SIZE - len(words))
    return np.array(words, dtype=np.uint32)


POOL_SIZE = 4
"""numpy's SeedSequence pool size (its default, the one every stream uses)."""


def replication_seed(root_seed: int, index: int) -> int:
    """The seed of replication `index` in a batch started from `root_seed` (independent streams)."""
    seq = np.random.SeedSequence(entropy=root_seed, spawn_key=(index,))
    return int(seq.generate_state(2, dtype=np.uint64)[0] >> np.uint64(1))


class RngStreams:
    """Factory of named, independent numpy Generators for one replication."""

    def __init__(self, seed: int):
        if int(seed) < 0:
            raise ValueError(f"a replication seed must be a non-negative integer, got {seed}")
        self.seed = int(seed)
        self._cache: dict[str, np.random.Generator] = {}
        self._seed_words = _seed_words(self.seed)

    def stream(self, name: str) -> np.random.Generator:
        """The generator for `name`; the same object on every call within a replication.

        Its SeedSequence is `SeedSequence(entropy=seed, spawn_key=_name_key(name))`, handed
        the word array it assembles from the two (the seed's words padded to the pool size,
        then the key's): the same pool and the same draws, without coercing the integer and
        the key tuple again for every stream (half the cost of a stream; a replication makes
        a few hundred). `tests/engine/test_rng.py` checks the states are the same."""
        gen = self._cache.get(name)
        if gen is None:
            words = np.concatenate((self._seed_words, _name_words(name)))
            seq = np.random.SeedSequence(entropy=words, pool_size=POOL_SIZE)
            gen = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = gen
        return gen
