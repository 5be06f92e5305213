"""`make bench`: run every benchmark in turn; each prints ratios against a baseline measured
in the same run and ends with its summary line (`dask_vs_pool=` with its worker count,
`kalman_vs_default=`, ...), then the total time."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine_speed  # noqa: E402
import kalman_cost  # noqa: E402
import replications  # noqa: E402
import scaling  # noqa: E402
import sector_post  # noqa: E402
import sensors_bench  # noqa: E402
import tracking_vs_stonesoup  # noqa: E402

BENCHMARKS = [
    ("sensors (Pd evaluations, coverage)", lambda: sensors_bench.main(["--quick"])),
    ("tracking vs Stone Soup", tracking_vs_stonesoup.main),
    ("engine speed: Caracas prepare, replication, Pk variant", lambda: engine_speed.main([])),
    ("Monte Carlo replications: pool scaling, dask_vs_pool", lambda: replications.main([])),
    ("Kalman mode cost", lambda: kalman_cost.main([])),
    ("scaling (radars x aircraft x duration)", lambda: scaling.main(["--quick"])),
    ("scaling of the raid: 5/50/150 aircraft x 3/30 units", lambda: scaling.main(["--raid"])),
    ("sector command post: assignment across batteries", lambda: sector_post.main(["--n", "100"])),
]
"""The quick variants keep `make bench` within a few minutes on 2 cores; run
`benchmarks/sensors_bench.py` and `benchmarks/scaling.py` alone for their full grids."""


def main() -> int:
    start = time.perf_counter()
    for name, run in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        run()
        print(f"--- {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"\nmake bench: {time.perf_counter() - start:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
