"""Outcomes act when they happen (issue 23): an ARM carrier and a screening jammer shot down
mid-raid, in one pass of the event loop, fire no ARM and jam nothing from their kill on."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.engine import replication
from iadsim.engine.run import prepare
from iadsim.killchain import CODE_JAMMED
from iadsim.scenario import load_scenario
from tests.builders import aircraft, component, make_scenario, sam_battery, unit

# A medium-range battery, an early-warning radar 83 km south of it, and a MANPADS section
# 60 km east of it. A strike fighter with two ARMs and an EW aircraft (support jammer,
# 2-18 GHz, covering the battery's radar) come in low over the MANPADS section and loiter
# there; the fighter then climbs towards the battery. The teams shoot either down in some
# seeds: the fighter before it heard any radar (its first ARM is at 120 s, at the
# early-warning radar), the EW aircraft while it screens the battery's radar.
LOW = 600
OVER_TEAMS = {"lat_deg": 10.0, "lon_deg": -65.6, "alt_m": LOW}


def _spec(jamming: bool = True) -> dict:
    return make_scenario(
        "arm-and-jammer-down",
        start_utc="2026-01-03T16:00:00Z",  # daylight: the teams see the aircraft
        duration_s=900,
        units=[
            sam_battery("SAM", launchers=2, at=(10.45, -66.0, 0.0)),
            unit(
                "EWS",
                "early-warning-site",
                [component("radar", "early-warning-radar")],
                at=(9.7, -66.0),
            ),  # fmt: skip
            unit(
                "MPD",
                "manpads-section",
                [component(f"team-{i}", "manpads-team") for i in (1, 2, 3)],
                at=(10.0, -65.45),
            ),  # fmt: skip
        ],
        raid=[
            aircraft(
                "F1",
                "strike-fighter",
                [
                    (10.0, -65.3, LOW),
                    (10.0, -65.6, LOW),
                    {**OVER_TEAMS, "loiter_s": 240},
                    (10.45, -66.0, 3000),
                ],
            ),  # fmt: skip
            aircraft(
                "EW",
                "ew-aircraft",
                [(10.0, -65.3, LOW), (10.0, -65.6, LOW), {**OVER_TEAMS, "loiter_s": 3000}],
                jamming=jamming,
            ),  # fmt: skip
        ],
    )


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    from tests.builders import write_scenario

    d = tmp_path_factory.mktemp("outcomes")
    on = prepare(load_scenario(write_scenario(d, _spec(True), "on.yaml")))
    off = prepare(load_scenario(write_scenario(d, _spec(False), "off.yaml")))
    return on, off


def _arm_launches(events, shooter: str) -> list[float]:
    return [
        e["time_s"]
        for e in events
        if e["kind"] == "return_fire"
        and e["detail"] == "anti-radiation"
        and e["aircraft"] == shooter
    ]


def test_a_carrier_and_a_jammer_shot_down_mid_raid_act_no_more_in_one_pass(cases, monkeypatch):
    on, off = cases
    world = on.geometry.world
    ri = world.component_index["SAM/radar"]
    passes = []
    run = replication.Replication.run
    monkeypatch.setattr(replication.Replication, "run", lambda self: passes.append(1) or run(self))
    carrier_down_early = carrier_fired = jammer_down = 0
    for seed in range(30):
        rep = replication.Replication(on.geometry, seed)
        result = rep.run()
        kill = {r["aircraft"]: r["killed_at_s"] for r in result.aircraft}
        events = result.events.table().to_pylist()
        # the carrier: every ARM before its kill; it hears the early-warning radar at 115 s
        # and fires at 120 s when it is still flying then, never once it is down
        shots = _arm_launches(events, "F1")
        t_f1 = kill["F1"] if kill["F1"] is not None else np.inf
        assert all(t < t_f1 for t in shots), seed
        if t_f1 < 120.0:
            carrier_down_early += 1
            assert not shots, seed
        else:
            carrier_fired += 1
            assert 120.0 in shots, seed
        # the jammer: the battery's radar sees it jamming before its kill, never after
        g = rep.sensing.sensors[ri].geo
        if kill["EW"] is None:
            continue
        jammer_down += 1
        after = g.times_s >= kill["EW"]
        assert (g.geo_code[:, ~after] == CODE_JAMMED).any(), seed  # it did screen before
        assert not (g.geo_code[:, after] == CODE_JAMMED).any(), seed
        np.testing.assert_allclose(
            g.pd_nominal[:, after], off.geometry.sensors[ri].pd_nominal[:, after], atol=1e-12
        )
        np.testing.assert_array_equal(
            g.geo_code[:, ~after], on.geometry.sensors[ri].geo_code[:, ~after]
        )
    # one pass per replication, through the public entry point too
    on.replicate(3)
    assert len(passes) == 31
    assert carrier_down_early >= 3 and carrier_fired >= 3 and jammer_down >= 2
