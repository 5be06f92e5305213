"""Aircraft routes: waypoints in the local frame flown at leg speeds, with loiters.

A route is a piecewise-linear path in (east, north) with a time knot at every waypoint
arrival and departure (loiters add a second knot at the same place). Height is either
above mean sea level or above the ground, in which case the terrain under the aircraft is
added wherever it is (terrain following at a constant clearance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

GroundFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Terrain elevation (m MSL) at arrays of local east, north (m)."""


@dataclass(frozen=True)
class Route:
    """A timed route: knots of time, east, north and height (MSL, or AGL if `agl`)."""

    t_s: np.ndarray
    east_m: np.ndarray
    north_m: np.ndarray
    height_m: np.ndarray
    agl: bool

    @classmethod
    def from_waypoints(
        cls,
        east_m: np.ndarray,
        north_m: np.ndarray,
        height_m: np.ndarray,
        speeds_mps: np.ndarray,
        loiters_s: np.ndarray,
        start_s: float,
        agl: bool,
    ) -> Route:
        """Build time knots; each leg is flown at the speed given at its end waypoint."""
        t, e, n, h = [start_s], [east_m[0]], [north_m[0]], [height_m[0]]
        if loiters_s[0] > 0:
            t.append(t[-1] + loiters_s[0])
            e.append(east_m[0]), n.append(north_m[0]), h.append(height_m[0])
        for i in range(1, len(east_m)):
            leg = np.sqrt(
                (east_m[i] - east_m[i - 1]) ** 2
                + (north_m[i] - north_m[i - 1]) ** 2
                + (height_m[i] - height_m[i - 1]) ** 2
            )
            t.append(t[-1] + leg / speeds_mps[i])
            e.append(east_m[i]), n.append(north_m[i]), h.append(height_m[i])
            if loiters_s[i] > 0:
                t.append(t[-1] + loiters_s[i])
                e.append(east_m[i]), n.append(north_m[i]), h.append(height_m[i])
        return cls(np.array(t), np.array(e), np.array(n), np.array(h), agl)

    def shifted(self, east_m: float, north_m: float, up_m: float, delay_s: float) -> Route:
        """The same route flown by a formation slot: offset in space, later in time."""
        return Route(
            self.t_s + delay_s,
            self.east_m + east_m,
            self.north_m + north_m,
            self.height_m + up_m,
            self.agl,
        )

    @property
    def start_s(self) -> float:
        return float(self.t_s[0])

    @property
    def end_s(self) -> float:
        return float(self.t_s[-1])

    def airborne(self, times_s: np.ndarray) -> np.ndarray:
        """True where the aircraft has started and not finished its route."""
        times_s = np.asarray(times_s, float)
        return (times_s >= self.t_s[0]) & (times_s <= self.t_s[-1])

    def positions(self, times_s: np.ndarray, ground: GroundFn | None = None) -> np.ndarray:
        """Positions (east, north, altitude MSL) at the given times, shape (len(times), 3).

        Before the start the aircraft sits at its first waypoint, after the end at its last;
        use `airborne` to tell.
        """
        times_s = np.asarray(times_s, float)
        e = np.interp(times_s, self.t_s, self.east_m)
        n = np.interp(times_s, self.t_s, self.north_m)
        h = np.interp(times_s, self.t_s, self.height_m)
        if self.agl:
            h = h + (ground(e, n) if ground is not None else 0.0)
        return np.stack([e, n, h], axis=-1)

    def velocities(self, times_s: np.ndarray) -> np.ndarray:
        """Velocity (east, north, up) in m/s on the leg being flown at each time."""
        times_s = np.asarray(times_s, float)
        dt = np.diff(self.t_s)
        safe = np.where(dt > 0, dt, 1.0)
        ve = np.where(dt > 0, np.diff(self.east_m) / safe, 0.0)
        vn = np.where(dt > 0, np.diff(self.north_m) / safe, 0.0)
        vu = np.where(dt > 0, np.diff(self.height_m) / safe, 0.0)
        leg = np.clip(np.searchsorted(self.t_s, times_s, side="right") - 1, 0, len(dt) - 1)
        inside = (times_s >= self.t_s[0]) & (times_s < self.t_s[-1])
        v = np.stack([ve[leg], vn[leg], vu[leg]], axis=-1)
        return np.where(inside[:, None], v, 0.0)
