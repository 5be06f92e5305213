"""The Dask backend: chunks cover every replication once, the prepared scenario reaches the
workers through the plugin (and leaves with it), results equal the in-process ones, and a
missing `cluster` extra is refused with the command to install it."""

from __future__ import annotations

import pytest

from iadsim.analysis import dask_backend
from iadsim.analysis.montecarlo import run_batch, run_one, seeds_for
from iadsim.errors import InputError


@pytest.mark.parametrize("n_todo,n_workers", [(1, 1), (7, 2), (100, 2), (10_000, 16), (5, 64)])
def test_chunks_cover_every_replication_once_in_order(n_todo, n_workers):
    todo = seeds_for(3, range(n_todo))
    size = dask_backend.chunk_size(n_todo, n_workers)
    assert 1 <= size <= dask_backend.MAX_CHUNK
    parts = list(dask_backend.chunks(todo, size))
    assert [x for c in parts for x in c] == todo
    assert all(len(c) == size for c in parts[:-1])
    # enough chunks to keep every worker busy while there is work
    assert len(parts) >= min(n_todo, n_workers * dask_backend.CHUNKS_PER_WORKER)


def test_plugin_ships_the_scenario_and_chunks_match_in_process(tutorial_prepared):
    from distributed import Client, LocalCluster

    todo = seeds_for(11, range(5))
    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        written: list[list[dict]] = []
        dask_backend.run_dask(tutorial_prepared, todo, written.append, client, 1)
        # the plugin was unregistered at the end: no worker keeps the scenario
        assert dask_backend._PREPARED == {}
    got = sorted((r for batch in written for r in batch), key=lambda r: r["replication"]["idx"])
    ref = [run_one(tutorial_prepared, i, s) for i, s in todo]
    strip = ("wall_s", "cpu_s")
    for a, b in zip(got, ref, strict=True):
        assert {k: v for k, v in a["replication"].items() if k not in strip} == {
            k: v for k, v in b["replication"].items() if k not in strip
        }
        assert (a["aircraft"], a["ledger"], a["components"]) == (
            b["aircraft"],
            b["ledger"],
            b["components"],
        )


def test_a_chunk_on_a_worker_without_the_plugin_says_so():
    with pytest.raises(RuntimeError, match="no prepared scenario"):
        dask_backend.run_chunk("not-a-batch", [(0, 1)])


def test_dask_without_the_cluster_extra_is_refused(tutorial_prepared, tmp_path, monkeypatch):
    monkeypatch.setattr(dask_backend, "Client", None)
    with pytest.raises(InputError, match=r"iadsim\[cluster\]"):
        run_batch(tutorial_prepared, 2, tmp_path / "x", dask="local", progress=False)
