"""Scenario checks of command echelons (scenario.echelon): `higher` must name a sector
post's command post, only weapon units with their own post take its orders, a command post
in a unit with no command role is refused, a sector post no unit names is warned; each
problem at FILE:LINE of the field."""

from __future__ import annotations

import copy

import pytest

from iadsim.errors import ScenarioError
from iadsim.scenario import load_scenario
from tests.builders import (
    aircraft,
    component,
    link,
    make_scenario,
    sam_battery,
    to_yaml,
    unit,
    write_scenario,
)

SECTOR = unit("SECTOR", "sector-command-post", [component("cp", "command-post-sector")],
              at=(10.1, -66.0))  # fmt: skip


def scenario(**battery) -> dict:
    return make_scenario(
        "echelon",
        units=[sam_battery("BUK", 1, **battery), copy.deepcopy(SECTOR)],
        raid=[aircraft("A", "strike-fighter", [(10.5, -66.0, 5000), (10.0, -66.0, 5000)])],
        links=[link("SECTOR/cp", "BUK/cp", kind="radio")],
    )


def problems(tmp_path, spec) -> list:
    path = write_scenario(tmp_path, spec)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def line_of(spec: dict, text: str) -> int:
    """1-based line of the first YAML line containing `text` (what the loader must point at)."""
    return next(i for i, ln in enumerate(to_yaml(spec).splitlines(), 1) if text in ln)


def test_a_battery_under_a_sector_post_loads(tmp_path):
    sc = load_scenario(write_scenario(tmp_path, scenario(higher="SECTOR/cp")))
    assert sc.spec.units[0].higher == "SECTOR/cp"
    assert not sc.warnings


def test_a_sector_post_nobody_names_is_warned_at_its_line(tmp_path):
    spec = scenario()
    sc = load_scenario(write_scenario(tmp_path, spec))
    (w,) = sc.warnings
    assert w.line == line_of(spec, "id: SECTOR") and "assigns no targets" in w.message


@pytest.mark.parametrize(
    ("higher", "words"),
    [
        ("SECTOR/nope", "unknown"),
        ("BUK/cp", "own higher"),
        ("BUK/radar", "own higher"),
    ],
)
def test_bad_higher_is_refused_at_its_line(tmp_path, higher, words):
    spec = scenario(higher=higher)
    (p,) = problems(tmp_path, spec)
    assert p.field == "units[0].higher" and words in p.message
    assert p.line == line_of(spec, "higher:")


def test_higher_must_be_a_sector_post(tmp_path):
    spec = scenario(higher="OTHER/cp")
    spec["units"].append(sam_battery("OTHER", 1, at=(10.05, -66.0)))
    (p,) = problems(tmp_path, spec)
    assert p.field == "units[0].higher" and "not the command post of a sector" in p.message


def test_an_autonomous_battery_takes_no_orders(tmp_path):
    (p,) = problems(tmp_path, scenario(higher="SECTOR/cp", c2_mode="autonomous"))
    assert p.field == "units[0].higher" and "autonomous" in p.message


def test_a_command_post_without_a_command_role_is_refused(tmp_path):
    """Before: a post put in an early-warning site validated and received nothing."""
    spec = scenario(higher="SECTOR/cp")
    spec["units"].append(
        unit("EW", "early-warning-site",
             [component("radar", "early-warning-radar"), component("cp", "command-post-mr")],
             at=(10.2, -66.0))
    )  # fmt: skip
    (p,) = problems(tmp_path, spec)
    assert p.field == "units[2].components[1].type" and "no command role" in p.message
    lines = [i for i, ln in enumerate(to_yaml(spec).splitlines(), 1) if "command-post-mr" in ln]
    assert p.line == lines[-1]  # the early-warning site's post, not the battery's
