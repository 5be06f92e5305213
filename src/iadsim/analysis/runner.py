"""The batch runner: the one place where iadsim starts worker processes.

Every batch (mc, compare, sweep, attribute, uncertainty, robustness, the case study and the
Python API's `run_many`/`compare`) hands its work to a `Runner` as jobs: `work(shipped, job)`,
where `work` is a module-level function, `shipped` what every job reads (the prepared
scenarios: a few MB) and `job` a small tuple (a replication's index and seed, a parameter
set). The same loop runs the jobs whatever the backend:

- in this process (`workers=1`),
- on `workers` local processes (`concurrent.futures.ProcessPoolExecutor`),
- on a Dask cluster (`dask=`: a scheduler address, "local" for a LocalCluster of `workers`
  processes, or a `distributed.Client`), through the client's `concurrent.futures` executor.

`shipped` is pickled once and unpickled once per worker (a pool initializer, or a Dask
`WorkerPlugin` that also reaches workers joining later); jobs carry only a token naming it.
Jobs go out in chunks (a few per worker, at most `max_chunk` jobs each) and results come back
in completion order to `on_done`, which the callers use to store whole replications in one
transaction: what a batch contains never depends on the backend, the worker count or the
completion order.

Progress has one protocol: `progress(done, total, what)`, replications done out of the total
planned for the step `what` (a callable; `report.progress` draws it on a terminal or logs it).
"""

from __future__ import annotations

import gc
import math
import os
import pickle
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from itertools import islice
from typing import Any

from iadsim.errors import ValueRangeError
from iadsim.limits import MAX_WORKERS

try:
    from distributed import Client, LocalCluster
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - exercised only where the extra is missing
    Client = LocalCluster = None  # type: ignore[assignment,misc]
    WorkerPlugin = object  # type: ignore[assignment,misc]

ProgressFn = Callable[[int, int, str], None]
"""`progress(done, total, what)`: replications done of `total` planned in the step `what`."""

CHUNKS_PER_WORKER = 4
"""Chunks in flight per worker: enough to hide the round trip to the scheduler or pool."""
MAX_CHUNK = 16
"""Largest chunk (jobs per task): about a second of work on one core for Caracas."""

_SHIPPED: dict[str, Any] = {}
"""Worker side (and this process): what the running batches ship to their jobs, by token."""


def no_progress(done: int, total: int, what: str) -> None:
    """The progress function that reports nothing."""


class Tally:
    """Counts the replications of one step and reports them through `progress`."""

    def __init__(self, progress: ProgressFn | None, total: int, what: str, done: int = 0):
        self.report = progress or no_progress
        self.total, self.what, self.done = total, what, done
        self.report(self.done, self.total, self.what)

    def add(self, k: int) -> None:
        self.done += k
        self.report(self.done, self.total, self.what)

    def plan(self, total: int, done: int | None = None) -> None:
        """A new total (an adaptive step adds a round), optionally a recount of what is done."""
        self.total = total
        if done is not None:
            self.done = done
        self.report(self.done, self.total, self.what)


def check_count(value: int, parameter: str, least: int = 1, most: int | None = None) -> int:
    """A count the caller gave (replications, workers): refused in the caller's terms."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueRangeError(f"expected a whole number, got {value!r}", parameter=parameter)
    if value < least or (most is not None and value > most):
        bound = f"from {least} to {most:,}" if most is not None else f"at least {least}"
        raise ValueRangeError(f"must be {bound}, got {value:,}", parameter=parameter)
    return value


def require_distributed() -> None:
    """Refuse `dask` cleanly where the `cluster` extra is not installed."""
    if Client is None:
        raise ValueRangeError(
            "running on a Dask cluster needs the optional 'cluster' dependencies: "
            "pip install 'iadsim[cluster]'",
            parameter="dask",
        )


# ------------------------------------------------------------------------------ worker side


def _receive(token: str, blob: bytes) -> None:
    """Pool initializer: unpickle what the batch ships; Ctrl-C is the parent's to handle. The
    worker's objects from then on are long-lived (`long_lived_frozen`: the worker serves this
    batch only)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _SHIPPED[token] = pickle.loads(blob)
    _exit_when_orphaned(os.getppid())
    gc.freeze()


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """While a batch runs here, the objects that exist when it starts (the modules imported,
    the prepared scenarios) are left out of the cyclic garbage collector's passes
    (`gc.freeze`), and handed back to it at the end. A full pass otherwise walks every one of
    them: about 75 ms in a process with iadsim's dependencies imported (some 110,000
    objects), once every 30 or so Caracas replications, 2-3 ms a replication. A replication's
    own objects are collected as before. Does nothing where objects are frozen already (a
    pool worker, an outer batch, the caller's own `gc.freeze`)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _exit_when_orphaned(parent: int, period_s: float = 1.0) -> None:
    """A pool worker whose parent died (SIGKILL, SIGTERM) would wait forever on its task
    queue; a daemon thread ends it once the parent is gone."""

    def watch() -> None:
        while True:
            time.sleep(period_s)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="iadsim-orphan-watch", daemon=True).start()


class ShippedToWorkers(WorkerPlugin):
    """Dask: carries one batch's pickled `shipped` to every worker (present and future)."""

    def __init__(self, token: str, blob: bytes):
        self.token, self.blob = token, blob
        self.name = f"iadsim-shipped-{token}"

    def setup(self, worker=None) -> None:
        _SHIPPED[self.token] = pickle.loads(self.blob)

    def teardown(self, worker=None) -> None:
        _SHIPPED.pop(self.token, None)


