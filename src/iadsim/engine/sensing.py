"""What each sensor saw in one replication: detections drawn against the shared geometry,
and firm tracks by M-of-N confirmation, on the sensor's own look times."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engine.geometry import SensorGeometry
from iadsim.engine.rng import RngStreams
from iadsim.engine.states import working_code
from iadsim.engine.world import World

TRACK_M, TRACK_N = 2, 3
"""M-of-N confirmation: a firm track needs M detections in the last N looks."""
DETECTION_MEMORY = 3
"""A target counts as detected if any of the last N looks saw it."""


@dataclass
class SensorState:
    """One sensor's draws in this replication, on its own look times."""

    geo: SensorGeometry
    working: np.ndarray  # (K,) int8 code, 0 = working
    detected: np.ndarray  # (A, K) bool: detection at this look
    recent: np.ndarray  # (A, K) bool: any detection in the last DETECTION_MEMORY looks
    firm: np.ndarray  # (A, K) bool: M-of-N confirmed track


def window_count(x: np.ndarray, n: int) -> np.ndarray:
    """Number of True values in the last n samples along axis 1 (inclusive)."""
    c = np.concatenate(
        [np.zeros((x.shape[0], 1), np.int32), np.cumsum(x, axis=1, dtype=np.int32)], 1
    )
    k = np.arange(x.shape[1])
    return c[:, k + 1] - c[:, np.maximum(k + 1 - n, 0)]


def sensor_state(
    world: World, geo: SensorGeometry, state: str, destroyed_at: float, rs: RngStreams
) -> SensorState:
    """Draw one sensor's detections of every aircraft (one stream per sensor-aircraft pair)
    and confirm tracks M-of-N."""
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
    m, n = (TRACK_M, TRACK_N) if comp.is_radar else (1, DETECTION_MEMORY)
    firm = window_count(detected, n) >= m
    return SensorState(geo, working, detected, recent, firm)
