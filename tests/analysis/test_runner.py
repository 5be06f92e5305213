"""The batch runner: one pool creation site in src/, chunks cover every job once, the same
records on local processes as here, errors naming the caller's argument, progress by one
protocol."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iadsim.analysis import runner
from iadsim.analysis.montecarlo import run_batch, run_records, seeds_for
from iadsim.analysis.records import run_one
from iadsim.analysis.runner import Runner
from iadsim.errors import ValueRangeError

SRC = Path(__file__).resolve().parents[2] / "src"


def test_one_process_pool_creation_site_in_src():
    sites = []
    for path in SRC.rglob("*.py"):
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if re.search(r"\b(ProcessPoolExecutor|LocalCluster|multiprocessing\.Pool)\(", code):
                sites.append(f"{path.relative_to(SRC)}:{k}")
    assert len(sites) == 2, sites  # the local pool and the local Dask cluster ...
    assert {s.split(":")[0] for s in sites} == {"iadsim/analysis/runner.py"}  # ... in one place


@pytest.mark.parametrize("n_jobs,n_workers", [(1, 1), (7, 2), (100, 2), (10_000, 16), (5, 64)])
def test_chunks_cover_every_job_once_in_order(n_jobs, n_workers):
    jobs = list(enumerate(range(n_jobs)))
    size = runner.chunk_size(n_jobs, n_workers)
    assert 1 <= size <= runner.MAX_CHUNK
    parts = list(runner._chunks(jobs, size))
    assert [x for c in parts for x in c] == jobs
    assert all(len(c) == size for c in parts[:-1])
    # enough chunks to keep every worker busy while there is work
    assert len(parts) >= min(n_jobs, n_workers * runner.CHUNKS_PER_WORKER)


def _strip(record: dict) -> tuple:
    rep = {k: v for k, v in record["replication"].items() if k not in ("wall_s", "cpu_s")}
    return rep, record["aircraft"], record["ledger"], record["components"]


def test_records_in_memory_on_local_processes_are_the_in_process_ones(tutorial_prepared):
    """(tests/analysis/test_montecarlo.py compares stores made on 1 and 2 workers and Dask.)"""
    ref = [_strip(run_one(tutorial_prepared, i, s)) for i, s in seeds_for(11, range(5))]
    with Runner(2) as r:
        assert [_strip(x) for x in run_records(tutorial_prepared, 5, r, root_seed=11)] == ref
    assert runner._SHIPPED == {}


def test_a_chunk_on_a_worker_without_the_batch_says_so():
    with pytest.raises(RuntimeError, match="nothing shipped"):
        runner.run_chunk("not-a-batch", lambda s, j: j, [(0, 1)])


def test_refusals_name_the_api_argument(tutorial_prepared, tmp_path, monkeypatch):
    with pytest.raises(ValueRangeError, match=r"^workers: must be from 1") as err:
        run_batch(tutorial_prepared, 2, tmp_path / "x", workers=0)
    assert err.value.parameter == "workers"
    with pytest.raises(ValueRangeError, match=r"^n: must be from 1") as err:
        run_batch(tutorial_prepared, 0, tmp_path / "x")
    monkeypatch.setattr(runner, "Client", None)
    with pytest.raises(ValueRangeError, match=r"iadsim\[cluster\]") as err:
        run_batch(tutorial_prepared, 2, tmp_path / "x", dask="local")
    assert err.value.parameter == "dask"


def test_progress_is_one_protocol(tutorial_prepared, tmp_path):
    calls: list[tuple[int, int, str]] = []
    run_batch(
        tutorial_prepared,
        3,
        tmp_path / "p",
        progress=lambda d, t, w: calls.append((d, t, w)),
        what="mc",
    )
    assert calls[0] == (0, 3, "mc") and calls[-1] == (3, 3, "mc")
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)


def _freeze_count_in_a_job(shipped, job):
    import gc

    return gc.get_freeze_count()


def test_long_lived_objects_are_left_out_of_collections_while_a_batch_runs_here():
    """The batch's objects from its start are frozen (`gc.freeze`) while it runs in this
    process, and handed back at the end; an outer freeze is left as it is."""
    import gc

    assert gc.get_freeze_count() == 0
    with Runner(workers=1) as r:
        seen: list = []
        r.map(_freeze_count_in_a_job, {"x": 1}, [(0,), (1,)], lambda done: seen.extend(done))
    assert len(seen) == 2 and all(n > 0 for _, n in seen)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        outer = gc.get_freeze_count()
        with runner.long_lived_frozen():
            assert gc.get_freeze_count() == outer
        assert gc.get_freeze_count() == outer  # not unfrozen by the inner one
    finally:
        gc.unfreeze()
