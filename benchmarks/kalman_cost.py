"""Cost of one Caracas replication in the Kalman tracker mode against the default (M-of-N)
mode, and with the compiled tracker against the numpy `Tracker` (the reference), all in this
run: CPU time of this thread per replication, medians over the same seeds, modes alternated.

Target (issue 17): the Kalman mode at no more than 2x the default. Last line:
`kalman_vs_default=<r> default_ms=<m> kalman_ms=<k> kalman_numpy_ms=<n>`.

    .venv/bin/python benchmarks/kalman_cost.py [--n 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARACAS = ROOT / "scenarios" / "caracas-2026-01-03.yaml"


def _cost_ms(prepared, seeds) -> list[float]:
    out = []
    for seed in seeds:
        c0 = time.thread_time()
        prepared.replicate(seed)
        out.append(1e3 * (time.thread_time() - c0))
    return out


def main(argv: list[str] | None = None) -> dict:
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare
    from iadsim.tracking import fast_cv

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="replications per mode")
    ap.add_argument("--n-numpy", type=int, default=6, help="replications with numpy Tracker")
    args = ap.parse_args(argv)

    default = prepare(CARACAS)
    kalman = prepare(CARACAS, tracker="kalman")  # compiles (or loads) the tracker here
    for s in range(2):
        default.replicate(replication_seed(99, s))
        kalman.replicate(replication_seed(99, s))
    d_ms: list[float] = []
    k_ms: list[float] = []
    for rnd in range(4):  # alternate the modes so that both see the same machine load
        seeds = [replication_seed(7, rnd * 1000 + i) for i in range(max(1, args.n // 4))]
        d_ms += _cost_ms(default, seeds)
        k_ms += _cost_ms(kalman, seeds)
    d, k = statistics.median(d_ms), statistics.median(k_ms)
    available = fast_cv.available()
    fast_cv_available = fast_cv.available
    fast_cv.available = lambda: False  # the numpy Tracker, for comparison
    try:
        seeds = [replication_seed(7, i) for i in range(args.n_numpy)]
        n = statistics.median(_cost_ms(kalman, seeds))
    finally:
        fast_cv.available = fast_cv_available
    print(
        f"per Caracas replication (CPU, median): default {d:.1f} ms, Kalman {k:.1f} ms "
        f"({'compiled tracker' if available else 'numba missing: numpy Tracker'}), "
        f"Kalman with the numpy Tracker {n:.1f} ms"
    )
    print(
        f"kalman_vs_default={k / d:.2f} default_ms={d:.1f} kalman_ms={k:.1f} "
        f"kalman_numpy_ms={n:.1f}"
    )
    return {"kalman_vs_default": k / d, "default_ms": d, "kalman_ms": k, "kalman_numpy_ms": n}


if __name__ == "__main__":
    main()
