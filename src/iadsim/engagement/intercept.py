"""Predicted intercept point against a constant-velocity target, and the fate of one shot.

The missile leaves the launcher `launch_delay_s` after now and flies straight (no guidance
law) with the flyout's reach s(t). Intercept is the first time t at which the missile's reach
equals the launcher-target distance: s(t - delay) = |p0 + v t|. The root is bracketed on the
flyout's time grid for all targets at once, then refined by Newton steps and, where they
do not settle, by bisection: as arrays for a batch, in plain floats for one target (the
same operations, the same numbers).

Guidance matters only as a dependency: semi-active and command-guided missiles need the
engagement radar to hold the target in track until intercept, or the shot is lost
(NO_FIRE_CONTROL_RADAR). No seeker or guidance internals are modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from iadsim.engagement.flyout import Flyout
from iadsim.memo import ByIdentity

_GRID_POINTS = 256
_NEWTON_STEPS = 4
_BISECTIONS = 48
_TOL_M = 1e-4  # metres: Newton has converged when the gap is below this


@dataclass(frozen=True)
class Intercept:
    """Predicted intercepts for a batch of targets; NaN / False where there is none."""

    feasible: np.ndarray  # bool: an intercept exists within the flyout (and max range)
    time_s: np.ndarray  # intercept time, seconds after "now" (includes the launch delay)
    time_of_flight_s: np.ndarray  # missile flight time, launch to intercept
    point_m: np.ndarray  # predicted intercept point relative to the launcher, ENU, (..., 3)
    slant_range_m: np.ndarray  # launcher to intercept point
    aspect_rad: np.ndarray  # target aspect at intercept: 0 head-on, pi/2 beam, pi tail


def aspect_angle_rad(rel_position_m, velocity_mps) -> np.ndarray:
    """Angle between target velocity and the target->launcher line: 0 head-on, pi tail-on.

    A target with no velocity (hovering) is given aspect 0.
    """
    p = np.asarray(rel_position_m, float)
    v = np.asarray(velocity_mps, float)
    to_launcher = -p
    num = np.sum(to_launcher * v, axis=-1)
    den = np.linalg.norm(to_launcher, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0)
    return np.arccos(np.clip(c, -1.0, 1.0))


def predict_intercept(
    flyout: Flyout,
    rel_position_m,
    velocity_mps,
    launch_delay_s: float = 0.0,
    max_range_m: float | None = None,
    min_range_m: float = 0.0,
) -> Intercept:
    """Predicted intercept of constant-velocity targets (shape (..., 3), ENU, relative to launcher).

    Returns the first intercept in time; it is infeasible (NaN) when the missile's reach never
    catches the target before the flight ends, or the intercept slant range is outside
    [min_range_m, max_range_m] (max defaults to the flyout's kinematic range).
    """
    p = np.asarray(rel_position_m, float)
    v = np.asarray(velocity_mps, float)
    if p.shape == (3,) and v.shape == (3,):  # one target: the same steps in plain floats
        return _one_intercept(
            flyout, p.tolist(), v.tolist(), launch_delay_s, max_range_m, min_range_m
        )
    p, v = np.broadcast_arrays(p, v)
    batch = p.shape[:-1]
    p2 = p.reshape(-1, 3)
    v2 = v.reshape(-1, 3)
    n = p2.shape[0]
    delay = float(launch_delay_s)
    r_max = _max_range(flyout, max_range_m)

    tau, reach = _reach_grid(flyout)
    t = delay + tau
    pos = p2[:, None, :] + v2[:, None, :] * t[None, :, None]
    gap = reach[None, :] - np.linalg.norm(pos, axis=-1)  # >= 0 once the missile has caught up
    caught = gap >= 0.0
    has = caught.any(axis=1)
    idx = np.argmax(caught, axis=1)

    # refine in the bracket [lo, hi] (gap < 0 at lo, >= 0 at hi): safeguarded Newton steps
    # from the linear interpolation of the gap, then a bisection fallback if needed
    i0 = np.maximum(idx - 1, 0)
    lo, hi = tau[i0], tau[idx]
    g_lo = gap[np.arange(n), i0]
    g_hi = gap[np.arange(n), idx]
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.where(g_hi > g_lo, lo - g_lo * (hi - lo) / (g_hi - g_lo), hi)
    for _ in range(_NEWTON_STEPS):
        rel = p2 + v2 * (delay + x)[:, None]
        dist = np.linalg.norm(rel, axis=-1)
        g = flyout.range_at(x) - dist
        ahead = g >= 0.0
        hi = np.where(ahead, x, hi)
        lo = np.where(ahead, lo, x)
        with np.errstate(invalid="ignore", divide="ignore"):
            dg = flyout.speed_at(x) - np.sum(rel * v2, axis=-1) / np.where(dist > 0, dist, 1.0)
            step = x - g / dg
        x = np.where(np.isfinite(step) & (step > lo) & (step < hi), step, 0.5 * (lo + hi))
    g = flyout.range_at(x) - np.linalg.norm(p2 + v2 * (delay + x)[:, None], axis=-1)
    settled = np.abs(g) <= _TOL_M
    hi = np.where(g >= 0.0, x, hi)
    lo = np.where(g >= 0.0, lo, x)
    bad = has & (idx > 0) & ~settled
    if bad.any():  # rare: Newton did not settle; bisect those targets
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            g = flyout.range_at(mid) - np.linalg.norm(p2 + v2 * (delay + mid)[:, None], axis=-1)
            ahead = g >= 0.0
            hi = np.where(ahead & bad, mid, hi)
            lo = np.where(~ahead & bad, mid, lo)
    tof = np.where(idx > 0, np.where(bad, hi, x), 0.0)
    t_int = delay + tof
    point = p2 + v2 * t_int[:, None]
    slant = np.linalg.norm(point, axis=-1)
    ok = has & (slant <= r_max * (1 + 1e-12)) & (slant >= min_range_m)
    aspect = aspect_angle_rad(point, v2)

    nan = np.full(n, np.nan)
    return Intercept(
        feasible=ok.reshape(batch),
        time_s=np.where(ok, t_int, nan).reshape(batch),
        time_of_flight_s=np.where(ok, tof, nan).reshape(batch),
        point_m=np.where(ok[:, None], point, np.nan).reshape(batch + (3,)),
        slant_range_m=np.where(ok, slant, nan).reshape(batch),
        aspect_rad=np.where(ok, aspect, nan).reshape(batch),
    )


def _max_range(flyout: Flyout, max_range_m: float | None) -> float:
    """The largest intercept slant range: `max_range_m`, within the flyout's kinematic
    range (which it defaults to)."""
    if max_range_m is None:
        return flyout.max_range_m
    return min(float(max_range_m), flyout.max_range_m)


def _reach_grid(flyout: Flyout) -> tuple[np.ndarray, np.ndarray]:
    """The flyout's time grid for bracketing an intercept and its reach there, worked out
    once per flyout (a pure function of it; read-only)."""
    got = _REACH_GRIDS.value_for(flyout)
    if got is None:
        tau = np.linspace(0.0, flyout.end_time_s, _GRID_POINTS)
        reach = flyout.range_at(tau)
        tau.flags.writeable = reach.flags.writeable = False
        got = _REACH_GRIDS.keep(flyout, (tau, reach))
    return got


_REACH_GRIDS: ByIdentity[tuple[np.ndarray, np.ndarray]] = ByIdentity()
"""A flyout -> (tau, reach): an entry goes with its flyout."""


def _norm(x: float, y: float, z: float) -> float:
    """|(x, y, z)| summed in numpy's order for a last axis of three, ((x^2 + y^2) + z^2)."""
    return math.sqrt(x * x + y * y + z * z)


def _range_at(f: Flyout, x: float) -> float:
    """`Flyout.range_at` at one time, operation for operation (numpy's log1p)."""
    tb, a, vl, k = f.boost_time_s, f.boost_accel_mps2, f.launch_speed_mps, f.drag_k_per_m
    t = max(x, 0.0)
    if t <= tb:
        tt = min(t, tb)
        return vl * tt + 0.5 * a * tt * tt
    vb, sb = f.burnout_speed_mps, f.burnout_range_m
    tau = max(t - tb, 0.0)
    return sb + float(np.log1p(k * vb * tau)) / k if k > 0 else sb + vb * tau


def _speed_at(f: Flyout, x: float) -> float:
    """`Flyout.speed_at` at one time, operation for operation."""
    tb, a, vl, k = f.boost_time_s, f.boost_accel_mps2, f.launch_speed_mps, f.drag_k_per_m
    t = max(x, 0.0)
    if t <= tb:
        return vl + a * t
    vb = f.burnout_speed_mps
    return vb / (1.0 + k * vb * max(t - tb, 0.0))


def _one_intercept(
    flyout: Flyout,
    p: list[float],
    v: list[float],
    launch_delay_s: float,
    max_range_m: float | None,
    min_range_m: float,
) -> Intercept:
    """`predict_intercept` for one target: the bracket on the grid as arrays, then the
    Newton steps and the bisection in plain floats, each operation as the batch does it
    (the same numbers to the bit, tests/engagement/test_intercept.py): one target per
    launch is what the fight asks, where numpy's cost per call was all the cost."""
    delay = float(launch_delay_s)
    r_max = _max_range(flyout, max_range_m)
    tau, reach = _reach_grid(flyout)
    t = delay + tau
    pos = np.asarray(p)[None, :] + np.asarray(v)[None, :] * t[:, None]
    gap = reach - np.linalg.norm(pos, axis=-1)
    caught = gap >= 0.0
    idx = int(np.argmax(caught))
    if not caught[idx]:  # never caught: no intercept
        return _infeasible()
    (p0, p1, p2), (v0, v1, v2) = p, v

    def gap_at(x: float) -> tuple[float, float, float, float, float]:
        r0, r1, r2 = p0 + v0 * (delay + x), p1 + v1 * (delay + x), p2 + v2 * (delay + x)
        dist = _norm(r0, r1, r2)
        return _range_at(flyout, x) - dist, dist, r0, r1, r2

    x = 0.0
    if idx > 0:
        lo, hi = float(tau[idx - 1]), float(tau[idx])
        g_lo, g_hi = float(gap[idx - 1]), float(gap[idx])
        x = lo - g_lo * (hi - lo) / (g_hi - g_lo) if g_hi > g_lo else hi
        for _ in range(_NEWTON_STEPS):
            g, dist, r0, r1, r2 = gap_at(x)
            if g >= 0.0:
                hi = x
            else:
                lo = x
            dg = _speed_at(flyout, x) - (r0 * v0 + r1 * v1 + r2 * v2) / (dist if dist > 0 else 1.0)
            step = x - g / dg if dg != 0.0 else math.nan
            x = step if math.isfinite(step) and lo < step < hi else 0.5 * (lo + hi)
        g = gap_at(x)[0]
        if g >= 0.0:
            hi = x
        else:
            lo = x
        if not abs(g) <= _TOL_M:  # rare: Newton did not settle; bisect
            for _ in range(_BISECTIONS):
                mid = 0.5 * (lo + hi)
                if gap_at(mid)[0] >= 0.0:
                    hi = mid
                else:
                    lo = mid
            x = hi
    t_int = delay + x
    point = [p0 + v0 * t_int, p1 + v1 * t_int, p2 + v2 * t_int]
    slant = _norm(*point)
    if not (slant <= r_max * (1 + 1e-12) and slant >= min_range_m):
        return _infeasible()
    q0, q1, q2 = -point[0], -point[1], -point[2]  # the target to the launcher
    num = q0 * v0 + q1 * v1 + q2 * v2
    den = _norm(q0, q1, q2) * _norm(v0, v1, v2)
    c = num / den if den > 0 else 1.0
    return Intercept(
        feasible=np.array(True),
        time_s=np.array(t_int),
        time_of_flight_s=np.array(x),
        point_m=np.array(point),
        slant_range_m=np.array(slant),
        aspect_rad=np.arccos(np.clip(np.array(c), -1.0, 1.0)),
    )


def _infeasible() -> Intercept:
    """One target with no intercept: NaN everywhere, not feasible."""
    nan = np.array(np.nan)
    return Intercept(
        feasible=np.array(False),
        time_s=nan,
        time_of_flight_s=nan,
        point_m=np.full(3, np.nan),
        slant_range_m=nan,
        aspect_rad=nan,
    )