def run_chunk(token: str, work: Callable, chunk: Sequence[tuple[int, Any]]) -> list:
    """Run the jobs (position, job) of one chunk on what was shipped under `token`."""
    shipped = _SHIPPED.get(token)
    if shipped is None:
        raise RuntimeError(f"this worker holds nothing shipped for batch {token}")
    return [(k, work(shipped, job)) for k, job in chunk]


# ------------------------------------------------------------------------------ the runner


def chunk_size(n_jobs: int, n_workers: int, max_chunk: int = MAX_CHUNK) -> int:
    """Jobs per task: a few chunks per worker, at most `max_chunk`."""
    per = math.ceil(n_jobs / max(1, n_workers * CHUNKS_PER_WORKER * 2))
    return max(1, min(max_chunk, per))


class _HereExecutor(Executor):
    """Runs each task at once, in this process: the one-worker case of the same loop."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut


class Runner:
    """Where a batch's jobs run: here (`workers=1`), on `workers` local processes, or on a
    Dask cluster (`dask`). A context manager: a Dask client opened on entry is closed on exit
    (a given `distributed.Client` is used as is)."""

    def __init__(self, workers: int = 1, dask: Any = None):
        self.workers = check_count(workers, "workers", 1, MAX_WORKERS)
        self.dask = dask
        self.client: Any = None
        self._stack: Any = None

    def __enter__(self) -> Runner:
        if self.dask is not None:
            self._stack = dask_client(self.dask, self.workers)
            self.client = self._stack.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._stack is not None:
            self._stack.__exit__(*exc)
            self._stack = self.client = None

    @property
    def where(self) -> str:
        """The backend in words (for progress lines)."""
        if self.client is not None:
            return where(self.client)
        return f"{self.workers} worker{'s' if self.workers != 1 else ''}"

    def map(
        self,
        work: Callable[[Any, Any], Any],
        shipped: Any,
        jobs: Sequence[Any],
        on_done: Callable[[list[tuple[int, Any]]], None],
        max_chunk: int = MAX_CHUNK,
    ) -> None:
        """Run `work(shipped, job)` for every job; `on_done([(position, result), ...])` gets
        each finished chunk's results, in completion order."""
        if not jobs:
            return
        token = uuid.uuid4().hex
        with self._executor(token, shipped, len(jobs)) as (executor, n_workers):
            size = chunk_size(len(jobs), n_workers, max_chunk)
            pending = _chunks(list(enumerate(jobs)), size)
            inflight = {
                executor.submit(run_chunk, token, work, c)
                for c in islice(pending, CHUNKS_PER_WORKER * n_workers)
            }
            try:
                while inflight:
                    finished, inflight = wait(inflight, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        results = fut.result()
                        nxt = next(pending, None)
                        if nxt is not None:
                            inflight.add(executor.submit(run_chunk, token, work, nxt))
                        on_done(results)
            except BaseException:
                for fut in inflight:
                    fut.cancel()
                raise

    @contextmanager
    def _executor(self, token: str, shipped: Any, n_jobs: int) -> Iterator[tuple[Executor, int]]:
        """The executor the jobs go to, with `shipped` already on its workers."""
        if self.client is not None:
            blob = pickle.dumps(shipped, protocol=pickle.HIGHEST_PROTOCOL)
            plugin = ShippedToWorkers(token, blob)
            self.client.register_plugin(plugin, name=plugin.name)
            try:
                n = max(1, len(self.client.scheduler_info().get("workers", {})))
                yield self.client.get_executor(pure=False), n
            finally:
                try:
                    self.client.unregister_worker_plugin(plugin.name)
                except Exception:  # noqa: BLE001 - a cluster going away must not hide the result
                    pass
        elif self.workers == 1 or n_jobs == 1:
            _SHIPPED[token] = shipped
            try:
                with long_lived_frozen():
                    yield _HereExecutor(), 1
            finally:
                _SHIPPED.pop(token, None)
        else:
            blob = pickle.dumps(shipped, protocol=pickle.HIGHEST_PROTOCOL)
            n = min(self.workers, n_jobs)
            # the one process pool of iadsim; shut down before the caller closes its stores
            # (forked workers inherit the stores' lock files)
            with ProcessPoolExecutor(n, initializer=_receive, initargs=(token, blob)) as pool:
                try:
                    yield pool, n
                finally:
                    pool.shutdown(cancel_futures=True)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ------------------------------------------------------------------------------------ Dask


@contextmanager
def dask_client(dask: Any, workers: int = 1) -> Iterator[Any]:
    """A `distributed.Client` for `dask`: an existing Client (used as is), "local" (a new
    LocalCluster of `workers` single-threaded processes, closed on exit) or a scheduler
    address such as tcp://10.0.0.5:8786 (connected, closed on exit)."""
    require_distributed()
    if isinstance(dask, Client):
        yield dask
        return
    if dask == "local":
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(str(dask), timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueRangeError(
            f"cannot reach the Dask scheduler at {dask!r}: {exc}", parameter="dask"
        ) from None
    try:
        yield client
    finally:
        client.close()


def where(client: Any) -> str:
    """A Dask cluster in words: worker count and dashboard, if any."""
    info = client.scheduler_info()
    n = len(info.get("workers", {}))
    link = getattr(client, "dashboard_link", None) if info else None
    return f"{n} Dask worker{'s' if n != 1 else ''}" + (f", dashboard {link}" if link else "")


# ---------------------------------------------------------------------------- cost estimate


def probe_cost(replicate: Callable[[int], Any], seeds: Sequence[int]) -> float:
    """Seconds of one replication, timed on a few seeds in this process (the estimate a
    long command prints before starting)."""
    t0 = time.perf_counter()
    for seed in seeds:
        replicate(seed)
    return (time.perf_counter() - t0) / max(1, len(seeds))
