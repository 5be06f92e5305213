"""One line of sight for iadsim: the earth's curvature and the terrain in one test.

Every "can this sensor see that aircraft" question in the engine goes through
`obstruction()`. Positions are local (east, north, altitude above mean sea level).

* Without terrain the surface is the sea: the target is visible when the ground range is
  inside the 4/3-earth horizon sum sqrt(2kR h_s) + sqrt(2kR h_t) with heights above the sea.
* With terrain the test is the DEM profile lowered by the curvature drop d^2/(2kR)
  (`Terrain.line_of_sight`), so heights count above the terrain they stand on, and a path
  that the smooth earth at the end points' ground level blocks alone is the horizon
  (BELOW_HORIZON), any other blocked path is terrain (TERRAIN_MASKED). Paths that the
  smooth sphere at the DEM's lowest level (or sea level, whichever is lower) already blocks
  are answered without sampling the profile: nothing below that sphere can unblock them.

Earlier versions tested the horizon over a sea-level sphere with heights above the sea and
then ignored terrain blocks classified as horizon; a helicopter 50 m over a 680 m valley
floor 52-55 km away was then "seen" although the profile test said blocked.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from iadsim.geo.horizon import K_FACTOR, above_horizon
from iadsim.geo.terrain import Obstruction


class ProfileTerrain(Protocol):
    """What one line of sight needs of a DEM seen from the local frame."""

    @property
    def lowest_m(self) -> float: ...

    def obstruction(self, sensor_enu: np.ndarray, targets_enu: np.ndarray) -> np.ndarray: ...


def obstruction(
    sensor_enu, targets_enu, terrain: ProfileTerrain | None = None, k: float = K_FACTOR
) -> np.ndarray:
    """What blocks each sensor -> target path: int8 `Obstruction` codes, shape targets[..., 0].

    `sensor_enu` (3,) and `targets_enu` (..., 3) are local east, north and altitude MSL.
    """
    s = np.asarray(sensor_enu, float).reshape(3)
    t = np.asarray(targets_enu, float)
    datum = 0.0 if terrain is None else min(0.0, float(terrain.lowest_m))
    out = horizon_obstruction(s, t, datum, k)
    if terrain is not None:
        need = out == Obstruction.CLEAR
        if need.any():
            out[need] = terrain.obstruction(s, t[need])
    return out


def horizon_obstruction(sensor_enu, targets_enu, datum_m: float = 0.0, k: float = K_FACTOR):
    """HORIZON where the smooth 4/3 earth at `datum_m` (m MSL) blocks the path, else CLEAR
    (int8 `Obstruction` codes): the whole test without terrain, the first step with it."""
    s = np.asarray(sensor_enu, float).reshape(3)
    t = np.asarray(targets_enu, float)
    ground_range = np.hypot(t[..., 0] - s[0], t[..., 1] - s[1])
    return np.where(
        above_horizon(ground_range, s[2] - datum_m, t[..., 2] - datum_m, k),
        Obstruction.CLEAR,
        Obstruction.HORIZON,
    ).astype(np.int8)


def visible(sensor_enu, targets_enu, terrain: ProfileTerrain | None = None) -> np.ndarray:
    """True where nothing (earth or terrain) blocks the path."""
    return obstruction(sensor_enu, targets_enu, terrain) == Obstruction.CLEAR
