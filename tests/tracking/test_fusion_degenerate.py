"""Covariances stay symmetric positive definite at their source in degenerate geometry
(issues 18 and 29): an aircraft hovering straight above a radar, at zero speed, where
azimuth says nothing. The trackers floor the measurement noise (`tracking.noise`), so fusion
gets healthy covariances and repairs none."""

import numpy as np
import pytest

from iadsim.tracking.fusion import FusionCenter
from iadsim.tracking.models import cart_to_polar, polar_to_cart_jacobian
from iadsim.tracking.noise import birth_covariance, floor_eigenvalues, update_noise
from iadsim.tracking.tracker import Tracker, TrackerConfig

R3 = np.diag([40.0**2, np.radians(0.3) ** 2, np.radians(0.3) ** 2])


def _is_spd(p: np.ndarray) -> bool:
    sym = np.array_equal(p, np.swapaxes(p, -1, -2))
    lam = np.linalg.eigvalsh(p)
    return sym and bool((lam > 0).all()) and bool((lam[..., -1] / lam[..., 0] < 1e12).all())


def test_overhead_the_azimuth_direction_gets_the_floor_and_the_others_keep_their_variance():
    z = np.array([[1000.0, 0.3, np.pi / 2]])  # straight up
    j = polar_to_cart_jacobian(z)  # d(position)/d(azimuth) = 0: J R J^T has rank 2
    assert np.linalg.matrix_rank((j @ R3 @ np.swapaxes(j, -1, -2))[0], tol=1e-6) == 2
    p = birth_covariance(z, R3, 1.0)
    # by hand: range 40 m -> 1600 m^2 up; elevation 1000 m x 0.3 deg -> 27.4 m^2; azimuth
    # 0 m -> the floor, 1 m^2
    lam = np.linalg.eigvalsh(p[0])
    np.testing.assert_allclose(lam, [1.0, (1000 * np.radians(0.3)) ** 2, 1600.0], rtol=1e-9)
    np.testing.assert_allclose(p[0, 2, 2], 1600.0, rtol=1e-9)


def test_the_floor_leaves_noise_above_it_unchanged():
    # 10 km out: cross-range 10 km x 0.3 deg = 52 m, far above a 1 m floor
    z = np.array([[1e4, 0.7, 0.1]])
    j = polar_to_cart_jacobian(z)
    np.testing.assert_allclose(birth_covariance(z, R3, 1.0), j @ R3 @ np.swapaxes(j, -1, -2))
    rel = np.array([[6e3, 8e3, 1e3]])
    assert np.array_equal(update_noise(R3, rel, 1.0)[0], R3)
    # 100 m out the azimuth's 0.52 m is floored to 1 m: sigma_az becomes 1 m / 100 m
    np.testing.assert_allclose(update_noise(R3, np.array([[60.0, 80.0, 0.0]]), 1.0)[0, 1, 1], 1e-4)


def test_a_correlated_noise_is_floored_through_its_eigenvalues():
    rng = np.random.default_rng(29)
    a = rng.normal(size=(20, 3, 3))
    m = a @ np.swapaxes(a, -1, -2)
    out = floor_eigenvalues(m, 2.0)
    lam, lam_in = np.linalg.eigvalsh(out), np.linalg.eigvalsh(m)
    np.testing.assert_allclose(lam, np.maximum(lam_in, 2.0), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n_dims", [2, 3])
def test_hovering_over_a_radar_every_tracker_covariance_is_spd(n_dims):
    """Issue 29 (5): the case that gave 94 indefinite covariances in the tracker; targets at
    and near the radar's zenith, slow process noise, 60 scans, all tracks (tentative too)."""
    r = R3[:n_dims, :n_dims]
    count = 0
    for seed in range(4):
        rng = np.random.default_rng(seed)
        for alt, off, q in [(800.0, 0.0, 1e-6), (300.0, 0.5, 1e-6), (30.0, 0.0, 10.0)]:
            tr = Tracker(TrackerConfig(q=q), n_dims=n_dims)
            target = np.array([[off, 0.0, alt][:n_dims]])
            if n_dims == 2:
                target = np.array([[off, 0.3]])
            for k in range(60):
                z = cart_to_polar(target) + rng.multivariate_normal(np.zeros(n_dims), r, 1)
                z[:, 0] = np.abs(z[:, 0])
                tr.step(2.0 * k, z, r, np.zeros(n_dims), truth_ids=np.array([0]))
                p = tr.all_tracks().p
                assert _is_spd(p), (seed, alt, k)
                count += len(p)
    assert count > 500


def test_hovering_over_two_radars_every_fused_covariance_is_spd():
    """Two radars, one directly below a hovering aircraft and one beside it; Kalman trackers
    born on polar plots, fused at each look and between looks (dt = 0 and dt > 0): what the
    trackers send and what fusion makes of it are SPD, with no repair in fusion."""
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
            assert _is_spd(out.p)
            fc.receive(s, t, out.ids, out.x, out.p, out.truth_ids)
        for dt in (0.0, 1.0):
            pic = fc.fuse(t + dt)
            if len(pic):
                fused.append(pic.p)
    p = np.concatenate(fused)
    assert p.shape[0] >= 20
    assert _is_spd(p)
    assert np.isfinite(p).all()
