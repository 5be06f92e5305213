"""Predicted intercept point by hand, and the fate of a shot."""

import numpy as np
import pytest

from iadsim.engagement.flyout import Flyout
from iadsim.engagement.intercept import aspect_angle_rad, predict_intercept

# constant 1000 m/s missile for 30 s: reach(t) = 1000 t
CONST = Flyout(0.0, 0.0, 0.0, launch_speed_mps=1000.0, max_time_s=30.0)


def test_head_on_by_hand():
    # closing speed 1200 m/s over 10 km -> 8.333 s, point at x = 10000 - 200 * 8.333
    ic = predict_intercept(CONST, [10000.0, 0.0, 0.0], [-200.0, 0.0, 0.0])
    assert ic.feasible
    assert ic.time_s == pytest.approx(10000.0 / 1200.0, abs=1e-6)
    np.testing.assert_allclose(
        ic.point_m, [10000.0 - 200.0 * 10000.0 / 1200.0, 0.0, 0.0], atol=1e-4
    )
    assert ic.aspect_rad == pytest.approx(0.0, abs=1e-6)


def test_crossing_by_hand():
    # target 8 km north crossing east at 600 m/s: (8000^2 + (600 t)^2) = (1000 t)^2 -> t = 10 s
    ic = predict_intercept(CONST, [0.0, 8000.0, 0.0], [600.0, 0.0, 0.0])
    assert ic.time_s == pytest.approx(10.0, abs=1e-6)
    np.testing.assert_allclose(ic.point_m, [6000.0, 8000.0, 0.0], atol=1e-4)
    assert ic.slant_range_m == pytest.approx(10000.0, abs=1e-4)
    # velocity (1, 0) against target->launcher (-0.6, -0.8): cos = -0.6
    assert ic.aspect_rad == pytest.approx(np.arccos(-0.6), abs=1e-6)


def test_launch_delay_by_hand():
    # launch 2 s from now: 10000 - 200 (2 + tau) = 1000 tau -> tau = 8 s, t = 10 s
    ic = predict_intercept(CONST, [10000.0, 0.0, 0.0], [-200.0, 0.0, 0.0], launch_delay_s=2.0)
    assert ic.time_of_flight_s == pytest.approx(8.0, abs=1e-6)
    assert ic.time_s == pytest.approx(10.0, abs=1e-6)


def test_no_intercept_is_nan():
    p = np.array([[10000.0, 0.0, 0.0], [25000.0, 0.0, 0.0], [10000.0, 0.0, 0.0]])
    v = np.array([[1200.0, 0.0, 0.0], [100.0, 0.0, 0.0], [-200.0, 0.0, 0.0]])
    ic = predict_intercept(CONST, p, v, max_range_m=20000.0)
    # faster receding target; intercept beyond max range (25000 + 100 t = 1000 t -> 27.8 km)
    assert ic.feasible.tolist() == [False, False, True]
    assert np.isnan(ic.time_s[:2]).all()
    assert np.isnan(ic.point_m[:2]).all()
    assert ic.time_s[2] == pytest.approx(10000.0 / 1200.0, abs=1e-6)


def test_batch_shapes_and_boost_coast_consistency():
    f = Flyout(10.0, 120.0, 3.55e-5, min_speed_mps=300.0, max_time_s=200.0)
    rng = np.random.default_rng(3)
    p = rng.uniform(-30000, 30000, (4, 5, 3))
    p[..., 2] = rng.uniform(50, 8000, (4, 5))
    v = rng.uniform(-250, 250, (4, 5, 3))
    v[..., 2] = 0.0
    ic = predict_intercept(f, p, v, launch_delay_s=1.5)
    assert ic.time_s.shape == (4, 5) and ic.point_m.shape == (4, 5, 3)
    ok = ic.feasible
    assert ok.any()
    # the missile's reach at its time of flight equals the distance to the intercept point
    np.testing.assert_allclose(f.range_at(ic.time_of_flight_s[ok]), ic.slant_range_m[ok], atol=0.5)
    np.testing.assert_allclose(ic.point_m[ok], (p + v * ic.time_s[..., None])[ok], atol=1e-6)


def test_aspect_angle():
    assert aspect_angle_rad([1000.0, 0, 0], [-1.0, 0, 0]) == pytest.approx(0.0)
    assert aspect_angle_rad([1000.0, 0, 0], [1.0, 0, 0]) == pytest.approx(np.pi)
    assert aspect_angle_rad([1000.0, 0, 0], [0.0, 5.0, 0]) == pytest.approx(np.pi / 2)
    assert aspect_angle_rad([1000.0, 0, 0], [0.0, 0.0, 0]) == pytest.approx(0.0)


def test_one_target_equals_the_batch_to_the_bit():
    """One target takes plain floats (`_one_intercept`); a batch of one is the same problem
    worked out as arrays: every output must be equal to the bit, over targets that catch up
    at once, on the grid, after Newton settles or only by bisection, or never."""
    flyouts = [
        CONST,
        Flyout(10.0, 120.0, 3.55e-5, min_speed_mps=300.0, max_time_s=200.0),
        Flyout(3.0, 250.0, 1e-4, launch_speed_mps=30.0, min_speed_mps=200.0, max_time_s=60.0),
    ]
    rng = np.random.default_rng(11)
    fields = ("feasible", "time_s", "time_of_flight_s", "point_m", "slant_range_m", "aspect_rad")
    seen = {"feasible": 0, "infeasible": 0}
    for f in flyouts:
        for _ in range(300):
            p = rng.uniform(-40000, 40000, 3) * rng.choice([1e-3, 0.1, 1.0])
            v = rng.uniform(-700, 700, 3) * rng.choice([0.0, 0.3, 1.0])
            delay = float(rng.choice([0.0, 1.5, 7.0]))
            lo_hi = {"max_range_m": float(rng.uniform(5e3, 6e4)), "min_range_m": 300.0}
            kw = lo_hi if rng.random() < 0.5 else {}
            one = predict_intercept(f, p, v, delay, **kw)
            batch = predict_intercept(f, p[None, :], v[None, :], delay, **kw)
            for name in fields:
                a, b = np.asarray(getattr(one, name)), np.asarray(getattr(batch, name))[0]
                assert a.shape == b.shape and a.dtype == b.dtype, name
                np.testing.assert_array_equal(a, b, err_msg=name)
                assert np.array_equal(np.signbit(a), np.signbit(b)), name
            seen["feasible" if bool(one.feasible) else "infeasible"] += 1
    assert min(seen.values()) > 100
