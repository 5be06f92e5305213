"""Monte Carlo batches: N replications of one prepared scenario, on local processes or a Dask
cluster, each stored as soon as it finishes, resumable after any interruption.

Replication i of a batch with root seed R always uses `replication_seed(R, i)`, so a batch's
content depends only on (scenario, R, N): not on the number of workers, the backend, the
order in which replications finish, or how many times the batch was interrupted.

The scenario is prepared (geometry precomputed) once in the calling process and shipped to
each worker once, pickled: workers never repeat the terrain and geometry work.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from iadsim._version import __version__
from iadsim.analysis.store import LEDGER_COLUMNS, ResultStore, store_path
from iadsim.engine.replication import ReplicationResult
from iadsim.engine.rng import replication_seed
from iadsim.engine.run import Prepared
from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario

# ------------------------------------------------------------------------------ records


def record_of(idx: int, seed: int, result: ReplicationResult, wall_s: float) -> dict:
    """A replication reduced to plain rows for the store (small and cheap to pickle)."""
    ac = result.aircraft
    launches = sum(1 for row in result.events.rows() if row[1] == "launch")
    rep = {
        "idx": idx,
        "seed": seed,
        "wall_s": wall_s,
        "n_aircraft": len(ac),
        "detected": sum(bool(r["detected"]) for r in ac),
        "tracked": sum(bool(r["tracked"]) for r in ac),
        "reported": sum(bool(r["reported"]) for r in ac),
        "engaged": sum(bool(r["engaged"]) for r in ac),
        "killed": sum(bool(r["killed"]) for r in ac),
        "launches": launches,
        "destroyed_components": len(result.destroyed_at),
    }
    aircraft = [
        (
            idx,
            r["aircraft"],
            r.get("type"),
            int(bool(r["detected"])),
            int(bool(r["tracked"])),
            int(bool(r["reported"])),
            int(bool(r["engaged"])),
            int(bool(r["killed"])),
            r.get("first_detected_s"),
            r.get("killed_at_s"),
        )
        for r in ac
    ]
    lt = result.ledger.table()
    cols = [lt.column(c).to_pylist() for c in LEDGER_COLUMNS[1:]]
    ledger = [
        (idx, *(None if isinstance(v, float) and v != v else v for v in row))
        for row in zip(*cols, strict=True)
    ]
    components = [
        (idx, cid, state, result.destroyed_at.get(cid)) for cid, state in result.states.items()
    ]
    return {"replication": rep, "aircraft": aircraft, "ledger": ledger, "components": components}


def run_one(prepared: Prepared, idx: int, seed: int) -> dict:
    """Run and record one replication. The record's `replication` row carries `wall_s` (stored)
    and `cpu_s`, the CPU time of this thread (not stored: what the benchmarks compare between
    backends, since wall time depends on what else the machine runs)."""
    t0, c0 = time.perf_counter(), time.thread_time()
    result = prepared.replicate(seed)
    rec = record_of(idx, seed, result, time.perf_counter() - t0)
    rec["replication"]["cpu_s"] = time.thread_time() - c0
    return rec


# ------------------------------------------------------------------ worker-side state

_WORKER_PREPARED: Prepared | None = None


def _init_worker(blob: bytes) -> None:
    global _WORKER_PREPARED
    # Ctrl-C reaches the whole process group: the parent stops the batch, workers ignore it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_PREPARED = pickle.loads(blob)
    _exit_when_orphaned(os.getppid())


def _exit_when_orphaned(parent: int, period_s: float = 1.0) -> None:
    """A pool worker whose parent died (SIGKILL, SIGTERM) would wait forever on its task
    queue; a daemon thread ends it once the parent is gone."""

    def watch() -> None:
        while True:
            time.sleep(period_s)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="iadsim-orphan-watch", daemon=True).start()


def _pool_task(idx: int, seed: int) -> dict:
    assert _WORKER_PREPARED is not None, "worker not initialized"
    return run_one(_WORKER_PREPARED, idx, seed)


# ---------------------------------------------------------------------------- identity


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


# ------------------------------------------------------------------------------- batch


@dataclass(frozen=True)
class BatchOutcome:
    store: Path
    n: int
    ran: int
    skipped: int
    wall_s: float


ProgressFn = Callable[[int], None]


def seeds_for(root_seed: int, indices: Iterable[int]) -> list[tuple[int, int]]:
    return [(i, replication_seed(root_seed, i)) for i in indices]


def run_batch(
    prepared: Prepared,
    n: int,
    out: str | Path,
    *,
    root_seed: int = 1,
    workers: int = 1,
    dask: str | object | None = None,
    resume: bool = False,
    variant: str = "",
    progress: object | None = None,
    description: str = "replications",
) -> BatchOutcome:
    """Run replications 0..n-1 (those not already in the store) and append each to the store.

    `workers`: local processes (1 runs in this process). `dask`: a scheduler address, "local"
    for a LocalCluster of `workers` processes, or a `distributed.Client`. `progress`: None (or
    False) for none, or a bar with rich's Progress interface to add a task to
    (`iadsim.report.progress.console_bar`)."""
    if n < 1:
        raise InputError(
            Problem("<command line>", None, None, "-n", f"need at least 1 replication, got {n}")
        )
    if workers < 1:
        raise InputError(
            Problem(
                "<command line>", None, None, "--workers", f"need at least 1 worker, got {workers}"
            )
        )
    t0 = time.perf_counter()
    path = store_path(out)
    with ResultStore(path) as store:
        store.bind(batch_identity(prepared.scenario, root_seed, variant), resume=resume)
        done = store.done()
        todo = seeds_for(root_seed, (i for i in range(n) if i not in done))
        skipped = n - len(todo)
        with _progress(progress, description, n, skipped) as advance:
            run_records(prepared, todo, store, workers=workers, dask=dask, advance=advance)
    return BatchOutcome(path, n, len(todo), skipped, time.perf_counter() - t0)


def run_records(
    prepared: Prepared,
    todo: list[tuple[int, int]],
    sink,
    *,
    workers: int = 1,
    dask=None,
    advance: ProgressFn = lambda k: None,
) -> None:
    """Run the replications `todo` [(index, seed)] and hand each record to `sink` as it
    finishes (in completion order; records that finish together go to `sink.append_many`
    in one call where the sink has it, i.e. one store transaction): in this process, on
    `workers` local processes, or on a Dask cluster. `sink` is a ResultStore, or any
    list-like for records kept in memory."""
    if not todo:
        return
    if dask is not None:
        from iadsim.analysis.dask_backend import require_distributed, run_dask

        require_distributed()

        def write(records: list[dict]) -> None:
            _write_many(sink, records)
            advance(len(records))

        describe = getattr(advance, "describe", lambda text: None)
        run_dask(prepared, todo, write, dask, workers, describe=describe)
    elif workers == 1 or len(todo) == 1:
        _run_here(prepared, todo, sink, advance)
    else:
        _run_pool(prepared, todo, sink, workers, advance)


def _write_many(sink, records: list[dict]) -> None:
    if hasattr(sink, "append_many"):
        sink.append_many(records)
    else:
        for record in records:
            sink.append(record)


def _run_here(prepared: Prepared, todo, sink, advance: ProgressFn) -> None:
    """The in-process path (one worker): replications run here, handed over one by one."""
    for idx, seed in todo:
        sink.append(run_one(prepared, idx, seed))
        advance(1)


def _run_pool(prepared: Prepared, todo, store, workers: int, advance: ProgressFn) -> None:
    blob = pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
    workers = min(workers, len(todo))
    max_inflight = 4 * workers
    pending = iter(todo)
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(blob,)
    ) as pool:
        inflight = set()
        try:
            for idx, seed in pending:
                inflight.add(pool.submit(_pool_task, idx, seed))
                if len(inflight) >= max_inflight:
                    break
            while inflight:
                finished, inflight = wait(inflight, return_when=FIRST_COMPLETED)
                records = [fut.result() for fut in finished]
                for nxt in islice(pending, len(finished)):
                    inflight.add(pool.submit(_pool_task, *nxt))
                _write_many(store, records)  # everything that finished, in one transaction
                advance(len(records))
        except BaseException:
            for fut in inflight:
                fut.cancel()
            raise


def dask_client(dask, workers: int = 1):
    """A `distributed.Client` context for `dask` (see `analysis.dask_backend.dask_client`)."""
    from iadsim.analysis.dask_backend import dask_client as client

    return client(dask, workers)


class _Advance:
    """What the progress context yields: `advance(k)` moves the bar by k replications,
    `advance.describe(text)` changes its label (e.g. the Dask cluster it runs on)."""

    def __init__(self, bar=None, task=None, label: str = ""):
        self.bar, self.task, self.label = bar, task, label

    def __call__(self, k: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, k)

    def describe(self, text: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=f"{self.label} ({text})")


class _progress:
    """Context manager yielding an `_Advance` (a rich bar, or nothing)."""

    def __init__(self, progress, description: str, total: int, completed: int):
        self.progress, self.description, self.total, self.completed = (
            progress,
            description,
            total,
            completed,
        )

    def __enter__(self) -> _Advance:
        if self.progress is False or self.progress is None:
            return _Advance()
        bar = self.progress
        task = bar.add_task(self.description, total=self.total, completed=self.completed)
        return _Advance(bar, task, self.description)

    def __exit__(self, *exc) -> None:
        return None
