"""The results store survives faults (issue 18): corrupt, foreign and unreadable files are
refused with the file named and what to do; --force keeps a backup; one writer at a time;
a full disk reads as a full disk; the report covers -n replications, not the whole store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from iadsim.analysis.batch_dir import check_batch_dir, commit_batch_dir, prepare_store
from iadsim.analysis.metrics import CLASS_COLUMNS
from iadsim.analysis.store import STAGE_TIME_COLUMNS, ResultStore
from iadsim.analysis.store_checks import APPLICATION_ID, store_path
from iadsim.errors import CLI_TERMS, InputError, OutputError

N_STAGE_TIMES = len(STAGE_TIME_COLUMNS)


def _record(idx: int) -> dict:
    rep = dict.fromkeys(
        ("wall_s", "n_aircraft", "detected", "tracked", "reported", "engaged", "killed"), 1
    )
    rep["damaged"] = 0
    rep.update(idx=idx, seed=1000 + idx, launches=idx % 3, destroyed_components=0)
    rep.update(dict.fromkeys(CLASS_COLUMNS, 0), sam_launches=idx % 3)
    return {
        "replication": rep,
        # ... killed, damaged, first_detected_s, killed_at_s, first_radar_track_s, the
        # missiles by class, decoy (records.TABLES["aircraft"])
        "aircraft": [(idx, "A", "t", 1, 1, 1, 0, idx % 2, 0, 10.0, None, 12.0, 0, 1, 0, 0)],
        "ledger": [
            (idx, "A", "SAM", "launched", 7, "MISSED", 12.0)
            + (None,) * N_STAGE_TIMES
            + (None, "MISSED", "")  # element, reasons, elements
        ],
        "components": [(idx, "SAM/cp", "operational", None)],
    }


def _store(out, n: int, identity=None) -> None:
    with ResultStore(out) as s:
        s.bind(identity or {"scenario": "t", "scenario_hash": "h", "root_seed": "1"}, False)
        for i in range(n):
            s.append(_record(i))


def test_a_new_store_carries_the_iadsim_application_id(tmp_path):
    _store(tmp_path / "o", 3)
    conn = sqlite3.connect(store_path(tmp_path / "o"))
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_a_foreign_database_is_never_written(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    db = store_path(out)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for force in (False, True):
        with pytest.raises(OutputError, match="another application.*invoices"):
            ResultStore(out, force=force)
        with pytest.raises(OutputError, match="another application"):
            prepare_store(out, force=force)
    assert db.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["results.sqlite"]


@pytest.mark.parametrize("damage", ["truncate", "header", "zero_page"])
def test_a_corrupt_store_is_refused_and_force_keeps_a_backup(tmp_path, damage):
    out = tmp_path / "o"
    _store(out, 40)
    db = store_path(out)
    data = bytearray(db.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2 + 100]
    elif damage == "header":
        data[:16] = b"garbage garbage!"
    else:
        page = int.from_bytes(data[16:18], "big")
        data[2 * page : 3 * page] = bytes(page)
    db.write_bytes(bytes(data))
    with pytest.raises(OutputError) as exc:
        ResultStore(out)
    assert str(db) in str(exc.value) and "--force" in exc.value.in_terms(CLI_TERMS)
    # in the API's terms: no command-line flag, and no `force` (run_many has none)
    assert "--" not in str(exc.value) and "choose another output directory" in str(exc.value)
    assert "corrupt" in str(exc.value) or "not an SQLite" in str(exc.value)
    backup = prepare_store(out, force=True)
    assert backup is not None and backup.read_bytes() == bytes(data)
    _store(out, 2)  # a new store in its place
    with ResultStore(out, writer=False) as s:
        assert s.count() == 2


def test_an_empty_store_file_is_refused_like_a_truncated_one(tmp_path):
    """Issue 29.6: iadsim renames a new store into place only once its tables exist, so a
    0-byte file at the store's name was not made by iadsim (or lost its content)."""
    out = tmp_path / "o"
    out.mkdir()
    store_path(out).write_bytes(b"")
    with pytest.raises(OutputError, match=r"empty file \(0 bytes\)") as exc:
        ResultStore(out)
    assert exc.value.in_terms(CLI_TERMS).endswith("start a new store")  # --force helps
    with pytest.raises(OutputError, match="empty file"):
        prepare_store(out)
    assert prepare_store(out, force=True).read_bytes() == b""  # kept aside, as a backup
    _store(out, 2)
    with ResultStore(out, writer=False) as s:
        assert s.count() == 2
    assert not list(out.glob(".results.sqlite.new-*"))  # no temporary file left behind


