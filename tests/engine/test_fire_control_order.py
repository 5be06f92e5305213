"""The aircraft a unit weighs at a decision (`launch_plan.FireControlOrder`): those at fire
control then, nearest first, ties by aircraft index; against a plain sort, and again after
an outcome rewrites the chain from an index on (what `Fight.rechain` does)."""

from types import SimpleNamespace

import numpy as np

from iadsim.engine.launch_plan import FireControlOrder
from iadsim.killchain import Stage


def _reference(stage: np.ndarray, range_m: np.ndarray, k: int) -> list[int]:
    at = [a for a in range(stage.shape[0]) if stage[a, k] == Stage.FIRE_CONTROL]
    return sorted(at, key=lambda a: (range_m[a, k], a))


def _chain(rng, n_aircraft=9, n_times=40):
    stage = rng.integers(-1, int(Stage.FIRE_CONTROL) + 2, size=(n_aircraft, n_times)).astype(
        np.int8
    )
    # coarse ranges: many ties, broken by the aircraft index
    range_m = rng.integers(1, 5, size=(n_aircraft, n_times)).astype(float) * 1000.0
    return SimpleNamespace(
        stage=stage, geo=SimpleNamespace(range_m=range_m), candidates=_candidates(stage)
    )


def _candidates(stage: np.ndarray) -> np.ndarray:
    return np.flatnonzero((stage == Stage.FIRE_CONTROL).any(axis=0))


def test_nearest_first_ties_by_index_against_a_plain_sort():
    rng = np.random.default_rng(7)
    for _ in range(50):
        chain = _chain(rng)
        order = FireControlOrder(chain)
        for k in rng.permutation(chain.stage.shape[1]):
            want = _reference(chain.stage, chain.geo.range_m, int(k))
            assert list(order.get(int(k), ())) == want
            assert order.get(int(k), "none") == (want or "none")  # the default when none


def test_a_rewritten_chain_is_sorted_again_from_its_index_on_only():
    rng = np.random.default_rng(11)
    for _ in range(30):
        chain = _chain(rng)
        order = FireControlOrder(chain)
        n_times = chain.stage.shape[1]
        before = [list(order.get(k, ())) for k in range(n_times)]
        k0 = int(rng.integers(0, n_times))
        chain.stage[:, k0:] = _chain(rng).stage[:, k0:]  # in place, as the fight does
        chain.candidates = _candidates(chain.stage)
        order.resort_from(chain, k0)
        for k in range(n_times):
            want = _reference(chain.stage, chain.geo.range_m, k)
            assert list(order.get(k, ())) == want
            if k < k0:
                assert want == before[k]
