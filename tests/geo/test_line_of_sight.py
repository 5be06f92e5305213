"""One line of sight (earth curvature and terrain in one test) against independent
calculations: exact circle geometry on the 4/3 earth, over a sea-level sphere, a 680 m
plateau and a real DEM (south-west British Columbia, matplotlib's topobathy sample)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from iadsim.geo.frames import LocalFrame
from iadsim.geo.horizon import above_horizon
from iadsim.geo.line_of_sight import obstruction, visible
from iadsim.geo.terrain import Obstruction, Terrain, flat_terrain, ground_distance_m
from iadsim.geo.terrain_adapter import LocalTerrain

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RE = 4.0 / 3.0 * 6_371_000.0  # effective earth radius


def exact_clearance_m(d_total, h_s, h_t, d_samples, ground_samples):
    """Smallest height of the straight ray above the ground, in exact circle geometry.

    Points are polar (RE + h, theta = d / RE) on the effective earth; the chord from the
    sensor (theta 0) to the target (theta T) has 1/r(theta) = [sin(T - theta)/r0 +
    sin(theta)/r1] / sin T. No parabolic approximation, no shared code with iadsim.
    """
    T = d_total / RE
    r0, r1 = RE + h_s, RE + h_t
    th = np.asarray(d_samples, float) / RE
    r = np.sin(T) / (np.sin(T - th) / r0 + np.sin(th) / r1)
    return float(np.min(r - (RE + np.asarray(ground_samples, float))))


def tangent_horizon_m(h_a, h_t):
    """Exact sum of tangent lengths from two heights above a sphere of radius RE."""
    return math.sqrt((RE + h_a) ** 2 - RE**2) + math.sqrt((RE + h_t) ** 2 - RE**2)


# --- the horizon case of issue 14: 50 m over the surface, 52-55 km away ------------------
def test_horizon_case_over_a_sea_level_sphere():
    ranges = np.array([52_000.0, 53_500.0, 55_000.0])
    targets = np.stack([ranges, np.zeros(3), np.full(3, 50.0)], axis=-1)
    radar = np.array([0.0, 0.0, 25.0])
    assert tangent_horizon_m(25.0, 50.0) < 52_000.0  # the independent answer: hidden
    got = obstruction(radar, targets)
    assert got.tolist() == [Obstruction.HORIZON] * 3
    # higher up the same helicopter is seen (tangent sum > 55 km from 120 m)
    assert tangent_horizon_m(25.0, 120.0) > 55_000.0
    assert visible(radar, targets + [0.0, 0.0, 70.0]).all()


@pytest.fixture(scope="module")
def plateau():
    frame = LocalFrame(0.0, 0.0)
    return LocalTerrain(flat_terrain((-0.3, 0.3), (-0.6, 0.6), elevation_m=680.0), frame)


def test_horizon_case_over_a_680_m_valley_floor(plateau):
    radar = np.array([0.0, 0.0, 680.0 + 25.0])
    ranges = np.array([52_000.0, 53_500.0, 55_000.0])
    helo = np.stack([ranges, np.zeros(3), np.full(3, 680.0 + 50.0)], axis=-1)
    # independent: exact chord over the plateau, heights above it
    for d in ranges:
        s = np.linspace(0.0, d, 2001)[1:-1]
        assert exact_clearance_m(d, 705.0, 730.0, s, np.full(s.size, 680.0)) < 0.0
    got = obstruction(radar, helo, plateau)
    assert got.tolist() == [Obstruction.HORIZON] * 3
    assert plateau.terrain_masked(radar, helo).all()
    # what the engine used to do: heights above the sea over a sea-level sphere -> "seen"
    assert above_horizon(ranges, 705.0, 730.0).all()
    # closer, the same helicopter clears the plateau's horizon (49.8 km)
    near = helo.copy()
    near[:, 0] = [40_000.0, 44_000.0, 48_000.0]
    assert tangent_horizon_m(25.0, 50.0) > 48_000.0
    assert visible(radar, near, plateau).all()


# --- a real DEM over long paths ------------------------------------------------------------
def _bilinear(t: Terrain, lat, lon):
    """Bilinear elevation by hand (pixel centres), 0 outside: independent of Terrain."""
    z = t.elevation_m.astype(float)
    rows, cols = z.shape
    fr = (t.north_deg - lat) / t.dlat_deg - 0.5
    fc = (lon - t.west_deg) / t.dlon_deg - 0.5
    if not (-0.5 <= fr <= rows - 0.5 and -0.5 <= fc <= cols - 0.5):
        return 0.0
    fr, fc = min(max(fr, 0.0), rows - 1.0), min(max(fc, 0.0), cols - 1.0)
    r0, c0 = min(int(fr), rows - 2), min(int(fc), cols - 2)
    wr, wc = fr - r0, fc - c0
    return (
        z[r0, c0] * (1 - wr) * (1 - wc)
        + z[r0 + 1, c0] * wr * (1 - wc)
        + z[r0, c0 + 1] * (1 - wr) * wc
        + z[r0 + 1, c0 + 1] * wr * wc
    )


def test_real_dem_long_paths_against_exact_circle_geometry():
    t = Terrain.from_geotiff(FIXTURES / "topobathy_land.tif")
    assert t.shape == (91, 120) and 2000 < t.elevation_m.max() < 2300
    frame = LocalFrame(49.0, -124.0)
    local = LocalTerrain(t, frame)
    rng = np.random.default_rng(14)
    n = 120
    sensor_ll = np.column_stack([rng.uniform(48.4, 49.6, n), rng.uniform(-125.4, -122.6, n)])
    bearing = rng.uniform(0, 2 * np.pi, n)
    dist = rng.uniform(40_000.0, 100_000.0, n)
    dist[:40] = rng.uniform(52_000.0, 55_000.0, 40)  # the horizon ranges
    decided = agree = horizon_blocks = 0
    for k in range(n):
        s_enu = frame.to_enu(*sensor_ll[k], 0.0)
        t_en = s_enu[:2] + dist[k] * np.array([np.sin(bearing[k]), np.cos(bearing[k])])
        s_ground = float(local.ground_m(s_enu[0], s_enu[1]))
        t_ground = float(local.ground_m(t_en[0], t_en[1]))
        sensor = np.array([s_enu[0], s_enu[1], s_ground + 20.0])
        target = np.array([t_en[0], t_en[1], t_ground + 50.0])
        code = int(obstruction(sensor, target[None, :], local)[0])
        # independent: the same end points in lat/lon, dense samples, exact circle chord
        slat, slon, _ = frame.to_geodetic(np.array([*s_enu[:2], 0.0]))
        tlat, tlon, _ = frame.to_geodetic(np.array([*t_en, 0.0]))
        d_total = float(ground_distance_m(slat, slon, tlat, tlon))
        f = np.arange(1, 800) / 800
        ground = [_bilinear(t, slat + (tlat - slat) * x, slon + (tlon - slon) * x) for x in f]
        margin = exact_clearance_m(d_total, sensor[2], target[2], d_total * f, ground)
        if abs(margin) > 5.0:  # grazing paths are decided by where the samples fall
            decided += 1
            agree += (code == Obstruction.CLEAR) == (margin >= 0.0)
        horizon_blocks += code == Obstruction.HORIZON
    assert decided > 100
    assert agree == decided
    assert horizon_blocks > 0  # the earth's curvature blocks some of these paths


def test_the_sphere_shortcut_gives_the_profile_answer():
    """Paths answered without sampling (blocked by the sphere at the DEM's lowest level)
    get the same code as the full profile test."""
    t = Terrain.from_geotiff(FIXTURES / "topobathy_land.tif")
    frame = LocalFrame(49.0, -124.0)
    local = LocalTerrain(t, frame)
    rng = np.random.default_rng(5)
    sensor = np.array([0.0, 0.0, float(local.ground_m(0.0, 0.0)) + 15.0])
    xy = rng.uniform(-110_000, 110_000, (300, 2))
    targets = np.column_stack([xy, local.ground_m(xy[:, 0], xy[:, 1]) + 30.0])
    np.testing.assert_array_equal(
        obstruction(sensor, targets, local), local.obstruction(sensor, targets)
    )
