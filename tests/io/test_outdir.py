"""All-or-nothing output directories: the old set or the new set, never a mix; file modes;
file-system errors named for what they are."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from iadsim.errors import InputError, OutputError
from iadsim.io import outdir
from iadsim.io.outdir import MANIFEST, check_manifest, check_target, output_dir
from iadsim.io.outputs import write_json

TUTORIAL = Path(__file__).resolve().parents[2] / "scenarios" / "tutorial.yaml"


def _write_set(out: Path, tag: str) -> None:
    with output_dir(out, kind="test") as tmp:
        write_json({"tag": tag}, tmp / "a.json")
        write_json({"tag": tag}, tmp / "b.json")


def _tags(out: Path) -> set[str]:
    return {json.loads((out / n).read_text())["tag"] for n in ("a.json", "b.json")}


def test_a_set_is_committed_with_its_manifest_and_replaces_the_old_one(tmp_path):
    out = tmp_path / "o"
    _write_set(out, "old")
    assert _tags(out) == {"old"}
    manifest = check_manifest(out, kind="test")
    assert set(manifest["files"]) == {"a.json", "b.json"}
    _write_set(out, "new")
    assert _tags(out) == {"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]  # no temporary left behind


def test_a_failing_last_write_leaves_the_old_set(tmp_path):
    out = tmp_path / "o"
    _write_set(out, "old")
    with pytest.raises(OutputError, match="the disk is full"):
        with output_dir(out, kind="test") as tmp:
            write_json({"tag": "new"}, tmp / "a.json")
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "b.json"))
    assert _tags(out) == {"old"}
    check_manifest(out, kind="test")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_a_mixed_set_is_refused_by_readers(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _write_set(a, "one")
    _write_set(b, "two")
    (a / "b.json").write_bytes((b / "b.json").read_bytes())
    with pytest.raises(InputError, match="mixes outputs"):
        check_manifest(a)
    (a / MANIFEST).unlink()
    with pytest.raises(InputError, match="not a complete iadsim output directory"):
        check_manifest(a)


def test_files_and_directory_modes_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        _write_set(tmp_path / "o", "x")
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "o").iterdir()}
    assert modes == {"a.json": 0o644, "b.json": 0o644, MANIFEST: 0o644}
    assert (tmp_path / "o").stat().st_mode & 0o777 == 0o755


def test_targets_that_are_not_ours_are_refused(tmp_path, monkeypatch):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(OutputError, match="exists and is not a directory"):
        check_target(f)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match="did not write"):
        _write_set(foreign, "x")
    assert (foreign / "thesis.tex").read_text() == "years of work"
    with pytest.raises(OutputError, match="not a directory"):
        check_target(f / "sub")

    class RO:
        f_flag = os.ST_RDONLY

    monkeypatch.setattr(outdir.os, "statvfs", lambda p: RO())
    with pytest.raises(OutputError, match="read-only file system"):
        check_target(tmp_path / "new")


def test_stale_temporaries_of_a_killed_writer_are_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f".o.new-{int(dead.stdout)}-abc"
    stale.mkdir()
    _write_set(tmp_path / "o", "x")
    assert not stale.exists()


_SLOW_WRITER = """
import sys, time
from pathlib import Path
from iadsim.io.outdir import output_dir
from iadsim.io.outputs import write_json
out, tag = Path(sys.argv[1]), sys.argv[2]
with output_dir(out, kind="test") as tmp:
    for name in ("a.json", "b.json"):
        write_json({"tag": tag}, tmp / name)
        print(name, flush=True)
        time.sleep(0.3)
print("done", flush=True)
"""


def test_sigkill_at_any_moment_leaves_the_old_or_the_new_set(tmp_path):
    """A writer killed before, between and after its writes: the directory reads as one set."""
    out = tmp_path / "o"
    _write_set(out, "old")
    seen = []
    for stop_after in ("a.json", "b.json", "done"):
        proc = subprocess.Popen(
            [sys.executable, "-c", _SLOW_WRITER, str(out), stop_after],
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in proc.stdout:
            if line.strip() == stop_after:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check_manifest(out, kind="test")
        seen.append(_tags(out))
    assert seen[:2] == [{"old"}, {"old"}]  # killed mid-write: the old set, untouched
    assert seen[2] == {"done"}  # killed after the swap: the new set, complete
    _write_set(out, "next")  # the killed writers' temporaries are cleaned up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]
