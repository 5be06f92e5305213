"""Monte Carlo batches: N replications of prepared scenarios, run by the batch runner
(analysis.runner), each stored as soon as it finishes, resumable after any interruption.

Replication i of a batch with root seed R always uses `replication_seed(R, i)`, so a batch's
content depends only on (scenario, R, N): not on the number of workers, the backend, the
order in which replications finish, or how many times the batch was interrupted.

`run_stores` runs several batches (a comparison's variants, a sweep's points, an attribution's
subsets) on one pool, every batch with the same seeds, each into its own store; `run_batch` is
the one-batch case and `run_records` keeps the records in memory. The scenarios are prepared
(geometry precomputed) in the calling process and shipped to each worker once.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iadsim._version import __version__
from iadsim.analysis.records import run_one
from iadsim.analysis.runner import ProgressFn, Runner, Tally, check_count
from iadsim.analysis.store import ResultStore
from iadsim.analysis.store_checks import store_path
from iadsim.engine.rng import replication_seed
from iadsim.engine.run import Prepared
from iadsim.limits import MAX_REPLICATIONS
from iadsim.scenario import Scenario

STORES_AT_ONCE = 64
"""Batches run together on one pool (each holds an open store: a few file descriptors)."""


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario and the catalog it resolves against.

    Hashing the canonical model (not the file bytes) means a variant made with --set has
    its own hash, and an edit of comments only does not invalidate a store."""
    h = hashlib.sha256()
    h.update(
        json.dumps(scenario.spec.model_dump(mode="json", by_alias=True), sort_keys=True).encode()
    )
    h.update(json.dumps(scenario.catalog.model_dump(mode="json"), sort_keys=True).encode())
    return h.hexdigest()


def file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def batch_identity(scenario: Scenario, root_seed: int, variant: str = "") -> dict[str, str]:
    return {
        "scenario": scenario.spec.scenario,
        "scenario_file": str(scenario.path),
        "scenario_file_sha256": file_hash(scenario.path),
        "scenario_hash": scenario_hash(scenario),
        "root_seed": str(int(root_seed)),
        "variant": variant,
        "iadsim_version": __version__,
    }


@dataclass(frozen=True)
class BatchOutcome:
    store: Path
    n: int
    ran: int
    skipped: int
    wall_s: float


@dataclass(frozen=True)
class StoredBatch:
    """One batch of a `run_stores` call: a prepared scenario, where it is stored, and the
    label of the what-if it is (recorded in the store's identity)."""

    key: Any
    prepared: Prepared
    out: Path
    variant: str = ""


def seeds_for(root_seed: int, indices: Iterable[int]) -> list[tuple[int, int]]:
    return [(i, replication_seed(root_seed, i)) for i in indices]


def replicate(shipped: dict, job: tuple[Any, int, int]) -> tuple[Any, dict]:
    """Runner work: replication (idx, seed) of the batch `key`, recorded."""
    key, idx, seed = job
    return key, run_one(shipped[key], idx, seed)


def run_stores(
    batches: Sequence[StoredBatch],
    n: int,
    runner: Runner,
    *,
    root_seed: int = 1,
    resume: bool = False,
    progress: ProgressFn | None = None,
    what: str = "replications",
) -> dict[Any, BatchOutcome]:
    """Replications 0..n-1 of every batch (those not already stored), with the same seeds,
    each record appended to its batch's store in one transaction with those that finished
    together."""
    check_count(n, "n", 1, MAX_REPLICATIONS)
    t0 = time.perf_counter()
    tally = Tally(progress, n * len(batches), what, done=sum(_stored(b.out, n) for b in batches))
    ran: dict[Any, int] = {}
    for g in range(0, len(batches), STORES_AT_ONCE):
        ran.update(_run_group(batches[g : g + STORES_AT_ONCE], n, runner, root_seed, resume, tally))
    wall = time.perf_counter() - t0
    return {
        b.key: BatchOutcome(store_path(b.out), n, ran[b.key], n - ran[b.key], wall) for b in batches
    }


def _stored(out: Path, n: int) -> int:
    """Replications 0..n-1 already in the store at `out` (0 where there is none yet)."""
    if not store_path(out).is_file():
        return 0
    with ResultStore(out, writer=False, limit=n) as store:
        return store.count()


def _run_group(
    group: Sequence[StoredBatch], n: int, runner: Runner, root_seed: int, resume: bool, tally
) -> dict[Any, int]:
    """Run a group of batches on one pool; returns how many replications each ran."""
    stores = {b.key: ResultStore(b.out) for b in group}
    try:
        jobs = []
        for b in group:
            stores[b.key].bind(batch_identity(b.prepared.scenario, root_seed, b.variant), resume)
            done = stores[b.key].done()
            jobs += [(b.key, i, s) for i, s in seeds_for(root_seed, range(n)) if i not in done]
        jobs.sort(key=lambda job: job[1])  # replication by replication across the batches

        def store_finished(results: list[tuple[int, tuple[Any, dict]]]) -> None:
            by_key: dict[Any, list[dict]] = {}
            for _, (key, record) in results:
                by_key.setdefault(key, []).append(record)
            for key, records in by_key.items():
                stores[key].append_many(records)
            tally.add(len(results))

        runner.map(replicate, {b.key: b.prepared for b in group}, jobs, store_finished)
    finally:
        for s in stores.values():
            s.close()
    return {b.key: sum(1 for job in jobs if job[0] == b.key) for b in group}


def run_batch(
    prepared: Prepared,
    n: int,
    out: str | Path,
    *,
    root_seed: int = 1,
    workers: int = 1,
    dask: Any = None,
    resume: bool = False,
    variant: str = "",
    progress: ProgressFn | None = None,
    what: str = "replications",
) -> BatchOutcome:
    """Run replications 0..n-1 (those not already in the store) and append each to the store.

    `workers`: local processes (1 runs in this process). `dask`: a scheduler address, "local"
    for a LocalCluster of `workers` processes, or a `distributed.Client`."""
    check_count(n, "n", 1, MAX_REPLICATIONS)
    with Runner(workers, dask) as runner:
        batch = StoredBatch(0, prepared, Path(out), variant)
        return run_stores(
            [batch], n, runner, root_seed=root_seed, resume=resume, progress=progress, what=what
        )[0]


def run_records(
    prepared: Prepared,
    n: int,
    runner: Runner,
    *,
    root_seed: int = 1,
    progress: ProgressFn | None = None,
) -> list[dict]:
    """Replications 0..n-1 kept in memory: their records, ordered by replication index."""
    check_count(n, "n", 1, MAX_REPLICATIONS)
    records: list[dict] = []
    tally = Tally(progress, n, "replications")

    def keep(results: list[tuple[int, tuple[Any, dict]]]) -> None:
        records.extend(record for _, (_, record) in results)
        tally.add(len(results))

    jobs = [(0, i, s) for i, s in seeds_for(root_seed, range(n))]
    runner.map(replicate, {0: prepared}, jobs, keep)
    return sorted(records, key=lambda r: r["replication"]["idx"])
