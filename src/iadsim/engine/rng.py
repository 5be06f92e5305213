"""Deterministic random streams: one SeedSequence per replication, one named child per purpose.

A stream is keyed by a stable hash of its name (e.g. "radar:EW-1:detection"), not by the
order in which streams are created, so adding an entity never shifts anyone else's draws and
two what-if variants of a scenario share common random numbers.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
from numpy.random.bit_generator import ISeedSequence


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


# numpy's SeedSequence (numpy/random/bit_generator.pyx): its hash constants and shift
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_XSHIFT = 16
_M32 = 0xFFFFFFFF


def _hash_consts(init: int, mult: int, n: int) -> list[int]:
    """The hash constant after each of n steps (it does not depend on the data)."""
    out, h = [], init
    for _ in range(n):
        h = (h * mult) & _M32
        out.append(h)
    return out


_HA = [_INIT_A, *_hash_consts(_INIT_A, _MULT_A, 32)]  # before and after each hashmix
_HB = [_INIT_B, *_hash_consts(_INIT_B, _MULT_B, 8)]  # the same for the output words


def _hashmix(value: int, step: int) -> int:
    """numpy's hashmix of one word at the step-th use of the hash constant."""
    value = ((value ^ _HA[step]) * _HA[step + 1]) & _M32
    return value ^ (value >> _XSHIFT)


def _mix(x, y):
    """numpy's mix of two 32-bit words (ints, or uint64 arrays of them: masked alike)."""
    r = (_MIX_L * x - _MIX_R * y) & _M32
    return r ^ (r >> _XSHIFT)


class _Words(ISeedSequence):
    """A SeedSequence's state words worked out already: PCG64 is seeded from them alone."""

    __slots__ = ("words",)

    def __init__(self, words: np.ndarray):
        self.words = words

    def generate_state(self, n_words, dtype=np.uint64):
        if n_words != self.words.size or np.dtype(dtype) != self.words.dtype:
            raise ValueError("these words seed PCG64 (4 uint64) only")
        return self.words


class _SeedStates:
    """The PCG64 seed words of many named streams of one seed, worked out together.

    numpy's SeedSequence costs about 12 us a stream (its hashing runs word by word under
    np.errstate), a replication asks for a few hundred, and the replications of a scenario
    ask for the same names. The entropy of a stream is the seed's four words, then the
    name's (`RngStreams.stream`), and SeedSequence's hash constants do not depend on the
    data: so the pool after the seed's words is worked out once per seed, each name's hashed
    words once per name, and the rest, mixing them and making the output words, for every
    name known at once as arrays (32-bit words in uint64, masked). `tests/engine/test_rng.py`
    holds the states to numpy's."""

    names: dict[str, int] = {}  # every name asked for so far (in this process)
    rows: list[list[list[int]]] = []  # per name: its 4 words hashed at steps 16..31
    hashed = np.zeros((0, 4, POOL_SIZE), dtype=np.uint64)  # `rows` as an array, when made

    def __init__(self, seed_words: np.ndarray):
        pool = [_hashmix(int(w), i) for i, w in enumerate(seed_words)]
        step = POOL_SIZE
        for i_src in range(POOL_SIZE):
            for i_dst in range(POOL_SIZE):
                if i_src != i_dst:
                    pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], step))
                    step += 1
        self.pool, self.known = pool, len(self.names)
        self.words = self._words() if self.known else None

    @classmethod
    def learn(cls, name: str) -> None:
        """Know `name` from the next seed on: hash its words (steps 16 to 31)."""
        if name not in cls.names:
            words, first = _name_key(name), POOL_SIZE * POOL_SIZE
            cls.rows.append(
                [[_hashmix(w, first + 4 * i + j) for j in range(4)] for i, w in enumerate(words)]
            )
            cls.names[name] = len(cls.names)

    def _words(self) -> np.ndarray:
        """(names known, 4) uint64: each name's PCG64 seed words."""
        if len(_SeedStates.hashed) < self.known:
            _SeedStates.hashed = np.array(self.rows, dtype=np.uint64)
        g = self.hashed[: self.known]
        pool = np.broadcast_to(np.array(self.pool, dtype=np.uint64), (g.shape[0], POOL_SIZE))
        for i_src in range(4):
            pool = _mix(pool, g[:, i_src, :])
        out = np.empty((g.shape[0], 8), dtype=np.uint64)
        for i in range(8):  # generate_state(4, uint64): 8 words, cycling over the pool
            v = ((pool[:, i % POOL_SIZE] ^ _HB[i]) * _HB[i + 1]) & _M32
            out[:, i] = v ^ (v >> _XSHIFT)
        return out.astype("<u4").view("<u8").astype(np.uint64)

    def get(self, name: str) -> np.ndarray | None:
        """The name's PCG64 seed words, None when it was not known at this seed."""
        i = self.names.get(name)
        return None if i is None or i >= self.known else self.words[i]


_last_seed: tuple[int, _SeedStates] | None = None


def _seed_states(seed: int, seed_words: np.ndarray) -> _SeedStates:
    """The seed's `_SeedStates`, kept for the last seed asked (the streams of one
    replication). Names first asked at this seed are known from the next seed on."""
    global _last_seed
    if _last_seed is None or _last_seed[0] != seed:
        _last_seed = (seed, _SeedStates(seed_words))
    return _last_seed[1]


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
            state = None
            if self._seed_words.size == POOL_SIZE:  # seeds below 2**128
                state = _seed_states(self.seed, self._seed_words).get(name)
            if state is None:
                words = np.concatenate((self._seed_words, _name_words(name)))
                seq = np.random.SeedSequence(entropy=words, pool_size=POOL_SIZE)
                _SeedStates.learn(name)
            else:
                seq = _Words(state)
            gen = np.random.Generator(np.random.PCG64(seq))
            self._cache[name] = gen
        return gen
