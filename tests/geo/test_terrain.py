"""Terrain: loading and refusing DEMs, bilinear lookup, 4/3-earth line of sight."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest
from rasterio.transform import Affine

from iadsim.errors import InputError
from iadsim.geo.frames import LocalFrame
from iadsim.geo.terrain import Obstruction, Terrain, flat_terrain, ground_distance_m
from iadsim.io.raster import write_geotiff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
CARACAS = REPO / "src/iadsim/data/terrain/caracas.tif"
KR = 4.0 / 3.0 * 6_371_000.0
M_PER_DEG = 111_194.9  # metres per degree of great circle on the 6371 km sphere


def _ridge_terrain(height: float = 1000.0) -> Terrain:
    """0 m plain at the equator with a flat-topped north-south ridge in columns 49-51."""
    z = np.zeros((40, 200), np.float32)
    z[:, 49:52] = height
    return Terrain(z, 0.0, 0.02, 0.001, 0.001)


# --- bilinear lookup -------------------------------------------------------------------
def test_bilinear_exact_on_a_plane():
    rows, cols = np.mgrid[0:30, 0:40]
    z = 100.0 + 3.0 * rows - 2.0 * cols
    t = Terrain(z, -67.0, 10.5, 0.01, 0.01)
    rng = np.random.default_rng(0)
    r = rng.uniform(0, 29, 500)
    c = rng.uniform(0, 39, 500)
    lat = 10.5 - (r + 0.5) * 0.01
    lon = -67.0 + (c + 0.5) * 0.01
    np.testing.assert_allclose(t.elevation(lat, lon), 100.0 + 3.0 * r - 2.0 * c, atol=1e-3)


def test_outside_the_grid_is_sea_level_and_enu_lookup():
    t = Terrain(np.full((4, 4), 500.0), 0.0, 1.0, 0.25, 0.25)
    assert float(t.elevation(5.0, 5.0)) == 0.0
    assert float(t.elevation(0.5, 0.5)) == pytest.approx(500.0)
    frame = LocalFrame(0.5, 0.5)
    assert float(t.elevation_enu(frame, 100.0, -200.0)) == pytest.approx(500.0)


# --- line of sight: hand-made ridge and the smooth 4/3 earth ----------------------------
def test_line_of_sight_over_a_hand_made_ridge():
    t = _ridge_terrain()
    lon_ridge = (49 + 0.5) * 0.001  # near edge of the flat top: the critical point
    lat = 0.0105
    h_s = 10.0
    d1 = lon_ridge * M_PER_DEG
    targets_lon = np.array([0.1, 0.15, 0.19])
    dist = targets_lon * M_PER_DEG
    # hand geometry: the ray from (0, h_s) must clear the ridge top lowered by d1^2/2kR;
    # a target at distance D sits D^2/2kR below the sensor's tangent plane.
    h_min = h_s + (1000.0 - d1**2 / (2 * KR) - h_s) * dist / d1 + dist**2 / (2 * KR)
    for margin, expect in ((+15.0, True), (-15.0, False)):
        res = t.line_of_sight(lat, 0.0, h_s, lat, targets_lon, h_min + margin, step_m=5.0)
        assert res.visible.tolist() == [expect] * 3
        if not expect:
            assert set(res.obstruction.tolist()) == {int(Obstruction.TERRAIN)}
            assert res.obstruction[0] == Obstruction.TERRAIN


def test_radar_horizon_matches_the_4_12_km_rule():
    # Textbook 4/3-earth rule: d_km = 4.12 (sqrt(h_radar_m) + sqrt(h_target_m)).
    t = flat_terrain((-0.1, 0.1), (-0.1, 0.1))
    h_s, h_t = 100.0, 500.0
    d = 4120.0 * (math.sqrt(h_s) + math.sqrt(h_t))
    lons = np.array([0.97, 1.03]) * d / M_PER_DEG
    res = t.line_of_sight(0.0, 0.0, h_s, 0.0, lons, h_t, step_m=200.0)
    assert res.visible.tolist() == [True, False]
    assert Obstruction(res.obstruction[1]) is Obstruction.HORIZON
    assert res.obstruction[1] == Obstruction.HORIZON


def test_line_of_sight_broadcasts_and_enu_variant():
    t = _ridge_terrain()
    lat = np.full((3, 4), 0.0105)
    lon = np.linspace(0.06, 0.19, 12).reshape(3, 4)
    res = t.line_of_sight(0.0105, 0.0, 10.0, lat, lon, 50.0)
    assert res.visible.shape == (3, 4) and not res.visible.any()
    frame = LocalFrame(0.0105, 0.0)
    east = np.array([20.0, 150.0]) * 1000 / 1000 * 1000  # 20 km (masked), 150 km
    res2 = t.line_of_sight_enu(
        frame, np.array([0.0, 0.0, 10.0]), np.stack([east, [0, 0], [5000.0, 5000.0]], axis=-1)
    )
    assert res2.visible.shape == (2,)


def test_ground_distance_reference():
    # one degree of longitude on the equator: 2 pi R / 360
    assert float(ground_distance_m(0, 0, 0, 1)) == pytest.approx(2 * math.pi * 6_371_000 / 360)


# --- real elevation data: matplotlib's Jacksboro DEM crop -------------------------------
def test_real_dem_fixture_los_against_brute_force():
    t = Terrain.from_geotiff(FIXTURES / "jacksboro_crop.tif")
    assert t.shape == (80, 100)
    assert 250 < t.elevation_m.min() < t.elevation_m.max() < 1100
    lat_c, lon_c = t.cell_centres()
    # bilinear at pixel centres returns the stored values
    np.testing.assert_allclose(t.elevation(lat_c[10], lon_c[20]), t.elevation_m[10, 20])
    rng = np.random.default_rng(3)
    n = 60
    s_r, s_c = 40, 50
    slat, slon = lat_c[s_r], lon_c[s_c]
    s_alt = float(t.elevation_m[s_r, s_c]) + 10.0
    tr = rng.integers(0, 80, n)
    tc = rng.integers(0, 100, n)
    t_alt = t.elevation_m[tr, tc] + 30.0
    res = t.line_of_sight(slat, slon, s_alt, lat_c[tr], lon_c[tc], t_alt, step_m=10.0)
    # independent brute force: dense sampling in index space, explicit loop, bilinear by hand
    z = t.elevation_m.astype(float)
    agree = 0
    decided = 0
    for k in range(n):
        dist = float(ground_distance_m(slat, slon, lat_c[tr[k]], lon_c[tc[k]]))
        blocked_margin = np.inf
        m = 400
        for i in range(1, m):
            f = i / m
            fr = s_r + (tr[k] - s_r) * f
            fc = s_c + (tc[k] - s_c) * f
            r0, c0 = min(int(fr), 78), min(int(fc), 98)
            wr, wc = fr - r0, fc - c0
            g = (
                z[r0, c0] * (1 - wr) * (1 - wc)
                + z[r0 + 1, c0] * wr * (1 - wc)
                + z[r0, c0 + 1] * (1 - wr) * wc
                + z[r0 + 1, c0 + 1] * wr * wc
            )
            d = dist * f
            ray = s_alt + ((t_alt[k] - dist**2 / (2 * KR)) - s_alt) * f
            blocked_margin = min(blocked_margin, ray - (g - d * d / (2 * KR)))
        if abs(blocked_margin) > 2.0:  # skip grazing paths where sampling decides
            decided += 1
            agree += bool(res.visible[k]) == (blocked_margin >= 0)
    assert decided > 40
    assert agree == decided


def test_repeated_and_many_paths_give_each_path_its_own_answer():
    # identical paths are profiled once per chunk and paths in cache-sized blocks: the
    # answers must be those of the same paths given once, in the caller's order. Both calls
    # fit one chunk and share their longest path, so they sample every path alike.
    t = Terrain.from_geotiff(FIXTURES / "jacksboro_crop.tif")
    lat_c, lon_c = t.cell_centres()
    rng = np.random.default_rng(5)
    n = 500  # 2n paths x ~500 samples: one chunk, several blocks
    tr, tc = rng.integers(0, 80, n), rng.integers(0, 100, n)
    t_alt = t.elevation_m[tr, tc] + rng.uniform(0.0, 60.0, n)
    s_alt = float(t.elevation_m[40, 50]) + 10.0
    once = t.line_of_sight(lat_c[40], lon_c[50], s_alt, lat_c[tr], lon_c[tc], t_alt, step_m=10.0)
    assert 0 < once.visible.sum() < n  # some paths blocked, some clear
    pick = rng.integers(0, n, 2 * n)  # paths come back several times, shuffled
    pick[0] = np.argmax(ground_distance_m(lat_c[40], lon_c[50], lat_c[tr], lon_c[tc]))
    again = t.line_of_sight(
        lat_c[40], lon_c[50], s_alt, lat_c[tr][pick], lon_c[tc][pick], t_alt[pick], step_m=10.0
    )
    np.testing.assert_array_equal(again.visible, once.visible[pick])
    np.testing.assert_array_equal(again.obstruction, once.obstruction[pick])
    np.testing.assert_array_equal(again.clearance_m, once.clearance_m[pick])


# --- refusals ---------------------------------------------------------------------------
def test_non_finite_dem_refused_naming_the_source():
    z = np.zeros((5, 5))
    z[2, 3] = np.nan
    with pytest.raises(InputError, match=r"mydem\.tif.*not finite.*row 2, col 3"):
        Terrain(z, 0, 1, 0.1, 0.1, source="mydem.tif")


def test_implausible_elevations_refused():
    with pytest.raises(InputError, match="plausible"):
        Terrain(np.full((3, 3), 30000.0), 0, 1, 0.1, 0.1)
    with pytest.raises(InputError, match="plausible"):
        Terrain(np.full((3, 3), -32768.0), 0, 1, 0.1, 0.1)


def test_bad_georeferencing_refused(tmp_path):
    z = np.zeros((10, 10), np.float32)
    with pytest.raises(InputError, match="rotated"):
        Terrain.from_array(z, (0, 0.1, 0.01, 1, 0, -0.1))
    with pytest.raises(InputError, match="north-up"):
        Terrain.from_array(z, (0, 0.1, 0, 1, 0, 0.1))
    with pytest.raises(InputError, match="WGS84"):
        Terrain.from_array(z, (179.5, 0.1, 0, 10, 0, -0.1))  # runs past 180 E
    with pytest.raises(InputError, match="pixel"):
        Terrain.from_array(z, (0, 0.0, 0, 10, 0, -0.1))
    # a UTM-projected GeoTIFF (metres) read as if it were lat/lon
    p = tmp_path / "utm.tif"
    write_geotiff(p, z, Affine(30, 0, 500000, 0, -30, 1160000), crs="EPSG:32619")
    with pytest.raises(InputError, match=r"utm\.tif.*EPSG:4326"):
        Terrain.from_geotiff(p)
    p2 = tmp_path / "nocrs.tif"
    write_geotiff(p2, z, Affine(0.1, 0, 0, 0, -0.1, 1), crs=None)
    with pytest.raises(InputError, match=r"nocrs\.tif.*coordinate reference"):
        Terrain.from_geotiff(p2)
    # lat/lon CRS but metre-sized pixel values: the extent is not a lat/lon box
    p3 = tmp_path / "mislabelled.tif"
    write_geotiff(p3, z, Affine(0.5, 0, 500000, 0, -0.5, 1160000))
    with pytest.raises(InputError, match="mislabelled"):
        Terrain.from_geotiff(p3)


def test_corrupt_and_missing_files_refused(tmp_path):
    p = tmp_path / "corrupt.tif"
    p.write_bytes(b"II*\x00" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"corrupt\.tif.*cannot read"):
        Terrain.from_geotiff(p)
    with pytest.raises(InputError, match=r"absent\.tif.*not found"):
        Terrain.from_geotiff(tmp_path / "absent.tif")


def test_nodata_refused_unless_filled(tmp_path):
    z = np.full((6, 6), 120.0, np.float32)
    z[0, 0] = -9999.0
    p = tmp_path / "holes.tif"
    write_geotiff(p, z, Affine(0.01, 0, 0, 0, -0.01, 1), nodata=-9999.0)
    with pytest.raises(InputError, match=r"holes\.tif.*1 nodata"):
        Terrain.from_geotiff(p)
    t = Terrain.from_geotiff(p, fill_nodata_m=0.0)
    assert t.elevation_m[0, 0] == 0.0 and t.elevation_m[1, 1] == 120.0


def test_geotiff_round_trip(tmp_path):
    rows, cols = np.mgrid[0:8, 0:9]
    z = (rows * 10 + cols).astype(np.float32)
    p = tmp_path / "rt.tif"
    write_geotiff(p, z, Affine(0.5, 0, -67, 0, -0.25, 11))
    t = Terrain.from_geotiff(p)
    assert t.geotransform == (-67.0, 0.5, 0.0, 11.0, 0.0, -0.25)
    np.testing.assert_array_equal(t.elevation_m, z)
    assert t.bounds == (-67.0, 9.0, -62.5, 11.0)


# --- the bundled Caracas DEM ------------------------------------------------------------
def test_caracas_dem_is_the_srtm_crop_with_its_published_heights():
    """The bundled DEM is the SRTM 3" crop of docs/data.md (its sha256), and it agrees with
    published heights: Pico Naiguata (surveyed 2,765 m; 3" cells average the summit), the
    Maiquetia airport (field elevation 72 m), the Caracas valley floor (~850-900 m) and the
    Caribbean north of the coast."""
    assert hashlib.sha256(CARACAS.read_bytes()).hexdigest() == (
        "3c9ba179589a5066e76dcdcf0ecdcf6e8acda5ae05e2cf7e10b58ca9b1d83d22"
    )
    t = Terrain.from_geotiff(CARACAS)
    w, s, e, n = t.bounds
    assert w <= -67.3 and e >= -66.6 and s <= 10.3 and n >= 10.8
    assert t.elevation_m.max() == pytest.approx(2765, abs=60)  # Pico Naiguata
    assert float(t.elevation(10.543, -66.783)) == pytest.approx(2729, abs=10)
    assert float(t.elevation(10.603, -66.991)) == pytest.approx(72, abs=25)  # Maiquetia
    assert 820 < float(t.elevation(10.49, -66.88)) < 950  # Caracas valley floor
    north = t.elevation_m[: int((10.8 - 10.62) * 1200)]
    assert (north <= 0).mean() > 0.99  # the sea


def test_caracas_coastal_range_masks_low_helicopter_from_the_valley():
    t = Terrain.from_geotiff(CARACAS)
    radar = (10.49, -66.88, float(t.elevation(10.49, -66.88)) + 20.0)
    # helicopter 60 m over the sea north of La Guaira, and the same point at 6000 m (the
    # ~2200 m crest 6 km from the radar hides everything below ~5000 m there)
    res = t.line_of_sight(*radar, np.array([10.66, 10.66]), -66.88, np.array([60.0, 6000.0]))
    assert res.visible.tolist() == [False, True]
    assert Obstruction(res.obstruction[0]) is Obstruction.TERRAIN


def test_horizon_on_a_plateau_is_still_the_horizon():
    # a flat plateau at 500 m: heights above it set the horizon (4.12 km rule), and being
    # hidden by the plateau's own curvature is BELOW_HORIZON, not TERRAIN_MASKED
    t = flat_terrain((-0.1, 0.1), (-0.6, 0.6), elevation_m=500.0)
    d = 4120.0 * (math.sqrt(30.0) + math.sqrt(30.0))
    lons = np.array([0.97, 1.03]) * d / M_PER_DEG
    res = t.line_of_sight(0.0, 0.0, 530.0, 0.0, lons, 530.0, step_m=100.0)
    assert res.visible.tolist() == [True, False]
    assert Obstruction(res.obstruction[1]) is Obstruction.HORIZON


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_a_complex_dem_is_refused_not_cut_to_its_real_part(tmp_path, dtype):
    z = np.full((4, 4), 100.0) + 5j
    p = tmp_path / "complex.tif"
    write_geotiff(p, z, Affine(0.01, 0, 0, 0, -0.01, 1), dtype=dtype)
    with pytest.raises(InputError, match=r"complex\.tif.*complex.*real numbers") as exc:
        Terrain.from_geotiff(p)
    assert exc.value.problems[0].field == "terrain"
    with pytest.raises(InputError, match="real numbers"):
        Terrain(z, 0.0, 1.0, 0.01, 0.01)


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int32", "float32", "float64"])
def test_every_real_dem_type_is_read(tmp_path, dtype):
    p = tmp_path / "real.tif"
    write_geotiff(p, np.full((4, 4), 100.0), Affine(0.01, 0, 0, 0, -0.01, 1), dtype=dtype)
    assert float(Terrain.from_geotiff(p).elevation_m[2, 2]) == 100.0


def test_a_directory_or_a_device_is_named_for_what_it_is(tmp_path):
    with pytest.raises(InputError, match="is a directory") as exc:
        Terrain.from_geotiff(tmp_path)
    assert "not found" not in str(exc.value)
    with pytest.raises(InputError, match="not a regular file") as exc:
        Terrain.from_geotiff("/dev/null")
    assert "not found" not in str(exc.value)
