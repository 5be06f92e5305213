"""The 3-D polar (EKF) tracker: accuracy against truth, IMM, JPDA, robustness, SPD covariances."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iadsim.errors import ValueRangeError
from iadsim.tracking.models import cart_to_polar
from iadsim.tracking.tracker import Tracker, TrackerConfig

R3 = np.diag([30.0**2, np.radians(0.2) ** 2, np.radians(0.3) ** 2])
SENSOR = np.array([0.0, 0.0, 10.0])


def _scan(rng, truth, pd=1.0, r=R3, sensor=SENSOR):
    """Polar plots of truth positions (N, 3) with noise; returns z and truth ids."""
    det = rng.random(truth.shape[0]) < pd
    z = cart_to_polar(truth[det] - sensor)
    z = z + rng.multivariate_normal(np.zeros(3), r, size=z.shape[0])
    z[:, 0] = np.abs(z[:, 0])
    return z, np.flatnonzero(det)


def _assert_spd(tracker):
    p = tracker.p.reshape(-1, tracker.d, tracker.d)
    if p.shape[0] == 0:
        return
    assert np.isfinite(p).all() and np.isfinite(tracker.x).all()
    np.testing.assert_allclose(p, np.swapaxes(p, -1, -2), rtol=1e-9, atol=1e-9)
    assert (np.linalg.eigvalsh(p) > 0).all()


def test_straight_flight_is_tracked_and_queryable():
    rng = np.random.default_rng(2)
    tr = Tracker(TrackerConfig(q=1.0), n_dims=3)
    x0 = np.array([30e3, -5e3, 3000.0])
    v = np.array([-220.0, 40.0, 0.0])
    for k in range(40):
        t = 2.0 * k
        truth = (x0 + v * t)[None]
        z, ids = _scan(rng, truth)
        out = tr.step(t, z, R3, SENSOR, truth_ids=ids + 41)
        if k == 1:
            assert len(out) == 1 and out.confirmed_at[0] == 2.0
    assert len(out) == 1
    err = out.x[0, [0, 2, 4]] - (x0 + v * t)
    assert np.linalg.norm(err) < 100.0
    assert np.linalg.norm(out.x[0, [1, 3, 5]] - v) < 15.0
    assert tr.firm_track_for(41) == out.ids[0]
    assert tr.firm_track_for(41, max_pos_std_m=1e-3) is None
    assert tr.firm_track_for(7) is None
    _assert_spd(tr)


def _turning_truth(n, dt, w=0.08, speed=250.0):
    pos = np.zeros((n, 3))
    vel = np.zeros((n, 3))
    p = np.array([20e3, 20e3, 2000.0])
    heading = 0.0
    for k in range(n):
        turning = 15 <= k < 45
        vel[k] = speed * np.array([np.cos(heading), np.sin(heading), 0.0])
        pos[k] = p
        if turning:
            # exact arc for dt
            c = np.array([-np.sin(heading), np.cos(heading), 0.0]) * speed / w
            heading += w * dt
            p = p + c + np.array([np.sin(heading), -np.cos(heading), 0.0]) * speed / w
        else:
            p = p + vel[k] * dt
    return pos


def test_imm_beats_cv_on_a_turn():
    dt = 1.0
    truth = _turning_truth(60, dt)
    errs = {}
    for motion in ("cv", "imm"):
        rng = np.random.default_rng(4)
        tr = Tracker(
            TrackerConfig(motion=motion, q=0.5, turn_rate=0.08, gate=6, init_gate=6), n_dims=3
        )
        e = []
        for k in range(60):
            z, ids = _scan(rng, truth[k : k + 1])
            out = tr.step(k * dt, z, R3, SENSOR, truth_ids=ids)
            if 15 <= k < 45 and len(out):
                e.append(np.linalg.norm(out.x[0, [0, 2, 4]] - truth[k]))
        errs[motion] = np.sqrt(np.mean(np.square(e))) if len(e) > 25 else np.inf
        _assert_spd(tr)
    assert errs["imm"] < errs["cv"]
    assert errs["imm"] < 200.0


def test_jpda_keeps_two_crossing_targets():
    rng = np.random.default_rng(8)
    cfg = TrackerConfig(
        measurement="position",
        association="jpda",
        q=0.5,
        clutter_density=1e-7,
        gate=4.0,
        confirm_m=2,
        confirm_n=3,
        delete_misses=4,
    )
    tr = Tracker(cfg, n_dims=2)
    r = np.eye(2) * 15.0**2
    for k in range(40):
        t = float(k)
        truth = np.array([[-2000 + 100 * t, 0.0], [2000 - 100 * t, 150.0]])
        z = truth + rng.normal(0, 15.0, truth.shape)
        zc = rng.uniform(-3000, 3000, (rng.poisson(2), 2))
        out = tr.step(t, np.concatenate([z, zc]), r, truth_ids=np.r_[0, 1, [-1] * len(zc)])
        _assert_spd(tr)
    true_tracks = [tr.firm_track_for(0), tr.firm_track_for(1)]
    assert None not in true_tracks and true_tracks[0] != true_tracks[1]
    for j, tid in enumerate(true_tracks):
        x = out.x[out.ids == tid][0]
        assert np.hypot(x[0] - truth[j, 0], x[2] - truth[j, 1]) < 60.0


def test_overhead_zero_range_coincident_and_empty_scans():
    rng = np.random.default_rng(3)
    tr = Tracker(TrackerConfig(q=5.0, delete_misses=3), n_dims=3)
    for k in range(12):
        t = float(k)
        overhead = np.array([0.0, -1000.0 + 200.0 * k, 3000.0])  # passes over the sensor
        at_sensor = SENSOR.copy()  # zero range
        twins = np.array([[5e3, 5e3, 1e3], [5e3, 5e3, 1e3]])  # coincident
        truth = np.vstack([overhead, at_sensor, twins])
        z, ids = _scan(rng, truth)
        z[1] = [0.0, 0.0, 0.0]  # an exact zero-range plot
        z[2] = z[3]  # exactly coincident plots
        tr.step(t, z, R3, SENSOR, truth_ids=ids)
        _assert_spd(tr)
    assert len(tr.confirmed_tracks()) >= 2
    for k in range(12, 16):
        out = tr.step(float(k), np.zeros((0, 3)), R3, SENSOR)
        _assert_spd(tr)
    assert len(out) == 0 and tr.ids.size == 0


def test_bad_measurements_are_refused():
    tr = Tracker(TrackerConfig(), n_dims=3)
    good = np.array([[1e4, 0.1, 0.05]])
    for bad in (np.nan, np.inf, -np.inf):
        z = good.copy()
        z[0, 1] = bad
        with pytest.raises(ValueRangeError, match="NaN or inf"):
            tr.step(0.0, z, R3, SENSOR)
    with pytest.raises(ValueRangeError, match="range"):
        tr.step(0.0, -good, R3, SENSOR)
    with pytest.raises(ValueRangeError, match="shape"):
        tr.step(0.0, np.ones((2, 2)), R3, SENSOR)
    with pytest.raises(ValueRangeError, match="positive definite"):
        tr.step(0.0, good, -R3, SENSOR)
    with pytest.raises(ValueRangeError, match="sensor_pos"):
        tr.step(0.0, good, R3, None)
    tr.step(5.0, good, R3, SENSOR)
    with pytest.raises(ValueRangeError, match="before"):
        tr.step(4.0, good, R3, SENSOR)
    with pytest.raises(ValueRangeError):
        TrackerConfig(pd=1.5)
    with pytest.raises(ValueRangeError):
        TrackerConfig(motion="zigzag")


coord = st.floats(-3e4, 3e4, allow_nan=False)
small = st.floats(-50.0, 50.0, allow_nan=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    targets=st.lists(
        st.tuples(coord, coord, st.floats(0, 1e4), small, small), min_size=1, max_size=5
    ),
    sensor=st.tuples(small, small, small),
    motion=st.sampled_from(["cv", "imm"]),
    association=st.sampled_from(["gnn", "jpda"]),
    seed=st.integers(0, 2**16),
)
def test_covariances_stay_spd(targets, sensor, motion, association, seed):
    rng = np.random.default_rng(seed)
    s = np.array(sensor)
    tgt = np.array([[a, b, c] for a, b, c, _, _ in targets])
    vel = np.array([[u, v, 0.0] for *_, u, v in targets])
    tgt[0] = s  # always one target on top of the sensor (zero range)
    tr = Tracker(TrackerConfig(motion=motion, association=association), n_dims=3)
    for k in range(6):
        z, ids = _scan(rng, tgt + vel * k, pd=0.8, sensor=s)
        tr.step(float(k), z, R3, s, truth_ids=ids)
        _assert_spd(tr)
