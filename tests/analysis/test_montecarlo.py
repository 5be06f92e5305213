"""Monte Carlo batches: same aggregates whatever the backend, and resume after SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iadsim.analysis.metrics import component_classes
from iadsim.analysis.montecarlo import run_batch, seeds_for
from iadsim.analysis.records import TABLES, record_of
from iadsim.analysis.stats import batch_report
from iadsim.analysis.store import ResultStore
from iadsim.cli import main
from iadsim.engine.rng import replication_seed
from iadsim.engine.run import prepare
from iadsim.errors import ValueRangeError
from tests.builders import small_raid_on_a_battery, write_scenario

TINY = small_raid_on_a_battery("tiny-mc", manpads=True)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return write_scenario(tmp_path_factory.mktemp("scenario"), TINY, "tiny.yaml")


@pytest.fixture(scope="module")
def tiny_prepared(tiny):
    return prepare(tiny)


def content(out: Path) -> dict:
    """Every table of a store, in index order, without the wall-clock column."""
    with ResultStore(out) as store:
        tables = {name: store.rows(name) for name in TABLES}
        cols = TABLES["replications"]
        w = cols.index("wall_s")
        tables["replications"] = [r[:w] + r[w + 1 :] for r in tables["replications"]]
        return tables


def test_record_matches_a_direct_replication(tiny_prepared):
    seed = replication_seed(3, 7)
    classes = component_classes(tiny_prepared.scenario)
    rec = record_of(7, seed, tiny_prepared.replicate(seed), 0.0, classes=classes)
    again = tiny_prepared.replicate(seed)
    assert rec["replication"]["killed"] == sum(a["killed"] for a in again.aircraft)
    assert len(rec["ledger"]) == again.ledger.table().num_rows == 4
    assert seeds_for(3, [7]) == [(7, seed)]


def test_same_results_on_1_and_2_workers_and_a_dask_cluster(tiny_prepared, tmp_path):
    from distributed import Client, LocalCluster

    n = 24
    run_batch(tiny_prepared, n, tmp_path / "w1", root_seed=5, workers=1, progress=False)
    run_batch(tiny_prepared, n, tmp_path / "w2", root_seed=5, workers=2, progress=False)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        run_batch(tiny_prepared, n, tmp_path / "dask", root_seed=5, dask=client, progress=False)
    ref = content(tmp_path / "w1")
    assert len(ref["replications"]) == n
    assert [r[0] for r in ref["replications"]] == list(range(n))
    assert [r[1] for r in ref["replications"]] == [replication_seed(5, i) for i in range(n)]
    assert content(tmp_path / "w2") == ref
    assert content(tmp_path / "dask") == ref
    reports = []
    for d in ("w1", "w2", "dask"):
        with ResultStore(tmp_path / d) as store:
            reports.append(batch_report(store))
    assert reports[0] == reports[1] == reports[2]
    assert reports[0]["n"] == n
    # the outcome does vary between replications, or this test would prove little
    launches = [c for c in TABLES["replications"] if c != "wall_s"].index("launches")
    assert len({r[launches] for r in ref["replications"]}) > 1


def test_resume_runs_only_missing_and_refuses_another_seed(tiny_prepared, tmp_path):
    out = tmp_path / "b"
    first = run_batch(tiny_prepared, 6, out, root_seed=9, progress=False)
    assert (first.ran, first.skipped) == (6, 0)
    with pytest.raises(ValueRangeError, match=r"^resume: .*resume to complete that batch"):
        run_batch(tiny_prepared, 10, out, root_seed=9, progress=False)
    with pytest.raises(ValueRangeError, match="different scenario or root seed"):
        run_batch(tiny_prepared, 10, out, root_seed=10, resume=True, progress=False)
    second = run_batch(tiny_prepared, 10, out, root_seed=9, resume=True, progress=False)
    assert (second.ran, second.skipped) == (4, 6)
    run_batch(tiny_prepared, 10, tmp_path / "ref", root_seed=9, progress=False)
    assert content(out) == content(tmp_path / "ref")


def _count(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
        try:
            return con.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_sigkill_mid_batch_then_resume_gives_exactly_n(tiny, tmp_path):
    n = 500
    out = tmp_path / "killed"
    db = out / "results.sqlite"
    cmd = [
        sys.executable,
        "-m",
        "iadsim.cli",
        "mc",
        str(tiny),
        "-n",
        str(n),
        "--seed",
        "4",
        "--workers",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]
    proc = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    try:
        while _count(db) < 20 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        if proc.poll() is None:  # the whole batch, workers included, killed without warning
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    at_kill = _count(db)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    assert 20 <= at_kill < n
    proc.stderr.close()

    assert (
        main(
            [
                "mc",
                str(tiny),
                "-n",
                str(n),
                "--seed",
                "4",
                "--out",
                str(out),
                "--resume",
                "--quiet",
                "--workers",
                "2",
            ]
        )
        == 0
    )
    ref = tmp_path / "ref"
    assert main(["mc", str(tiny), "-n", str(n), "--seed", "4", "--out", str(ref), "--quiet"]) == 0
    got = content(out)
    assert sorted(r[0] for r in got["replications"]) == list(range(n))
    assert got == content(ref)


def test_cli_refuses_resume_with_another_seed(tiny, tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["mc", str(tiny), "-n", "3", "--out", str(out), "--quiet"]) == 0
    assert (
        main(["mc", str(tiny), "-n", "3", "--out", str(out), "--quiet", "--resume", "--seed", "2"])
        == 2
    )
    err = capsys.readouterr().err
    assert "different scenario or root seed" in err and "root_seed" in err
    assert "<command line>: --resume: " in err  # the API's `resume` in the flag's name
    assert (out / "summary.json").exists()
