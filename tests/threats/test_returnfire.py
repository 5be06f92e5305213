"""Return fire: who engages, when, with what effect, and who is suppressed."""

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.threats.returnfire import (
    ReturnFire,
    ReturnFireCapability,
    ReturnFireEffect,
    Trigger,
    TriggerKind,
    crews_within,
)

HELO = ReturnFireCapability(
    weapon_range_m=4000.0,
    reaction_time_s=5.0,
    p_disable=1.0,
    sees_launches=True,
    sees_emitters=False,
    rounds=2,
)
STRIKER = ReturnFireCapability(
    weapon_range_m=60000.0,
    reaction_time_s=20.0,
    p_disable=0.0,
    sees_launches=False,
    sees_emitters=True,
    emitter_detect_range_m=150000.0,
)
LAUNCH = Trigger(600.0, TriggerKind.LAUNCH, "MANPADS-3", (0.0, 0.0, 900.0))
CREWS = ["MANPADS-3", "MANPADS-4", "MANPADS-9"]
CREW_POS = [[0.0, 0.0, 900.0], [1000.0, 0.0, 900.0], [5000.0, 0.0, 900.0]]


def test_launch_draws_return_fire_after_reaction_time():
    rf = ReturnFire({"HELO-1": HELO, "HELO-2": HELO})
    pos = [[3000.0, 0.0, 1000.0], [2000.0, 0.0, 1000.0]]
    fire, supp = rf.respond(
        np.random.default_rng(0),
        LAUNCH,
        ["HELO-1", "HELO-2"],
        pos,
        crew_ids=CREWS,
        crew_positions_m=CREW_POS,
    )
    assert fire.shooter_id == "HELO-2"  # the nearer one
    assert fire.time_s == pytest.approx(605.0)
    assert fire.target_id == "MANPADS-3" and fire.effect is ReturnFireEffect.DISABLED
    assert supp.time_s == pytest.approx(605.0) and supp.position_m == (0.0, 0.0, 900.0)
    assert supp.crews_nearby == ("MANPADS-3", "MANPADS-4")
    assert rf.rounds_left("HELO-2") == 1


def test_no_response_out_of_reach_or_not_seen():
    rf = ReturnFire({"HELO-1": HELO, "F-1": STRIKER})
    far = [[9000.0, 0.0, 1000.0], [9000.0, 0.0, 1000.0]]
    # the helicopter is out of reach; the striker does not see launches
    assert rf.respond(np.random.default_rng(0), LAUNCH, ["HELO-1", "F-1"], far) == (None, None)
    radar = Trigger(700.0, TriggerKind.EMITTER, "SA-BN/engage-radar", (0.0, 0.0, 900.0))
    fire, _ = rf.respond(
        np.random.default_rng(0),
        radar,
        ["HELO-1", "F-1"],
        [[1000.0, 0.0, 1000.0], [50000.0, 0.0, 8000.0]],
    )
    assert fire.shooter_id == "F-1" and fire.effect is ReturnFireEffect.MISSED
    assert fire.time_s == pytest.approx(720.0)
    # dead aircraft do not shoot
    assert rf.respond(
        np.random.default_rng(0), LAUNCH, ["HELO-1"], [[100.0, 0, 0]], alive=[False]
    ) == (None, None)


def test_rounds_busy_and_reengage_limits():
    rf = ReturnFire({"HELO-1": HELO}, reengage_after_s=60.0)
    pos = [[1000.0, 0.0, 1000.0]]
    rng = np.random.default_rng(1)
    assert rf.respond(rng, LAUNCH, ["HELO-1"], pos)[0] is not None
    # same source again 10 s later: not re-engaged
    again = Trigger(610.0, TriggerKind.LAUNCH, "MANPADS-3", (0.0, 0.0, 900.0))
    assert rf.respond(rng, again, ["HELO-1"], pos) == (None, None)
    other = Trigger(611.0, TriggerKind.LAUNCH, "MANPADS-4", (1000.0, 0.0, 900.0))
    assert rf.respond(rng, other, ["HELO-1"], pos)[0].target_id == "MANPADS-4"
    third = Trigger(700.0, TriggerKind.LAUNCH, "MANPADS-5", (500.0, 0.0, 900.0))
    assert rf.respond(rng, third, ["HELO-1"], pos) == (None, None)  # out of rounds


def test_disable_probability_converges():
    cap = ReturnFireCapability(weapon_range_m=4000.0, reaction_time_s=3.0, p_disable=0.6)
    rng = np.random.default_rng(9)
    n = 5000
    hits = 0
    for i in range(n):
        rf = ReturnFire({"H": cap})
        trig = Trigger(float(i), TriggerKind.LAUNCH, f"T{i}", (0.0, 0.0, 0.0))
        hits += (
            rf.respond(rng, trig, ["H"], [[100.0, 0.0, 0.0]])[0].effect is ReturnFireEffect.DISABLED
        )
    assert abs(hits / n - 0.6) < 4 * np.sqrt(0.24 / n)


def test_crews_within_and_bad_inputs():
    assert crews_within((0.0, 0.0, 0.0), CREWS, CREW_POS, 1500.0) == ("MANPADS-3", "MANPADS-4")
    assert crews_within((0.0, 0.0, 0.0), [], None, 1500.0) == ()
    with pytest.raises(ValueRangeError):
        ReturnFireCapability(weapon_range_m=0.0, reaction_time_s=1.0, p_disable=0.5)
    with pytest.raises(ValueRangeError):
        ReturnFireCapability(weapon_range_m=10.0, reaction_time_s=1.0, p_disable=1.5)
