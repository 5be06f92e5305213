"""The tracker on a real helicopter flight (ADS-B, from the `traffic` package's samples):
noisy radar plots of the true path, tracked in 3-D with polar measurements, must give a
track that stays on the helicopter and beats the raw plots' position error."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pymap3d

from iadsim.tracking import Tracker, TrackerConfig

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trajectories" / "samu31.json.gz"
FT = 0.3048


def load_truth():
    """True positions (ENU around a notional radar 15 km south-west) at 2 s radar scans."""
    rows = json.load(gzip.open(FIXTURE))
    t = np.array([r["timestamp"] for r in rows], float) / 1000.0
    lat = np.array([r["latitude"] for r in rows])
    lon = np.array([r["longitude"] for r in rows])
    alt = np.array([r["geoaltitude"] or r["altitude"] for r in rows], float) * FT
    order = np.argsort(t)
    t, lat, lon, alt = t[order] - t[order][0], lat[order], lon[order], alt[order]
    radar_lat, radar_lon = lat[0] - 0.1, lon[0] - 0.1
    e, n, u = pymap3d.geodetic2enu(lat, lon, alt, radar_lat, radar_lon, 150.0)
    scans = np.arange(0.0, t[-1], 2.0)
    truth = np.stack([np.interp(scans, t, c) for c in (e, n, u)], axis=-1)
    return scans, truth


def to_polar(p: np.ndarray) -> np.ndarray:
    rng = np.linalg.norm(p, axis=-1)
    az = np.arctan2(p[..., 0], p[..., 1])  # clockwise from north
    el = np.arcsin(p[..., 2] / rng)
    return np.stack([rng, az, el], axis=-1)


def to_enu(z: np.ndarray) -> np.ndarray:
    r, az, el = z[..., 0], z[..., 1], z[..., 2]
    return np.stack([r * np.cos(el) * np.sin(az), r * np.cos(el) * np.cos(az), r * np.sin(el)], -1)


def test_tracker_follows_a_real_helicopter_flight():
    scans, truth = load_truth()
    assert len(scans) > 150 and np.ptp(truth[:, 1]) > 3000  # six minutes, kilometres flown
    rng = np.random.default_rng(20190517)
    sigma = np.array([50.0, np.radians(0.3), np.radians(0.5)])
    R = np.diag(sigma**2)
    tracker = Tracker(TrackerConfig(motion="imm", q=5.0, pd=0.9, turn_rate=0.05), n_dims=3)
    plot_err, track_err, held = [], [], 0
    for k, t in enumerate(scans):
        if rng.random() < 0.9:  # Pd 0.9
            z = to_polar(truth[k])[None, :] + rng.normal(0.0, sigma)[None, :]
            plot_err.append(np.linalg.norm(to_enu(z[0]) - truth[k]))
            ids = np.array([0])
        else:
            z, ids = np.zeros((0, 3)), np.zeros(0, int)
        confirmed = tracker.step(float(t), z, R, np.zeros(3), truth_ids=ids)
        if k >= 3 and len(confirmed.ids):
            x = confirmed.x[0]
            pos = np.array([x[0], x[2], x[4]])  # interleaved [x, vx, y, vy, z, vz]
            track_err.append(np.linalg.norm(pos - truth[k]))
            held += 1
    assert held >= 0.9 * (len(scans) - 3)  # the track is kept through turns and misses
    assert np.median(track_err) < np.median(plot_err)  # filtering beats the raw plots
    assert np.percentile(track_err, 95) < 4 * np.percentile(plot_err, 95)
