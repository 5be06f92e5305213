"""summary.json records every setting that changes the outputs (issue 29, case 7)."""

from __future__ import annotations

import json

from iadsim.analysis.montecarlo import scenario_hash
from iadsim.analysis.variants import make_variant, parse_assignment
from iadsim.cli import main
from iadsim.scenario import load_scenario
from tests.builders import TUTORIAL


def test_the_summary_records_every_setting_that_changes_the_outputs(tmp_path):
    """Issue 29 (7): two runs that differ only in the tracker, or only in the scenario, never
    write the same summary.json."""
    summaries = {}
    for tracker in ("mofn", "kalman"):
        out = tmp_path / tracker
        assert main(["run", str(TUTORIAL), "--tracker", tracker, "--out", str(out), "--quiet"]) == 0
        summaries[tracker] = json.loads((out / "summary.json").read_text())
    assert summaries["mofn"]["tracker"] == "mofn" and summaries["kalman"]["tracker"] == "kalman"
    assert summaries["mofn"] != summaries["kalman"]
    base = load_scenario(TUTORIAL)
    variant = make_variant(base, [parse_assignment("raid.0.start_s=5")])
    assert summaries["mofn"]["scenario_hash"] == scenario_hash(base) != scenario_hash(variant)
