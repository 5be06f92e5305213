"""Attacks on the picture and the power (engine/cyber.py): a cyber attack on a command post
blanks its picture with its own reason (PICTURE_DENIED, element cyber:ATTACK) where noise
jamming of the same post's radar gives JAMMED; a stale picture keeps what it held for the
coast time; a grid attack leaves a component without power until its generator has taken
the load (GRID_DOWN), and for the whole window where it has none."""

from __future__ import annotations

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from iadsim.engine.cyber import freeze_picture
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare
from iadsim.errors import InputError
from iadsim.killchain import CODE_PICTURE_DENIED, REASON_CODE, Reason, Stage
from iadsim.scenario import load_scenario
from tests.builders import aircraft, sam_battery
from tests.builders import make_scenario as scenario

STANDOFF = [
    {"lat_deg": 10.0, "lon_deg": -64.63, "alt_m": 8000, "loiter_s": 3000},
    (10.0, -64.62, 8000),
]  # fmt: skip  ~150 km east of the battery: sidelobe jamming
HOLD = [(10.35 + 0.05 * (i % 2), -66.0, 3000) for i in range(8)]  # 39-44 km north, a decoy


def _spec(jamming: bool, cyber: list[dict] | None = None) -> dict:
    out = scenario(
        "cyber",
        units=[sam_battery("SAM", fallback={"allowed": False})],
        raid=[
            aircraft("F1", "decoy", HOLD),
            aircraft("EW", "ew-aircraft", STANDOFF, jamming=jamming),
        ],
        duration_s=400,
    )
    if cyber:
        out["cyber"] = cyber
    return out


def _rows(prepared, seed):
    rep = Replication(prepared.geometry, seed)
    res = rep.run()
    return {r["aircraft"]: r for r in res.ledger.table().to_pylist()}, res


def test_cyber_blanks_the_post_while_noise_jamming_of_its_radar_gives_jammed(scenario_file):
    blank = [{"id": "cp-hack", "target": "SAM/cp", "effect": "blank", "start_s": 0,
              "duration_s": 400}]  # fmt: skip
    denied = prepare(load_scenario(scenario_file(_spec(False, blank), "cyber.yaml")))
    jammed = prepare(load_scenario(scenario_file(_spec(True), "jam.yaml")))
    clear = prepare(load_scenario(scenario_file(_spec(False), "clear.yaml")))
    for seed in range(3):
        rows, res = _rows(denied, seed)
        # the radar tracks the decoy; the post's picture is blank: the chain stops at the
        # post with the attack's own reason, naming the attack
        assert rows["F1"]["stage"] == "tracked"
        assert rows["F1"]["reason"] == "PICTURE_DENIED"
        assert rows["F1"]["element"] == "cyber:cp-hack"
        log = res.events.table().to_pylist()
        assert [e["detail"] for e in log if e["kind"] == "cyber"] == ["cp-hack: succeeded"]
        # noise jamming of the same post's radar: JAMMED, never PICTURE_DENIED
        rows, _ = _rows(jammed, seed)
        assert rows["F1"]["reason"] == "JAMMED"
        # neither: the post's picture holds the decoy (the chain gets past reported)
        rows, _ = _rows(clear, seed)
        assert Stage[rows["F1"]["stage"].upper()] > Stage.REPORTED


def test_an_attack_that_fails_changes_nothing(scenario_file):
    fail = [{"id": "cp-hack", "target": "SAM/cp", "effect": "blank", "start_s": 0,
             "duration_s": 400, "p_success": 0.0}]  # fmt: skip
    failed = prepare(load_scenario(scenario_file(_spec(False, fail), "f.yaml")))
    clear = prepare(load_scenario(scenario_file(_spec(False), "c.yaml")))
    for seed in range(2):
        res = Replication(failed.geometry, seed).run()
        same = Replication(clear.geometry, seed).run()
        # NaN == NaN here (times never reached)
        assert_frame_equal(res.ledger.table().to_pandas(), same.ledger.table().to_pandas())
        log = res.events.table().to_pylist()
        assert [e["detail"] for e in log if e["kind"] == "cyber"] == ["cp-hack: failed"]


