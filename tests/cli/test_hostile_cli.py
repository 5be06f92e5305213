"""Hostile command lines and outputs (issue 18): each ends in a clear message and exit 2, never
a traceback; a failing last write leaves the old outputs; mc reports the -n it was asked for."""

from __future__ import annotations

import errno
import json
import sqlite3

import pytest

from iadsim.cli import main
from iadsim.io import outdir
from tests.analysis.test_montecarlo import TINY
from tests.builders import TUTORIAL, write_scenario


def _exit_code(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:  # argparse refusals
        return int(exc.code)


@pytest.mark.parametrize(
    "argv",
    [
        ("run", str(TUTORIAL), "--seed", "-1"),
        ("mc", str(TUTORIAL), "--seed", "-1"),
        ("attribute", str(TUTORIAL), "--seed", "-1"),
        ("compare", str(TUTORIAL), "--seed", "-1", "--set", "raid.0.start_s=1"),
        ("run", str(TUTORIAL), "--seed", str(2**63)),
        ("mc", str(TUTORIAL), "-n", "1000000000000"),
        ("mc", str(TUTORIAL), "-n", "0"),
        ("mc", str(TUTORIAL), "--workers", "0"),
        ("coverage", str(TUTORIAL), "--altitude-agl", "100", "--out", "x", "--radial-speed", "nan"),
        ("coverage", str(TUTORIAL), "--altitude-agl", "inf", "--out", "x"),
        ("sweep", str(TUTORIAL), "--param", "raid.0.start_s=0:10:1000000000"),
        (
            "sweep",
            str(TUTORIAL),
            "--param",
            "raid.0.start_s=0:10:200",
            "--param",
            "raid.1.start_s=0:10:200",
        ),
    ],
)
def test_bad_numbers_are_refused_before_any_work(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _exit_code(*argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error" in err
    assert not any(tmp_path.iterdir())  # nothing written


def test_out_that_is_a_file_or_read_only_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    f = tmp_path / "file"
    f.write_text("mine")
    for cmd in ("run", "mc"):
        assert _exit_code(cmd, str(TUTORIAL), "--quiet", "--out", str(f)) == 2
        assert "exists and is not a directory" in capsys.readouterr().err
    assert f.read_text() == "mine"

    class RO:
        f_flag = outdir.os.ST_RDONLY

    monkeypatch.setattr(outdir.os, "statvfs", lambda p: RO())
    assert _exit_code("run", str(TUTORIAL), "--quiet", "--out", str(tmp_path / "r")) == 2
    assert "read-only file system" in capsys.readouterr().err


def test_mc_out_naming_a_sqlite_file_is_refused_and_nothing_written(tmp_path, capsys):
    db = tmp_path / "theirs.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    assert _exit_code("mc", str(TUTORIAL), "-n", "2", "--quiet", "--out", str(db)) == 2
    assert "not the store file" in capsys.readouterr().err
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.sqlite"]


def test_a_failing_last_write_leaves_the_previous_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    assert _exit_code("run", str(TUTORIAL), "--seed", "1", "--quiet", "--out", str(out)) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from iadsim.io import outputs

    real = outputs.write_json

    def full_disk_on_tracking(data, path):
        if path.name == "tracking.json":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(data, path)

    monkeypatch.setattr(outputs, "write_json", full_disk_on_tracking)
    assert _exit_code("run", str(TUTORIAL), "--seed", "2", "--quiet", "--out", str(out)) == 2
    assert "the disk is full" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # seed 1, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_explain_refuses_what_is_not_a_run(tmp_path, capsys):
    out = tmp_path / "run"
    assert _exit_code("run", str(TUTORIAL), "--quiet", "--out", str(out)) == 0
    capsys.readouterr()
    good = (out / "summary.json").read_text()
    (out / "summary.json").write_text("[]\n")
    for extra in ((), ("--json",)):
        assert _exit_code("explain", str(out), *extra) == 2
        captured = capsys.readouterr()
        assert "not a run summary" in captured.err and captured.out == ""
    (out / "summary.json").write_text(good)
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1, 2]}), out / "ledger.parquet")
    for extra in ((), ("--json",)):
        assert _exit_code("explain", str(out), *extra) == 2
        assert "not a kill-chain ledger" in capsys.readouterr().err


def test_explain_refuses_a_mix_of_two_runs(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert _exit_code("run", str(TUTORIAL), "--seed", "1", "--quiet", "--out", str(a)) == 0
    assert _exit_code("run", str(TUTORIAL), "--seed", "2", "--quiet", "--out", str(b)) == 0
    (a / "events.parquet").write_bytes((b / "events.parquet").read_bytes())
    capsys.readouterr()
    assert _exit_code("explain", str(a), "--json") == 2
    assert "mixes outputs of different runs" in capsys.readouterr().err


def test_mc_resume_with_fewer_replications_reports_that_many(tmp_path, capsys):
    scen = write_scenario(tmp_path, TINY, "tiny.yaml")
    out = tmp_path / "mc"
    assert _exit_code("mc", str(scen), "-n", "6", "--quiet", "--out", str(out)) == 0
    assert json.loads((out / "summary.json").read_text())["n"] == 6
    assert _exit_code("mc", str(scen), "-n", "3", "--resume", "--quiet", "--out", str(out)) == 0
    assert json.loads((out / "summary.json").read_text())["n"] == 3
    from iadsim.analysis.batch_dir import check_batch_dir

    assert check_batch_dir(out)["replications"] == 3
    capsys.readouterr()
    assert _exit_code("explain", str(out), "--json") == 0  # explain reads the checked set
    assert json.loads(capsys.readouterr().out)["replications"] == 3
    # a corrupt store: refused with what to do; --force keeps a backup and starts again
    db = out / "results.sqlite"
    db.write_bytes(b"x" * 4096)
    capsys.readouterr()
    assert _exit_code("mc", str(scen), "-n", "2", "--resume", "--quiet", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "--force" in err
    assert _exit_code("mc", str(scen), "-n", "2", "--force", "--quiet", "--out", str(out)) == 0
    assert any(p.name.startswith("results.sqlite.bad-") for p in out.iterdir())


def _stored(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_during_mc_leaves_the_batch_as_before_and_one_writer_at_a_time(tmp_path, capsys):
    """A complete batch of 5; then a longer --resume is SIGKILLed mid-way (a second writer
    meanwhile is refused): the directory still reads as the complete batch of 5."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from iadsim.analysis.batch_dir import check_batch_dir

    scen = write_scenario(tmp_path, TINY, "tiny.yaml")
    out = tmp_path / "mc"
    assert _exit_code("mc", str(scen), "-n", "5", "--quiet", "--out", str(out)) == 0
    summary = (out / "summary.json").read_bytes()
    cmd = [sys.executable, "-m", "iadsim.cli", "mc", str(scen), "-n", "5000", "--resume"]
    proc = subprocess.Popen(
        [*cmd, "--quiet", "--out", str(out)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while _stored(out / "results.sqlite") < 8 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        capsys.readouterr()
        assert (
            _exit_code("mc", str(scen), "-n", "50", "--resume", "--quiet", "--out", str(out)) == 2
        )
        assert "another iadsim process" in capsys.readouterr().err
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert _stored(out / "results.sqlite") > 5
    assert (out / "summary.json").read_bytes() == summary  # as before: the batch of 5
    assert check_batch_dir(out)["replications"] == 5
    assert _exit_code("mc", str(scen), "-n", "8", "--resume", "--quiet", "--out", str(out)) == 0
    assert check_batch_dir(out)["replications"] == 8
