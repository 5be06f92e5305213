"""The engine's processes against values worked out by hand: strikes through readiness and
strikes, the C2 network and sensing; a strike heard by the crews as the suppression formula
says (docs/readiness.md), not as the functions the engine calls compute it."""

import math

from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare
from iadsim.killchain import REASON_CODE, Reason
from iadsim.readiness.suppression import DEFAULT_SUPPRESSION
from tests.builders import ORIGIN, aircraft, make_scenario, sam_battery, site, strike

HELO_ROUTE = [(10.3, -66.0, 300.0), (9.7, -66.0, 300.0)]


def _prepared(scenario_file, strikes):
    spec = make_scenario(
        "processes",
        units=[sam_battery("SAM")],
        raid=[aircraft("H", "transport-helicopter", HELO_ROUTE)],
        duration_s=1200,
        sites=[site("BN", ORIGIN, ["SAM/radar", "SAM/cp"])],
        strikes=strikes,
    )
    return prepare(scenario_file(spec))


def test_strikes_destroy_and_disable_at_their_time(scenario_file):
    prepared = _prepared(
        scenario_file,
        [
            strike("RADAR", "BN", 600.0, p_destroy={"acquisition_radar": 1.0, "*": 0.0}),
            strike("CP", "BN", 300.0, p_destroy=0.0, p_disable={"command_post": 1.0}),
        ],
    )
    for seed in (1, 2, 3):
        rep = Replication(prepared.geometry, seed)
        result = rep.run()
        assert result.destroyed_at == {"SAM/radar": 600.0}
        assert result.disabled_at == {"SAM/cp": 300.0}
        events = result.events.table().to_pylist()
        hits = [(e["time_s"], e["kind"], e["component"]) for e in events if e["kind"] in
                ("strike", "destroyed", "disabled")]  # fmt: skip
        assert sorted(hits) == [
            (300.0, "disabled", "SAM/cp"),
            (300.0, "strike", "BN"),
            (600.0, "destroyed", "SAM/radar"),
            (600.0, "strike", "BN"),
        ]
        # the radar works until 600 s and names its destruction after (if it was working)
        w = rep.world
        radar = rep.sensing.sensors[w.component_index["SAM/radar"]]
        after = radar.geo.times_s >= 600.0
        if result.states["SAM/radar"] in ("operational", "degraded"):
            assert (radar.working[~after] == 0).all()
            assert (radar.working[after] == REASON_CODE[Reason.NODE_DESTROYED]).all()
            assert not radar.detected[:, after].any()


def test_crews_hear_a_strike_as_the_suppression_formula_says(scenario_file):
    """A strike on the battery's own site at 600 s (distance 0): S(t) = 1 before, and
    1 - a s exp(-(t - 600) / tau) after, with s = 0.4 (strike) and tau = 600 s."""
    prepared = _prepared(scenario_file, [strike("S", "BN", 600.0, p_destroy=0.0)])
    rep = Replication(prepared.geometry, 5)
    rep.run()
    unit = rep.world.units[0]
    profile = unit.crew_profile
    a = profile.suppression_sensitivity
    assert DEFAULT_SUPPRESSION.recovery_s == 600.0  # the value the hand formula uses
    assert rep.crews.suppression_factor(unit, profile, 599.0) == 1.0
    for t in (600.0, 900.0, 1800.0):
        expected = 1.0 - a * 0.4 * math.exp(-(t - 600.0) / 600.0)
        got = rep.crews.suppression_factor(unit, profile, t)
        assert abs(got - expected) < 1e-12, (t, got, expected)
