"""`iadsim attribute` on small scenarios where the answer is known."""

from __future__ import annotations

import json

import pytest

from iadsim.analysis.attribute import run_attribution, shares_add_up
from iadsim.analysis.factors import as_designed
from iadsim.cli import main
from iadsim.scenario import load_scenario
from tests.builders import TUTORIAL


@pytest.fixture()
def cut_tutorial(tmp_path):
    """The tutorial with the command post's link to the TELAR cut and no strike."""
    text = TUTORIAL.read_text().replace(
        "    - {from: EW/radar, to: SAM/cp, kind: radio, latency_s: 2.0}",
        "    - {from: EW/radar, to: SAM/cp, kind: radio, latency_s: 2.0}\n"
        "    - {from: SAM/cp, to: SAM/telar-1, up: false}",
    )
    text = text.split("sites:")[0]
    text = text.replace("readiness: {operational: 0.9}", "readiness: operational")
    path = tmp_path / "cut.yaml"
    path.write_text(text)
    return path


def test_the_cut_link_explains_everything(cut_tutorial):
    a = run_attribution(
        load_scenario(cut_tutorial), n=6, groups=["connectivity", "strikes", "storage"]
    )
    assert a.observed.mean == 0.0  # nothing can be fired without the link
    assert a.designed.mean > 0.0
    assert shares_add_up(a)
    # no strikes and nothing in storage here: with common random numbers, exactly zero
    assert a.effect("strikes").shapley.mean == 0.0
    assert a.effect("storage").shapley.mean == 0.0
    assert a.effect("connectivity").shapley.mean == pytest.approx(a.total.mean)


def test_factor_groups_set_things_as_designed(cut_tutorial):
    sc = as_designed(load_scenario(cut_tutorial), ["connectivity", "storage", "maintenance"])
    assert all(link.up for link in sc.spec.network.links)
    assert all(
        c.readiness in (None, "operational") or c.readiness.as_dict()["operational"] == 1
        for u in sc.spec.units
        for c in u.components
    )


def test_attribute_cli_writes_json_and_refuses_unknown_group(cut_tutorial, tmp_path, capsys):
    out = tmp_path / "a.json"
    rc = main(
        [
            "attribute",
            str(cut_tutorial),
            "-n",
            "3",
            "--groups",
            "connectivity,crews",
            "--json",
            str(out),
        ]
    )
    assert rc == 0
    data = json.loads(out.read_text())
    assert [e["group"] for e in data["effects"]] == ["connectivity", "crews"]
    assert main(["attribute", str(cut_tutorial), "-n", "3", "--groups", "links"]) == 2
    assert "unknown group 'links'" in capsys.readouterr().err
