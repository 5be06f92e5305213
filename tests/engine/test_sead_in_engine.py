"""SEAD in the engine: anti-radiation missiles fly (time of flight by hand), need a line of
sight, miss a radar that fell silent; emission control; aircraft do nothing once shot down."""

from __future__ import annotations

import math

import numpy as np

from iadsim.analysis.stats import paired_difference
from iadsim.engine.run import prepare
from iadsim.geo.line_of_sight import obstruction
from iadsim.scenario import load_scenario
from tests.builders import aircraft, sam_battery
from tests.builders import make_scenario as scenario

NORTH = [(10.9, -66.0, 6000), {"lat_deg": 10.45, "lon_deg": -66.0, "alt_m": 6000, "loiter_s": 300},
         (10.9, -66.0, 6000)]  # fmt: skip


def _sead(emcon=None, **battery):
    extra = {"emcon": emcon} if emcon else {}
    return scenario(
        "sead",
        units=[sam_battery("SAM", **extra, **battery)],
        raid=[aircraft("F1", "strike-fighter", NORTH)],
        duration_s=900,
    )


def _arm_events(events):
    return [e for e in events if e["kind"] == "return_fire" and e["detail"] == "anti-radiation"]


def test_arm_time_of_flight_matches_the_hand_computation(scenario_file):
    prepared = prepare(load_scenario(scenario_file(_sead())))
    world = prepared.geometry.world
    ev = prepared.replicate(1).events.table().to_pylist()
    shots = _arm_events(ev)
    assert shots
    # by hand: the fighter flies due south at 250 m/s from the first waypoint; the radar
    # antenna stands 8 m over the battery; flyout boost 10 s at 60 m/s^2 from 250 m/s,
    # then coast with k = 5e-6 /m: t = 10 + (exp(k (R - 5500)) - 1) / (k 850)
    start = world.frame.to_enu(10.9, -66.0, 0.0)
    for i, shot in enumerate(shots):
        radar = world.components[world.component_index[shot["component"]]]
        antenna = radar.enu + [0.0, 0.0, radar.radar.antenna_height_m]
        t_launch, t_impact = shot["time_s"], shot["value"]
        north = start[1] - 250.0 * t_launch
        slant = math.dist((start[0], north, 6000.0), antenna)
        assert slant <= 60_000.0
        tof = 10.0 + (math.exp(5e-6 * (slant - 5500.0)) - 1.0) / (5e-6 * 850.0)
        assert abs((t_impact - t_launch) - tof) < 0.05, (t_impact - t_launch, tof)
        if i == 0:  # heard at the first 5 s check inside launch range, fired 10 s later
            run_in = start[1] - antenna[1] - math.sqrt(60_000.0**2 - (6000.0 - antenna[2]) ** 2)
            assert t_launch == 5.0 * math.ceil(run_in / 250.0 / 5.0) + 10.0


def test_terrain_masked_radars_are_never_hit(caracas_prepared):
    world = caracas_prepared.geometry.world
    f = next(a for a in world.aircraft if a.spec.arm is not None)
    times = np.arange(0.0, world.duration_s, 5.0)
    ground = world.terrain.ground_m
    pos = f.route.positions(times, ground)
    masked = []
    for cid in ("BUK-BTY/acq-radar", "BUK-BTY/telar-1", "BUK-BTY/telar-2"):
        comp = world.components[world.component_index[cid]]
        antenna = comp.enu + [0.0, 0.0, comp.sensor_height_m]
        near = np.linalg.norm(pos - antenna, axis=-1) <= f.spec.arm.launch_range_m
        # independent of the engine's ARM pass: the one line of sight from every point
        if not (obstruction(antenna, pos[near], world.terrain) == 0).any():
            masked.append(cid)
    assert masked  # the Buk radars in the valley are hidden from the fighter over the sea
    for seed in range(12):
        ev = caracas_prepared.replicate(seed).events.table().to_pylist()
        hit = {e["component"] for e in ev if e["detail"] == "anti-radiation missile"}
        shot_at = {e["component"] for e in _arm_events(ev)}
        assert not (hit | shot_at) & set(masked)


