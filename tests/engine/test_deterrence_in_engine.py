"""Deterrence in the engine: return fire deters crews that see or hear it (not only within
3 km) and crews on the same radio network (after the report's latency), by hand."""

from __future__ import annotations

import math

from iadsim.engine.crews import Crews, radio_networks
from iadsim.engine.events import EventLog
from iadsim.engine.rng import RngStreams
from iadsim.engine.run import prepare
from iadsim.readiness.suppression import DEFAULT_SUPPRESSION as P
from iadsim.readiness.suppression import severity_of
from iadsim.scenario import load_scenario
from iadsim.threats.returnfire import SuppressionEvent
from tests.builders import aircraft, component, link, unit
from tests.builders import make_scenario as scenario


def _team(id_, lat, lon):
    return unit(id_, "manpads-section", [component("t1", "manpads-team")], at=(lat, lon, 0.0))


def test_fire_deters_by_sight_and_sound_and_by_radio(scenario_file):
    # A under fire at the origin; B 6 km away (beyond the 3 km of close fire, within sight
    # and sound); C 20 km away on A's radio net; D 20 km away on no net
    spec = scenario(
        "deter",
        units=[
            _team("A", 10.0, -66.0),
            _team("B", 10.054, -66.0),
            _team("C", 10.18, -66.0),
            _team("D", 9.82, -66.0),
        ],
        links=[link("A/t1", "C/t1", kind="radio")],
        raid=[aircraft("H", "attack-helicopter", [(10.3, -66.0, 100), (10.2, -66.0, 100)])],
        duration_s=300,
    )
    world = prepare(load_scenario(scenario_file(spec))).geometry.world
    nets = radio_networks(world)
    assert nets["A"] == nets["C"] and len({nets["A"], nets["B"], nets["D"]}) == 3
    crews = Crews(world, RngStreams(0), EventLog())
    crews.hear(SuppressionEvent(100.0, "H", "A/t1", tuple(world.units[0].enu), ()))
    s = severity_of("return_fire")

    def factor(name, t):
        u = world.units[world.unit_index[name]]
        return crews.suppression_factor(u, u.crew_profile, t), u.crew_profile

    # close fire: g = exp(-d / 500 m) at A itself (d = 0)
    f, prof = factor("A", 160.0)
    assert math.isclose(f, 1.0 - prof.suppression_sensitivity * s * math.exp(-60.0 / P.recovery_s))
    # seen and heard 6 km away: g = w_far
    f, prof = factor("B", 160.0)
    expect = 1.0 - prof.suppression_sensitivity * s * P.far_weight * math.exp(-60.0 / 600.0)
    assert math.isclose(f, expect)
    # reported by radio to C after the latency, g = w_radio; nothing before it
    assert factor("C", 100.0 + P.radio_latency_s - 1.0)[0] == 1.0
    f, prof = factor("C", 160.0)
    delay = 60.0 - P.radio_latency_s
    expect = 1.0 - prof.suppression_sensitivity * s * P.radio_weight * math.exp(-delay / 600.0)
    assert math.isclose(f, expect)
    # D neither sees, hears nor hears of it
    assert factor("D", 160.0)[0] == 1.0


def test_an_event_heard_after_a_crew_was_asked_counts_at_once(scenario_file):
    # the perceived times and weights are cached per crew between events: a new event must
    # enter the next answer (here a strike at B itself after B was asked about A's fire)
    spec = scenario(
        "deter2",
        units=[_team("A", 10.0, -66.0), _team("B", 10.054, -66.0)],
        raid=[aircraft("H", "attack-helicopter", [(10.3, -66.0, 100), (10.2, -66.0, 100)])],
        duration_s=300,
    )
    world = prepare(load_scenario(scenario_file(spec))).geometry.world
    crews = Crews(world, RngStreams(0), EventLog())
    crews.hear(SuppressionEvent(100.0, "H", "A/t1", tuple(world.units[0].enu), ()))
    b = world.units[world.unit_index["B"]]
    a_s = b.crew_profile.suppression_sensitivity
    far = far_at(a_s, 60.0)
    assert math.isclose(crews.suppression_factor(b, b.crew_profile, 160.0), far)
    crews.hear(SuppressionEvent(130.0, "X", "site", tuple(b.enu), (), "strike"))
    close = 1.0 - a_s * severity_of("strike") * math.exp(-30.0 / 600.0)
    assert math.isclose(crews.suppression_factor(b, b.crew_profile, 160.0), far * close)
    assert math.isclose(crews.suppression_factor(b, b.crew_profile, 120.0), far_at(a_s, 20.0))


def far_at(sensitivity: float, dt: float) -> float:
    """W of a crew seeing return fire from afar dt seconds ago (by hand)."""
    return 1.0 - sensitivity * severity_of("return_fire") * P.far_weight * math.exp(-dt / 600.0)
