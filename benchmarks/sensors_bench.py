"""Sensor benchmarks: Pd evaluations/s (exact, Shnidman, table) and coverage cells/s.

Each rate is printed with its ratio to a straightforward per-element Python loop measured
in the same run (the loop runs on a subsample and is extrapolated). The coverage case is
the issue's target: 20 radars on a 1000 x 1000 DEM, under 10 s on one core.
Run: .venv/bin/python benchmarks/sensors_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from iadsim.geo.terrain import Terrain
from iadsim.sensors.coverage import RadarSite, compute_coverage
from iadsim.sensors.detection import PdCurve, detection_probability
from iadsim.sensors.radar_equation import RadarParameters, snr_db

ROOT = Path(__file__).resolve().parents[1]
CARACAS = ROOT / "src/iadsim/data/terrain/caracas.tif"


def _timed(fn, repeat: int = 1) -> float:
    """Best wall time of `repeat` calls, seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_pd(n: int, n_loop: int) -> list[tuple[str, float, float]]:
    """Pd evaluations per second, vectorized vs a per-element loop of scalar calls."""
    rng = np.random.default_rng(0)
    snr = rng.uniform(-5.0, 30.0, n)
    rows = []
    for sw in (0, 1, 3, 4):
        loop_t = _timed(
            lambda sw=sw: [detection_probability(float(x), 1e-6, sw, 10) for x in snr[:n_loop]]
        )
        loop_rate = n_loop / loop_t
        for method in ("exact", "shnidman"):
            t = _timed(lambda m=method, sw=sw: detection_probability(snr, 1e-6, sw, 10, m), 2)
            rows.append((f"Pd {method:8s} SW{sw} n=10", n / t, loop_rate))
        curve = PdCurve(1e-6, sw, 10)
        t = _timed(lambda c=curve: c(snr), 3)
        rows.append((f"Pd table    SW{sw} n=10", n / t, loop_rate))
    return rows


def _big_terrain(size: int) -> Terrain:
    """A size x size DEM: the Caracas grid mirrored outward (same 3 arc-second cells)."""
    base = Terrain.from_geotiff(CARACAS)
    z = base.elevation_m
    reps = (-(-size // z.shape[0]) + 1, -(-size // z.shape[1]) + 1)
    tiled = np.block(
        [[z if (i + j) % 2 == 0 else z[::-1, ::-1] for j in range(reps[1])] for i in range(reps[0])]
    )[:size, :size]
    return Terrain(tiled, base.west_deg, base.north_deg, base.dlon_deg, base.dlat_deg)


def _sites(terrain: Terrain, n: int) -> list[RadarSite]:
    """n radars at fixed pseudo-random places inside the DEM."""
    rng = np.random.default_rng(42)
    w, s, e, nth = terrain.bounds
    p = RadarParameters(
        peak_power_w=500e3,
        gain_dbi=33.0,
        frequency_hz=3e9,
        pulse_width_s=1e-6,
        noise_figure_db=4.0,
        losses_db=8.0,
        n_pulses=10,
    )
    return [
        RadarSite(
            f"R{i}", rng.uniform(s + 0.05, nth - 0.05), rng.uniform(w + 0.05, e - 0.05), 15.0, p
        )
        for i in range(n)
    ]


def _loop_cell(terrain: Terrain, site: RadarSite, lat: float, lon: float, agl: float) -> float:
    """The straightforward way: one LOS profile, one SNR, one Pd for one radar-cell pair."""
    h_s = float(terrain.elevation(site.lat_deg, site.lon_deg)) + site.antenna_agl_m
    h_t = float(terrain.elevation(lat, lon)) + agl
    los = terrain.line_of_sight(site.lat_deg, site.lon_deg, h_s, lat, lon, h_t)
    if not bool(los.visible):
        return 0.0
    d = max(float(np.hypot((lat - site.lat_deg) * 111e3, (lon - site.lon_deg) * 109e3)), 1.0)
    s = float(snr_db(site.params, np.hypot(d, h_t - h_s), 5.0))
    return float(detection_probability(s, site.params.pfa, 1, site.params.noncoherent_pulses))


def bench_coverage(size: int, n_radars: int, n_loop: int) -> tuple[float, float, float]:
    """(seconds for the whole map, cells*radars per second, loop cells*radars per second)."""
    terrain = _big_terrain(size)
    sites = _sites(terrain, n_radars)
    t = _timed(lambda: compute_coverage(terrain, sites, 100.0, rcs_m2=5.0, swerling=1))
    rng = np.random.default_rng(1)
    lat_c, lon_c = terrain.cell_centres()
    ii = rng.integers(0, size, n_loop)
    jj = rng.integers(0, size, n_loop)
    t0 = time.perf_counter()
    for k in range(n_loop):
        _loop_cell(terrain, sites[k % n_radars], lat_c[ii[k]], lon_c[jj[k]], 100.0)
    loop_rate = n_loop / (time.perf_counter() - t0)
    return t, size * size * n_radars / t, loop_rate


def main(argv: list[str] | None = None) -> int:
    """Run the sensor benchmarks and print rates and ratios against per-element loops."""
    ap = argparse.ArgumentParser(description="iadsim sensor benchmarks")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    args = ap.parse_args(argv)
    n, n_loop = (100_000, 300) if args.quick else (1_000_000, 2000)
    size, n_radars, n_cells_loop = (300, 4, 40) if args.quick else (1000, 20, 300)
    print("# sensors benchmark (one process; ratios vs a per-element Python loop, same run)")
    for name, rate, loop_rate in bench_pd(n, n_loop):
        print(
            f"{name}: {rate:12.3e} evals/s   x{rate / loop_rate:9.0f} vs loop ({loop_rate:.3e}/s)"
        )
    t, rate, loop_rate = bench_coverage(size, n_radars, n_cells_loop)
    print(
        f"coverage {n_radars} radars x {size}x{size}: {t:.2f} s, {rate:.3e} radar-cells/s   "
        f"x{rate / loop_rate:.0f} vs loop ({loop_rate:.3e}/s, extrapolated "
        f"{size * size * n_radars / loop_rate / 3600:.1f} h)"
    )
    if not args.quick:
        print(f"target 20 radars x 1000x1000 < 10 s: {'met' if t < 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
