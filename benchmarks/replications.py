"""Monte Carlo throughput on the Caracas case study, every figure measured in this one run:

1. the cost of one replication in process (the `--workers 1` path) and in a pool worker,
   as CPU time of the thread that ran it (wall time on a shared machine measures the others);
2. the local process pool from 1 worker to the machine's core count (replications per
   second of whole `run_batch` calls: store writes, process start and the shipping of the
   prepared scenario included);
3. the Dask backend on a LocalCluster of as many single-threaded workers, already started
   and used once (as a remote cluster would be: its workers have imported iadsim), against
   the pool at that count: `dask_vs_pool=`. The shipping of the scenario to the workers is
   inside each Dask batch.

Pool and Dask batches alternate within each of `--repeats` rounds so that both see the same
load; the figures are medians over the rounds, and `dask_vs_pool` is the median of the
per-round ratios. Last line:
`dask_vs_pool=<r> workers=<w> pool_reps_per_s=<p> dask_reps_per_s=<d> cpus=<c>`.

    .venv/bin/python benchmarks/replications.py [--per-worker 40] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARACAS = ROOT / "scenarios" / "caracas-2026-01-03.yaml"


def cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _cpu_ms(records: list[dict]) -> float:
    return 1e3 * statistics.median(r["replication"]["cpu_s"] for r in records)


def per_replication(prepared, n: int) -> tuple[float, float]:
    """Median CPU ms of one replication in this process and in a worker of the runner's
    pool (two workers: a one-worker runner runs in this process)."""
    from iadsim.analysis.montecarlo import run_records
    from iadsim.analysis.runner import Runner

    here: list[dict] = []
    pool: list[dict] = []
    for rnd in range(2):  # alternate, so both see the same load
        for workers, into in ((1, here), (2, pool)):
            with Runner(workers) as runner:
                into += run_records(prepared, n // 2, runner, root_seed=100 + rnd)
    return _cpu_ms(here), _cpu_ms(pool)


def main(argv: list[str] | None = None) -> dict:
    from distributed import Client, LocalCluster

    from iadsim.analysis.montecarlo import run_batch
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-worker", type=int, default=40, help="replications per worker")
    ap.add_argument("--repeats", type=int, default=3, help="rounds (medians are reported)")
    ap.add_argument("--workers", type=int, default=cpus(), help="top of the scaling curve")
    ap.add_argument("--scenario", default=str(CARACAS))
    args = ap.parse_args(argv)
    top = max(1, args.workers)

    t0 = time.perf_counter()
    prepared = prepare(args.scenario)
    print(f"prepare (geometry, terrain, once per batch): {time.perf_counter() - t0:.2f} s")
    for s in range(3):  # warm caches (imports, first-call paths)
        prepared.replicate(replication_seed(99, s))

    here_ms, worker_ms = per_replication(prepared, 2 * args.per_worker)
    print(
        f"one replication, CPU: in process {here_ms:.1f} ms, in a pool worker {worker_ms:.1f} ms "
        f"(ratio {here_ms / worker_ms:.2f})"
    )

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=top, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    print(f"Dask LocalCluster of {top} workers started in {time.perf_counter() - t0:.1f} s")
    pool: dict[int, list[float]] = {w: [] for w in range(1, top + 1)}
    dask: list[float] = []
    ratios: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:

            def rate(tag: str, n: int, **kw) -> float:
                out = run_batch(prepared, n, Path(tmp) / tag, root_seed=1, progress=False, **kw)
                return out.ran / out.wall_s

            # one untimed Dask batch first: each worker imports iadsim once (a one-off of a
            # new cluster; the pool's workers are forked from this process, imports done)
            t0 = time.perf_counter()
            rate("dask-warm", top, dask=client)
            print(f"first Dask batch (workers import iadsim): {time.perf_counter() - t0:.1f} s")
            for rnd in range(args.repeats):
                for w in range(1, top):
                    pool[w].append(rate(f"p{w}-{rnd}", args.per_worker * w, workers=w))
                n = args.per_worker * top
                pair = [
                    ("pool", {"workers": top}),
                    ("dask", {"dask": client}),
                ]
                got = {
                    name: rate(f"{name}{top}-{rnd}", n, **kw)
                    for name, kw in (pair if rnd % 2 == 0 else pair[::-1])
                }
                pool[top].append(got["pool"])
                dask.append(got["dask"])
                ratios.append(got["dask"] / got["pool"])
                load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
                print(
                    f"round {rnd + 1}: "
                    + ", ".join(f"pool {w}: {pool[w][-1]:.1f}/s" for w in range(1, top + 1))
                    + f", dask {top}: {dask[-1]:.1f}/s (dask/pool {ratios[-1]:.2f}); "
                    f"load {load:.1f}",
                    flush=True,
                )
    finally:
        client.close()
        cluster.close()

    med = {w: statistics.median(v) for w, v in pool.items()}
    print(
        "pool scaling (median reps/s): "
        + ", ".join(f"{w} worker{'s' if w > 1 else ''} {med[w]:.1f}" for w in med)
        + f"; speed-up at {top}: {med[top] / med[1]:.2f}"
    )
    ratio = statistics.median(ratios)
    print(
        f"dask_vs_pool={ratio:.2f} workers={top} pool_reps_per_s={med[top]:.1f} "
        f"dask_reps_per_s={statistics.median(dask):.1f} cpus={cpus()}"
    )
    return {
        "dask_vs_pool": ratio,
        "workers": top,
        "pool": med,
        "inprocess_cpu_ms": here_ms,
        "pool_worker_cpu_ms": worker_ms,
    }


if __name__ == "__main__":
    main()
