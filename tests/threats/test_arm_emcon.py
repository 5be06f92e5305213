"""Anti-radiation missiles and emission control, against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.engagement.flyout import Flyout
from iadsim.errors import ValueRangeError
from iadsim.threats.arm import ArmType, first_shot_time, shot_outcome_p
from iadsim.threats.emcon import EmconDoctrine, radiating, radiating_throughout

HARM = Flyout(boost_time_s=10, boost_accel_mps2=60, drag_k_per_m=5e-6, launch_speed_mps=250,
              min_speed_mps=300, max_time_s=120)  # fmt: skip
ARM = ArmType(HARM, launch_range_m=60_000, p_kill=0.7, p_kill_after_shutdown=0.1, rounds=2)


def test_arm_time_of_flight_by_hand():
    # boost: 10 s from 250 m/s at 60 m/s^2 -> 850 m/s after 250*10 + 30*100 = 5500 m;
    # coast: s = 5500 + ln(1 + k v_b tau) / k  =>  tau = (exp(k (R - 5500)) - 1) / (k v_b)
    r = 50_000.0
    tau = (math.exp(5e-6 * (r - 5500.0)) - 1.0) / (5e-6 * 850.0)
    assert ARM.time_of_flight_s(r) == pytest.approx(10.0 + tau, abs=0.05)
    # inside the boost: 250 t + 30 t^2 = 2000  =>  t = (-250 + sqrt(250^2 + 4*30*2000)) / 60
    t_boost = (-250 + math.sqrt(250**2 + 4 * 30 * 2000)) / 60
    assert ARM.time_of_flight_s(2000.0) == pytest.approx(t_boost, abs=0.01)


def test_arm_fires_only_at_a_radiating_radar_in_sight_and_reach():
    t = np.arange(0.0, 100.0, 10.0)
    rng = np.linspace(90_000, 20_000, t.size)
    sight = np.ones(t.size, bool)
    on = np.ones(t.size, bool)
    up = np.ones(t.size, bool)
    k = first_shot_time(t, rng, sight, on, up, ARM)
    assert rng[k] <= 60_000 and rng[k - 1] > 60_000
    masked = np.zeros(t.size, bool)
    assert first_shot_time(t, rng, masked, on, up, ARM) is None  # terrain-masked: never
    silent = np.zeros(t.size, bool)
    assert first_shot_time(t, rng, sight, silent, up, ARM) is None
    assert shot_outcome_p(ARM, True) == 0.7 and shot_outcome_p(ARM, False) == 0.1


def test_arm_launch_range_must_be_reachable():
    with pytest.raises(ValueRangeError, match="kinematic"):
        ArmType(HARM, launch_range_m=200_000, p_kill=0.7, p_kill_after_shutdown=0.1, rounds=1)


def test_emcon_rules():
    t = np.arange(0.0, 100.0, 1.0)
    assert radiating(t, EmconDoctrine()).all()
    cued = radiating(t, EmconDoctrine(cued=True), cue_time_s=40.0)
    assert not cued[:40].any() and cued[40:].all()
    blink = radiating(t, EmconDoctrine(blink_on_s=10, blink_off_s=20), phase_s=5.0)
    assert blink[5:15].all() and not blink[15:35].any() and blink[35:45].all()
    assert blink.mean() == pytest.approx(1 / 3, abs=0.02)
    warn = EmconDoctrine(silence_s=30.0)
    on = radiating(t, warn, warning_times_s=[50.0])
    assert on[:50].all() and not on[50:80].any() and on[80:].all()
    assert radiating_throughout(0.0, 49.0, warn, warning_times_s=[50.0])
    assert not radiating_throughout(40.0, 70.0, warn, warning_times_s=[50.0])
    with pytest.raises(ValueRangeError):
        EmconDoctrine(blink_on_s=5.0)
