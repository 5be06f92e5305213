"""The case study machinery in reduced form: the analyses on the tutorial scenario, the
documents written from their numbers, and the night scored against its record (in full in
`make case-study`)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from iadsim.analysis.case_study import Precision, counterfactual_list, run_case_study
from iadsim.analysis.conclusions_file import load_conclusions
from iadsim.analysis.variants import make_variant, parse_assignment
from iadsim.io.outputs import write_json
from iadsim.report import case_study as rep
from iadsim.scenario import load_scenario
from tests.builders import ROOT, TUTORIAL

TINY = Precision(
    target=0.5,
    n_min=4,
    n_max=4,
    oat_n_min=2,
    oat_n_max=4,
    lhs_sets=2,
    lhs_n=2,
    morris_r=1,
    morris_n=2,
    record_n=4,
)
RANGES = """\
scenario:
  strikes.strike-ew.p_destroy: {low: 0.2, mode: 0.5, high: 0.9, why: "notional accuracy"}
  units.SAM.components.telar-1.readiness.operational: {low: 0.5, mode: 0.9, high: 1.0}
"""


def test_the_record_section_is_the_validation_sets_formatter(tmp_path) -> None:
    """The case study scores its night against the record beside the scenario with the same
    scoring and the same table as the validation set (one record format, one formatter)."""
    from iadsim.analysis.scoring import score_case
    from iadsim.report.case_study_tables import record_table
    from iadsim.report.validation import case_markdown

    f117 = ROOT / "scenarios" / "validation" / "f117-1999-03-27.yaml"
    scored = score_case(f117, 4, 1)
    text = record_table(scored)
    assert text == "\n".join(case_markdown(scored))
    assert "P(record)" in text and "Lambeth" in text
    assert record_table(None).startswith("(not run")


def test_counterfactuals_follow_the_factor_groups() -> None:
    sc = load_scenario(TUTORIAL)
    items = counterfactual_list(["maintenance", "crews", "deterrence"], sc)
    names = [i["name"] for i in items]
    assert names[:3] == ["maintenance as designed", "crews as designed", "deterrence as designed"]
    assert "full readiness" in names and "all as designed" in names
    assert "autonomous fallback" in names and "no strikes" in names
    # the named upper bound: every condition with brand-new equipment and elite crews
    upper = next(i for i in items if i["name"] == "upper bound")
    assert upper["baseline"] == "brand_new" and upper["groups"] == (
        "maintenance",
        "crews",
        "deterrence",
    )


def test_caracas_what_ifs_restore_each_mechanism_and_remove_each_attacker_action() -> None:
    sc = load_scenario(ROOT / "scenarios" / "caracas-2026-01-03.yaml")
    items = {i["name"]: i for i in counterfactual_list(["connectivity", "maintenance"], sc)}
    for m in ("comms", "power", "deployment", "integration"):
        assert items[f"{m} restored"]["groups"] == (m,)
    assert "links restored" not in items  # no link is set down by hand in Caracas
    # the SAM batteries have a release authority (probabilities): the what-if delegates it
    assert items["authority delegated"]["set"] == (
        "units.S300-BN.authority.p_released=1;units.S300-BN.authority.p_delegated=1;"
        "units.BUK-BTY.authority.p_released=1;units.BUK-BTY.authority.p_delegated=1"
    )
    assert items["no strikes"]["groups"] == ("strikes",) and items["no sead"]["groups"] == ("sead",)
    assert items["no cyber"]["groups"] == ("cyber",)  # the grid attack on El Volcan
    # the gun sites unmanned: the what-if applies and silences every gun
    silent = items["guns silent"]["set"]
    assert "guns.ZU23-TIUNA-N.p_manned=0" in silent
    variant = make_variant(sc, [parse_assignment(a) for a in silent.split(";")])
    assert variant.spec.guns and all(g.p_manned == 0.0 for g in variant.spec.guns)
    # the EA-18G flight jams; the raid has no decoys
    assert items["no jamming"]["groups"] == ("jamming",) and "no decoys" not in items


def test_case_study_documents_quote_the_computed_numbers(tmp_path) -> None:
    ranges = tmp_path / "ranges.yaml"
    ranges.write_text(RANGES)
    conclusions = load_conclusions(ROOT / "scenarios" / "caracas-2026-01-03.conclusions.yaml")
    result = run_case_study(
        TUTORIAL,
        ranges,
        tmp_path / "out",
        precision=TINY,
        conclusions=conclusions,
    )
    json.dumps(result)  # JSON-ready
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "templates", docs / "templates")
    md = rep.render(
        result, docs / "templates" / "case-study.md.tmpl", docs / "case-study.md", docs / "cs"
    )
    text = md.read_text()
    assert "${" not in text and "$" not in text.replace("$$", "")
    v = rep.values(result)
    assert f"Run: {result['n']} replications per what-if" in text
    assert v["des_killed"] in text and v["obs_killed"] in text
    for e in result["attribution"]["effects"]:
        assert rep.pct(e["share_interval"]) in text
    # the plain-words summary leads, and every interval it quotes is shown below it
    summary, _, below = text.partition("## 1. What should the bought equipment have done?")
    assert "## In plain words" in summary
    bullets = [b for b in summary.splitlines() if b.startswith("- ")]
    assert len(bullets) >= 6
    for b in bullets:
        assert re.search(r"\d", b), b  # a number in every sentence
        assert re.search(r"(front matter|sections? \d)", b), b  # and where it is shown
        for token in re.findall(r"[-+]?\d+(?:\.\d+)?%? \[[^\]]+\]", b):
            assert token in below, (token, b)
    for section in ("Why did the long- and medium-range SAMs not fire?", "attacker in the picture"):
        assert section in text
    assert "0.05 -> 0.2" in text  # C1's change, the first entry of the conclusions' history
    assert (docs / "cs" / "attribution.png").exists() and (docs / "cs" / "sensitivity.png").exists()
    assert "no record file beside the scenario" in text  # the tutorial has no record
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{rep.README_BEGIN}\nSTALE-BLOCK\n{rep.README_END}\nrest\n")
    rep.update_readme(result, readme)
    body = readme.read_text()
    assert "STALE-BLOCK" not in body and v["obs_any_killed"] in body and body.endswith("rest\n")
    # --render-only reads the result back from JSON, where NaN (Morris's sigma from a single
    # trajectory) became null: the same document comes out, 'nan' written as 'n/a'
    write_json(result, tmp_path / "case-study.json")
    again = json.loads((tmp_path / "case-study.json").read_text())
    md2 = rep.render(again, docs / "templates" / "case-study.md.tmpl", docs / "cs2.md", docs / "cs")
    assert md2.read_text() == text.replace("| nan |", "| n/a |").replace("nan +- nan", "n/a +- n/a")


def test_the_repository_readme_has_the_generated_block() -> None:
    text = Path(ROOT / "README.md").read_text()
    assert rep.README_BEGIN in text and rep.README_END in text