def test_a_radar_that_goes_silent_in_time_survives_more_often(scenario_file):
    plain = prepare(load_scenario(scenario_file(_sead(), "plain.yaml")))
    silent = prepare(load_scenario(scenario_file(_sead({"silence_s": 300}), "silent.yaml")))
    seeds = range(60)

    def survived(prepared):
        out = []
        for s in seeds:
            ev = prepared.replicate(s).events.table().to_pylist()
            killed = any(
                e["component"] == "SAM/radar" and e["detail"] == "anti-radiation missile"
                for e in ev
            )
            out.append(0.0 if killed else 1.0)
        return out

    d = paired_difference(survived(plain), survived(silent), "radar survives")
    assert d["lo"] > 0.0, d  # paired 95% interval above zero
    assert d["diff"] > 0.3


def test_aircraft_do_nothing_after_they_are_shot_down(scenario_file):
    # a battery under the fighter's route that can shoot it down, an early-warning radar far
    # beyond it that the fighter would reach with its second ARM later
    spec = scenario(
        "cutoff",
        units=[
            sam_battery("SAM", launchers=2, at=(10.45, -66.0, 0.0)),
            {
                "id": "EW",
                "type": "early-warning-site",
                "position": {"lat_deg": 9.7, "lon_deg": -66.0},
                "components": [{"id": "radar", "type": "early-warning-radar"}],
            },
        ],  # fmt: skip
        raid=[aircraft("F1", "strike-fighter", [(10.9, -66.0, 6000), (9.6, -66.0, 6000)])],
        duration_s=900,
    )
    prepared = prepare(load_scenario(scenario_file(spec)))
    killed_runs = 0
    for seed in range(30):
        ev = prepared.replicate(seed).events.table().to_pylist()
        kill = [e["time_s"] for e in ev if e["kind"] == "kill" and e["aircraft"] == "F1"]
        if not kill:
            continue
        killed_runs += 1
        for e in _arm_events(ev):
            assert e["time_s"] < kill[0]
        assert not any(
            e["kind"] == "return_fire" and e["aircraft"] == "F1" and e["time_s"] >= kill[0]
            for e in ev
        )
    assert killed_runs >= 3


def test_decoys_make_cued_radars_radiate_and_sams_fire(scenario_file):
    # a battery that radiates only when cued by the early-warning radar's track; decoys fly
    # at it: the cue comes, its radars radiate, it fires at decoys; a decoy shot down is a
    # missile spent, not an aircraft lost
    ew = {"id": "EW", "type": "early-warning-site", "position": {"lat_deg": 10.1, "lon_deg": -66.0},
          "components": [{"id": "radar", "type": "early-warning-radar"}]}  # fmt: skip
    spec = scenario(
        "bekaa",
        units=[sam_battery("SAM", launchers=2, emcon={"cued": True}), ew],
        links=[{"id": "ew-cp", "from": "EW/radar", "to": "SAM/cp", "kind": "cable"}],
        raid=[
            aircraft("D1", "decoy", [(10.6, -66.01, 4000), (9.6, -66.01, 4000)]),
            aircraft("D2", "decoy", [(10.6, -65.99, 4000), (9.6, -65.99, 4000)]),
        ],
        duration_s=600,
    )
    prepared = prepare(load_scenario(scenario_file(spec)))
    launches = 0
    for seed in range(5):
        result = prepared.replicate(seed)
        ev = result.events.table().to_pylist()
        launches += sum(e["kind"] == "launch" and e["aircraft"] in ("D1", "D2") for e in ev)
        assert result.aircraft == [] and {d["aircraft"] for d in result.decoys} == {"D1", "D2"}
    assert launches > 0
