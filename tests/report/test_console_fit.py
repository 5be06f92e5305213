"""Console tables never cut an answer: at 80 columns, piped, or narrower, every reason code,
id and stage is printed whole (rich alone prints `RADAR_NOT_…`)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from iadsim.killchain import Reason
from iadsim.report.console import print_ledger, print_pair_shares
from iadsim.report.fit import print_table

ROWS = [
    {
        "aircraft": "TRANSPORT-HELICOPTER-LONG-ID-1",
        "unit": f"MANPADS-CARLOTA-SECTION-{i}",
        "stage": "line_of_sight",
        "reason": str(r),
        "stopped_at_s": 123.0,
    }
    for i, r in enumerate(Reason)
    if r != Reason.NONE
]


def _render(width: int, fn, *args) -> str:
    buf = io.StringIO()
    fn(*args, Console(file=buf, width=width, color_system=None))
    return buf.getvalue()


def test_every_reason_and_id_whole_at_80_and_40_columns():
    for width in (80, 40):
        text = _render(width, print_ledger, ROWS)
        assert "…" not in text
        for row in ROWS:
            assert row["reason"] in text
            assert row["unit"] in text
        assert ROWS[0]["aircraft"] in text


def test_batch_pair_shares_whole():
    rows = [dict(r, share=0.5, lo=0.2, hi=0.8, count=4) for r in ROWS]
    text = _render(60, lambda c: print_pair_shares(rows, 8, c))
    assert "…" not in text
    assert all(r["reason"] in text for r in rows)


def test_wide_table_falls_back_to_records_and_a_fitting_one_stays_a_table():
    t = Table(title="t")
    for col in ("id", "reason", "note"):
        t.add_column(col)
    t.add_row("NODE-" + "X" * 50, "RADAR_NOT_OPERATIONAL", "a note that may wrap freely")
    narrow = _render(40, lambda c: print_table(c, t, keep=("id", "reason")))
    assert "id: NODE-" + "X" * 50 in narrow and "RADAR_NOT_OPERATIONAL" in narrow
    t2 = Table(title="t2")
    for col in ("id", "reason", "note"):
        t2.add_column(col)
    t2.add_row("SAM", "RADAR_NOT_OPERATIONAL", "a note that may wrap freely " * 3)
    wide = _render(60, lambda c: print_table(c, t2, keep=("id", "reason")))
    assert "┃" in wide and "RADAR_NOT_OPERATIONAL" in wide and "…" not in wide


def test_piped_run_output_is_not_cut(tmp_path):
    """The real command, piped (rich then assumes 80 columns)."""
    import subprocess
    import sys

    from tests.builders import CARACAS

    out = subprocess.run(
        [sys.executable, "-m", "iadsim.cli", "run", str(CARACAS), "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "TERM": "dumb"},
        check=True,
    ).stdout
    assert "…" not in out
    assert "NOT_MISSION_CAPABLE" in out or "DATALINK_FAILED" in out
    assert "MANPADS-CARLOTA" in out


def test_failing_element_column_when_the_ledger_names_one():
    rows = [dict(ROWS[0], reason="LINK_DOWN", element="S300-BN/cp--S300-BN/tel-1")]
    text = _render(120, print_ledger, rows)
    assert "failing element" in text and "S300-BN/cp--S300-BN/tel-1" in text
    assert "failing element" not in _render(120, print_ledger, ROWS[:1])


def test_mc_summary_points_to_explain_for_the_pairs(tutorial_mc_dir):
    import json

    from iadsim.report.batch import print_batch_report

    report = json.loads((tutorial_mc_dir / "summary.json").read_text())
    full = _render(80, lambda c: print_batch_report(report, c))
    short = _render(80, lambda c: print_batch_report(report, c, pairs_hint="iadsim explain X"))
    assert "Why was it not shot down?" in full and "Why was it not shot down?" not in short
    assert "iadsim explain X" in short
    assert len(short.splitlines()) < len(full.splitlines())
    assert "…" not in full + short
