"""Scaling of the engine with radars x aircraft x duration, on generated scenarios.

A scenario of R radars and A aircraft is written programmatically: R radar sites on a square
grid over a 240 km x 240 km area (one in ten a medium-range SAM battery with its own
acquisition radar, command post and TELAR; the others early-warning radars, each linked to a
battery's command post), and A aircraft flying zig-zag routes across the area at altitudes
from 150 m to 9 km for the whole duration. Each grid point runs in a fresh process, so its
peak memory (ru_maxrss) is its own.

Printed per point: prepare time (geometry, once per scenario), time per replication, peak
memory, real-time factor (simulated seconds / wall seconds of one replication). Then a
least-squares fit of replication cost against R x A x duration, and the log-log slope
(1.0 = linear).

Targets (issue 9): 100 x 300 x 2 h at least 100x faster than real time within 2 GiB;
cost growing no worse than linearly in R x A x duration.

    .venv/bin/python benchmarks/scaling.py            # grid up to 100 x 300 x 2 h
    .venv/bin/python benchmarks/scaling.py --quick    # small grid, a few seconds
    .venv/bin/python benchmarks/scaling.py --raid     # 5/50/150 aircraft x 3/30 units

`--raid` (issue 23) grows a synthetic night on the Caracas DEM and catalog instead: 3 and 30
defence units (SAM batteries, early-warning sites, MANPADS sections) against 5, 50 and 150
aircraft (helicopters terrain-following, fighters at altitude), 30 min; CPU time per
replication and the fitted exponents in units, aircraft and units x aircraft. Beside them,
the work the night gives the engine: the (unit, aircraft, decision time) cells inside a
unit's envelope, and those at fire control (where the fight decides), which grow faster
than the units when a denser defence networks more sensors to each battery's post; and
the cost's exponent against them.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ORIGIN = (10.0, -66.0)
HALF_SIDE_KM = 120.0
SPEED_MPS = 150.0


def _offset(north_km: float, east_km: float) -> dict:
    lat = ORIGIN[0] + north_km / 111.32
    lon = ORIGIN[1] + east_km / (111.32 * math.cos(math.radians(ORIGIN[0])))
    return {"lat_deg": round(lat, 6), "lon_deg": round(lon, 6)}


def make_scenario(n_radars: int, n_aircraft: int, duration_s: float) -> dict:
    """The scenario dict: R radars (1 in 10 in a SAM battery), A aircraft, duration."""
    rng = np.random.default_rng(n_radars * 1000 + n_aircraft)
    side = math.ceil(math.sqrt(n_radars))
    step = 2 * HALF_SIDE_KM / max(side, 1)
    units, links, cps = [], [], []
    n_sam = max(1, n_radars // 10)
    for i in range(n_radars):
        r, c = divmod(i, side)
        pos = _offset(-HALF_SIDE_KM + (r + 0.5) * step, -HALF_SIDE_KM + (c + 0.5) * step)
        if i < n_sam:
            uid = f"SAM-{i:03d}"
            units.append(
                {
                    "id": uid,
                    "type": "sam-medium-range",
                    "position": pos,
                    "components": [
                        {
                            "id": "acq",
                            "type": "acquisition-radar-mr",
                            "readiness": {"operational": 0.8, "degraded": 0.1},
                        },
                        {"id": "cp", "type": "command-post-mr", "readiness": {"operational": 0.9}},
                        {"id": "telar-1", "type": "telar-mr", "readiness": {"operational": 0.8}},
                    ],
                }
            )
            cps.append(f"{uid}/cp")
        else:
            uid = f"EW-{i:03d}"
            units.append(
                {
                    "id": uid,
                    "type": "early-warning-site",
                    "position": pos,
                    "components": [
                        {
                            "id": "radar",
                            "type": "early-warning-radar",
                            "readiness": {"operational": 0.85},
                        }
                    ],
                }
            )
            links.append(
                {"from": f"{uid}/radar", "to": cps[i % len(cps)], "kind": "radio", "latency_s": 1.0}
            )
    raid = []
    legs_km = SPEED_MPS * duration_s / 1000.0
    for a in range(n_aircraft):
        alt = float(rng.choice([150.0, 600.0, 3000.0, 9000.0]))
        n_legs = max(1, math.ceil(legs_km / (2 * HALF_SIDE_KM)))
        x0 = rng.uniform(-HALF_SIDE_KM, HALF_SIDE_KM)
        route = []
        for k in range(n_legs + 1):
            north = -HALF_SIDE_KM * 1.1 if k % 2 == 0 else HALF_SIDE_KM * 1.1
            east = float(np.clip(x0 + rng.uniform(-40, 40), -HALF_SIDE_KM, HALF_SIDE_KM))
            route.append({**_offset(north, east), "alt_m": alt})
        raid.append(
            {
                "id": f"AC-{a:03d}",
                "type": "strike-fighter" if alt >= 3000 else "attack-helicopter",
                "start_s": float(rng.uniform(0, 60)),
                "speed_mps": SPEED_MPS,
                "route": route,
            }
        )
    return {
        "scenario": f"scaling-{n_radars}x{n_aircraft}",
        "start_utc": "2026-01-01T00:00:00Z",
        "duration_s": float(duration_s),
        "origin": {"lat_deg": ORIGIN[0], "lon_deg": ORIGIN[1]},
        "units": units,
        "network": {"links": links},
        "raid": raid,
    }


def run_point(n_radars: int, n_aircraft: int, duration_s: float, reps: int) -> dict:
    """In a fresh process: write, prepare and replicate one scenario; time and memory."""
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scaling.yaml"
        path.write_text(
            json.dumps(make_scenario(n_radars, n_aircraft, duration_s), indent=1)
        )  # JSON is YAML
        t0 = time.perf_counter()
        prepared = prepare(path)
        prep_s = time.perf_counter() - t0
    times = []
    for i in range(reps):
        t0 = time.perf_counter()
        prepared.replicate(replication_seed(1, i))
        times.append(time.perf_counter() - t0)
    rep_s = float(np.median(times))
    return {
        "R": n_radars,
        "A": n_aircraft,
        "T_s": duration_s,
        "prepare_s": prep_s,
        "rep_s": rep_s,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "rtf": duration_s / rep_s,
    }


def _in_fresh_process(point) -> dict:
    with ProcessPoolExecutor(max_workers=1) as pool:
        return pool.submit(run_point, *point).result()


def _fit(rows: list[dict], key: str) -> tuple[float, float, float]:
    """Least squares cost = a + b * (R*A*T) and the log-log slope."""
    size = np.array([r["R"] * r["A"] * r["T_s"] for r in rows], float)
    cost = np.array([r[key] for r in rows], float)
    if len(set(size)) < 2:
        return float(cost.mean()), 0.0, math.nan
    b, a = np.polyfit(size, cost, 1)
    slope = np.polyfit(np.log(size), np.log(cost), 1)[0]
    return float(a), float(b), float(slope)


def _predict(rows: list[dict], point, key: str) -> float:
    """Cost of a point predicted from the measured ones (power law through the largest)."""
    a, b, slope = _fit(rows, key)
    big = max(rows, key=lambda r: r["R"] * r["A"] * r["T_s"])
    ratio = point[0] * point[1] * point[2] / (big["R"] * big["A"] * big["T_s"])
    exponent = 1.0 if not math.isfinite(slope) else max(1.0, slope)
    return big[key] * ratio**exponent


RAID_GRID = [(u, a) for u in (3, 30) for a in (5, 50, 150)]
"""Issue 23: the raid grows from 5 to 50 to 150 aircraft, the defence from 3 to 30 units."""

CARACAS = (10.485, -66.880)
"""The Caracas scenario's origin; the bundled DEM spans about 77 km x 55 km around it."""
RAID_UNITS = ("sam-medium-range", "early-warning-site", "manpads-section")
RAID_AIRCRAFT = ("attack-helicopter", "transport-helicopter", "strike-fighter")


