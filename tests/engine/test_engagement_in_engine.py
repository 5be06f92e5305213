"""Engagements in the engine: time of flight from the flyout, and kill frequencies that
converge to the Pk the engine computed (statistical, fixed seeds)."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from tests.builders import aircraft, make_scenario, sam_battery

SCENARIO = make_scenario(
    "pk-test",
    duration_s=500,
    units=[sam_battery("SAM", at=(10.0, -66.0, 0))],
    raid=[
        # no anti-radiation missiles: the radars stay up; straight at the battery at 5 km
        # altitude, passing overhead
        aircraft(
            "F1",
            "ew-aircraft",
            [(10.9, -66.0, 5000), (9.1, -66.0, 5000)],
            speed_mps=250,
            jamming=False,
        )
    ],
)


def test_time_of_flight_matches_the_flyout_and_kills_match_pk(scenario_file):
    prepared = prepare(load_scenario(scenario_file(SCENARIO)))
    flyout = next(iter(prepared.geometry.weapons.values())).flyout
    world = prepared.geometry.world
    route = world.aircraft[0].route
    launcher = world.components[world.component_index["SAM/telar-1"]].enu
    first_shot_pk, first_shot_killed, checked = [], [], 0
    for seed in range(120):
        events = prepared.replicate(seed).events.table()
        kinds = events.column("kind").to_pylist()
        times = events.column("time_s").to_pylist()
        values = events.column("value").to_pylist()
        if "launch" not in kinds:
            continue
        t_launch = times[kinds.index("launch")]
        t_icpt = times[kinds.index("intercept")]
        if checked < 5:  # the missile flew the flyout's time to where the target was
            point = route.positions(np.array([t_icpt]))[0]
            slant = float(np.linalg.norm(point - launcher))
            assert t_icpt - t_launch == np_approx(float(flyout.time_of_flight(slant)), 0.05)
            checked += 1
        first_shot_pk.append(values[kinds.index("intercept")])
        first_shot_killed.append(
            kinds.index("kill") == kinds.index("intercept") + 1 if "kill" in kinds else False
        )
    assert checked == 5 and len(first_shot_pk) >= 80
    expected = float(np.mean(first_shot_pk))  # salvo Pk the engine computed at each intercept
    observed = float(np.mean(first_shot_killed))
    sigma = np.sqrt(expected * (1 - expected) / len(first_shot_pk))
    assert abs(observed - expected) < 4 * sigma, (observed, expected, sigma)
    assert pc.max(events.column("time_s")).as_py() <= 500


def np_approx(value: float, tol: float):
    import pytest

    return pytest.approx(value, abs=tol)
