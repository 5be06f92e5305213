"""What each sensor saw in one replication: detections drawn against the shared geometry,
and firm tracks, on the sensor's own look times.

Two trackers make detections into firm tracks: "mofn" (the default, fast Monte Carlo: M
detections in the last N looks) and "kalman" (radars only: noisy polar plots and false alarms
through `iadsim.tracking.Tracker`, firm = a confirmed track of sufficient quality; see
`engine.kalman_tracks`). The choice rides on the geometry (`prepare(path, tracker=...)` gives
radars a `KalmanSensorGeometry`) or is passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engine.geometry import SensorGeometry
from iadsim.engine.kalman_tracks import TrackReports, kalman_firm
from iadsim.engine.rng import RngStreams
from iadsim.engine.states import Outage, working_code
from iadsim.engine.world import World
from iadsim.errors import ValueRangeError

TRACK_M, TRACK_N = 2, 3
"""M-of-N confirmation: a firm track needs M detections in the last N looks."""
DETECTION_MEMORY = 3
"""A target counts as detected if any of the last N looks saw it."""
TRACKERS = ("mofn", "kalman")
"""The ways of confirming firm tracks: M-of-N counting, or the Kalman tracker."""


@dataclass
class SensorState:
    """One sensor's draws in this replication, on its own look times."""

    geo: SensorGeometry
    working: np.ndarray  # (K,) int8 code, 0 = working
    detected: np.ndarray  # (A, K) bool: detection at this look
    recent: np.ndarray  # (A, K) bool: any detection in the last DETECTION_MEMORY looks
    firm: np.ndarray  # (A, K) bool: M-of-N confirmed track
    reports: TrackReports | None = None  # Kalman radars: confirmed tracks sent per look


def window_count(x: np.ndarray, n: int) -> np.ndarray:
    """Number of True values in the last n samples along axis 1 (inclusive)."""
    c = np.concatenate(
        [np.zeros((x.shape[0], 1), np.int32), np.cumsum(x, axis=1, dtype=np.int32)], 1
    )
    k = np.arange(x.shape[1])
    return c[:, k + 1] - c[:, np.maximum(k + 1 - n, 0)]


def tracker_of(geo: SensorGeometry, tracker: str | None = None) -> str:
    """The tracker a sensor uses: the explicit choice, else the one its geometry carries."""
    name = tracker if tracker is not None else getattr(geo, "tracker", "mofn")
    if name not in TRACKERS:
        raise ValueRangeError(f"tracker must be one of {', '.join(TRACKERS)}, got {name!r}")
    return name


def sensor_state(
    world: World,
    geo: SensorGeometry,
    state: str,
    destroyed_at: float | Outage,
    rs: RngStreams,
    tracker: str | None = None,
) -> SensorState:
    """Draw one sensor's detections of every aircraft (one stream per sensor-aircraft pair)
    and confirm firm tracks: M-of-N, or (radars, `tracker="kalman"`) by the Kalman tracker.
    `tracker=None` takes the geometry's choice (M-of-N for a plain SensorGeometry)."""
    name = tracker_of(geo, tracker)
    comp = world.components[geo.component]
    working = working_code(world, comp.index, state, destroyed_at, geo.times_s)
    pd = geo.pd_degraded if state == "degraded" else geo.pd_nominal
    draws = np.stack(
        [
            rs.stream(f"sensor:{comp.id}:detect:{ac.id}").random(len(geo.times_s))
            for ac in world.aircraft
        ]
    )
    detected = (draws < pd) & (working == 0)[None, :]
    recent = window_count(detected, DETECTION_MEMORY) > 0
    if name == "kalman" and comp.is_radar:
        run = kalman_firm(world, geo, detected, rs)
        return SensorState(geo, working, detected, recent, run.firm, run.reports)
    m, n = (TRACK_M, TRACK_N) if comp.is_radar else (1, DETECTION_MEMORY)
    firm = window_count(detected, n) >= m
    return SensorState(geo, working, detected, recent, firm)
