"""The engine's Kalman tracker mode: firm tracks from noisy plots, determinism, the horizon,
and the tracking metrics written per run."""

from __future__ import annotations

import json
import math
import pickle
from types import SimpleNamespace

import numpy as np
import pytest

from iadsim.analysis.tracking_report import _sensor_metrics, tracking_report
from iadsim.cli import main
from iadsim.engine.kalman_tracks import KalmanRun, KalmanSensorGeometry, kalman_firm
from iadsim.engine.rng import RngStreams
from iadsim.engine.run import prepare
from iadsim.engine.sensing import sensor_state
from iadsim.errors import ValueRangeError
from iadsim.killchain import REASON_CODE, Reason
from tests.builders import aircraft, component, make_scenario, unit, write_scenario

# One early-warning radar at the origin. FIGHTER-1 flies east to west at 6000 m, 40 km north
# of the radar (clearly visible: high SNR, well above the horizon). HELO-1 stays 30 m above
# the sea 120-130 km south: below the 4/3-earth horizon of a 15 m antenna (~38 km) all along.
TINY = make_scenario(
    "tiny-kalman",
    start_utc="2026-01-03T06:00:00Z",
    duration_s=600,
    units=[unit("EW", "early-warning-site", [component("radar", "early-warning-radar")])],
    raid=[
        aircraft("FIGHTER-1", "strike-fighter", [(10.36, -65.5, 6000), (10.36, -66.5, 6000)]),
        aircraft(
            "HELO-1",
            "transport-helicopter",
            [(8.9, -66.1, 30), (8.85, -65.9, 30)],
            altitude_mode="agl",
        ),
    ],
)

FIGHTER, HELO = 0, 1


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("kalman"), TINY, "tiny.yaml")


@pytest.fixture(scope="module")
def kalman(tiny):
    return prepare(tiny, tracker="kalman")


@pytest.fixture(scope="module")
def mofn(tiny):
    return prepare(tiny)


def radar_state(prepared, seed: int, tracker: str | None = None):
    (si, geo), *_ = prepared.geometry.sensors.items()
    return sensor_state(
        prepared.geometry.world, geo, "operational", np.inf, RngStreams(seed), tracker=tracker
    )


def test_prepare_option(kalman, mofn):
    assert kalman.tracker == "kalman" and mofn.tracker == "mofn"
    (geo,) = kalman.geometry.sensors.values()
    assert isinstance(geo, KalmanSensorGeometry)
    assert not isinstance(next(iter(mofn.geometry.sensors.values())), KalmanSensorGeometry)
    with pytest.raises(ValueRangeError, match="tracker"):
        prepare(kalman.scenario, tracker="magic")


def test_visible_aircraft_confirmed_within_a_few_looks_and_kept(kalman, mofn):
    st = radar_state(kalman, 7)
    ref = radar_state(mofn, 7)
    # same detection draws in both modes (the same named streams)
    np.testing.assert_array_equal(st.detected, ref.detected)
    det = np.flatnonzero(st.detected[FIGHTER])
    assert det.size > 30  # ~0.9 per look over the minute-long pass
    k0 = det[0]
    firm = np.flatnonzero(st.firm[FIGHTER])
    assert firm.size and firm[0] <= k0 + 3
    mofn_first = np.flatnonzero(ref.firm[FIGHTER])[0]
    assert abs(int(firm[0]) - int(mofn_first)) <= 2
    # once firm, kept while the aircraft stays detectable
    seen = st.geo.pd_nominal[FIGHTER] > 0.5
    span = np.arange(firm[0], np.flatnonzero(seen)[-1] + 1)
    assert st.firm[FIGHTER, span].mean() > 0.95
    assert ref.firm[FIGHTER, span].mean() > 0.8


def test_track_position_error_within_noise(kalman):
    (geo,) = kalman.geometry.sensors.values()
    st = radar_state(kalman, 3)
    run = kalman_firm(kalman.geometry.world, geo, st.detected, RngStreams(3), record=True)
    np.testing.assert_array_equal(run.firm, st.firm)  # record mode changes nothing
    assert run.hist_t.size > 30
    k = np.searchsorted(geo.times_s, run.hist_t)
    assert np.allclose(geo.times_s[k], run.hist_t)
    truth = geo.truth_enu[FIGHTER, k]
    err_h = np.hypot(*(run.hist_pos[:, :2] - truth[:, :2]).T)
    # one plot's horizontal sigma at that range: range noise and cross-range from azimuth
    n = geo.noise
    sig_h = np.hypot(n.sigma_range_m, geo.range_m[FIGHTER, k] * n.sigma_az_rad)
    ratio = err_h / sig_h
    assert np.median(ratio) < 1.5
    assert np.percentile(ratio, 95) < 4.0


