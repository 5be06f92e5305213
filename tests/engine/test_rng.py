"""Named random streams: stable, independent, and unaffected by other streams."""

import numpy as np

from iadsim.engine.rng import RngStreams, replication_seed


def test_same_name_same_draws_regardless_of_creation_order():
    a = RngStreams(7)
    a.stream("radar:EW-1:detection")
    x = a.stream("unit:SAM:crew").random(5)
    b = RngStreams(7)
    y = b.stream("unit:SAM:crew").random(5)
    np.testing.assert_array_equal(x, y)


def test_different_names_and_seeds_differ():
    s = RngStreams(7)
    assert not np.array_equal(s.stream("a").random(4), s.stream("b").random(4))
    assert not np.array_equal(
        RngStreams(1).stream("a").random(4), RngStreams(2).stream("a").random(4)
    )


def test_replication_seeds_distinct_and_stable():
    seeds = [replication_seed(42, i) for i in range(1000)]
    assert len(set(seeds)) == 1000
    assert seeds[:3] == [replication_seed(42, i) for i in range(3)]


def test_streams_are_numpys_seed_sequence_with_the_name_as_spawn_key():
    """A stream's generator is PCG64 seeded by SeedSequence(entropy=seed, spawn_key=the
    name's four words), built from the assembled words: the same state, for seeds of one,
    two and three 32-bit words and zero."""
    from iadsim.engine.rng import _name_key

    for seed in (0, 1, 7, 2**32 - 1, 2**32, replication_seed(42, 3), 2**64 + 5):
        streams = RngStreams(seed)
        for name in ("radar:EW-1:detection", "unit:SAM:crew", "gun:ZU-1:HELO-1", ""):
            ref = np.random.SeedSequence(entropy=seed, spawn_key=_name_key(name))
            want = np.random.Generator(np.random.PCG64(ref))
            got = streams.stream(name)
            assert got.bit_generator.state == want.bit_generator.state
            np.testing.assert_array_equal(got.random(3), want.random(3))


def test_streams_worked_out_together_equal_numpys_one_by_one():
    """The seed words of the streams known from earlier seeds are worked out together
    (`rng._SeedStates`): the same states as numpy's SeedSequence, for many names and seeds,
    and names first asked at a seed take numpy's own path there."""
    from iadsim.engine import rng

    rs = np.random.default_rng(3)
    names = [f"sensor:R{i}:detect:A{j}" for i in range(7) for j in range(9)] + ["ü:x", "a" * 300]
    seeds = [0, 1, 2**32 - 1, 2**63 + 11, 2**128 - 1] + rs.integers(0, 2**63, 20).tolist()
    for seed in seeds:
        streams = RngStreams(int(seed))
        fresh = f"fresh-at-{seed}"  # unknown until now: numpy's own path
        for name in [*names, fresh]:
            key = rng._name_key(name)
            want = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(entropy=int(seed), spawn_key=key))
            )
            assert streams.stream(name).bit_generator.state == want.bit_generator.state
        batch = rng._seed_states(int(seed), rng._seed_words(int(seed)))
        assert batch.get(names[0]) is not None or seed == seeds[0]  # known after the first
        assert batch.get(fresh) is None
    # beyond four words the seed's words are not the pool: numpy's path, the same states
    big = 2**130 + 7
    want = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(entropy=big, spawn_key=rng._name_key(names[1])))
    )
    assert RngStreams(big).stream(names[1]).bit_generator.state == want.bit_generator.state