def test_unreadable_and_misplaced_stores_are_named(tmp_path):
    (tmp_path / "d" / "results.sqlite").mkdir(parents=True)
    with pytest.raises(OutputError, match="is a directory"):
        ResultStore(tmp_path / "d")
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="not a directory"):
        prepare_store(tmp_path / "f")
    with pytest.raises(OutputError, match="not the store file"):
        prepare_store(tmp_path / "x.sqlite")


def test_one_writer_at_a_time(tmp_path):
    out = tmp_path / "o"
    _store(out, 1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from iadsim.analysis.store import ResultStore\n"
            f"s = ResultStore({str(out)!r}); print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputError, match=rf"another iadsim process \(pid {holder.pid}\)"):
            ResultStore(out)
        with ResultStore(out, writer=False) as reader:  # readers are not blocked
            assert reader.count() == 1
    finally:
        holder.kill()
        holder.wait()
    with ResultStore(out) as s:  # the lock dies with its process
        assert s.count() == 1


def test_a_full_disk_is_reported_as_a_full_disk(tmp_path):
    out = tmp_path / "o"
    _store(out, 1)
    with ResultStore(out) as s:
        s.conn.execute("PRAGMA max_page_count = 1")  # SQLITE_FULL on the next page
        with pytest.raises(OutputError, match="the disk is full"):
            for i in range(1, 200):
                s.append(_record(i))
        assert not s.conn.in_transaction
    with ResultStore(out, writer=False) as s:
        assert s.count() >= 1  # what was committed is intact


def test_the_report_covers_the_first_n_replications(tmp_path):
    out = tmp_path / "o"
    _store(out, 30)
    with ResultStore(out, writer=False, limit=10) as s:
        assert s.count() == 10
        assert s.done() == set(range(10))
        assert [r[0] for r in s.rows("replications")] == list(range(10))
        assert len(s.rows("ledger")) == 10
        assert s.table("aircraft", limit_idx=5).num_rows == 5


def test_a_batch_directory_is_checked_as_a_set(tmp_path):
    from iadsim.io.outputs import write_json

    out = tmp_path / "o"
    _store(out, 10)
    write_json({"n": 10}, out / "summary.json")
    commit_batch_dir(out, 10)
    assert check_batch_dir(out)["replications"] == 10
    write_json({"n": 11}, out / "summary.json")  # killed after the summary, before the manifest
    with pytest.raises(InputError, match="--resume"):
        check_batch_dir(out)
    write_json({"n": 10}, out / "summary.json")
    check_batch_dir(out)
    sqlite3.connect(store_path(out)).execute(
        "DELETE FROM replications WHERE idx = 3"
    ).connection.commit()
    with pytest.raises(InputError, match="holds 9 of the 10"):
        check_batch_dir(out)


def test_refusals_speak_the_callers_terms(tmp_path, capsys):
    """The same refusal names --out and --force on the command line, and the output
    directory (no flags, no `force`) to a caller of iadsim.run_many."""
    import iadsim
    from iadsim.cli import main

    out = tmp_path / "o"
    out.mkdir()
    store_path(out).write_bytes(b"")
    with pytest.raises(OutputError) as exc:
        iadsim.run_many("tutorial", 2, store=out)
    assert "--" not in str(exc.value) and "choose another output directory" in str(exc.value)
    assert main(["mc", "tutorial", "-n", "2", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "choose another --out, or pass --force to move it aside" in err
