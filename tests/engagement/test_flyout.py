"""Flyout against the closed-form hand computation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iadsim.engagement.flyout import Flyout
from iadsim.errors import ValueRangeError

# boost 2 s at 100 m/s^2 from rest: v_b = 200 m/s, s_b = 200 m; coast with k = 1e-3 /m
F = Flyout(boost_time_s=2.0, boost_accel_mps2=100.0, drag_k_per_m=1e-3, max_time_s=60.0)


def test_boost_by_hand():
    assert F.speed_at(1.0) == pytest.approx(100.0)
    assert F.range_at(1.0) == pytest.approx(50.0)
    assert F.burnout_speed_mps == pytest.approx(200.0)
    assert F.burnout_range_m == pytest.approx(200.0)


def test_coast_by_hand():
    # tau = 3 s: v = 200 / (1 + 1e-3 * 200 * 3) = 125 m/s; s = 200 + ln(1.6) / 1e-3
    assert F.speed_at(5.0) == pytest.approx(125.0)
    assert F.range_at(5.0) == pytest.approx(200.0 + 1000.0 * math.log(1.6))
    assert F.range_at(5.0) == pytest.approx(670.0036, abs=1e-3)


def test_time_of_flight_matches_closed_form():
    t = np.linspace(0.0, F.end_time_s, 997)
    r = F.range_at(t)
    np.testing.assert_allclose(F.time_of_flight(r), t, atol=2e-3)
    np.testing.assert_allclose(F.time_of_flight_exact(r), t, atol=1e-9)
    # hand value: 670.0036 m takes 5 s
    assert F.time_of_flight(670.0036) == pytest.approx(5.0, abs=1e-3)


def test_min_speed_ends_flight_and_sets_max_range():
    g = Flyout(2.0, 100.0, 1e-3, min_speed_mps=100.0, max_time_s=60.0)
    # 200 -> 100 m/s takes tau = (1/100 - 1/200) / 1e-3 = 5 s; range 200 + ln(2) / 1e-3
    assert g.end_time_s == pytest.approx(7.0)
    assert g.max_range_m == pytest.approx(200.0 + 1000.0 * math.log(2.0))
    assert np.isnan(g.time_of_flight(g.max_range_m + 1.0))
    assert np.isnan(g.time_of_flight(-1.0))
    assert g.time_of_flight(g.max_range_m) == pytest.approx(7.0, abs=1e-6)
    assert g.reach_at(100.0) == pytest.approx(g.max_range_m)


def test_no_drag_is_constant_speed_coast():
    g = Flyout(0.0, 0.0, 0.0, launch_speed_mps=1000.0, max_time_s=30.0)
    assert g.max_range_m == pytest.approx(30000.0)
    assert g.time_of_flight(12345.0) == pytest.approx(12.345, abs=1e-6)
    assert g.average_speed(5000.0) == pytest.approx(1000.0)


def test_notional_long_range_sam_orders_of_magnitude():
    sam = Flyout(12.0, 170.0, 2.1e-5, min_speed_mps=400.0, max_time_s=200.0)
    assert 80e3 < sam.max_range_m < 100e3
    assert 1900 < sam.burnout_speed_mps < 2100


@settings(max_examples=40, deadline=None)
@given(
    tb=st.floats(0.5, 15.0),
    a=st.floats(20.0, 300.0),
    k=st.floats(1e-6, 1e-3),
    frac=st.floats(0.0, 1.0),
)
def test_table_inverse_close_to_exact(tb, a, k, frac):
    f = Flyout(tb, a, k, max_time_s=120.0)
    r = frac * f.max_range_m
    assert f.time_of_flight(r) == pytest.approx(f.time_of_flight_exact(r), rel=1e-3, abs=1e-3)


def test_bad_flyouts_refused():
    with pytest.raises(ValueRangeError):
        Flyout(0.0, 0.0, 1e-4)  # never moves
    with pytest.raises(ValueRangeError):
        Flyout(2.0, 100.0, 1e-3, min_speed_mps=300.0)  # min speed above burnout speed
