"""Maintenance model against hand computations and in the documented directions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from iadsim.errors import ValueRangeError
from iadsim.readiness.maintenance import (
    DEFAULT_PARAMS,
    MaintenanceParams,
    WeibullHazard,
    availability,
    effective_maintenance,
    exit_rates_per_year,
    generator_ODN,
    maintenance_distribution,
    state_probabilities,
    with_regime,
)


def test_no_maintenance_matches_weibull_survival_by_hand():
    """Regime none, 8 years: P(O) = exp(-(8/6)^2 - (8/15)^1.5) = 0.11449..."""
    t = 8.0
    p_o_hand = math.exp(-((8 / 6) ** 2) - (8 / 15) ** 1.5)
    assert p_o_hand == pytest.approx(0.114490, abs=1e-6)
    p = state_probabilities(t, "none", True)
    assert p[0] == pytest.approx(p_o_hand, abs=1e-7)
    # P(D) = int_0^T P_O(s) h_D(s) exp(-kappa (T - s)) ds (no repair), by quadrature
    hd = DEFAULT_PARAMS.degradation

    def p_o(s: float) -> float:
        return math.exp(-hd.cumulative(s) - DEFAULT_PARAMS.failure.cumulative(s))

    p_d_hand, _ = quad(lambda s: p_o(s) * hd.hazard(s) * math.exp(-1.0 * (t - s)), 0, t)
    assert p[1] == pytest.approx(p_d_hand, abs=1e-7)
    assert p.sum() == pytest.approx(1.0)


def test_constant_rates_reach_stationary_distribution_by_hand():
    """beta = 1, long time: pi_D = a pi_O / (mu_D + k), pi_N = (b pi_O + k pi_D) / mu_N."""
    params = MaintenanceParams(
        degradation=WeibullHazard(1.0, 2.0),  # a = 0.5 /yr
        failure=WeibullHazard(1.0, 10.0),  # b = 0.1 /yr
        degraded_failure_per_year=1.0,
    )
    eff = effective_maintenance("minimal", True, params)
    mu_d, mu_n = 365.25 / 90, 365.25 / 240
    assert eff.repair_degraded_per_year == pytest.approx(mu_d)
    a, b, k = 0.5, 0.1, 1.0
    pi_o = 1.0
    pi_d = a * pi_o / (mu_d + k)
    pi_n = (b * pi_o + k * pi_d) / mu_n
    hand = np.array([pi_o, pi_d, pi_n]) / (pi_o + pi_d + pi_n)
    p = state_probabilities(40.0, "minimal", True, params)
    np.testing.assert_allclose(p, hand, atol=1e-8)
    assert availability(40.0, "minimal", True, params) == pytest.approx(hand[0] + hand[1], abs=1e-8)


def test_effective_maintenance_without_support_by_hand():
    eff = effective_maintenance("minimal", False)
    assert eff.restoration_factor == pytest.approx(0.7 + 0.5 * 0.3)
    assert eff.repair_degraded_per_year == pytest.approx(365.25 / (90 * 4))
    assert eff.repair_nmc_per_year == pytest.approx(365.25 / (240 * 4))
    none = effective_maintenance("none", True)
    assert none.repair_nmc_per_year == 0.0 and none.restoration_factor == 1.0


def test_generator_rows_sum_to_zero():
    q = generator_ODN(5.0, effective_maintenance("full", True))
    np.testing.assert_allclose(q.sum(axis=1), 0.0, atol=1e-12)


def test_directions_regime_support_age():
    years = 10.0
    full = availability(years, "full", True)
    minimal = availability(years, "minimal", True)
    none = availability(years, "none", True)
    assert full > minimal > none
    assert availability(years, "minimal", False) < minimal
    assert availability(years, "full", False) < full
    ages = [availability(y, "minimal", False) for y in (0, 2, 5, 10, 15)]
    assert all(x > y for x, y in zip(ages, ages[1:], strict=False))
    assert availability(0.0, "none", False) == 1.0


def test_documented_table_values():
    """The values quoted in docs/readiness.md (10 years since overhaul)."""
    assert availability(10, "full", True) == pytest.approx(0.986, abs=5e-4)
    assert availability(10, "minimal", True) == pytest.approx(0.922, abs=5e-4)
    assert availability(10, "minimal", False) == pytest.approx(0.642, abs=5e-4)
    assert availability(10, "none", True) == pytest.approx(0.071, abs=5e-4)


def test_distribution_and_exit_rates():
    d = maintenance_distribution(10, "minimal", False)
    assert d["in_storage"] == 0.0
    assert d.availability == pytest.approx(availability(10, "minimal", False))
    r = exit_rates_per_year(10, "full", True)
    assert r["not_mission_capable"] == pytest.approx(365.25 / 90)


def test_bad_inputs_refused():
    with pytest.raises(ValueRangeError, match="years since overhaul"):
        state_probabilities(-1.0, "full")
    with pytest.raises(ValueRangeError, match="unknown maintenance regime"):
        state_probabilities(1.0, "weekly")
    with pytest.raises(ValueRangeError, match="beta"):
        WeibullHazard(0.5, 3.0)
    p = with_regime(DEFAULT_PARAMS, "full", restoration_factor=0.5)
    assert p.regimes["full"].restoration_factor == 0.5
    assert DEFAULT_PARAMS.regimes["full"].restoration_factor == 0.3
