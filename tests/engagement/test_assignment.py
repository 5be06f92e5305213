"""Weapon-target assignment: greedy vs optimal on hand-solvable cases, magazines, doctrine."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from iadsim.engagement.assignment import (
    WTAProblem,
    assign,
    assign_greedy,
    assign_optimal,
    reassign,
)
from iadsim.errors import ValueRangeError


def test_greedy_vs_optimal_hand_case() -> None:
    # greedy grabs S300-T1 (0.9) and leaves Buk with T2 only at 0.1; optimal swaps:
    # S300-T2 0.8 + Buk-T1 0.85 = 1.65 > 0.9 + 0.1 = 1.0
    p = WTAProblem.build(["S300", "Buk"], ["T1", "T2"], [[0.9, 0.8], [0.85, 0.1]])
    g = assign_greedy(p)
    o = assign_optimal(p)
    assert set(g.pairs) == {("S300", "T1"), ("Buk", "T2")}
    assert g.linear_value == pytest.approx(1.0)
    assert set(o.pairs) == {("S300", "T2"), ("Buk", "T1")}
    assert o.linear_value == pytest.approx(1.65) and o.expected_value == pytest.approx(1.65)
    assert not o.is_assigned("S300", "T1") and o.is_assigned("Buk", "T1")


def test_feasibility_values_and_magazines() -> None:
    pk = np.full((2, 3), 0.5)
    feas = np.array([[True, True, True], [False, False, True]])
    # unit A has 2 channels but only 3 missiles at 2 shots per engagement -> 1 slot
    p = WTAProblem.build(
        ["A", "B"],
        ["T1", "T2", "T3"],
        pk,
        target_value=[1.0, 3.0, 2.0],
        feasible=feas,
        channels=[2, 1],
        missiles=[3, 4],
        shots_per_engagement=2,
    )
    assert list(p.slots) == [1, 1]
    o = assign_optimal(p)
    assert set(o.pairs) == {("A", "T2"), ("B", "T3")}
    assert o.unassigned_targets == ("T1",)
    # with 4 missiles A gets two slots and takes T1 too
    p2 = WTAProblem.build(
        ["A", "B"],
        ["T1", "T2", "T3"],
        pk,
        [1.0, 3.0, 2.0],
        feas,
        channels=[2, 1],
        missiles=[4, 4],
        shots_per_engagement=2,
    )
    assert set(assign_optimal(p2).pairs) == {("A", "T1"), ("A", "T2"), ("B", "T3")}
    # greedy: A-T2 (1.5), then the A-T3 / B-T3 tie (1.0) goes to A, leaving B idle
    g2 = assign_greedy(p2)
    assert set(g2.pairs) == {("A", "T2"), ("A", "T3")}
    assert g2.linear_value == pytest.approx(2.5) and assign_optimal(p2).linear_value == 3.0
    empty = WTAProblem.build(["A"], ["T"], [[0.9]], missiles=0)
    assert assign(empty).pairs == () and assign(empty, "greedy").pairs == ()


def brute_force(p: WTAProblem) -> float:
    """Best linear value over every feasible 0/1 matrix (tiny problems only)."""
    u, t = p.pk.shape
    kv = p.kill_value
    best = 0.0
    for bits in itertools.product([0, 1], repeat=u * t):
        x = np.array(bits, dtype=bool).reshape(u, t)
        if (x & ~p.feasible).any():
            continue
        if (x.sum(1) > p.slots).any() or (x.sum(0) > p.max_units_per_target).any():
            continue
        best = max(best, float(kv[x].sum()))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_optimal_matches_brute_force_with_doctrine(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = WTAProblem.build(
        ["U1", "U2", "U3"],
        ["T1", "T2", "T3"],
        rng.uniform(0.05, 0.95, (3, 3)),
        rng.uniform(0.5, 2.0, 3),
        feasible=rng.random((3, 3)) < 0.8,
        channels=rng.integers(1, 3, 3),
        max_units_per_target=2 if seed % 2 else 1,
    )
    o = assign_optimal(p)
    assert o.linear_value == pytest.approx(brute_force(p))
    assert (o.matrix.sum(1) <= p.slots).all()
    assert (o.matrix.sum(0) <= p.max_units_per_target).all()
    assert not (o.matrix & ~p.feasible).any()
    g = assign_greedy(p)
    assert g.linear_value <= o.linear_value + 1e-12


def test_doctrine_two_shooters_greedy_marginal() -> None:
    # one target worth 1, two units pk 0.5 each, doctrine allows two shooters
    p = WTAProblem.build(["A", "B"], ["T"], [[0.5], [0.5]], max_units_per_target=2)
    g = assign_greedy(p)
    assert g.units_on("T") == ("A", "B") and g.expected_value == pytest.approx(0.75)
    one = WTAProblem.build(["A", "B"], ["T"], [[0.5], [0.5]], max_units_per_target=1)
    assert len(assign_optimal(one).pairs) == 1


def test_reassignment_when_unit_drops_out() -> None:
    p = WTAProblem.build(
        ["S300", "Buk", "Pechora"],
        ["T1", "T2"],
        [[0.9, 0.3], [0.2, 0.8], [0.6, 0.5]],
    )
    o = assign_optimal(p)
    assert set(o.pairs) == {("S300", "T1"), ("Buk", "T2")}
    r = reassign(p, ["S300"], previous=o)
    assert set(r.pairs) == {("Buk", "T2"), ("Pechora", "T1")}  # Buk keeps its engagement
    fresh = reassign(p, ["Buk"])
    assert set(fresh.pairs) == {("S300", "T1"), ("Pechora", "T2")}
    assert fresh.targets_of("Buk") == ()


def test_bad_inputs() -> None:
    with pytest.raises(ValueRangeError):
        WTAProblem.build(["A"], ["T"], [[1.5]])
    with pytest.raises(ValueRangeError):
        assign(WTAProblem.build(["A"], ["T"], [[0.5]]), "random")  # type: ignore[arg-type]
