"""Every blocking reason and causes per night (issue 25, items 1-2): a chain with two
independent sufficient causes (its command post in storage AND the post's radio set failed)
shows both in the ledger, in `iadsim explain` and in the but-for analysis: neither is a
but-for cause, both are necessary, the pair is the one minimal sufficient set."""

from __future__ import annotations

import json

import numpy as np
import pytest

from iadsim.analysis.attribute import run_attribution
from iadsim.analysis.butfor import analyse_cases, case_causes, causes_per_night
from iadsim.cli import main
from iadsim.engine.run import prepare
from iadsim.io.outdir import write_manifest
from tests.builders import aircraft, component, make_scenario, unit, write_scenario

# a helicopter hovering 11 km north of the battery for ten minutes (in its envelope)
HOVER = [
    {"lat_deg": 10.12, "lon_deg": -66.0, "alt_m": 500},
    {"lat_deg": 10.10, "lon_deg": -66.0, "alt_m": 500, "loiter_s": 600},
    {"lat_deg": 10.12, "lon_deg": -66.0, "alt_m": 500},
]
RADIO_FAILED = [{"id": "radio-1", "type": "radio-set", "readiness": "not_mission_capable"}]


def two_causes(tmp_path):
    """A Buk-class battery whose post is in storage and whose post's only radio set failed:
    the acquisition radar and the TELAR both report to the post by radio (catalog links), so
    each cause alone keeps every track from the post; no autonomous fallback."""
    post = component("cp", "command-post-mr", readiness="in_storage", comms=RADIO_FAILED)
    sam = unit(
        "SAM",
        "sam-medium-range",
        [component("acq", "acquisition-radar-mr"), post, component("telar-1", "telar-mr")],
        fallback={"allowed": False},
    )
    spec = make_scenario(
        "two-causes",
        units=[sam],
        raid=[aircraft("H", "transport-helicopter", HOVER)],
        duration_s=700,
    )
    return write_scenario(tmp_path, spec)


def test_case_causes_by_hand() -> None:
    # groups (a, b); outcome 1 = aircraft engaged; masks 0:{}, 1:{a}, 2:{b}, 3:{a,b}
    both_needed = np.array([0, 0, 0, 1])  # a chain blocked by two independent causes
    assert case_causes(both_needed, 2) == (0, 0b11, (0b11,))
    either = np.array([0, 1, 1, 1])  # two alternative routes, each blocked by one cause
    assert case_causes(either, 2) == (0b11, 0, (0b01, 0b10))
    only_a = np.array([0, 1, 0, 1])
    assert case_causes(only_a, 2) == (0b01, 0b01, (0b01,))
    no_gap = np.array([1, 0, 1, 1])
    assert case_causes(no_gap, 2) == (0, 0, ())
    c = analyse_cases(
        np.stack([both_needed, both_needed, either, no_gap]), ("a", "b"), "x", "night"
    )
    assert (c.n_cases, c.n_gap) == (4, 3)
    assert (c.but_for["a"].k, c.necessary["a"].k, c.none_but_for.k) == (1, 2, 2)
    assert c.structures[(("a", "b"),)].k == 2 and c.structures[(("a",), ("b",))].k == 1
    assert c.minimal_sets[("a", "b")].k == 2 and c.minimal_sets[("a",)].k == 1


def test_both_causes_in_the_ledger_with_their_elements(tmp_path) -> None:
    prepared = prepare(two_causes(tmp_path))
    for seed in range(3):
        row = prepared.replicate(seed).ledger.table().to_pylist()[0]
        # tracked by the radar; the path to the post comes before the post (GATE_ORDER)
        assert (row["stage"], row["reason"], row["element"]) == (
            "tracked",
            "DATALINK_FAILED",
            "SAM/cp:radio-1",
        )
        assert row["reasons"] == "DATALINK_FAILED;IN_STORAGE"
        assert row["elements"] == "SAM/cp:radio-1;SAM/cp"


def test_both_causes_in_explain(tmp_path, capsys) -> None:
    path = two_causes(tmp_path)
    out = tmp_path / "run"
    assert main(["run", str(path), "--seed", "1", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["explain", str(out)]) == 0
    text = capsys.readouterr().out
    assert "DATALINK_FAILED" in text and "IN_STORAGE" in text
    assert "SAM/cp:radio-1" in text and "SAM/cp" in text


@pytest.mark.parametrize("scope", ["night", "aircraft"])
def test_neither_is_a_but_for_cause_and_the_pair_is_minimal(tmp_path, scope) -> None:
    run = run_attribution(
        two_causes(tmp_path),
        tmp_path / "attr",
        ["storage", "comms"],
        metric="sam_launches",
        n_min=3,
        n_max=3,
    )
    c = causes_per_night(run, scope=scope)
    assert c.n_cases == 3 and c.n_gap == 3  # every night: no SAM launch as it was, some as designed
    assert all(p.k == 0 for p in c.but_for.values())
    assert all(p.k == 3 for p in c.necessary.values())
    assert list(c.minimal_sets) == [("comms", "storage")]
    assert c.structures == {(("comms", "storage"),): c.minimal_sets[("comms", "storage")]}
    # the same read back from the output directory, and written by the run
    again = causes_per_night(tmp_path / "attr", scope=scope)
    assert again.to_dict() == c.to_dict()
    written = json.loads((tmp_path / "attr" / "attribution.json").read_text())
    assert written["causes"][scope]["minimal_sets"][0]["name"] == "comms+storage"
    csv = (tmp_path / "attr" / "causes.csv").read_text().splitlines()
    assert f"sam_launches,{scope},structure,comms+storage,3,3,1.0," in "\n".join(csv)
    if scope == "night":  # the report's attribution page shows them beside the shares
        write_manifest(tmp_path / "attr", "attribute")  # as `iadsim attribute` does, last
        assert main(["report", str(tmp_path / "attr")]) == 0
        page = (tmp_path / "attr" / "report.html").read_text()
        assert "Causes per night: but-for causes and minimal sufficient sets" in page
        assert "a fair division of a joint effect" in page
