"""Predicted intercept point against a constant-velocity target, and the fate of one shot.

The missile leaves the launcher `launch_delay_s` after now and flies straight (no guidance
law) with the flyout's reach s(t). Intercept is the first time t at which the missile's reach
equals the launcher-target distance: s(t - delay) = |p0 + v t|. The root is bracketed on the
flyout's time grid for all targets at once, then refined by vectorized bisection.

Guidance matters only as a dependency: semi-active and command-guided missiles need the
engagement radar to hold the target in track until intercept, or the shot is lost
(NO_FIRE_CONTROL_RADAR). No seeker or guidance internals are modelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engagement.flyout import Flyout

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
    p, v = np.broadcast_arrays(p, v)
    batch = p.shape[:-1]
    p2 = p.reshape(-1, 3)
    v2 = v.reshape(-1, 3)
    n = p2.shape[0]
    delay = float(launch_delay_s)
    t_end = flyout.end_time_s
    r_max = (
        flyout.max_range_m if max_range_m is None else min(float(max_range_m), flyout.max_range_m)
    )

    tau = np.linspace(0.0, t_end, _GRID_POINTS)
    reach = flyout.range_at(tau)
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