def _caracas_offset(north_km: float, east_km: float) -> dict:
    lat = CARACAS[0] + north_km / 111.32
    lon = CARACAS[1] + east_km / (111.32 * math.cos(math.radians(CARACAS[0])))
    return {"lat_deg": round(lat, 6), "lon_deg": round(lon, 6)}


def _raid_unit(i: int, pos: dict) -> tuple[dict, str | None]:
    """Unit i of the defence: SAM batteries, early-warning sites and MANPADS sections in
    turn (catalog types of the Caracas case), and its command post if it has one."""
    kind = RAID_UNITS[i % len(RAID_UNITS)]
    uid = f"U{i:03d}"
    if kind == "sam-medium-range":
        comps = [
            {"id": "acq", "type": "acquisition-radar-mr", "readiness": {"operational": 0.8}},
            {"id": "cp", "type": "command-post-mr", "readiness": {"operational": 0.9}},
            {"id": "telar-1", "type": "telar-mr", "readiness": {"operational": 0.8}},
            {"id": "telar-2", "type": "telar-mr", "readiness": {"operational": 0.8}},
        ]
        return {"id": uid, "type": kind, "position": pos, "components": comps}, f"{uid}/cp"
    if kind == "early-warning-site":
        comps = [{"id": "radar", "type": "early-warning-radar", "readiness": "operational"}]
        return {"id": uid, "type": kind, "position": pos, "components": comps}, None
    comps = [{"id": f"team-{k}", "type": "manpads-team"} for k in (1, 2)]
    return {"id": uid, "type": kind, "position": pos, "components": comps}, None


