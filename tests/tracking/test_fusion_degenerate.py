"""Fused covariances stay symmetric positive definite in degenerate geometry (issue 18): an
aircraft hovering straight above a radar, at zero speed, where azimuth says nothing."""

import numpy as np

from iadsim.tracking.fusion import FusionCenter, covariance_intersection, nearest_spd
from iadsim.tracking.models import cart_to_polar, polar_to_cart_jacobian
from iadsim.tracking.tracker import Tracker, TrackerConfig

R3 = np.diag([40.0**2, np.radians(0.3) ** 2, np.radians(0.3) ** 2])


def _is_spd(p: np.ndarray) -> bool:
    sym = np.array_equal(p, np.swapaxes(p, -1, -2))
    lam = np.linalg.eigvalsh(p)
    return sym and bool((lam > 0).all()) and bool((lam[..., -1] / lam[..., 0] < 1e12).all())


def test_the_overhead_converted_covariance_is_singular_and_fusion_repairs_it():
    # straight up: d(position)/d(azimuth) = 0, so J R J^T has rank 2 (the case that broke)
    j = polar_to_cart_jacobian(np.array([[1000.0, 0.3, np.pi / 2]]))
    p_pos = j @ R3 @ np.swapaxes(j, -1, -2)
    assert np.linalg.matrix_rank(p_pos[0], tol=1e-6) == 2
    p = np.zeros((2, 6, 6))
    p[:, 0::2, 0::2] = p_pos[0]
    p[:, 1::2, 1::2] = 25.0 * np.eye(3)
    x = np.zeros((2, 6))
    _, pf = covariance_intersection(x, p, np.array([0, 0]), 1)
    assert _is_spd(pf)
    # the information lost overhead is not invented: the well-measured directions keep
    # their variance (range 40 m -> 1600 m^2 up; elevation 1000 m x 0.3 deg -> 27 m^2)
    np.testing.assert_allclose(pf[0, 4, 4], 40.0**2, rtol=1e-6)
    np.testing.assert_allclose(
        sorted(np.linalg.eigvalsh(pf[0, 0::2, 0::2]))[1], (1000 * np.radians(0.3)) ** 2, rtol=1e-6
    )


def test_nearest_spd_leaves_healthy_covariances_unchanged():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(50, 6, 6))
    p = a @ np.swapaxes(a, -1, -2) + 0.1 * np.eye(6)
    p = 0.5 * (p + np.swapaxes(p, -1, -2))
    assert np.array_equal(nearest_spd(p), p)
    bad = p.copy()
    bad[7] = np.diag([1.0, 1.0, 0.0, 1.0, -1e-17, 1.0])
    fixed = nearest_spd(bad)
    assert _is_spd(fixed[7:8]) and np.array_equal(fixed[:7], p[:7])


def test_hovering_over_two_radars_every_fused_covariance_is_spd():
    """Two radars, one directly below a hovering aircraft and one beside it; Kalman trackers
    born on polar plots, fused at each look and between looks (dt = 0 and dt > 0)."""
    rng = np.random.default_rng(18)
    sensors = [np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0]), np.array([50.0, 0.0, 0.0])]
    target = np.array([[0.0, 0.0, 800.0]])  # zero speed, straight above the first two
    trackers = [Tracker(TrackerConfig(q=1e-6), n_dims=3) for _ in sensors]
    fc = FusionCenter(n_dims=3)
    fused = []
    for k in range(15):
        t = 2.0 * k
        for s, (tr, pos) in enumerate(zip(trackers, sensors, strict=True)):
            z = cart_to_polar(target - pos) + rng.multivariate_normal(np.zeros(3), R3, 1)
            tr.step(t, z, R3, pos, truth_ids=np.array([0]))
            out = tr.all_tracks()  # tentative tracks too: born on one overhead plot
            fc.receive(s, t, out.ids, out.x, out.p, out.truth_ids)
        for dt in (0.0, 1.0):
            pic = fc.fuse(t + dt)
            if len(pic):
                fused.append(pic.p)
    p = np.concatenate(fused)
    assert p.shape[0] >= 20
    assert _is_spd(p)
    assert np.isfinite(p).all()
