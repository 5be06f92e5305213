"""Radar coverage maps over a DEM: Pd per radar and combined, and lowest detectable altitude.

Line of sight over the whole grid is computed per radar by a radial sweep: the terrain is
sampled along ``n_az`` rays, the elevation slope of every sample seen from the antenna
(terrain lowered by the 4/3-earth curvature drop) is accumulated with a running maximum
along each ray, and each grid cell compares its own slope with the running maximum of
the samples in front of it on its nearest ray. Cost per radar: one pass over the polar
samples plus one over the grid, all numpy.

Inputs are plain dataclasses and arrays so the scenario layer can build them; outputs
are numpy rasters aligned with the terrain grid (optionally decimated by ``step``).

The maps and the engine's radar picture (`engine.radar_picture`) run the same models from
the same catalog parameters (`RadarParameters.from_spec`, `ClutterParameters.from_spec`):
radar equation -> clutter and Doppler notch (`clutter_effect`) -> exact Swerling Pd; the
maps test line of sight for a whole grid by this radial sweep, the engine for each
aircraft path with the one line-of-sight test of the terrain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.geo.horizon import EARTH_RADIUS_M, K_FACTOR
from iadsim.geo.terrain import METRES_PER_DEG_LAT, Terrain
from iadsim.sensors.clutter import GAMMA_DB, ClutterParameters, clutter_effect, grazing_angle_rad
from iadsim.sensors.detection import PdCurve, required_snr_db
from iadsim.sensors.radar_equation import RadarParameters, range_for_snr_m

DEFAULT_LAND_GAMMA_DB = GAMMA_DB["rolling-hills"]
"""Clutter reflectivity used on land cells when none is given (sea cells use GAMMA_DB['sea'])."""


@dataclass(frozen=True)
class RadarSite:
    """A radar placed on the map: position, antenna height above ground, parameters."""

    name: str
    lat_deg: float
    lon_deg: float
    antenna_agl_m: float
    params: RadarParameters
    max_range_m: float | None = None  # instrumented range; None: limited by SNR only
    clutter: ClutterParameters | None = None  # None: clutter ignored for this radar


@dataclass
class CoverageResult:
    """Coverage rasters on the (decimated) terrain grid; geotransform as GDAL (EPSG:4326)."""

    names: list[str]
    pd: np.ndarray  # (n_radars, rows, cols) float32, Pd per scan at altitude_agl_m
    visible: np.ndarray  # (n_radars, rows, cols) bool, line of sight at altitude_agl_m
    pd_combined: np.ndarray  # (rows, cols) float32, 1 - prod(1 - Pd_i)
    lowest_agl_m: np.ndarray  # (n_radars, rows, cols) float32, NaN where never detectable
    lowest_agl_combined_m: np.ndarray  # (rows, cols) float32, min over radars (NaN: none)
    elevation_m: np.ndarray  # (rows, cols) float32 terrain of the grid
    geotransform: tuple[float, float, float, float, float, float]
    altitude_agl_m: float
    pd_threshold: float
    sites: list[tuple[str, float, float]]  # (name, lat, lon) for the maps


def _radar_coverage(
    terrain: Terrain,
    z: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    site: RadarSite,
    altitude_agl_m: float,
    rcs_m2: float,
    curve: PdCurve,
    snr_thr_db: float,
    k: float,
    az_spacing_cells: float,
    land_gamma_db: float,
    radial_speed_mps: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pd, visibility and lowest detectable AGL for one radar over the grid (z, lat, lon)."""
    p = site.params
    kr2 = 2.0 * k * EARTH_RADIUS_M
    h_s = float(terrain.elevation(site.lat_deg, site.lon_deg)) + site.antenna_agl_m
    # local equirectangular coordinates around the radar (error < 0.1 % within 200 km)
    coslat = np.cos(np.radians(0.5 * (lat + site.lat_deg)))[:, None].astype(np.float32)
    y = ((lat - site.lat_deg) * METRES_PER_DEG_LAT)[:, None].astype(np.float32)
    x = ((lon - site.lon_deg) * METRES_PER_DEG_LAT)[None, :].astype(np.float32) * coslat
    d = np.hypot(x, y)
    # range limit: Pd falls below 1e-3 of the curve's top for the strongest case
    snr_floor = float(curve.snr_db[np.searchsorted(curve.pd, 1e-3)])
    r_lim = float(range_for_snr_m(p, snr_floor, rcs_m2))
    if site.max_range_m is not None:
        r_lim = min(r_lim, site.max_range_m)
    r_lim = min(r_lim, float(d.max()) + 1.0)
    # polar sweep of terrain slopes on the full-resolution DEM (nearest sample)
    cx, cy = terrain.cell_size_m()
    step_r = min(cx, cy)
    n_r = max(int(math.ceil(r_lim / step_r)), 1)
    n_az = int(np.clip(math.ceil(2 * math.pi * n_r / az_spacing_cells), 360, 16384))
    az = (np.arange(n_az, dtype=np.float32) + 0.0) * np.float32(2 * math.pi / n_az)
    rr = (np.arange(1, n_r + 1, dtype=np.float32) * np.float32(step_r))[None, :]
    fr_r = (terrain.north_deg - site.lat_deg) / terrain.dlat_deg - 0.5
    fc_r = (site.lon_deg - terrain.west_deg) / terrain.dlon_deg - 0.5
    cos_r = math.cos(math.radians(site.lat_deg))
    rows_f = fr_r - (np.cos(az)[:, None] * rr) / np.float32(terrain.dlat_deg * METRES_PER_DEG_LAT)
    cols_f = fc_r + (np.sin(az)[:, None] * rr) / np.float32(
        terrain.dlon_deg * METRES_PER_DEG_LAT * cos_r
    )
    nrow, ncol = terrain.shape
    ri = np.rint(rows_f).astype(np.intp)
    ci = np.rint(cols_f).astype(np.intp)
    inside = (ri >= 0) & (ri < nrow) & (ci >= 0) & (ci < ncol)
    np.clip(ri, 0, nrow - 1, out=ri)
    np.clip(ci, 0, ncol - 1, out=ci)
    zs = terrain.elevation_m[ri, ci]
    zs = np.where(inside, zs, np.float32(terrain.outside_m))
    slope = (zs - rr * rr / np.float32(kr2) - np.float32(h_s)) / rr
    np.maximum.accumulate(slope, axis=1, out=slope)
    # each cell: running max of the samples strictly in front of it (half a cell margin)
    a_idx = np.rint(np.arctan2(x, y) * np.float32(n_az / (2 * math.pi))).astype(np.intp) % n_az
    j = np.floor((d - np.float32(0.5 * step_r)) / np.float32(step_r)).astype(np.intp) - 1
    in_range = d <= r_lim
    has_front = (j >= 0) & in_range
    np.clip(j, 0, n_r - 1, out=j)
    horizon_slope = np.where(has_front, slope[a_idx, j], -np.inf)
    d_safe = np.maximum(d, np.float32(1.0))
    drop = d_safe * d_safe / np.float32(kr2)
    # lowest AGL with line of sight: on the ray of slope horizon_slope
    h_los = np.float32(h_s) + horizon_slope * d_safe + drop - z
    h_los = np.maximum(np.where(np.isfinite(h_los), h_los, 0.0), 0.0)
    h_t = z + np.float32(altitude_agl_m)
    visible = (altitude_agl_m >= h_los) & in_range
    slant = np.hypot(d_safe, h_t - np.float32(h_s))
    snr = np.float32(p.snr_constant_db() + 10 * math.log10(rcs_m2)) - 40 * np.log10(slant)
    if site.clutter is not None:
        snr = _with_clutter(
            snr,
            p,
            site.clutter,
            z,
            h_s,
            d_safe,
            slant,
            altitude_agl_m,
            land_gamma_db,
            radial_speed_mps,
            k,
        )
    pd = np.where(visible, curve(snr), 0.0).astype(np.float32)
    # lowest detectable AGL: line of sight and SNR above the threshold at that height
    slant_low = np.hypot(d_safe, z + h_los - np.float32(h_s))
    r_thr = 10 ** ((p.snr_constant_db() + 10 * math.log10(rcs_m2) - snr_thr_db) / 40)
    ok = in_range & (slant_low <= r_thr)
    lowest = np.where(ok, h_los, np.nan).astype(np.float32)
    return pd, visible, lowest


