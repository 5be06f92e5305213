"""The radar horizon on a 4/3-effective-earth: how far a radar sees over a smooth sphere.

Standard atmospheric refraction bends radar rays downward; the usual engineering model
replaces the earth radius R by k*R with k = 4/3 and draws rays straight. A target at
height h_t is above the horizon of an antenna at height h_a when the ground range is below
sqrt(2 k R h_a) + sqrt(2 k R h_t) (heights above the local surface, h << R).
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_000.0
"""Mean earth radius (IUGG), metres."""
K_FACTOR = 4.0 / 3.0
"""Standard-atmosphere effective earth radius factor."""


def horizon_distance_m(height_m, k: float = K_FACTOR, radius_m: float = EARTH_RADIUS_M):
    """Distance to the horizon from a height above a smooth effective earth, metres.

    Exact tangent length sqrt(2 kR h + h^2); heights below zero are treated as zero.
    """
    h = np.maximum(np.asarray(height_m, float), 0.0)
    return np.sqrt(2.0 * k * radius_m * h + h * h)


def max_radar_range_m(antenna_height_m, target_height_m, k: float = K_FACTOR):
    """Largest slant distance at which a target is above the radar horizon (sum of tangents)."""
    return horizon_distance_m(antenna_height_m, k) + horizon_distance_m(target_height_m, k)


def curvature_drop_m(ground_range_m, k: float = K_FACTOR, radius_m: float = EARTH_RADIUS_M):
    """How far the effective earth surface falls below the tangent plane at a ground range."""
    d = np.asarray(ground_range_m, float)
    return d * d / (2.0 * k * radius_m)


def above_horizon(
    sensor_enu: np.ndarray,
    target_enu: np.ndarray,
    sensor_ground_m=0.0,
    target_ground_m=0.0,
    k: float = K_FACTOR,
) -> np.ndarray:
    """True where the target is above the sensor's 4/3-earth horizon.

    Positions are local ENU (metres, up = height above the tangent plane at the origin
    corrected to height above the ellipsoid by the caller); *_ground_m are the terrain
    elevations under each, so that heights above the local surface set the tangent lengths.
    Broadcasts over leading dimensions.
    """
    sensor_enu = np.asarray(sensor_enu, float)
    target_enu = np.asarray(target_enu, float)
    ground = np.hypot(
        target_enu[..., 0] - sensor_enu[..., 0], target_enu[..., 1] - sensor_enu[..., 1]
    )
    h_a = sensor_enu[..., 2] - np.asarray(sensor_ground_m, float)
    h_t = target_enu[..., 2] - np.asarray(target_ground_m, float)
    return ground <= max_radar_range_m(h_a, h_t, k)
