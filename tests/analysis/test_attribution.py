"""Attribution: Shapley values and counterfactuals on toy outcomes with closed-form answers."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from iadsim.analysis.attribution import (
    attribute,
    estimate,
    shapley_from_table,
)
from iadsim.errors import ValueRangeError
from iadsim.report.attribution import format_text

GROUPS = ("connectivity", "storage", "maintenance", "crews", "suppression", "strikes")
EFFECT = dict(zip(GROUPS, [0.30, 0.15, 0.05, 0.10, -0.02, 0.07], strict=True))


def additive(active: frozenset[str], seed: int) -> float:
    """Noise shared across subsets (common random numbers) plus independent group effects."""
    noise = np.random.default_rng(seed).normal(0.0, 0.1)
    return 0.05 + noise + sum(EFFECT[g] for g in active)


def test_additive_shapley_equals_individual_effects() -> None:
    a = attribute(additive, GROUPS, n_replications=5, root_seed=1)
    for g in GROUPS:
        e = a.effect(g)
        assert e.shapley.mean == pytest.approx(EFFECT[g], abs=1e-12)
        assert e.one_at_a_time.mean == pytest.approx(EFFECT[g], abs=1e-12)
        assert e.leave_one_out.mean == pytest.approx(EFFECT[g], abs=1e-12)
        # common random numbers: the noise cancels, so the interval has zero width
        assert e.shapley.hi - e.shapley.lo == pytest.approx(0.0, abs=1e-12)
    assert a.total.mean == pytest.approx(sum(EFFECT.values()))
    assert a.interaction.mean == pytest.approx(0.0, abs=1e-12)
    assert math.fsum(e.shapley.mean for e in a.effects) == a.total.mean
    assert sum(e.share for e in a.effects) == pytest.approx(1.0)


def test_pure_interaction_is_split_equally() -> None:
    def product(active: frozenset[str], seed: int) -> float:
        x = 1.0 if "x" in active else 0.0
        y = 1.0 if "y" in active else 0.0
        return x * y

    a = attribute(product, ["x", "y", "z"], seeds=[1, 2])
    assert a.effect("x").shapley.mean == pytest.approx(0.5)
    assert a.effect("y").shapley.mean == pytest.approx(0.5)
    assert a.effect("z").shapley.mean == pytest.approx(0.0)
    assert a.effect("x").one_at_a_time.mean == 0.0 and a.effect("x").leave_one_out.mean == 1.0
    assert a.interaction.mean == pytest.approx(1.0)


def test_any_of_two_fixes_is_enough() -> None:
    # outcome 1 if either fix is applied (OR): Shapley 0.5 each, total 1
    def either(active: frozenset[str], seed: int) -> float:
        return float(bool(active & {"links", "storage"}))

    a = attribute(either, ["links", "storage"], seeds=[0])
    assert [e.shapley.mean for e in a.effects] == [0.5, 0.5]
    assert a.interaction.mean == pytest.approx(-1.0)


def test_efficiency_per_replication_on_random_games() -> None:
    rng = np.random.default_rng(0)
    for k in (1, 3, 5, 8):
        table = rng.normal(size=(4, 1 << k))
        phi = shapley_from_table(table, k)
        for i in range(4):
            assert math.fsum(phi[i]) == pytest.approx(table[i, -1] - table[i, 0], abs=1e-12)


def test_noisy_binary_outcome_ci_and_crn() -> None:
    def engaged(active: frozenset[str], seed: int) -> float:
        u = np.random.default_rng(seed).random()
        p = 0.1 + 0.4 * ("links" in active) + 0.3 * ("readiness" in active) * ("links" in active)
        return float(u < p)

    calls: list[tuple[frozenset[str], int]] = []

    def spy(active: frozenset[str], seed: int) -> float:
        calls.append((active, seed))
        return engaged(active, seed)

    a = attribute(spy, ["links", "readiness"], n_replications=400, root_seed=5)
    assert len(calls) == 400 * 4
    assert len({s for _, s in calls}) == 400  # each seed used for all 4 subsets
    # closed form for the mean game: v(L)=0.5, v(R)=0.1, v(LR)=0.8, v({})=0.1
    # phi_L = 0.5*(0.4) + 0.5*(0.7) = 0.55, phi_R = 0.5*0 + 0.5*0.3 = 0.15
    assert a.total.lo < 0.7 < a.total.hi
    assert a.effect("links").shapley.lo < 0.55 < a.effect("links").shapley.hi
    assert a.effect("readiness").shapley.lo < 0.15 < a.effect("readiness").shapley.hi
    assert math.fsum(e.shapley.mean for e in a.effects) == a.total.mean
    b = attribute(
        engaged,
        ["links", "readiness"],
        n_replications=400,
        root_seed=5,
        ci_method="bootstrap",
        mapper=ThreadPoolExecutor(2).map,
    )
    assert b.effect("links").shapley.mean == a.effect("links").shapley.mean
    assert b.effect("links").shapley.lo < 0.55 < b.effect("links").shapley.hi
    text = format_text(a)
    assert "links" in text and "total" in text
    assert a.to_dict()["effects"][0]["group"] == "links"


def test_estimate_and_errors() -> None:
    e = estimate(np.array([1.0, 2.0, 3.0]))
    assert e.mean == 2.0 and e.lo < 2.0 < e.hi
    assert math.isnan(estimate(np.array([1.0])).lo)
    with pytest.raises(ValueRangeError):
        attribute(additive, [f"g{i}" for i in range(9)], seeds=[0])
    with pytest.raises(ValueRangeError):
        attribute(additive, ["a", "a"], seeds=[0])
    with pytest.raises(ValueRangeError):
        attribute(additive, ["a"])
