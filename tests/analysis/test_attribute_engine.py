"""`iadsim attribute` on small scenarios where the answer is known."""

from __future__ import annotations

import json

import numpy as np
import pytest

from iadsim.analysis.attribute import run_attribution, shares_add_up
from iadsim.analysis.baselines import AS_DELIVERED
from iadsim.analysis.factors import DEFENCE_GROUPS, active_groups, as_designed
from iadsim.analysis.store import ResultStore
from iadsim.cli import main
from iadsim.scenario import load_scenario
from tests.builders import TUTORIAL


@pytest.fixture()
def cut_tutorial(tmp_path):
    """The tutorial with the command post's link to the TELAR cut, an elite crew, the TELAR
    certainly operational: only connectivity (and the strike, an attacker action) matter."""
    text = TUTORIAL.read_text().replace(
        "    - {from: EW/radar, to: SAM/cp, kind: radio, latency_s: 2.0}",
        "    - {from: EW/radar, to: SAM/cp, kind: radio, latency_s: 2.0}\n"
        "    - {from: SAM/cp, to: SAM/telar-1, up: false}",
    )
    # no autonomous fallback: the TELAR would fight on its own radar after 120 s (catalog)
    text = text.replace(
        "    type: sam-medium-range\n",
        "    type: sam-medium-range\n    fallback: {allowed: false}\n",
    )
    text = text.replace("readiness: {operational: 0.9}", "readiness: {operational: 0.5}")
    path = tmp_path / "cut.yaml"
    path.write_text(text)
    return path


def test_only_groups_that_change_something_are_attributed(cut_tutorial):
    sc = load_scenario(cut_tutorial)
    # the crews group changes the (default) crew; deterrence too; no storage in this scenario
    assert active_groups(sc) == ["connectivity", "maintenance", "crews", "deterrence"]
    assert "strikes" not in active_groups(sc)  # attacker actions only when asked
    assert active_groups(sc, ["strikes", "storage"]) == ["strikes"]
    assert set(DEFENCE_GROUPS) >= set(active_groups(sc))


def test_the_cut_link_is_necessary_and_the_shares_add_up(cut_tutorial, tmp_path):
    run = run_attribution(
        load_scenario(cut_tutorial),
        tmp_path / "attr",
        ["connectivity", "maintenance"],
        n_min=8,
        n_max=8,
        target=0.5,
    )
    a = run.attribution
    assert a.observed.mean == 0.0  # nothing can be fired without the link
    assert a.designed.mean > 0.0
    assert shares_add_up(a)
    # maintenance alone cannot help while the link is cut: v({maintenance}) = v({}) exactly
    assert a.main["maintenance"].mean == 0.0
    # connectivity fixed alone recovers what a 50% TELAR allows; the rest needs both
    assert a.main["connectivity"].mean > 0.0
    inter = a.interaction[("connectivity", "maintenance")].mean
    total = a.total.mean
    # two players: interaction = v(N) - v(c) - v(m) + v(0); Shapley of m = interaction / 2
    assert a.shapley["maintenance"].mean == pytest.approx(inter / 2, abs=1e-12)
    assert total == pytest.approx(a.main["connectivity"].mean + inter, abs=1e-12)
    # the stores hold every subset's replications, same seeds
    seeds = []
    for sub in sorted((tmp_path / "attr" / "subsets").iterdir()):
        with ResultStore(sub / "results.sqlite") as store:
            seeds.append([r[1] for r in store.rows("replications")])
    assert len(seeds) == 4 and all(s == seeds[0] for s in seeds)
    assert json.loads((tmp_path / "attr" / "attribution.json").read_text())["n_replications"] == 8


def test_adaptive_rounds_resume_and_workers_give_the_same_answer(cut_tutorial, tmp_path):
    sc = load_scenario(cut_tutorial)
    groups = ["connectivity", "maintenance"]
    one = run_attribution(sc, tmp_path / "w1", groups, n_min=6, n_max=12, target=0.01)
    assert one.rounds[0] == 6 and one.attribution.n == one.rounds[-1] <= 12
    assert len(one.rounds) >= 2  # the target is not reachable with 4: it added replications
    two = run_attribution(sc, tmp_path / "w2", groups, n_min=6, n_max=12, target=0.01, workers=2)
    assert two.to_dict()["effects"] == one.to_dict()["effects"]
    # a first round interrupted after 6, then resumed to 12: the same numbers
    run_attribution(sc, tmp_path / "r", groups, n_min=6, n_max=6, target=0.01)
    with pytest.raises(Exception, match="resume to complete"):
        run_attribution(sc, tmp_path / "r", groups, n_min=6, n_max=12, target=0.01)
    again = run_attribution(sc, tmp_path / "r", groups, n_min=6, n_max=12, target=0.01, resume=True)
    assert again.to_dict()["effects"] == one.to_dict()["effects"]


def test_factor_groups_set_things_as_designed(cut_tutorial):
    groups = ["connectivity", "storage", "maintenance"]
    sc = as_designed(load_scenario(cut_tutorial), groups, "brand_new")  # the upper bound
    assert all(link.up for link in sc.spec.network.links)
    assert all(
        c.readiness in (None, "operational") or c.readiness.as_dict()["operational"] == 1
        for u in sc.spec.units
        for c in u.components
    )
    # as delivered and kept to the maker's schedule (the default): what the schedule leaves
    kept = as_designed(load_scenario(cut_tutorial), groups)
    ops = [
        c.readiness.as_dict()["operational"]
        for u in kept.spec.units
        for c in u.components
        if c.readiness not in (None, "operational")
    ]
    assert ops and all(p == pytest.approx(AS_DELIVERED.availability()["operational"]) for p in ops)
    assert as_designed(load_scenario(cut_tutorial), ["strikes"]).spec.strikes == []


def test_attribute_cli_writes_json_figure_and_refuses_unknown_group(cut_tutorial, tmp_path, capsys):
    out = tmp_path / "a"
    rc = main(
        [
            "attribute",
            str(cut_tutorial),
            "-n",
            "3",
            "--n-max",
            "3",
            "--groups",
            "connectivity,crews",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    data = json.loads((out / "attribution.json").read_text())
    assert [e["group"] for e in data["effects"]] == ["connectivity", "crews"]
    assert data["interactions"][0]["groups"] == ["connectivity", "crews"]
    assert (out / "attribution.png").stat().st_size > 1000
    assert "replications per subset" in capsys.readouterr().out
    bad = ["attribute", str(cut_tutorial), "-n", "3", "--groups", "radars", "--out", str(out)]
    assert main(bad) == 2
    assert "unknown group 'radars'" in capsys.readouterr().err


def test_subset_table_is_the_stores_killed_column(cut_tutorial, tmp_path):
    run = run_attribution(
        load_scenario(cut_tutorial), tmp_path / "t", ["connectivity"], n_min=5, n_max=5
    )
    killed = []
    for name in ("s000-observed", "s001-connectivity"):
        with ResultStore(tmp_path / "t" / "subsets" / name / "results.sqlite") as store:
            killed.append(np.mean([r[8] for r in store.rows("replications")]))
    assert run.attribution.observed.mean == killed[0]
    assert run.attribution.designed.mean == killed[1]
