"""Monte Carlo on a Dask cluster: the prepared scenario shipped once per worker, replications
run in chunks, results streamed back and written to the store in batches.

Why it is built this way (measured against the local process pool, `make bench`):

- **Shipped once per worker, before any task.** The pickled `Prepared` (a few MB: world and
  geometry) travels inside a `WorkerPlugin` registered on the cluster: every worker unpickles
  it once, when the plugin is registered or when the worker joins later (an adaptive
  dask-jobqueue or Kubernetes cluster), and keeps it in a module-level table keyed by a
  token. Tasks then carry only the token and their seeds, so no task waits on a large
  dependency (the cause of the first-batch stall of one task per replication with a
  scattered scenario).
- **Chunks, not single replications.** One task runs a chunk of replications and returns
  their records together, so the scheduler and the client handle tens of tasks per second
  rather than hundreds; chunks stay small enough (a few per worker) to balance the load and
  keep the progress bar moving.
- **Streamed to the store.** Results come back as they finish (`as_completed` fetching in
  the background) and each chunk is written in one transaction: whole replications only,
  so `--resume` and the determinism guarantees are those of the local backends.

Dask is an optional dependency (the `cluster` extra): without it `--dask` is refused with
the command to install it.
"""

from __future__ import annotations

import math
import pickle
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

from iadsim.errors import InputError, Problem

try:
    from distributed import Client, LocalCluster, as_completed
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - exercised only where the extra is missing
    Client = LocalCluster = as_completed = None  # type: ignore[assignment,misc]
    WorkerPlugin = object  # type: ignore[assignment,misc]

CHUNKS_PER_WORKER = 4
"""Chunks in flight per worker: enough to hide the round trip to the scheduler."""
MAX_CHUNK = 16
"""Largest chunk (replications per task): about a second of work on one core for Caracas."""

_PREPARED: dict[str, object] = {}
"""Worker side: the prepared scenarios of the batches running here, by token."""


def require_distributed() -> None:
    """Refuse `--dask` cleanly where the `cluster` extra is not installed."""
    if Client is None:
        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--dask",
                "running on a Dask cluster needs the optional 'cluster' dependencies: "
                "pip install 'iadsim[cluster]'",
            )
        )


class PreparedOnWorkers(WorkerPlugin):
    """Carries one batch's pickled `Prepared` to every worker (present and future)."""

    def __init__(self, token: str, blob: bytes):
        self.token, self.blob = token, blob
        self.name = f"iadsim-prepared-{token}"

    def setup(self, worker=None) -> None:
        _PREPARED[self.token] = pickle.loads(self.blob)

    def teardown(self, worker=None) -> None:
        _PREPARED.pop(self.token, None)


def run_chunk(token: str, chunk: Sequence[tuple[int, int]]) -> list[dict]:
    """Worker side: run the replications (index, seed) of one chunk, return their records."""
    from iadsim.analysis.montecarlo import run_one

    prepared = _PREPARED.get(token)
    if prepared is None:
        raise RuntimeError(
            f"this Dask worker has no prepared scenario for batch {token}: "
            "the iadsim worker plugin did not run here"
        )
    return [run_one(prepared, idx, seed) for idx, seed in chunk]


def chunk_size(n_todo: int, n_workers: int) -> int:
    """Replications per task: a few chunks per worker, at most MAX_CHUNK."""
    per = math.ceil(n_todo / max(1, n_workers * CHUNKS_PER_WORKER * 2))
    return max(1, min(MAX_CHUNK, per))


def chunks(todo: Sequence[tuple[int, int]], size: int) -> Iterator[list[tuple[int, int]]]:
    for i in range(0, len(todo), size):
        yield list(todo[i : i + size])


@contextmanager
def dask_client(dask, workers: int = 1):
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
        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--dask",
                f"cannot reach the Dask scheduler at {dask!r}: {exc}",
            )
        ) from None
    try:
        yield client
    finally:
        client.close()


def where(client) -> str:
    """How the progress bar names the cluster: worker count and dashboard, if any."""
    n = len(client.scheduler_info().get("workers", {}))
    link = getattr(client, "dashboard_link", None) if client.scheduler_info() else None
    return f"{n} Dask worker{'s' if n != 1 else ''}" + (f", dashboard {link}" if link else "")


def run_dask(
    prepared,
    todo: Sequence[tuple[int, int]],
    write: Callable[[list[dict]], None],
    dask,
    workers: int,
    describe: Callable[[str], None] = lambda text: None,
) -> None:
    """Run `todo` on the cluster; `write(records)` is called once per finished chunk."""
    with dask_client(dask, workers) as client:
        token = uuid.uuid4().hex
        plugin = PreparedOnWorkers(token, pickle.dumps(prepared, protocol=5))
        describe(f"shipping the scenario to {where(client)}")
        client.register_plugin(plugin, name=plugin.name)
        try:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            describe(f"replications on {where(client)}")
            pending = chunks(todo, chunk_size(len(todo), n_workers))
            first = list(islice(pending, CHUNKS_PER_WORKER * n_workers))
            futures = [client.submit(run_chunk, token, c, pure=False) for c in first]
            done = as_completed(futures, with_results=True)
            try:
                for fut, records in done:
                    nxt = next(pending, None)
                    if nxt is not None:
                        done.add(client.submit(run_chunk, token, nxt, pure=False))
                    fut.release()
                    write(records)
            except BaseException:
                client.cancel(list(done.futures))
                raise
        finally:
            try:
                client.unregister_worker_plugin(plugin.name)
            except Exception:  # noqa: BLE001 - a cluster going away must not hide the result
                pass