def test_a_blank_window_holds_only_inside_it(scenario_file):
    blank = [{"id": "cp-hack", "target": "SAM/cp", "effect": "blank", "start_s": 100,
              "duration_s": 50}]  # fmt: skip
    prepared = prepare(load_scenario(scenario_file(_spec(False, blank))))
    rep = Replication(prepared.geometry, 0)
    rep.run()
    w = prepared.geometry.world
    cp = w.component_index["SAM/cp"]
    t = np.array([99.0, 100.0, 149.0, 150.0])
    code = REASON_CODE[Reason.PICTURE_DENIED]
    assert rep.equipment.working(cp, t).tolist() == [0, code, code, 0]


def test_a_stale_picture_keeps_what_it_held_for_the_coast_time():
    # hand: decision times every 10 s; the picture freezes at 25 s for 100 s, coast 30 s.
    # Aircraft 0 was reported at 20 s (the last time <= 25 s): kept through 55 s (30 s after
    # the start), denied from 60 s to 120 s, back at 130 s. Aircraft 1 appears at 40 s:
    # denied inside the window. Aircraft 2 is only tracked: left alone.
    times = np.arange(0.0, 140.0, 10.0)
    rep, trk = int(Stage.REPORTED), int(Stage.TRACKED)
    stage = np.array([[rep] * 14, [trk] * 4 + [rep] * 10, [trk] * 14], np.int8)
    reason = np.zeros_like(stage)
    s, r = freeze_picture(times, stage, reason, 25.0, 125.0, 30.0)
    denied0 = (times >= 60.0) & (times < 125.0)
    assert (s[0] == np.where(denied0, trk, rep)).all()
    assert (r[0] == np.where(denied0, CODE_PICTURE_DENIED, 0)).all()
    denied1 = (times >= 40.0) & (times < 125.0)
    assert (s[1] == np.where(denied1, trk, np.where(times < 40.0, trk, rep))).all()
    assert (r[1] == np.where(denied1, CODE_PICTURE_DENIED, 0)).all()
    assert (s[2] == trk).all() and (r[2] == 0).all()


def _powered(sources: list[dict]) -> dict:
    spec = scenario(
        "grid",
        units=[sam_battery("SAM", power=sources)],
        raid=[aircraft("F1", "decoy", HOLD)],
        duration_s=400,
    )
    spec["cyber"] = [{"id": "dark", "target": "SAM", "effect": "grid", "start_s": 100,
                      "duration_s": 200}]  # fmt: skip
    return spec


def test_grid_attack_generator_takes_the_load_after_its_start_time(scenario_file):
    works = {"operational": 1.0}
    grid = {"id": "mains", "type": "grid", "readiness": works}
    gen = {"id": "gen-1", "type": "diesel-generator", "readiness": works}
    down = REASON_CODE[Reason.GRID_DOWN]
    t = np.array([99.0, 100.0, 129.0, 130.0, 299.0, 300.0])
    # grid and a working diesel generator: out for the catalog's 30 s start, then on it
    prepared = prepare(load_scenario(scenario_file(_powered([grid, gen]), "g.yaml")))
    rep = Replication(prepared.geometry, 0)
    rep.run()
    cp = prepared.geometry.world.component_index["SAM/cp"]
    assert rep.equipment.working(cp, t).tolist() == [0, down, down, 0, 0, 0]
    # the grid only: dark for the whole window
    prepared = prepare(load_scenario(scenario_file(_powered([grid]), "h.yaml")))
    rep = Replication(prepared.geometry, 0)
    rep.run()
    assert rep.equipment.working(cp, t).tolist() == [0, down, down, down, down, 0]
    # on a generator already (no grid connection): nothing changes
    prepared = prepare(load_scenario(scenario_file(_powered([gen]), "i.yaml")))
    rep = Replication(prepared.geometry, 0)
    rep.run()
    assert rep.equipment.working(cp, t).tolist() == [0] * 6


def test_unknown_cyber_target_is_refused_with_its_field(scenario_file):
    spec = _spec(False, [{"id": "x", "target": "NOPE/cp", "effect": "blank", "start_s": 0,
                          "duration_s": 10}])  # fmt: skip
    with pytest.raises(InputError) as err:
        load_scenario(scenario_file(spec))
    assert "cyber[0].target" in str(err.value) or "cyber.0.target" in str(err.value)
    assert "NOPE/cp" in str(err.value)
