"""Command-post fusion: covariance intersection by hand, stable numbers, latency."""

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.tracking.fusion import FusionCenter, FusionConfig, covariance_intersection
from iadsim.tracking.models import cart_to_polar
from iadsim.tracking.tracker import Tracker, TrackerConfig


def test_covariance_intersection_by_hand():
    x = np.array([[0.0, 0.0], [4.0, 0.0]])
    p = np.array([np.eye(2), 3 * np.eye(2)])
    xf, pf = covariance_intersection(x, p, np.array([0, 0]), 1)
    # weights 1/tr: 1/2 and 1/6 -> w = 3/4, 1/4; info = 3/4 * I + 1/4 * I/3 = 5/6 I
    np.testing.assert_allclose(pf[0], np.eye(2) * 6 / 5)
    np.testing.assert_allclose(xf[0], (6 / 5) * (0.25 / 3) * np.array([4.0, 0.0]))


def _report(fc, source, t, ids, pos, vel, std, truth):
    x = np.zeros((len(ids), 6))
    x[:, [0, 2, 4]] = pos
    x[:, [1, 3, 5]] = vel
    p = np.broadcast_to(np.diag([std**2, 25.0] * 3), (len(ids), 6, 6))
    fc.receive(source, t, ids, x, p, truth_ids=truth)


def test_two_sources_same_aircraft_one_system_track_with_stable_number():
    fc = FusionCenter(FusionConfig(gate=5.0), n_dims=3)
    pos = np.array([[1e4, 0, 1e3], [0, 2e4, 2e3]])
    vel = np.array([[100.0, 0, 0], [0, -150.0, 0]])
    numbers = []
    for k in range(5):
        t = 4.0 * k
        rng = np.random.default_rng(k)
        truth_now = pos + vel * t
        # source 1 reports at t, source 2 reports 2 s older data (latency), other local ids
        _report(fc, 1, t, [11, 12], truth_now + rng.normal(0, 30, (2, 3)), vel, 30.0, [0, 1])
        _report(
            fc, 2, t - 2, [7, 5], pos + vel * (t - 2) + rng.normal(0, 60, (2, 3)), vel, 60.0, [0, 1]
        )
        pic = fc.fuse(t + 1.0)
        assert len(pic) == 2
        assert pic.n_sources.tolist() == [2, 2]
        numbers.append([pic.firm_track_for(0), pic.firm_track_for(1)])
        err = pic.x[:, [0, 2, 4]] - (pos + vel * (t + 1.0))[np.argsort(pic.truth_ids)]
        assert np.abs(err).max() < 250.0
    assert all(n == numbers[0] for n in numbers) and numbers[0][0] != numbers[0][1]
    # source 1 drops its track on aircraft 0: the number survives through source 2
    fc.drop_source_track(1, [11])
    pic = fc.fuse(21.0)
    assert pic.firm_track_for(0) == numbers[0][0]
    # everything goes stale
    assert len(fc.fuse(100.0)) == 0


def test_fusion_of_two_radar_trackers():
    rng = np.random.default_rng(12)
    r3 = np.diag([40.0**2, np.radians(0.3) ** 2, np.radians(0.3) ** 2])
    sensors = [np.array([0.0, 0.0, 0.0]), np.array([30e3, 0.0, 0.0])]
    trackers = [Tracker(TrackerConfig(q=1.0), n_dims=3) for _ in sensors]
    fc = FusionCenter(n_dims=3)
    x0 = np.array([[15e3, 20e3, 3e3], [10e3, 25e3, 5e3], [20e3, 30e3, 1e3]])
    v = np.array([[0.0, -200.0, 0.0], [50.0, -180.0, 0.0], [-60.0, -220.0, 0.0]])
    seen = []
    for k in range(20):
        t = 2.0 * k
        truth = x0 + v * t
        for s, (tr, pos) in enumerate(zip(trackers, sensors, strict=True)):
            z = cart_to_polar(truth - pos) + rng.multivariate_normal(np.zeros(3), r3, 3)
            out = tr.step(t, z, r3, pos, truth_ids=np.arange(3))
            fc.receive(s, t, out.ids, out.x, out.p, out.truth_ids)
        pic = fc.fuse(t + 0.5)
        if k >= 2:
            assert len(pic) == 3 and (pic.n_sources == 2).all()
            seen.append(tuple(pic.firm_track_for(i) for i in range(3)))
    assert len(set(seen)) == 1
    with pytest.raises(ValueRangeError):
        fc.receive(0, 1.0, [1], np.full((1, 6), np.nan), np.eye(6)[None])