def make_raid_scenario(n_units: int, n_aircraft: int, duration_s: float = 1800.0) -> dict:
    """A synthetic night on the Caracas DEM and catalog: `n_units` defence units on a grid
    over the city (SAM batteries, early-warning sites linked to a battery's post, MANPADS
    sections, in turn) and `n_aircraft` aircraft (helicopters terrain-following, fighters
    at altitude) crossing the area north to south and back for the whole duration."""
    rng = np.random.default_rng(n_units * 1000 + n_aircraft)
    side = math.ceil(math.sqrt(n_units))
    units, posts, ews = [], [], []
    for i in range(n_units):
        r, c = divmod(i, side)
        pos = _caracas_offset(-15 + 30 * (r + 0.5) / side, -25 + 50 * (c + 0.5) / side)
        unit, cp = _raid_unit(i, pos)
        units.append(unit)
        if cp is not None:
            posts.append(cp)
        elif unit["type"] == "early-warning-site":
            ews.append(f"{unit['id']}/radar")
    links = [
        {"from": ew, "to": posts[k % len(posts)], "kind": "radio", "latency_s": 1.0}
        for k, ew in enumerate(ews)
        if posts
    ]
    raid = []
    for a in range(n_aircraft):
        kind = RAID_AIRCRAFT[a % len(RAID_AIRCRAFT)]
        fighter = kind == "strike-fighter"
        speed = 220.0 if fighter else 70.0
        legs = max(1, math.ceil(speed * duration_s / 1000.0 / 50.0))
        east = rng.uniform(-25, 25)
        route = [
            {
                **_caracas_offset(22.0 if k % 2 == 0 else -22.0, east + rng.uniform(-5, 5)),
                "alt_m": 6000.0 if fighter else float(rng.choice([60.0, 150.0, 300.0])),
            }
            for k in range(legs + 1)
        ]
        entry = {
            "id": f"AC-{a:03d}",
            "type": kind,
            "start_s": float(rng.uniform(0, 120)),
            "speed_mps": speed,
            "route": route,
        }
        if not fighter:
            entry["altitude_mode"] = "agl"
        raid.append(entry)
    return {
        "scenario": f"raid-{n_units}x{n_aircraft}",
        "start_utc": "2026-01-03T06:00:00Z",
        "duration_s": float(duration_s),
        "origin": {"lat_deg": CARACAS[0], "lon_deg": CARACAS[1]},
        "terrain": "builtin:caracas",
        "environment": {"night": True},
        "units": units,
        "network": {"links": links},
        "raid": raid,
    }


