"""Attribution arithmetic against closed forms: a game written as a sum of unanimity games has
Shapley values sum_T c_T/|T| and interaction indices sum_T c_T/(|T|-1) (Harsanyi dividends),
computed here independently of the implementation, and matched exactly with Fractions."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

import numpy as np
import pytest

from iadsim.analysis.attribution import (
    analyse,
    effect_matrices,
    interaction_matrix,
    pairs_of,
    replications_needed,
    shapley_matrix,
)
from iadsim.errors import ValueRangeError

GROUPS = ("a", "b", "c", "d")
# Harsanyi dividends: coalition -> coefficient of its unanimity game
DIVIDENDS = {
    frozenset("a"): F(3),
    frozenset("b"): F(2),
    frozenset("ab"): F(5),
    frozenset("bcd"): F(7),
    frozenset("abcd"): F(11),
    frozenset("cd"): F(-4, 3),
}


def game(coalition: frozenset[str]) -> F:
    return sum((c for t, c in DIVIDENDS.items() if t <= coalition), F(0))


def table_of(k_groups=GROUPS) -> np.ndarray:
    row = [
        game(frozenset(g for i, g in enumerate(k_groups) if m >> i & 1))
        for m in range(1 << len(k_groups))
    ]
    return np.array(row, dtype=object)


def test_shapley_values_match_the_closed_form_exactly() -> None:
    phi = table_of() @ shapley_matrix(4, exact=True)
    expected = [sum((c / len(t) for t, c in DIVIDENDS.items() if g in t), F(0)) for g in GROUPS]
    assert list(phi) == expected  # a = 3 + 5/2 + 11/4, ...
    assert phi[0] == F(3) + F(5, 2) + F(11, 4)


def test_interaction_indices_match_the_closed_form_exactly() -> None:
    inter = table_of() @ interaction_matrix(4, exact=True)
    for p, (i, j) in enumerate(pairs_of(4)):
        pair = {GROUPS[i], GROUPS[j]}
        expected = sum((c / (len(t) - 1) for t, c in DIVIDENDS.items() if pair <= t), F(0))
        assert inter[p] == expected, (GROUPS[i], GROUPS[j])
    # c x d: only bcd (7/2), abcd (11/3) and cd (-4/3)
    assert inter[pairs_of(4).index((2, 3))] == F(7, 2) + F(11, 3) - F(4, 3)


def test_additivity_holds_exactly_without_any_fix_up() -> None:
    v = table_of()
    phi = v @ shapley_matrix(4, exact=True)
    assert sum(phi, F(0)) == v[-1] - v[0]
    # in floating point on random games, to rounding only (nothing adjusted afterwards)
    rng = np.random.default_rng(5)
    for k in (1, 2, 3, 5, 8):
        w = shapley_matrix(k)
        vals = rng.normal(size=(50, 1 << k)) * 10
        phi = vals @ w
        assert np.allclose(phi.sum(axis=1), vals[:, -1] - vals[:, 0], rtol=0, atol=1e-9)
    # a wrong weight breaks it: the check can fail
    w = shapley_matrix(3)
    w[0, 0] += 1e-3
    vals = rng.normal(size=(5, 8))
    assert not np.allclose((vals @ w).sum(axis=1), vals[:, -1] - vals[:, 0], atol=1e-9)


def test_main_and_total_effects_are_fix_alone_and_break_alone() -> None:
    v = np.array([float(x) for x in table_of()])
    main, tot = effect_matrices(4)
    for i, g in enumerate(GROUPS):
        alone = sum(float(c) for t, c in DIVIDENDS.items() if t == frozenset(g))
        assert v @ main[:, i] == pytest.approx(alone, abs=1e-12)
        broken = sum(float(c) for t, c in DIVIDENDS.items() if g in t)
        assert v @ tot[:, i] == pytest.approx(broken, abs=1e-12)


def test_analyse_on_replications_with_common_noise() -> None:
    """Noise shared by all subsets of a replication cancels in every difference: intervals of
    zero width around the closed-form values."""
    base = np.array([float(x) for x in table_of()])
    noise = np.random.default_rng(1).normal(0, 3, size=(40, 1))
    a = analyse(base[None, :] + noise, GROUPS)
    total = float(game(frozenset(GROUPS)))
    assert a.total.mean == pytest.approx(total)
    for g in GROUPS:
        exact = float(sum((c / len(t) for t, c in DIVIDENDS.items() if g in t), F(0)))
        assert a.shapley[g].mean == pytest.approx(exact, abs=1e-9)
        assert a.shapley[g].half_width == pytest.approx(0.0, abs=1e-9)
        assert a.share[g].mean == pytest.approx(exact / total, abs=1e-12)
    assert math.fsum(a.share[g].mean for g in GROUPS) == pytest.approx(1.0, abs=1e-12)


def test_bootstrap_interval_has_the_width_of_the_standard_error() -> None:
    """One group whose effect varies by replication: the share of a single group is 1, and its
    Shapley interval's half-width is close to 1.96 sd/sqrt(n)."""
    rng = np.random.default_rng(7)
    n = 400
    effect = rng.normal(2.0, 1.0, size=n)
    table = np.stack([np.zeros(n), effect], axis=1)
    a = analyse(table, ("links",))
    se = effect.std(ddof=1) / math.sqrt(n)
    assert a.shapley["links"].half_width == pytest.approx(1.96 * se, rel=0.12)
    assert a.share["links"].mean == 1.0 and a.share["links"].half_width < 1e-12


def test_replications_needed_scales_with_the_square_of_the_width() -> None:
    rng = np.random.default_rng(3)
    n = 30
    x = rng.normal(1.0, 1.0, size=(n, 1))
    y = rng.normal(1.0, 1.0, size=(n, 1))
    table = np.hstack([np.zeros((n, 1)), x, y, x + y + rng.normal(0, 1, (n, 1))])
    a = analyse(table, ("p", "q"))
    hw = a.max_share_half_width
    need = replications_needed(a, hw / 2, n_max=10_000)
    assert 4 * n <= need <= 5 * n
    assert replications_needed(a, hw / 2, n_max=50) == 50
    assert replications_needed(a, hw * 2, n_max=10_000) == n


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueRangeError):
        analyse(np.zeros((5, 3)), ("a", "b"))
    with pytest.raises(ValueRangeError):
        analyse(np.zeros((5, 4)), ("a", "a"))
    with pytest.raises(ValueRangeError):
        shapley_matrix(9)
    with pytest.raises(ValueRangeError):
        analyse(np.full((5, 2), np.nan), ("a",))


def test_symmetric_players_get_equal_values_and_dummies_zero() -> None:
    # v(S) = 1 if S holds both x and y; z is a dummy
    k = 3
    v = np.array([F(int(m & 0b011 == 0b011)) for m in range(1 << k)], dtype=object)
    phi = v @ shapley_matrix(k, exact=True)
    assert list(phi) == [F(1, 2), F(1, 2), F(0)]
    inter = v @ interaction_matrix(k, exact=True)
    assert list(inter) == [F(1), F(0), F(0)]
    assert list(itertools.chain(pairs_of(3))) == [(0, 1), (0, 2), (1, 2)]
