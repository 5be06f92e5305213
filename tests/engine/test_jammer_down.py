"""A screening jammer that is shot down stops screening at its kill time (issue 14's
leftover): the radars it covered see, and the radio links it reached carry, from then on."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.engine.radar_picture import with_jammers_down
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from tests.builders import aircraft, component, make_scenario, sam_battery, unit

# A medium-range battery at the origin; a strike fighter flies to and fro 50-90 km north of
# it (radially, clear of the Doppler notch) for the whole run; an EW aircraft (support
# jammer, 2-18 GHz, covering the battery's 6 GHz radar) comes in low from the east and
# loiters 600 m over a MANPADS section 60 km east of the battery, which can shoot it down.
# Screened, the fighter is never seen; unscreened, the radar sees it at every pass.


def _spec(jamming: bool = True) -> dict:
    return make_scenario(
        "jammer-down",
        start_utc="2026-01-03T16:00:00Z",  # daylight: the teams see the EW aircraft
        duration_s=900,
        units=[
            sam_battery("SAM"),
            unit(
                "MPD",
                "manpads-section",
                [component(f"team-{i}", "manpads-team") for i in (1, 2, 3)],
                at=(10.0, -65.45),
            ),
        ],
        raid=[
            aircraft("F1", "strike-fighter", [(10.8, -66.0, 3000), (10.45, -66.0, 3000)] * 4),
            aircraft(
                "EW",
                "ew-aircraft",
                [
                    (10.0, -65.3, 600),
                    (10.0, -65.6, 600),
                    {"lat_deg": 10.0, "lon_deg": -65.6, "alt_m": 600, "loiter_s": 3000},
                ],
                jamming=jamming,
            ),
        ],
    )


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    """The case prepared with the EW aircraft jamming, and without (the reference)."""
    from tests.builders import write_scenario

    d = tmp_path_factory.mktemp("jammer-down")
    on = prepare(load_scenario(write_scenario(d, _spec(True), "on.yaml")))
    off = prepare(load_scenario(write_scenario(d, _spec(False), "off.yaml")))
    return on, off


def test_the_picture_of_a_downed_jammer_is_the_jammed_one_before_and_the_clear_one_after(
    screened,
):
    on, off = screened
    world = on.geometry.world
    ri = world.component_index["SAM/radar"]
    ew = [a.id for a in world.aircraft].index("EW")
    t_kill = 300.0
    down = with_jammers_down(on.geometry, {ew: t_kill}).sensors[ri]
    jammed, clear = on.geometry.sensors[ri], off.geometry.sensors[ri]
    before = down.times_s < t_kill
    assert before.any() and (~before).any()
    # the fighter is screened before the kill, seen after it
    assert jammed.pd_nominal[0].max() < 0.05 and clear.pd_nominal[0][~before].max() > 0.5
    for name in ("pd_nominal", "pd_degraded"):
        got, ref_on, ref_off = (getattr(g, name) for g in (down, jammed, clear))
        np.testing.assert_array_equal(got[:, before], ref_on[:, before])
        np.testing.assert_allclose(got[:, ~before], ref_off[:, ~before], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(down.geo_code[:, before], jammed.geo_code[:, before])
    np.testing.assert_array_equal(down.geo_code[:, ~before], clear.geo_code[:, ~before])
    # nothing shot down: the same picture
    assert with_jammers_down(on.geometry, {}) is on.geometry


def test_a_jammer_shot_down_stops_screening_the_fighter(screened):
    on, off = screened
    world = on.geometry.world
    ri = world.component_index["SAM/radar"]
    ids = [a.id for a in world.aircraft]
    f1 = ids.index("F1")
    kills = 0
    for seed in range(12):
        rep = Replication(on.geometry, seed)
        rows = {r["aircraft"]: r for r in rep.run().aircraft}
        t_kill = rows["EW"]["killed_at_s"]
        if t_kill is None:  # screened all night: never seen
            assert not rows["F1"]["detected"], seed
            continue
        kills += 1
        # from its kill time on, the radar saw with the jammer silent (in the one pass)
        g = rep.sensing.sensors[ri].geo
        after = g.times_s >= t_kill
        np.testing.assert_allclose(
            g.pd_nominal[f1, after], off.geometry.sensors[ri].pd_nominal[f1, after], atol=1e-12
        )
        np.testing.assert_array_equal(
            g.pd_nominal[:, ~after], on.geometry.sensors[ri].pd_nominal[:, ~after]
        )
        # ... so the fighter is seen, and only after the EW aircraft went down
        assert rows["F1"]["detected"], seed
        assert rows["F1"]["first_detected_s"] >= t_kill, seed
    assert kills >= 1  # the MANPADS teams do shoot the EW aircraft down in some seeds


def test_radio_link_jamming_ends_at_the_jammers_kill_time(scenario_file):
    # an early-warning radar's radio link 20 km to a battery's command post, jammed by the
    # EW aircraft's communications jammer as it flies in from 200 km east at 8 km (the
    # engine test of test_jamming_in_engine.py); shot down at t_stop, its windows end at the
    # first 5 s link-test step at or after t_stop
    from iadsim.engine.electronic_attack import LINK_JAM_STEP_S, radio_link_jamming

    spec = make_scenario(
        "comms-down",
        units=[
            unit("EW", "early-warning-site", [component("radar", "early-warning-radar")]),
            sam_battery("SAM", at=(10.18, -66.0, 0.0)),
        ],
        links=[{"id": "ewlink", "from": "EW/radar", "to": "SAM/cp", "kind": "radio"}],
        raid=[aircraft("J", "ew-aircraft", [(10.09, -64.17, 8000), (10.09, -66.0, 8000)])],
        duration_s=900,
    )
    prepared = prepare(load_scenario(scenario_file(spec)))
    world = prepared.geometry.world
    (start, end), *_ = prepared.geometry.link_jamming["ewlink"]
    t_stop = start + 101.0
    assert t_stop < end
    got = radio_link_jamming(world, {0: t_stop})["ewlink"]
    assert got == [(start, LINK_JAM_STEP_S * math.ceil(t_stop / LINK_JAM_STEP_S))]
    # shot down before it jams anything: the link is never jammed
    assert "ewlink" not in radio_link_jamming(world, {0: start - 10.0})
    assert with_jammers_down(prepared.geometry, {0: t_stop}).link_jamming["ewlink"] == got
