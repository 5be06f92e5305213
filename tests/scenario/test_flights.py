"""Flights of N (scenario/flights.py): one raid entry, N aircraft in trail on its route."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.engine.world import build_world
from iadsim.errors import ScenarioError
from iadsim.scenario.load import load_scenario
from tests.builders import aircraft, make_scenario

ROUTE = [(10.3, -66.0, 300), (9.8, -66.0, 300)]


def _spec(**flight):
    return make_scenario(
        "flights",
        raid=[
            aircraft("SOLO", "strike-fighter", ROUTE),
            {**aircraft("HELO", "utility-helicopter", ROUTE, start_s=10), "flight": flight},
        ],
    )


def test_a_flight_is_its_members_in_trail(scenario_file):
    scen = load_scenario(scenario_file(_spec(count=3, spacing_s=20)))
    raid = scen.spec.raid
    assert [a.id for a in raid] == ["SOLO", "HELO.1", "HELO.2", "HELO.3"]
    assert [a.start_s for a in raid[1:]] == [10.0, 30.0, 50.0]
    assert all(a.flight is None and a.type == "utility-helicopter" for a in raid[1:])
    world = build_world(scen)
    # the same route, each member 20 s behind the one before: positions shift in time only
    r1, r3 = world.aircraft[1].route, world.aircraft[3].route
    t = np.array([100.0, 200.0])
    np.testing.assert_allclose(r3.positions(t + 40.0), r1.positions(t), atol=1e-6)


@pytest.mark.parametrize(
    ("flight", "field"),
    [({"count": 0}, "raid[1].flight.count"), ({"count": 2, "spacing_s": -5}, "raid[1].flight")],
)
def test_a_bad_flight_is_refused_at_its_line(scenario_file, flight, field):
    path = scenario_file(_spec(**flight))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    problems = err.value.problems
    assert any(p.field.startswith(field) and p.line is not None for p in problems), problems
    assert str(path) in str(err.value)


def test_a_member_problem_points_at_the_flight_entry(scenario_file):
    spec = _spec(count=2, spacing_s=5)
    spec["raid"][1]["type"] = "no-such-helicopter"
    path = scenario_file(spec)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    lines = {p.line for p in err.value.problems if p.field == "raid[1].type"}
    assert lines and None not in lines  # raid[2] (HELO.2) too, at the same line
    assert {p.line for p in err.value.problems if p.field == "raid[2].type"} == lines


def test_flight_ids_may_not_clash(scenario_file):
    spec = _spec(count=2)
    spec["raid"][0]["id"] = "HELO.2"
    with pytest.raises(ScenarioError, match="duplicate aircraft id 'HELO.2'"):
        load_scenario(scenario_file(spec))
