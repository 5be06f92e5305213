"""`LocalTerrain.ground_m` keeps the ground under each set of points asked: asked again, the
same points give the same heights, with the shape asked (a point and a one-point array have
the same bytes), and equal to a terrain that never saw them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iadsim.engine.world import build_world
from iadsim.geo.terrain_adapter import LocalTerrain
from iadsim.scenario import load_scenario

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"


def test_ground_asked_again_is_the_ground():
    terrain = build_world(load_scenario(CARACAS)).terrain
    fresh = LocalTerrain(terrain.terrain, terrain.frame)
    rng = np.random.default_rng(5)
    east, north = rng.uniform(-30e3, 30e3, 40), rng.uniform(-30e3, 30e3, 40)
    first = terrain.ground_m(east, north)
    again = terrain.ground_m(east.copy(), north.copy())
    assert np.array_equal(first, again) and again is not first
    assert np.array_equal(again, fresh.ground_m(east, north))
    assert np.ptp(first) > 10.0  # real relief: a wrong point would show
    # one point, asked as a scalar and as a one-point array (the same bytes)
    one = terrain.ground_m(float(east[3]), float(north[3]))
    arr = terrain.ground_m(east[3:4], north[3:4])
    assert np.shape(one) == () and arr.shape == (1,)
    assert float(one) == float(arr[0]) == float(first[3])
    # a caller changing what it got does not change what is kept
    again += 100.0
    assert np.array_equal(terrain.ground_m(east, north), first)
