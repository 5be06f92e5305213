"""`make bench`: run every benchmark in turn; each prints ratios against a baseline measured
in the same run and ends with its summary line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import replications  # noqa: E402
import scaling  # noqa: E402
import sensors_bench  # noqa: E402
import tracking_vs_stonesoup  # noqa: E402

BENCHMARKS = [
    ("sensors (Pd evaluations, coverage)", lambda: sensors_bench.main([])),
    ("tracking vs Stone Soup", tracking_vs_stonesoup.main),
    ("Monte Carlo replications", lambda: replications.main([])),
    ("scaling (radars x aircraft x duration)", lambda: scaling.main([])),
]


def main() -> int:
    for name, run in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        run()
        print(f"--- {name}: {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
