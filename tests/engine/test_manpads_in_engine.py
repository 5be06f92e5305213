"""MANPADS teams in the engine: visual acquisition per look (size, light, night sights,
acoustic cueing), crew settings over the environment's, IR lock from the seeker model,
countermeasures in the Pk, deterrence by sight, sound and radio."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.engine.radar_picture import OK, VISUAL_PD_FLOOR
from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from iadsim.sensors.visual_ir import SEARCH_FRACTION_CUED, SEARCH_FRACTION_UNCUED
from tests.builders import aircraft, component, unit
from tests.builders import make_scenario as scenario

HELO_PASS = [(10.05, -66.0, 100), (9.95, -66.0, 100)]


def _team_scenario(crew=None, env=None, raid_type="transport-helicopter", **raid_extra):
    extra = {"crew": crew} if crew is not None else {}
    return scenario(
        "team",
        units=[unit("TEAM", "manpads-section", [component("t1", "manpads-team")], **extra)],
        raid=[aircraft("H", raid_type, HELO_PASS, **raid_extra)],
        duration_s=300,
        environment=env or {"night": True},
    )


def _visual(prepared):
    world = prepared.geometry.world
    return prepared.geometry.sensors[world.component_index["TEAM/t1"]]


def _by_hand(r, r50_ref, length=30.0, heard=6000.0):
    r50 = r50_ref * length / 15.0
    f = np.where(r <= heard, SEARCH_FRACTION_CUED, SEARCH_FRACTION_UNCUED)
    return f / (1 + (r / r50) ** 4)


@pytest.mark.parametrize(
    "crew, env, r50_ref",
    [
        ({"night_vision": False}, {"night": True}, 2000.0),
        ({"night_vision": True}, {"night": True}, 5000.0),
        # the crew's own setting overrides the environment's
        ({"night_vision": False}, {"night": True, "night_vision": True}, 2000.0),
        # a crew block without night_vision takes the environment's
        ({"proficiency": "basic"}, {"night": True, "night_vision": True}, 5000.0),
        (None, {"night": True, "night_vision": True}, 5000.0),
        (None, {"night": False}, 8000.0),
    ],
)
def test_visual_acquisition_per_look_by_hand(scenario_file, crew, env, r50_ref):
    prepared = prepare(load_scenario(scenario_file(_team_scenario(crew, env))))
    geo = _visual(prepared)
    seen = (geo.geo_code[0] == OK) & geo.airborne[0]
    r = geo.range_m[0][seen]
    hand = _by_hand(r, r50_ref)
    hand = np.where(hand >= VISUAL_PD_FLOOR, hand, 0.0)  # below: taken as not seen at all
    np.testing.assert_allclose(geo.pd_nominal[0][seen], hand, rtol=1e-9)


def test_crew_night_vision_reaches_its_reaction_time(scenario_file):
    # night vision also shortens the crew's night reaction time (readiness.crew): a crew block
    # without night_vision takes the environment's, and false overrides the environment's
    env = {"night": True, "night_vision": True}
    p_env = prepare(load_scenario(scenario_file(_team_scenario({"proficiency": "basic"}, env))))
    p_off = prepare(load_scenario(scenario_file(_team_scenario({"night_vision": False}, env))))
    p_on = prepare(
        load_scenario(scenario_file(_team_scenario({"night_vision": True}, {"night": True})))
    )
    r_env = p_env.geometry.world.units[0].crew_profile.median_reaction_s
    r_basic_day = (
        prepare(
            load_scenario(scenario_file(_team_scenario({"proficiency": "basic"}, {"night": False})))
        )
        .geometry.world.units[0]
        .crew_profile.median_reaction_s
    )
    r_off = p_off.geometry.world.units[0].crew_profile.median_reaction_s
    r_on = p_on.geometry.world.units[0].crew_profile.median_reaction_s
    assert p_env.geometry.world.units[0].crew.night_vision is True
    assert p_off.geometry.world.units[0].crew.night_vision is False
    assert r_off > r_on
    # with the environment's night vision the basic crew is faster at night than without
    p_env_off = prepare(
        load_scenario(scenario_file(_team_scenario({"proficiency": "basic"}, {"night": True})))
    )
    assert r_basic_day <= r_env < p_env_off.geometry.world.units[0].crew_profile.median_reaction_s


def test_teams_beyond_visual_range_are_not_detected_not_out_of_range(scenario_file):
    # an attack helicopter passing 5.8 km from a team at night without sights: inside the
    # missile's 6 km envelope, far beyond the naked eye's median range (2.4 km for 17.7 m)
    # and its sound (4 km); the team does not see it: NOT_DETECTED, never OUT_OF_RANGE
    spec = _team_scenario({"night_vision": False}, raid_type="attack-helicopter")
    spec["raid"][0]["route"] = [
        {"lat_deg": 10.05, "lon_deg": -65.947, "alt_m": 100},
        {"lat_deg": 9.95, "lon_deg": -65.947, "alt_m": 100},
    ]
    prepared = prepare(load_scenario(scenario_file(spec)))
    geo = _visual(prepared)
    assert not (geo.geo_code[0] != OK).any()  # no hard visual range
    assert geo.range_m[0].min() > 5700.0
    rows = [row for s in range(10) for row in prepared.replicate(s).ledger.table().to_pylist()]
    reasons = [row["reason"] for row in rows]
    assert "OUT_OF_RANGE" not in reasons
    assert reasons.count("NOT_DETECTED") >= 4  # seen in a few replications (p ~ 0.007 a look)


def test_ir_lock_probability_from_the_seeker_model(scenario_file):
    from iadsim.engagement.manpads import lock_probability
    from iadsim.sensors.signatures import aspect_angle_rad

    prepared = prepare(load_scenario(scenario_file(_team_scenario())))
    world = prepared.geometry.world
    ug = prepared.geometry.units[0]
    li = world.component_index["TEAM/t1"]
    team = world.components[li]
    ac = world.aircraft[0]
    pos = ac.route.positions(ug.times_s)
    vel = ac.route.velocities(ug.times_s)
    at = team.enu + [0.0, 0.0, 2.0]
    r = np.linalg.norm(pos - at, axis=-1)
    expect = lock_probability(team.missile, ac.spec, r, aspect_angle_rad(pos, vel, at))
    np.testing.assert_allclose(ug.p_lock[li][0], expect)
    assert ug.p_lock[li][0].max() > 0.99 and ug.p_lock[li][0].min() < 0.05  # near vs 5.5 km


def test_countermeasures_lower_the_manpads_pk(scenario_file):
    on = prepare(load_scenario(scenario_file(_team_scenario(env={"night": False}), "on.yaml")))
    off = prepare(
        load_scenario(
            scenario_file(_team_scenario(env={"night": False}, countermeasures=False), "off.yaml")
        )
    )
    ratios = []
    for s in range(40):
        a = [e for e in on.replicate(s).events.table().to_pylist() if e["kind"] == "intercept"]
        b = [e for e in off.replicate(s).events.table().to_pylist() if e["kind"] == "intercept"]
        if a and b and a[0]["time_s"] == b[0]["time_s"]:
            ratios.append(a[0]["value"] / b[0]["value"])
    assert ratios
    # transport helicopter: flares 0.6 x DIRCM 0.4 (catalog), one missile per salvo
    np.testing.assert_allclose(ratios, 0.24, rtol=1e-9)
