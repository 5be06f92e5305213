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


def above_horizon(ground_range_m, sensor_height_m, target_height_m, k: float = K_FACTOR):
    """True where a target is above a sensor's 4/3-earth horizon.

    Heights are above the local surface (antenna mast height above its ground; target
    height above the sea or terrain it flies over); arrays broadcast.
    """
    return np.asarray(ground_range_m, float) <= max_radar_range_m(
        sensor_height_m, target_height_m, k
    )
