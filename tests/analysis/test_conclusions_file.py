"""The case study's conclusions fixed before its results (analysis.conclusions_file): the
bundled file and its history, refusals of bad files with their line, and the refusal to read
stores made with other conclusions unless the change is recorded with its reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iadsim.analysis.conclusions_file import (
    SNAPSHOT,
    changed_since,
    check_unchanged,
    conclusions_path,
    load_conclusions,
    record_start,
)
from iadsim.errors import InputError
from tests.builders import CARACAS

BUNDLED = conclusions_path(CARACAS)


def test_the_bundled_conclusions_and_their_history():
    c = load_conclusions(BUNDLED)
    assert [x.key for x in c.spec.conclusions] == [
        "sam_silent",
        "connection_alone",
        "designed_strong",
        "manpads_most",
    ]
    c1 = c.spec.conclusions[0]
    assert c1.threshold == 0.2 and c1.holds_when == "below"
    first = c.history()[0]  # C1's 0.05 -> 0.2, the first entry of the document's list
    assert first["conclusion"] == "C1" and "0.05 -> 0.2" in first["change"]
    assert c1.earlier(c1.history[0])["threshold"] == 0.05
    assert first["after_results"] is True
    # every conclusion dated and tied to a commit of this repository
    for s in c.stamps():
        assert s["date"] and len(s["commit"]) == 7


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "x.conclusions.yaml"
    p.write_text(text)
    return p


def test_bad_files_are_refused_with_their_line(tmp_path):
    text = BUNDLED.read_text()
    bad = write(tmp_path, text.replace("statistic: sam_kills", "statistic: sam_kils"))
    with pytest.raises(InputError) as err:
        load_conclusions(bad)
    msg = str(err.value)
    assert "sam_kils" in msg and "sam_kills" in msg and f"{bad}:" in msg
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if "sam_kils" in t)
    assert f":{line}:" in msg
    late = text.replace(
        "      - date: 2026-11-27\n        commit: 8e7a",
        "      - date: 2027-01-01\n        commit: 8e7a",
        1,
    )
    with pytest.raises(InputError, match="after the present form's date"):
        load_conclusions(write(tmp_path, late))
    with pytest.raises(InputError, match="reason"):  # a change without its reason
        load_conclusions(write(tmp_path, text.replace("reason: >-", "note: >-", 1)))
    with pytest.raises(InputError, match="no conclusions file"):
        load_conclusions(tmp_path / "none.conclusions.yaml")


C1_NOW = "    threshold: 0.2\n    set: {date: 2026-11-27"


def test_a_conclusion_changed_after_the_stores_is_refused_unless_recorded(tmp_path):
    out = tmp_path / "out"
    start = load_conclusions(BUNDLED)
    record_start(out, start)
    (out / "attribute").mkdir()  # the runs
    check_unchanged(out, start, runs_exist=True)  # nothing changed: fine
    text = BUNDLED.read_text()
    assert C1_NOW in text
    moved = write(tmp_path, text.replace(C1_NOW, C1_NOW.replace("0.2", "0.3")))
    with pytest.raises(InputError) as err:
        check_unchanged(out, load_conclusions(moved), runs_exist=True)
    msg = str(err.value)
    assert "C1 (sam_silent)" in msg and "threshold 0.2 -> 0.3" in msg and "history" in msg
    # recorded with its reason (the earlier form is the one the stores were made with): allowed
    entry = (
        "    history:\n"
        "      - date: 2026-11-27\n"
        "        commit: abc1234\n"
        "        was: {threshold: 0.2}\n"
        '        change: "threshold 0.2 -> 0.3"\n'
        "        after_results: true\n"
        '        reason: "a test: the record was read again"\n'
    )
    recorded = text.replace(C1_NOW, C1_NOW.replace("0.2", "0.3")).replace(
        "    history:\n", entry, 1
    )
    check_unchanged(out, load_conclusions(write(tmp_path, recorded)), runs_exist=True)
    # but a result computed before the change is stale for --render-only
    assert changed_since(start.forms(), load_conclusions(write(tmp_path, recorded))) == [
        "sam_silent"
    ]


def test_added_removed_and_unrecorded_runs_are_refused(tmp_path):
    out = tmp_path / "out"
    start = load_conclusions(BUNDLED)
    record_start(out, start)
    text = BUNDLED.read_text()
    head, _, rest = text.partition("  - key: connection_alone")
    c2_on = rest.partition("  - key: designed_strong")
    removed = write(tmp_path, head + "  - key: designed_strong" + c2_on[2])
    with pytest.raises(InputError, match="'connection_alone' was removed"):
        check_unchanged(out, load_conclusions(removed), runs_exist=True)
    added = text + (
        "  - key: guns_hit\n"
        '    text: "guns hit at least one aircraft"\n'
        "    statistic: sam_kills\n"
        "    holds_when: at_least\n"
        "    threshold: 0.5\n"
        "    set: {date: 2026-12-03, commit: abc1234}\n"
    )
    with pytest.raises(InputError, match="C5 \\(guns_hit\\) was added"):
        check_unchanged(out, load_conclusions(write(tmp_path, added)), runs_exist=True)
    noted = added + (
        "    history:\n"
        "      - {date: 2026-12-03, commit: abc1234, was: null, change: added,"
        ' after_results: false, reason: "a test of an added conclusion"}\n'
    )
    check_unchanged(out, load_conclusions(write(tmp_path, noted)), runs_exist=True)
    # runs made without a record of their conclusions (an older iadsim)
    (out / SNAPSHOT).unlink()
    with pytest.raises(InputError, match="without a record of the conclusions"):
        check_unchanged(out, start, runs_exist=True)
    check_unchanged(out, start, runs_exist=False)  # nothing run yet: fine
    record_start(out, start)
    made = json.loads((out / SNAPSHOT).read_text())
    assert made["conclusions"]["sam_silent"]["threshold"] == 0.2


def test_case_study_command_refuses_with_exit_2(tmp_path):
    out = tmp_path / "cs"
    out.mkdir()
    (out / "attribute").mkdir()
    record_start(out, load_conclusions(BUNDLED))
    snap = json.loads((out / SNAPSHOT).read_text())
    snap["conclusions"]["sam_silent"]["threshold"] = 0.05  # the stores were made at 0.05
    (out / SNAPSHOT).write_text(json.dumps(snap))
    # 0.05 -> 0.2 is in the bundled history: allowed; 0.1 is not
    snap["conclusions"]["sam_silent"]["threshold"] = 0.1
    (out / SNAPSHOT).write_text(json.dumps(snap))
    res = subprocess.run(
        [sys.executable, "-m", "iadsim", "case-study", "--scenario", str(CARACAS),
         "--out", str(out), "--resume", "--quick", "--quiet"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert res.returncode == 2, res.stderr
    assert "C1 (sam_silent)" in res.stderr and "Traceback" not in res.stderr


def test_an_unreadable_record_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / SNAPSHOT).write_text("{not json")
    with pytest.raises(InputError, match="unreadable record of the conclusions"):
        check_unchanged(out, load_conclusions(BUNDLED), runs_exist=True)