def run_raid_point(n_units: int, n_aircraft: int, duration_s: float, reps: int) -> dict:
    """In a fresh process: prepare one synthetic Caracas night and time its replications
    (CPU seconds of this thread; the median of `reps`). Also the work the night gives the
    engine: the (unit, aircraft, decision time) cells in a unit's envelope (seed-independent)
    and, per replication, those at fire control, where the fight decides."""
    from iadsim.engine.replication import Replication
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare
    from iadsim.killchain import Stage

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "raid.yaml"
        path.write_text(json.dumps(make_raid_scenario(n_units, n_aircraft, duration_s)))
        c0 = time.thread_time()
        prepared = prepare(path)
        prep_s = time.thread_time() - c0
    geometry = prepared.geometry
    envelope = sum(
        int((ug.airborne & (ug.env_code == 0)).sum())
        for unit, ug in zip(geometry.world.units, geometry.units, strict=True)
        if unit.role("launcher")
    )
    Replication(geometry, replication_seed(99, 0)).run()  # first-call paths out of the timing
    times, at_fc = [], []
    for i in range(reps):  # what `prepared.replicate` runs, kept to count its chains' cells
        c0 = time.thread_time()
        rep = Replication(geometry, replication_seed(1, i))
        rep.run()
        times.append(time.thread_time() - c0)
        at_fc.append(sum(int((c.stage == Stage.FIRE_CONTROL).sum()) for c in rep.fight.chains))
    return {
        "R": n_units,
        "A": n_aircraft,
        "prepare_s": prep_s,
        "rep_s": float(np.median(times)),
        "envelope_cells": envelope,
        "fire_control_cells": float(np.mean(at_fc)),
    }


def _raid_in_fresh_process(point) -> dict:
    with ProcessPoolExecutor(max_workers=1) as pool:
        return pool.submit(run_raid_point, *point).result()


def raid_exponents(rows: list[dict]) -> tuple[float, float, float]:
    """Least squares of log cost = c + alpha log units + beta log aircraft: (alpha, beta),
    and the log-log slope of cost against units x aircraft (1 = linear)."""
    u = np.log([r["R"] for r in rows])
    a = np.log([r["A"] for r in rows])
    cost = np.log([r["rep_s"] for r in rows])
    design = np.column_stack([np.ones_like(u), u, a])
    (_, alpha, beta), *_ = np.linalg.lstsq(design, cost, rcond=None)
    slope = float(np.polyfit(u + a, cost, 1)[0])
    return float(alpha), float(beta), slope


