"""Generated multi-target data: 2-D constant-velocity targets, position plots, Poisson clutter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.tracking.models import cv_matrices


@dataclass
class CVScenario:
    """Truth states (S, N, 4) at scan times (S,), and per-scan plots with truth ids (-1 clutter)."""

    times: np.ndarray
    truth: np.ndarray
    scans: list[tuple[np.ndarray, np.ndarray]]
    r: np.ndarray
    q: float
    area_m: float


def make_cv_scenario(
    n_targets: int,
    n_scans: int,
    clutter_rate: float,
    pd: float = 0.9,
    seed: int = 0,
    dt: float = 1.0,
    q: float = 1.0,
    sigma_m: float = 20.0,
    area_m: float = 10_000.0,
    speed_std: float = 50.0,
) -> CVScenario:
    """Targets start uniformly in a square of side `area_m`; clutter is uniform in it."""
    rng = np.random.default_rng(seed)
    f, qm = cv_matrices(dt, q, 2)
    lq = np.linalg.cholesky(qm + 1e-12 * np.eye(4))
    x = np.zeros((n_targets, 4))
    x[:, [0, 2]] = rng.uniform(-area_m / 2, area_m / 2, (n_targets, 2))
    x[:, [1, 3]] = rng.normal(0.0, speed_std, (n_targets, 2))
    truth = np.zeros((n_scans, n_targets, 4))
    times = np.arange(n_scans) * dt
    r = np.eye(2) * sigma_m**2
    scans = []
    for k in range(n_scans):
        if k:
            x = x @ f.T + rng.standard_normal((n_targets, 4)) @ lq.T
        truth[k] = x
        det = rng.random(n_targets) < pd
        zt = x[det][:, [0, 2]] + rng.normal(0.0, sigma_m, (int(det.sum()), 2))
        nc = rng.poisson(clutter_rate)
        zc = rng.uniform(-area_m / 2, area_m / 2, (nc, 2))
        z = np.concatenate([zt, zc])
        ids = np.concatenate([np.flatnonzero(det), np.full(nc, -1)])
        perm = rng.permutation(z.shape[0])
        scans.append((z[perm], ids[perm]))
    return CVScenario(times, truth, scans, r, q, area_m)
