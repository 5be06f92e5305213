"""Kinematic missile flyout: constant-acceleration boost, then a coast slowed by v^2 drag.

Notional, closed form, no guidance: the missile flies a straight line towards the predicted
intercept point. During the boost (0 <= t <= t_b) the net acceleration is constant:
    v(t) = v_L + a t,           s(t) = v_L t + a t^2 / 2.
During the coast (tau = t - t_b) drag is a deceleration k v^2 (k in 1/m lumps
rho Cd A / 2m), so dv/dtau = -k v^2 integrates to
    v(tau) = v_b / (1 + k v_b tau),   s(tau) = s_b + ln(1 + k v_b tau) / k.
The flight ends when the speed falls below `min_speed_mps` (too slow to manoeuvre) or at
`max_time_s` (self-destruct / battery), whichever first; that defines the kinematic range.
Time of flight to a slant range is read by interpolation over a precomputed table, so a
richer flyout (gravity, altitude-dependent drag) can replace the closed form unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from iadsim.errors import ValueRangeError


@dataclass(frozen=True)
class Flyout:
    """Notional boost-coast flyout of one missile type (SI units)."""

    boost_time_s: float
    boost_accel_mps2: float
    drag_k_per_m: float
    launch_speed_mps: float = 0.0
    min_speed_mps: float = 0.0
    max_time_s: float = 120.0
    table_points: int = 4001
    _t: np.ndarray = field(init=False, repr=False, compare=False)
    _s: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.boost_time_s < 0 or self.boost_accel_mps2 < 0 or self.drag_k_per_m < 0:
            raise ValueRangeError(
                "flyout boost_time_s, boost_accel_mps2, drag_k_per_m must be >= 0"
            )
        if self.launch_speed_mps < 0 or self.min_speed_mps < 0:
            raise ValueRangeError("flyout launch_speed_mps and min_speed_mps must be >= 0")
        if self.burnout_speed_mps <= 0:
            raise ValueRangeError("flyout never moves: burnout speed is zero")
        if self.min_speed_mps >= self.burnout_speed_mps:
            raise ValueRangeError(
                f"min_speed_mps {self.min_speed_mps} must be below the burnout speed "
                f"{self.burnout_speed_mps:.1f}"
            )
        if self.max_time_s <= 0 or self.table_points < 16:
            raise ValueRangeError("flyout max_time_s must be > 0 and table_points >= 16")
        t = self._time_grid()
        object.__setattr__(self, "_t", t)
        object.__setattr__(self, "_s", self.range_at(t))

    @property
    def burnout_speed_mps(self) -> float:
        """Speed at the end of the boost."""
        return self.launch_speed_mps + self.boost_accel_mps2 * self.boost_time_s

    @property
    def burnout_range_m(self) -> float:
        """Distance flown at the end of the boost."""
        tb = self.boost_time_s
        return self.launch_speed_mps * tb + 0.5 * self.boost_accel_mps2 * tb * tb

    @property
    def end_time_s(self) -> float:
        """Time at which the flight ends (speed below min_speed_mps, or max_time_s)."""
        t_end = self.max_time_s
        vb, vmin, k = self.burnout_speed_mps, self.min_speed_mps, self.drag_k_per_m
        if k > 0 and vmin > 0:
            t_end = min(t_end, self.boost_time_s + (1.0 / vmin - 1.0 / vb) / k)
        return float(t_end)

    @property
    def max_range_m(self) -> float:
        """Kinematic maximum slant range: distance flown at end_time_s."""
        return float(self.range_at(self.end_time_s))

    @property
    def table(self) -> tuple[np.ndarray, np.ndarray]:
        """The precomputed (time_s, range_m) table, read-only copies."""
        return self._t.copy(), self._s.copy()

    def _time_grid(self) -> np.ndarray:
        """Time samples: a quarter in the boost (denser near 0), the rest in the coast."""
        t_end = self.end_time_s
        tb = min(self.boost_time_s, t_end)
        n = self.table_points
        if tb <= 0:
            return np.linspace(0.0, t_end, n)
        if tb >= t_end:
            return t_end * np.linspace(0.0, 1.0, n) ** 2
        nb = max(n // 4, 8)
        # quadratic spacing: s ~ t^2 from rest, so t(s) ~ sqrt(s) needs fine steps near 0
        boost = tb * np.linspace(0.0, 1.0, nb, endpoint=False) ** 2
        coast = np.linspace(tb, t_end, n - nb)
        return np.concatenate([boost, coast])

    def speed_at(self, t_s) -> np.ndarray:
        """Missile speed at time t after launch (closed form; t beyond the end is not clipped)."""
        t = np.maximum(np.asarray(t_s, float), 0.0)
        tb, a, vl, k = (
            self.boost_time_s,
            self.boost_accel_mps2,
            self.launch_speed_mps,
            self.drag_k_per_m,
        )
        vb = self.burnout_speed_mps
        tau = np.maximum(t - tb, 0.0)
        coast = vb / (1.0 + k * vb * tau)
        return np.where(t <= tb, vl + a * t, coast)

    def range_at(self, t_s) -> np.ndarray:
        """Distance flown at time t after launch (closed form, the hand computation)."""
        t = np.maximum(np.asarray(t_s, float), 0.0)
        tb, a, vl, k = (
            self.boost_time_s,
            self.boost_accel_mps2,
            self.launch_speed_mps,
            self.drag_k_per_m,
        )
        vb, sb = self.burnout_speed_mps, self.burnout_range_m
        tau = np.maximum(t - tb, 0.0)
        if k > 0:
            coast = sb + np.log1p(k * vb * tau) / k
        else:
            coast = sb + vb * tau
        tt = np.minimum(t, tb)
        return np.where(t <= tb, vl * tt + 0.5 * a * tt * tt, coast)

    def reach_at(self, t_s) -> np.ndarray:
        """Distance flown at time t, held at max_range_m after the flight ends."""
        return self.range_at(np.minimum(np.asarray(t_s, float), self.end_time_s))

    def time_of_flight(self, range_m) -> np.ndarray:
        """Time to fly a slant range (table interpolation); NaN beyond max_range_m or below 0."""
        r = np.asarray(range_m, float)
        tof = np.interp(r, self._s, self._t)
        return np.where((r >= 0.0) & (r <= self._s[-1]), tof, np.nan)

    def time_of_flight_exact(self, range_m) -> np.ndarray:
        """Time to fly a slant range by inverting the closed form; NaN beyond the flight end."""
        r = np.asarray(range_m, float)
        a = self.boost_accel_mps2 if self.boost_time_s > 0 else 0.0
        vl, k = self.launch_speed_mps, self.drag_k_per_m
        vb, sb, tb = self.burnout_speed_mps, self.burnout_range_m, self.boost_time_s
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if a > 0:
                t_boost = (-vl + np.sqrt(vl * vl + 2.0 * a * np.maximum(r, 0.0))) / a
            else:
                t_boost = r / vl
            if k > 0:
                t_coast = tb + np.expm1(k * (r - sb)) / (k * vb)
            else:
                t_coast = tb + (r - sb) / vb
        t = np.where(r <= sb, t_boost, t_coast)
        return np.where((r >= 0.0) & (r <= self.max_range_m), t, np.nan)

    def average_speed(self, range_m) -> np.ndarray:
        """Mean speed over a flight to a slant range (range / time of flight); NaN beyond reach."""
        r = np.asarray(range_m, float)
        with np.errstate(invalid="ignore", divide="ignore"):
            return r / self.time_of_flight(r)
