"""Coverage maps: flat-earth Pd and horizon, shadow behind a ridge, Caracas masking, files."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio

from iadsim.errors import ValueRangeError
from iadsim.geo.terrain import Terrain, flat_terrain, ground_distance_m
from iadsim.report.coverage import write_coverage
from iadsim.sensors.coverage import RadarSite, compute_coverage
from iadsim.sensors.detection import detection_probability
from iadsim.sensors.radar_equation import RadarParameters, snr_db

KR = 4.0 / 3.0 * 6_371_000.0
P = RadarParameters(
    peak_power_w=200e3,
    gain_dbi=32.0,
    frequency_hz=3e9,
    pulse_width_s=1e-6,
    noise_figure_db=4.0,
    losses_db=6.0,
    n_pulses=8,
)


def test_flat_earth_pd_and_horizon_against_direct_computation():
    t = flat_terrain((-0.6, 0.6), (-0.6, 0.6), cells=120)
    site = RadarSite("R", 0.0, 0.0, 20.0, P)
    res = compute_coverage(t, [site], altitude_agl_m=100.0, rcs_m2=1.0, swerling=1)
    lat, lon = t.cell_centres()
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    d = ground_distance_m(0.0, 0.0, la, lo)
    slant = np.hypot(d, 80.0)
    ref = detection_probability(snr_db(P, slant, 1.0), P.pfa, 1, P.noncoherent_pulses)
    horizon = 4120.0 * (math.sqrt(20.0) + math.sqrt(100.0))  # textbook 4/3-earth rule
    inside = d < 0.97 * horizon
    outside = d > 1.03 * horizon
    assert inside.sum() > 1000 and outside.sum() > 1000
    assert res.visible[0][inside].all() and not res.visible[0][outside].any()
    np.testing.assert_allclose(res.pd[0][inside], ref[inside], atol=0.01)
    assert (res.pd[0][outside] == 0).all()
    np.testing.assert_allclose(res.pd_combined, res.pd[0], atol=1e-6)


def test_shadow_behind_a_ridge_lowest_altitude_by_hand():
    z = np.zeros((60, 300), np.float32)
    z[:, 99:102] = 800.0  # flat-topped ridge, 3 cells of 0.001 deg (~111 m)
    t = Terrain(z, 0.0, 0.03, 0.001, 0.001)
    lat = 0.0155
    site = RadarSite("R", lat, 0.0205, 10.0, P)  # 80 cells west of the ridge
    res = compute_coverage(t, [site], altitude_agl_m=50.0, rcs_m2=10.0)
    m = 111_194.9
    d1 = (99.5 * 0.001 - 0.0205) * m  # near edge of the ridge top
    row = 14
    cols = np.array([150, 200, 250, 290])
    dist = ((cols + 0.5) * 0.001 - 0.0205) * m
    hand = 10.0 + (800.0 - d1**2 / (2 * KR) - 10.0) * dist / d1 + dist**2 / (2 * KR)
    got = res.lowest_agl_m[0][row, cols]
    np.testing.assert_allclose(got, hand, rtol=0.03)
    assert not res.visible[0][row, 110:].any()  # 50 m AGL hidden behind the 800 m ridge
    assert res.visible[0][row, 30:95].all()


def test_caracas_valley_radar_terrain_shadow_vs_flat_earth():
    from pathlib import Path

    dem = Path(__file__).resolve().parents[2] / "src/iadsim/data/terrain/caracas.tif"
    t = Terrain.from_geotiff(dem)
    site = RadarSite("valley", 10.49, -66.88, 20.0, P)
    res = compute_coverage(t, [site], altitude_agl_m=60.0, rcs_m2=10.0, step=2)
    lat, lon = t.cell_centres()
    lat, lon = lat[::2], lon[::2]
    sea = (lat[:, None] > 10.63) & (np.abs(lon[None, :] + 66.88) < 0.1)
    assert (res.pd[0][sea] == 0).all()  # behind El Avila
    flat = flat_terrain((10.3, 10.7), (-67.1, -66.6), elevation_m=0.0, cells=100)
    site_flat = RadarSite("valley", 10.49, -66.88, 920.0, P)
    res_flat = compute_coverage(flat, [site_flat], altitude_agl_m=60.0, rcs_m2=10.0)
    lat_f, lon_f = flat.cell_centres()
    sea_f = (lat_f[:, None] > 10.63) & (np.abs(lon_f[None, :] + 66.88) < 0.1)
    assert res_flat.pd[0][sea_f].mean() > 0.5  # the same radar on a flat earth sees it


def test_combined_and_write(tmp_path):
    t = flat_terrain((-0.3, 0.3), (-0.3, 0.3), cells=60)
    sites = [RadarSite("A", 0.0, -0.2, 10.0, P), RadarSite("B/2", 0.1, 0.2, 10.0, P)]
    res = compute_coverage(t, sites, altitude_agl_m=200.0)
    np.testing.assert_allclose(res.pd_combined, 1 - (1 - res.pd[0]) * (1 - res.pd[1]), atol=1e-6)
    both = np.isfinite(res.lowest_agl_m).all(axis=0)
    np.testing.assert_allclose(
        res.lowest_agl_combined_m[both], res.lowest_agl_m[:, both].min(axis=0)
    )
    paths = write_coverage(tmp_path, res)
    names = {p.name for p in paths}
    assert {"pd_A.tif", "pd_B_2.png", "pd_combined.tif", "lowest_agl_combined.png"} <= names
    with rasterio.open(tmp_path / "pd_combined.tif") as ds:
        assert ds.crs.to_epsg() == 4326
        assert ds.transform.to_gdal() == pytest.approx(res.geotransform)
        np.testing.assert_allclose(ds.read(1), res.pd_combined)
    assert (tmp_path / "pd_combined.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_inputs_refused():
    t = flat_terrain((-0.1, 0.1), (-0.1, 0.1))
    s = [RadarSite("A", 0.0, 0.0, 10.0, P)]
    with pytest.raises(ValueRangeError, match="radar"):
        compute_coverage(t, [], 100.0)
    with pytest.raises(ValueRangeError, match="altitude"):
        compute_coverage(t, s, -5.0)
    with pytest.raises(ValueRangeError, match="rcs"):
        compute_coverage(t, s, 100.0, rcs_m2=0.0)
    with pytest.raises(ValueRangeError, match="step"):
        compute_coverage(t, s, 100.0, step=0)


def test_coverage_with_clutter_hides_low_slow_targets():
    from iadsim.sensors.clutter import ClutterParameters

    t = flat_terrain((-0.4, 0.4), (-0.4, 0.4), elevation_m=100.0, cells=80)
    cl = ClutterParameters(improvement_factor_db=30.0, notch_half_width_mps=6.0)
    plain = compute_coverage(t, [RadarSite("R", 0.0, 0.0, 30.0, P)], 30.0, rcs_m2=10.0)
    clut = compute_coverage(
        t, [RadarSite("R", 0.0, 0.0, 30.0, P, clutter=cl)], 30.0, rcs_m2=10.0, radial_speed_mps=0.5
    )
    assert clut.pd_combined.sum() < 0.5 * plain.pd_combined.sum()
    assert (clut.pd_combined <= plain.pd_combined + 1e-6).all()
