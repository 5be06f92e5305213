"""Crew settings per component (a MANPADS team's night sights and proficiency) and loadout
overrides per aircraft reach the engine."""

from __future__ import annotations

import numpy as np

from iadsim.engine.radar_picture import _visual_pd
from iadsim.engine.world import build_world
from iadsim.scenario import load_scenario
from tests.builders import aircraft, component, make_scenario, unit, write_scenario


def world(tmp_path):
    teams = unit(
        "MP",
        "manpads-section",
        [
            component("team-1", "manpads-team"),
            component(
                "team-2", "manpads-team", crew={"proficiency": "elite", "night_vision": True}
            ),
        ],
        crew={"proficiency": "untrained"},
    )
    raid = [
        aircraft("H1", "transport-helicopter", [(10.1, -66.0, 300), (10.0, -66.0, 300)]),
        aircraft(
            "H2",
            "transport-helicopter",
            [(10.1, -66.0, 300), (10.0, -66.0, 300)],
            loadout={"p_hit": 0.0, "rounds": 2},
        ),
    ]
    spec = make_scenario("crews", units=[teams], raid=raid, environment={"night": True})
    return build_world(load_scenario(write_scenario(tmp_path, spec)))


def test_a_team_s_own_night_sights_and_proficiency(tmp_path) -> None:
    w = world(tmp_path)
    t1, t2 = w.components
    slant = np.full((len(w.aircraft), 4), 3000.0)
    # its own night sights: it sees further than the unit's team without
    assert (_visual_pd(w, t2, slant) > _visual_pd(w, t1, slant)).all()
    assert t1.crew is None and t2.crew.proficiency == "elite"
    unit_profile = w.units[0].crew_profile
    assert t2.crew_profile.median_reaction_s < unit_profile.median_reaction_s
    assert t2.crew_profile.error_prob < unit_profile.error_prob


def test_an_aircraft_s_loadout_overrides_its_type_field_by_field(tmp_path) -> None:
    w = world(tmp_path)
    h1, h2 = w.aircraft
    assert h1.spec.return_fire.p_hit == 0.3 and h1.spec.return_fire.rounds is None
    assert h2.spec.return_fire.p_hit == 0.0 and h2.spec.return_fire.rounds == 2
    assert h2.spec.return_fire.range_m == h1.spec.return_fire.range_m  # not overridden