def _with_clutter(snr, p, clutter, z, h_s, d, slant, agl, land_gamma_db, radial_speed, k):
    """SINR after ground clutter of the cell under the target and Doppler filtering."""
    psi = grazing_angle_rad(np.maximum(h_s - z, 1.0), d, k)
    gamma = np.where(z <= 0.5, GAMMA_DB["sea"], land_gamma_db)
    offset = np.asarray(agl, float) / slant
    speed = (
        None
        if radial_speed is None
        else np.broadcast_to(np.asarray(radial_speed, float), np.shape(snr))
    )
    return clutter_effect(snr, p, clutter, slant, psi, offset, speed, gamma).sinr_db


def compute_coverage(
    terrain: Terrain,
    radars: Sequence[RadarSite],
    altitude_agl_m: float,
    rcs_m2: float = 1.0,
    swerling: int = 1,
    pd_threshold: float = 0.5,
    *,
    step: int = 1,
    k: float = K_FACTOR,
    az_spacing_cells: float = 1.5,
    land_gamma_db: float = DEFAULT_LAND_GAMMA_DB,
    radial_speed_mps: float | None = None,
) -> CoverageResult:
    """Pd per scan of each radar and combined for a target at altitude_agl_m over the grid.

    Also the lowest altitude above ground at which each radar (and any radar) reaches
    ``pd_threshold`` (line of sight and free-space SNR; clutter is not included in that
    map). ``step`` decimates the output grid (the sweep uses the full DEM). Radars with
    ``clutter`` set lose SNR to ground clutter (``land_gamma_db`` on land, sea gamma where
    the DEM is at sea level) and, when ``radial_speed_mps`` is given, to the Doppler notch.
    """
    if not radars:
        raise ValueRangeError("compute_coverage needs at least one radar")
    if not (math.isfinite(altitude_agl_m) and altitude_agl_m >= 0):
        raise ValueRangeError(f"altitude_agl_m must be >= 0, got {altitude_agl_m}")
    if not rcs_m2 > 0:
        raise ValueRangeError(f"rcs_m2 must be > 0, got {rcs_m2}")
    if not 0 < pd_threshold < 1:
        raise ValueRangeError(f"pd_threshold must be in (0, 1), got {pd_threshold}")
    if int(step) != step or step < 1:
        raise ValueRangeError(f"step must be an integer >= 1, got {step}")
    lat_all, lon_all = terrain.cell_centres()
    lat, lon = lat_all[::step], lon_all[::step]
    z = terrain.elevation_m[::step, ::step]
    curves: dict[tuple[float, int], tuple[PdCurve, float]] = {}
    pds, viss, lows = [], [], []
    for site in radars:
        p = site.params
        key = (p.pfa, p.noncoherent_pulses)
        if key not in curves:
            curves[key] = (
                PdCurve(p.pfa, swerling, p.noncoherent_pulses),
                float(required_snr_db(pd_threshold, p.pfa, swerling, p.noncoherent_pulses)),
            )
        curve, snr_thr = curves[key]
        pd, vis, low = _radar_coverage(
            terrain,
            z,
            lat,
            lon,
            site,
            altitude_agl_m,
            rcs_m2,
            curve,
            snr_thr,
            k,
            az_spacing_cells,
            land_gamma_db,
            radial_speed_mps,
        )
        pds.append(pd)
        viss.append(vis)
        lows.append(low)
    pd_all = np.stack(pds)
    miss = np.ones(z.shape, np.float32)
    for pd in pds:
        miss *= 1.0 - pd
    low_all = np.stack(lows)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(low_all)
        low_comb = np.where(
            finite.any(axis=0), np.min(np.where(finite, low_all, np.inf), axis=0), np.nan
        ).astype(np.float32)
    west, dlon, _, north, _, mdlat = terrain.geotransform
    gt = (west, dlon * step, 0.0, north, 0.0, mdlat * step)
    return CoverageResult(
        names=[s.name for s in radars],
        pd=pd_all,
        visible=np.stack(viss),
        pd_combined=(1.0 - miss).astype(np.float32),
        lowest_agl_m=low_all,
        lowest_agl_combined_m=low_comb,
        elevation_m=z,
        geotransform=gt,
        altitude_agl_m=float(altitude_agl_m),
        pd_threshold=float(pd_threshold),
        sites=[(s.name, s.lat_deg, s.lon_deg) for s in radars],
    )