def test_deterministic(kalman):
    a = radar_state(kalman, 11)
    b = radar_state(kalman, 11)
    np.testing.assert_array_equal(a.firm, b.firm)
    again = pickle.loads(pickle.dumps(kalman))  # as Monte Carlo workers receive it
    np.testing.assert_array_equal(radar_state(again, 11).firm, a.firm)
    r1, r2 = kalman.replicate(5), kalman.replicate(5)
    assert repr(r1.events.table().to_pydict()) == repr(r2.events.table().to_pydict())
    assert r1.aircraft == r2.aircraft


def test_behind_horizon_never_tracked(kalman):
    (geo,) = kalman.geometry.sensors.values()
    assert (geo.geo_code[HELO] == REASON_CODE[Reason.BELOW_HORIZON]).all()
    for seed in range(3):
        st = radar_state(kalman, seed)
        assert not st.detected[HELO].any()
        assert not st.firm[HELO].any()
        run = kalman_firm(kalman.geometry.world, geo, st.detected, RngStreams(seed), record=True)
        assert not run.firm[HELO].any()


def test_metrics_hand_checked():
    """One aircraft covered at looks 0..5; track 1 follows it 30 m off at looks 0-2, track 2
    4 m off at looks 3-5 (an ID swap, no break), confirmed at t=10 and t=30; nothing false."""
    times = np.arange(6) * 10.0
    truth = np.zeros((1, 6, 3))
    truth[0, :, 0] = 1000.0 * np.arange(6)
    off = np.array([30, 30, 30, 4, 4, 4], float)
    pos = truth[0].copy()
    pos[:, 1] += off
    ids = np.array([1, 1, 1, 2, 2, 2])
    run = KalmanRun(np.ones((1, 6), bool), 6, times, ids, pos, {1: 10.0, 2: 30.0})
    geo = SimpleNamespace(times_s=times, truth_enu=truth)
    comp = SimpleNamespace(id="R", kind="surveillance_radar")
    world = SimpleNamespace(aircraft=[SimpleNamespace(id="A")])
    out = _sensor_metrics(comp, geo, np.ones((1, 6), bool), run, c=100.0, p=1.0, w=world)
    assert out["gospa_m"] == [30.0, 30.0, 30.0, 4.0, 4.0, 4.0]
    assert out["gospa_mean"] == pytest.approx(17.0)
    assert out["gospa_mean_false"] == 0 and out["gospa_mean_missed"] == 0
    (row,) = out["aircraft"]
    assert (row["breaks"], row["id_swaps"]) == (0, 1)
    assert row["time_to_first_track_s"] == 10.0  # track 1 confirmed at t=10, truth from t=0
    # a false track 500 m away at look 2: cut-off c/2 = 50 for p=1
    run2 = KalmanRun(
        run.firm,
        6,
        np.append(times, 20.0),
        np.append(ids, 9),
        np.vstack([pos, truth[0, 2] + [0, 500, 0]]),
        {1: 10.0, 2: 30.0, 9: 20.0},
    )
    out2 = _sensor_metrics(comp, geo, np.ones((1, 6), bool), run2, c=100.0, p=1.0, w=world)
    assert out2["gospa_m"][2] == 80.0


def test_report_time_to_firm_both_modes(kalman, mofn):
    for prepared in (mofn, kalman):
        result = prepared.replicate(2)
        rep = tracking_report(prepared, result)
        json.dumps(rep, allow_nan=False)
        fighter, helo = rep["aircraft"]
        assert helo["first_visible_s"] is None and helo["first_firm_s"] is None
        assert fighter["firm_sensor"] == "EW/radar"
        # the radar's first look that sees the fighter; firm within a few 10 s looks
        assert 0 <= fighter["time_to_firm_s"] <= 40.0
        assert math.isclose(
            fighter["time_to_firm_s"], fighter["first_firm_s"] - fighter["first_visible_s"]
        )
    assert rep["tracker"] == "kalman"
    (sens,) = rep["sensors"]
    assert sens["confirmed_tracks"] >= 1 and sens["gospa_mean"] is not None
    assert len(sens["gospa_t_s"]) == len(sens["gospa_m"])


def test_cli_writes_tracking_json(tiny, tmp_path):
    for tracker in ("mofn", "kalman"):
        out = tmp_path / tracker
        rc = main(["run", str(tiny), "--tracker", tracker, "--out", str(out), "--quiet"])
        assert rc == 0
        data = json.loads((out / "tracking.json").read_text())
        assert data["tracker"] == tracker
        assert [a["aircraft"] for a in data["aircraft"]] == ["FIGHTER-1", "HELO-1"]
        assert bool(data["sensors"]) == (tracker == "kalman")


def test_quality_threshold_gates_firm(kalman, monkeypatch):
    """A confirmed track is firm only if its position std is under the radar's threshold."""
    import iadsim.engine.kalman_tracks as kt

    (geo,) = kalman.geometry.sensors.values()
    st = radar_state(kalman, 4)
    assert st.firm[FIGHTER].any()
    monkeypatch.setattr(kt, "MAX_POS_STD_CUE_M", 1.0)  # tighter than any EW track can be
    run = kalman_firm(kalman.geometry.world, geo, st.detected, RngStreams(4))
    assert not run.firm.any()