def raid_table(duration_s: float = 1800.0, reps: int = 2) -> tuple[list[dict], float]:
    """Cost per replication over `RAID_GRID` (defence units x raid aircraft on the Caracas
    DEM and catalog, one fresh process per point) and the fitted exponents (units, aircraft,
    and units x aircraft; 1 = linear). Printed as a table; the last line
    `raid_exponent=<e> units_exponent=<alpha> aircraft_exponent=<beta>`."""
    print(
        f"{'units':>5} {'aircraft':>8} {'prepare [s]':>11} {'rep [ms]':>9} {'ms / (U*A)':>10} "
        f"{'envelope cells':>14} {'fire-control cells':>18} {'us / fc cell':>12}"
    )
    rows = []
    for units, aircraft in RAID_GRID:
        r = _raid_in_fresh_process((units, aircraft, duration_s, reps))
        rows.append(r)
        print(
            f"{units:>5} {aircraft:>8} {r['prepare_s']:>11.2f} {1e3 * r['rep_s']:>9.1f} "
            f"{1e3 * r['rep_s'] / (units * aircraft):>10.3f} {r['envelope_cells']:>14,} "
            f"{r['fire_control_cells']:>18,.0f} "
            f"{1e6 * r['rep_s'] / max(r['fire_control_cells'], 1):>12.1f}",
            flush=True,
        )
    alpha, beta, exponent = raid_exponents(rows)
    # the work the night gives the fight: how the cost grows with it, and how it grows with
    # the units (a denser defence networks more sensors to each battery's post)
    fc = np.log([max(r["fire_control_cells"], 1.0) for r in rows])
    cost_vs_work = float(np.polyfit(fc, np.log([r["rep_s"] for r in rows]), 1)[0])
    small, large = min(r["R"] for r in rows), max(r["R"] for r in rows)
    growth = [
        b["fire_control_cells"] / max(a["fire_control_cells"], 1.0)
        for a in rows
        for b in rows
        if a["R"] == small and b["R"] == large and a["A"] == b["A"]
    ]

    def verdict(e: float) -> str:
        return "no worse than linear" if e <= 1.05 else "WORSE THAN LINEAR"

    print(f"fitted cost ~ (units x aircraft)^{exponent:.2f}: {verdict(exponent)}")
    print(
        f"each alone: units^{alpha:.2f} ({verdict(alpha)}), aircraft^{beta:.2f} ({verdict(beta)})"
    )
    print(
        f"fire-control cells grow x{', x'.join(f'{g:.0f}' for g in growth)} from {small} to "
        f"{large} units (per raid size); cost ~ (fire-control cells)^{cost_vs_work:.2f}"
    )
    print(f"raid_exponent={exponent:.2f} units_exponent={alpha:.2f} aircraft_exponent={beta:.2f}")
    return rows, exponent


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description="engine cost vs radars x aircraft x duration")
    ap.add_argument("--quick", action="store_true", help="small grid only")
    ap.add_argument(
        "--raid",
        action="store_true",
        help="only the raid table: 5, 50, 150 aircraft against 3 and 30 units (minutes)",
    )
    ap.add_argument("--reps", type=int, default=2, help="replications timed per point")
    ap.add_argument(
        "--budget-s",
        type=float,
        default=110.0,
        help="skip (and extrapolate) points predicted to end past this many seconds; "
        "0 = run everything (default 110)",
    )
    args = ap.parse_args(argv)
    if args.raid:
        return raid_table(reps=args.reps)[0]
    if args.quick:
        grid = [(5, 10, 1800.0), (10, 30, 1800.0), (10, 30, 3600.0), (20, 60, 3600.0)]
    else:
        grid = [
            (10, 30, 1800.0),
            (10, 30, 7200.0),
            (30, 30, 7200.0),
            (30, 100, 7200.0),
            (100, 100, 7200.0),
            (100, 300, 7200.0),
        ]
    print(
        f"{'R':>4} {'A':>4} {'T [h]':>5} {'prepare [s]':>11} {'rep [s]':>8} "
        f"{'peak [MiB]':>10} {'real-time x':>11}"
    )
    t_start = time.perf_counter()
    rows, skipped = [], []
    for point in grid:
        if args.budget_s > 0 and len(rows) >= 2:
            predicted = _predict(rows, point, "prepare_s") + args.reps * _predict(
                rows, point, "rep_s"
            )
            if time.perf_counter() - t_start + predicted > args.budget_s:
                skipped.append(point)
                continue
        r = _in_fresh_process((*point, args.reps))
        rows.append(r)
        print(
            f"{r['R']:>4} {r['A']:>4} {r['T_s'] / 3600:>5.1f} {r['prepare_s']:>11.2f} "
            f"{r['rep_s']:>8.3f} {r['peak_mib']:>10.0f} {r['rtf']:>11.0f}",
            flush=True,
        )
    for key in ("rep_s", "prepare_s"):
        a, b, slope = _fit(rows, key)
        print(
            f"fit {key} = {a:.3g} s + {b:.3g} s x (R*A*T_s); log-log slope {slope:.2f} "
            "(<= 1 is linear or better)"
        )
    for point in skipped:
        rep = _predict(rows, point, "rep_s")
        prep = _predict(rows, point, "prepare_s")
        print(
            f"{point[0]}x{point[1]}x{point[2] / 3600:.0f}h skipped to stay within "
            f"--budget-s {args.budget_s:.0f} (run with --budget-s 0): extrapolated "
            f"{rep:.1f} s per replication = {point[2] / rep:.0f}x real time, prepare {prep:.0f} s"
        )
    big = rows[-1]
    ok_rtf = big["rtf"] >= 100
    ok_mem = big["peak_mib"] <= 2048
    print(
        f"largest point measured {big['R']}x{big['A']}x{big['T_s'] / 3600:.1f}h: real-time "
        f"factor {big['rtf']:.0f} ({'OK' if ok_rtf else 'BELOW TARGET 100'}), peak "
        f"{big['peak_mib']:.0f} MiB ({'OK' if ok_mem else 'ABOVE TARGET 2048'}), "
        f"with prepare {big['T_s'] / (big['rep_s'] + big['prepare_s']):.0f}x real time"
    )
    print(
        f"largest={big['R']}x{big['A']}x{big['T_s']:.0f}s rtf_largest={big['rtf']:.1f} "
        f"peak_mib_largest={big['peak_mib']:.0f}"
    )
    return rows


if __name__ == "__main__":
    main()
