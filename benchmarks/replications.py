"""Replications per second of the Caracas case study on 1 and on 2 worker processes.

The scenario is prepared once (geometry and terrain, not timed in the rates); each rate is a
whole `run_batch` into a fresh results store, so it includes the store writes and, for two
workers, the process start-up and the shipping of the prepared scenario.

Targets (issue 9): one replication in 50 ms or less on one core; speed-up >= 1.8 on 2 workers.
Last line: `reps_per_s_1=<x> speedup_2_workers=<y>`.

    .venv/bin/python benchmarks/replications.py [--n1 120] [--n2 240]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARACAS = ROOT / "scenarios" / "caracas-2026-01-03.yaml"


def main(argv: list[str] | None = None) -> dict:
    from iadsim.analysis.montecarlo import run_batch
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n1", type=int, default=120, help="replications on 1 worker")
    ap.add_argument("--n2", type=int, default=240, help="replications on 2 workers")
    ap.add_argument("--scenario", default=str(CARACAS))
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    prepared = prepare(args.scenario)
    prep_s = time.perf_counter() - t0
    print(f"prepare (geometry, terrain, once per batch): {prep_s:.2f} s")
    for s in range(3):  # warm caches (imports, first-call paths)
        prepared.replicate(replication_seed(99, s))

    # bare engine cost per replication (no store), one core
    seeds = [replication_seed(7, i) for i in range(min(args.n1, 60))]
    t0, c0 = time.perf_counter(), time.process_time()
    for s in seeds:
        prepared.replicate(s)
    per_rep = (time.perf_counter() - t0) / len(seeds)
    cpu_rep = (time.process_time() - c0) / len(seeds)
    ok = "OK" if cpu_rep <= 0.050 else "ABOVE TARGET"
    print(
        f"engine only: {1e3 * per_rep:.1f} ms wall, {1e3 * cpu_rep:.1f} ms CPU per replication "
        f"(target <= 50 ms on one core: {ok})"
    )

    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers, n in ((1, args.n1), (2, args.n2)):
            out = run_batch(
                prepared, n, Path(tmp) / f"w{workers}", root_seed=1, workers=workers, progress=False
            )
            rates[workers] = out.ran / out.wall_s
            print(
                f"{workers} worker(s): {n} replications in {out.wall_s:.2f} s = "
                f"{rates[workers]:.1f} reps/s (store writes included)"
            )
    speedup = rates[2] / rates[1]
    ncpu = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"cpus available: {ncpu}, load average (1 min) at the end: {load:.2f} "
        f"(other processes on the machine lower the 2-worker speed-up; target >= 1.8)"
    )
    print(f"reps_per_s_1={rates[1]:.2f} speedup_2_workers={speedup:.2f}")
    return {
        "reps_per_s_1": rates[1],
        "speedup_2_workers": speedup,
        "ms_per_rep": 1e3 * per_rep,
        "cpu_ms_per_rep": 1e3 * cpu_rep,
    }


if __name__ == "__main__":
    main()
