"""Records and scoring: the record schema refuses bad files with FILE:LINE, the scores are the
hand-computed ones, the crest is the highest ground of the ingress, and `iadsim score` runs."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from iadsim.analysis.history import case_scenarios, load_record
from iadsim.analysis.scoring import CaseRuns, crest_times, metric_values, score_runs
from iadsim.cli import main
from iadsim.engine.run import prepare
from iadsim.errors import InputError
from tests.builders import CARACAS

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"

RECORD = """\
case: tutorial
event: A made-up night
date: 2026-01-01
sources:
  - {id: s1, title: A report, date: 2026}
outcomes:
  - {name: no_loss, description: none lost, confidence: official, sources: [s1],
     metric: aircraft_lost, value: 0}
  - {name: few, description: one to three SAM missiles, confidence: reported, sources: [s1],
     metric: launches_sam, range: [1, 3]}
  - {name: loss_rate, description: lost per sortie, confidence: claimed, sources: [s1],
     kind: rate, metric: aircraft_lost, per: sorties, observed: {count: 2, of: 10}}
  - {name: damage, description: hit and flyable, confidence: reported, sources: [s1],
     representable: false, why: no damage state}
"""


def _record(tmp_path: Path, text: str = RECORD) -> Path:
    path = tmp_path / "tutorial.record.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bundled_record_is_valid() -> None:
    load_record(ROOT / "scenarios" / "caracas-2026-01-03.record.yaml")
    for scenario in case_scenarios(ROOT / "scenarios" / "validation"):
        load_record(scenario.with_name(scenario.stem + ".record.yaml"))


@pytest.mark.parametrize(
    ("bad", "line", "field"),
    [
        ("confidence: official", 7, "outcomes[0].confidence"),  # on the first outcome
        ("value: 0}", 7, "outcomes[0]"),  # neither value nor range
        ("sources: [s1],\n     metric: launches_sam", 9, "outcomes[1].sources[0]"),
    ],
)
def test_bad_records_are_refused_with_file_and_line(tmp_path, bad, line, field) -> None:
    good = {
        "confidence: official": "confidence: sure",
        "value: 0}": "}",
        "sources: [s1],\n     metric: launches_sam": "sources: [s9],\n     metric: launches_sam",
    }[bad]
    path = _record(tmp_path, RECORD.replace(bad, good, 1))
    with pytest.raises(InputError) as err:
        load_record(path)
    text = str(err.value.problems[0])
    assert text.startswith(f"{path}:{line}:"), text
    assert field in text


def test_cli_refuses_a_bad_record_with_exit_2(tmp_path, capsys) -> None:
    shutil.copy(TUTORIAL, tmp_path / "tutorial.yaml")
    _record(tmp_path, RECORD.replace("confidence: claimed", "confidence: rumour"))
    assert main(["score", str(tmp_path / "tutorial.yaml"), "-n", "1"]) == 2
    assert "tutorial.record.yaml:11:65: outcomes[2].confidence" in capsys.readouterr().err


def test_a_source_url_is_kept_and_a_malformed_one_refused(tmp_path, capsys) -> None:
    """A source may say where it was read (`url`); a url that is no http(s) address is refused
    with the file, the line of the source and the field, and the CLI exits 2."""
    url = "https://www.nato.int/kosovo/repo2000/conduct.htm"
    good = RECORD.replace("date: 2026}", f"date: 2026, url: '{url}'}}", 1)
    assert load_record(_record(tmp_path, good)).source("s1").url == url
    assert load_record(_record(tmp_path)).source("s1").url is None
    shutil.copy(TUTORIAL, tmp_path / "tutorial.yaml")
    _record(tmp_path, RECORD.replace("date: 2026}", "date: 2026, url: 'nato.int kosovo'}", 1))
    assert main(["score", str(tmp_path / "tutorial.yaml"), "-n", "1"]) == 2
    err = capsys.readouterr().err
    assert "tutorial.record.yaml:5:" in err and "sources[0].url" in err


def _runs() -> CaseRuns:
    """Four replications of two aircraft, written by hand."""
    killed = np.array([[0, 0], [1, 0], [0, 0], [1, 1]], bool)
    sam = np.array([[0, 0], [2, 0], [1, 1], [4, 0]], float)
    first = np.array([[np.inf, 5.0], [1.0, np.inf], [np.inf, np.inf], [20.0, 30.0]])
    return CaseRuns(["A", "B"], killed, first, sam, np.zeros((4, 2)), np.array([10.0, 10.0]))


def test_scores_against_hand_computation(tmp_path) -> None:
    res = score_runs(_runs(), load_record(_record(tmp_path)))
    rows = {r["outcome"]: r for r in res["outcomes"]}
    # no loss in replications 0 and 2; 1-3 SAM missiles in 1 and 2: both only in 2
    assert rows["no_loss"]["p_record"] == 0.5
    assert rows["few"]["p_record"] == 0.5
    assert res["joint"]["p_record"] == 0.25
    assert rows["no_loss"]["log_score"] == pytest.approx(math.log(2.5 / 5))
    assert rows["damage"]["why"] == "no damage state"
    # rate: 3 lost of 8 sorties -> Beta(3.5, 5.5); the record 2 of 10 by the beta-binomial
    # pmf written out with gamma functions
    rate = rows["loss_rate"]
    assert rate["predicted_rate"] == 3 / 8
    a, b, n, k = 3.5, 5.5, 10, 2

    def lbeta(x: float, y: float) -> float:
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    log_pmf = math.log(math.comb(n, k)) + lbeta(k + a, n - k + b) - lbeta(a, b)
    assert rate["log_score"] == pytest.approx(log_pmf)
    assert rate["observed_rate"] == 0.2


def test_detected_before_crest_counts_radar_tracks_before_each_crest(tmp_path) -> None:
    text = RECORD.replace(
        "metric: aircraft_lost, value: 0}", "metric: detected_before_crest, value: 0}"
    )
    rows = {
        r["outcome"]: r
        for r in score_runs(_runs(), load_record(_record(tmp_path, text)))["outcomes"]
    }
    # before t = 10 s: replication 0 (B at 5 s) and 1 (A at 1 s); not 2 (never), not 3 (later)
    assert rows["no_loss"]["p_record"] == 0.5


def test_crest_is_the_highest_ground_of_the_ingress() -> None:
    """The crest from the route against the DEM sampled along the ingress waypoints afresh
    (straight lines between the scenario's waypoints up to the first loiter)."""
    prepared = prepare(CARACAS)
    world = prepared.geometry.world
    crest = crest_times(prepared)
    spec = next(a for a in prepared.scenario.spec.raid if a.id == "HELO-1")
    ingress = []
    for w in spec.route:
        ingress.append(world.frame.to_enu(w.lat_deg, w.lon_deg, 0.0))
        if w.loiter_s:
            break
    pts = np.array(ingress)[:, :2]
    s = np.linspace(0, 1, 400)[:, None]
    samples = np.concatenate([p + s * (q - p) for p, q in zip(pts[:-1], pts[1:], strict=True)])
    highest = float(world.ground_m(samples[:, 0], samples[:, 1]).max())
    ac = next(a for a in world.aircraft if a.id == "HELO-1")
    at = ac.route.positions(np.array([crest["HELO-1"]]))
    assert float(world.ground_m(at[:, 0], at[:, 1])[0]) == pytest.approx(highest, abs=15.0)
    assert 800 < highest < 1200  # the saddle of the coastal range the route crosses


def test_score_command_writes_table_and_plot(tmp_path, capsys) -> None:
    shutil.copy(TUTORIAL, tmp_path / "tutorial.yaml")
    _record(tmp_path)
    out = tmp_path / "out"
    assert main(["score", "--set", str(tmp_path), "-n", "3", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {"scores.csv", "scores.json", "calibration.png"}
    assert "loss_rate" in (out / "scores.csv").read_text()
    assert "damage: not representable" in capsys.readouterr().out


def test_the_validation_set_and_caracas_score_into_a_document(tmp_path, capsys) -> None:
    """`make validation` in its smallest version: every case of the set and Caracas, two
    replications each, into a document with each case, its sources and what it cannot show."""
    doc = tmp_path / "validation.md"
    args = ["score", "--set", str(ROOT / "scenarios" / "validation"), str(CARACAS)]
    assert main([*args, "-n", "2", "--out", str(tmp_path / "out"), "--doc", str(doc)]) == 0
    text = doc.read_text(encoding="utf-8")
    cases = case_scenarios(ROOT / "scenarios" / "validation")
    assert len(cases) >= 6
    for scenario in [*cases, CARACAS]:
        record = load_record(scenario.with_name(scenario.stem + ".record.yaml"))
        assert f"### {record.event}" in text
        assert all(s.title in text for s in record.sources)
        assert all(c in text for c in record.cannot_represent)
    assert (tmp_path / "validation" / "calibration.png").stat().st_size > 0


def test_decoys_are_no_sorties_but_missiles_at_them_count(tmp_path) -> None:
    runs = _runs()
    runs = CaseRuns(
        runs.aircraft,
        runs.killed,
        runs.first_radar_track_s,
        runs.launches_sam,
        runs.launches_manpads,
        runs.crest_s,
        np.array([False, True]),  # B is a decoy
    )
    from iadsim.analysis.scoring import metric_values

    assert metric_values(runs, "sorties", None).tolist() == [1.0] * 4
    assert metric_values(runs, "aircraft_lost", None).tolist() == [0, 1, 0, 1]
    assert metric_values(runs, "launches_sam", None).tolist() == [0, 2, 2, 4]


def test_damaged_and_gun_metrics_count_hits_that_did_not_kill() -> None:
    """`aircraft_damaged` counts the aircraft hit and not lost (run_case stores damaged only
    where not killed); `launches_gun` sums the bursts at the selected aircraft (by hand)."""
    killed = np.array([[False, False], [True, False], [False, False]])
    damaged = np.array([[True, False], [False, False], [True, True]])  # as run_case stores it
    gun = np.array([[3.0, 0.0], [1.0, 2.0], [0.0, 0.0]])
    runs = CaseRuns(["A", "B"], killed, np.full((3, 2), np.inf), np.zeros((3, 2)),
                    np.zeros((3, 2)), np.array([10.0, 10.0]), None, damaged, gun)  # fmt: skip
    assert metric_values(runs, "aircraft_damaged", None).tolist() == [1.0, 0.0, 2.0]
    assert metric_values(runs, "aircraft_damaged", ["B"]).tolist() == [0.0, 0.0, 1.0]
    assert metric_values(runs, "launches_gun", None).tolist() == [3.0, 3.0, 0.0]


def test_score_takes_a_bundled_name(tmp_path, monkeypatch, capsys) -> None:
    """`iadsim score caracas` scores the bundled case and its bundled record, from anywhere."""
    monkeypatch.chdir(tmp_path)  # no scenarios/ here
    assert main(["score", "caracas", "-n", "1", "--out", str(tmp_path / "o")]) == 0
    assert "caracas-2026-01-03: 1 replications" in capsys.readouterr().out
