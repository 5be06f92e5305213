"""Routes: timing and positions against hand computation."""

import numpy as np
import pytest

from iadsim.threats.routes import Route


def make_route():
    # 3-4-5 leg of 5000 m at 50 m/s (100 s), a 60 s loiter, then 1000 m north at 100 m/s
    return Route.from_waypoints(
        np.array([0.0, 3000.0, 3000.0]),
        np.array([0.0, 4000.0, 5000.0]),
        np.array([100.0, 100.0, 100.0]),
        np.array([50.0, 50.0, 100.0]),
        np.array([0.0, 60.0, 0.0]),
        start_s=10.0,
        agl=False,
    )


def test_knots_and_positions():
    r = make_route()
    np.testing.assert_allclose(r.t_s, [10.0, 110.0, 170.0, 180.0])
    p = r.positions(np.array([60.0, 140.0, 175.0]))
    np.testing.assert_allclose(p[0], [1500.0, 2000.0, 100.0])
    np.testing.assert_allclose(p[1], [3000.0, 4000.0, 100.0])  # loitering
    np.testing.assert_allclose(p[2], [3000.0, 4500.0, 100.0])


def test_velocity_and_airborne():
    r = make_route()
    v = r.velocities(np.array([50.0, 140.0, 175.0, 500.0]))
    np.testing.assert_allclose(v[0], [30.0, 40.0, 0.0])
    np.testing.assert_allclose(v[1], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(v[2], [0.0, 100.0, 0.0])
    np.testing.assert_allclose(v[3], [0.0, 0.0, 0.0])
    assert r.airborne(np.array([5.0, 10.0, 180.0, 181.0])).tolist() == [False, True, True, False]


def test_agl_follows_ground():
    r = Route.from_waypoints(
        np.array([0.0, 1000.0]),
        np.zeros(2),
        np.array([50.0, 50.0]),
        np.array([10.0, 10.0]),
        np.zeros(2),
        0.0,
        agl=True,
    )
    p = r.positions(np.array([0.0, 50.0, 100.0]), ground=lambda e, n: e * 0.5)
    np.testing.assert_allclose(p[:, 2], [50.0, 50.0 + 250.0, 550.0])
    assert p[1, 0] == pytest.approx(500.0)


def test_formation_slot_follows_the_lead_offset_and_delayed():
    lead = make_route()
    slot = lead.shifted(100.0, -50.0, 20.0, 15.0)
    t = np.array([40.0, 150.0, 190.0])
    expected = lead.positions(t - 15.0) + np.array([100.0, -50.0, 20.0])
    np.testing.assert_allclose(slot.positions(t), expected)
    assert slot.start_s == 25.0 and slot.end_s == lead.end_s + 15.0
