"""Every reason code has a meaning in the report's legend and a line in docs/reasons.md."""

from __future__ import annotations

from pathlib import Path

from iadsim.killchain import Reason
from iadsim.report.reasons import REASON_HELP

DOC = Path(__file__).resolve().parents[2] / "docs" / "reasons.md"


def test_legend_and_reference_page_cover_every_reason():
    assert set(REASON_HELP) == set(Reason)
    text = DOC.read_text(encoding="utf-8")
    for r in Reason:
        assert f"`{r}`" in text, f"docs/reasons.md does not list {r}"
