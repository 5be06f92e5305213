"""Suppression: exposed crews who see return fire or strikes nearby become less willing to fire.

Willingness to fire at time t (docs/readiness.md):

    W(t) = W0 * prod_k [ 1 - a * s_k * g(d_k) * exp(-(t - t_k) / tau) ]   over events t_k <= t

W0 baseline willingness (morale), a the crew's sensitivity (from proficiency), s_k the
severity of event kind k, g(d) = exp(-d / L) inside the radius R and 0 beyond, tau the
recovery time. At a firing opportunity a single uniform u decides:
u < 1 - W0 -> CREW_NOT_READY (reluctance without any suppression), u < 1 - W(t) ->
CREW_SUPPRESSED, otherwise the crew fires. Using one uniform keeps what-if variants with and
without suppression on common random numbers. Parameters are notional.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason


class SuppressiveKind(StrEnum):
    """Kinds of events that suppress nearby crews."""

    RETURN_FIRE = "return_fire"  # aircraft guns/rockets fired at (or near) the crew
    STRIKE = "strike"  # bomb or missile impact nearby
    CASUALTY = "casualty"  # a nearby crew or launcher was hit


DEFAULT_SEVERITY: dict[SuppressiveKind, float] = {
    SuppressiveKind.RETURN_FIRE: 0.6,
    SuppressiveKind.STRIKE: 0.4,
    SuppressiveKind.CASUALTY: 0.7,
}


@dataclass(frozen=True)
class SuppressionParams:
    """Notional parameters of the suppression model."""

    falloff_m: float = 500.0  # L: distance at which an event's effect falls to 1/e
    radius_m: float = 3000.0  # R: events further away have no effect
    recovery_s: float = 600.0  # tau: time constant of recovery after an event
    severity: dict[SuppressiveKind, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))

    def __post_init__(self) -> None:
        if not (self.falloff_m > 0 and self.radius_m >= 0 and self.recovery_s > 0):
            raise ValueRangeError("falloff_m and recovery_s must be > 0, radius_m >= 0")
        for k, v in self.severity.items():
            if not (0.0 <= v <= 1.0):
                raise ValueRangeError(f"severity of {k} must lie in [0, 1], got {v}")


DEFAULT_SUPPRESSION = SuppressionParams()


def spatial_factor(
    distance_m: float | np.ndarray, params: SuppressionParams = DEFAULT_SUPPRESSION
) -> np.ndarray:
    """g(d) = exp(-d/L) for d <= R, 0 beyond."""
    d = np.abs(np.asarray(distance_m, dtype=float))
    return np.where(d <= params.radius_m, np.exp(-d / params.falloff_m), 0.0)


def willingness(
    t_s: float | np.ndarray,
    event_times_s: np.ndarray,
    event_distances_m: np.ndarray,
    event_severities: np.ndarray,
    sensitivity: float = 1.0,
    baseline: float = 1.0,
    params: SuppressionParams = DEFAULT_SUPPRESSION,
) -> float | np.ndarray:
    """W(t) of one crew given its events (times, distances, severities); vectorized in t."""
    if not (0.0 <= baseline <= 1.0):
        raise ValueRangeError(f"baseline willingness must lie in [0, 1], got {baseline}")
    if sensitivity < 0:
        raise ValueRangeError(f"suppression sensitivity must be >= 0, got {sensitivity}")
    t = np.asarray(t_s, dtype=float)
    tk = np.asarray(event_times_s, dtype=float).reshape(-1)
    if tk.size == 0:
        out = np.full(t.shape, float(baseline))
        return float(out) if out.ndim == 0 else out
    amp = sensitivity * np.asarray(event_severities, dtype=float).reshape(-1)
    amp = amp * spatial_factor(np.asarray(event_distances_m, dtype=float).reshape(-1), params)
    dt = t[..., None] - tk  # (..., K)
    active = dt >= 0.0
    decay = np.exp(-np.where(active, dt, 0.0) / params.recovery_s)
    factors = np.where(active, np.clip(1.0 - amp * decay, 0.0, 1.0), 1.0)
    out = baseline * np.prod(factors, axis=-1)
    return float(out) if out.ndim == 0 else out


def severity_of(
    kind: SuppressiveKind | str, params: SuppressionParams = DEFAULT_SUPPRESSION
) -> float:
    """Severity s of an event kind ("return_fire", "strike", "casualty")."""
    return params.severity[SuppressiveKind(kind)]


def crews_willingness(
    t_s: float | np.ndarray,
    crew_xy_m: np.ndarray,
    event_times_s: np.ndarray,
    event_xy_m: np.ndarray,
    event_severities: np.ndarray,
    sensitivity: float | np.ndarray = 1.0,
    baseline: float | np.ndarray = 1.0,
    params: SuppressionParams = DEFAULT_SUPPRESSION,
) -> np.ndarray:
    """W for many crews at once: (M,) crews x times t -> shape (M,) + shape(t); ENU metres."""
    crews = np.asarray(crew_xy_m, dtype=float).reshape(-1, np.shape(crew_xy_m)[-1])[:, :2]
    t = np.asarray(t_s, dtype=float)
    m = crews.shape[0]
    sens = np.broadcast_to(np.asarray(sensitivity, dtype=float), (m,))
    base = np.broadcast_to(np.asarray(baseline, dtype=float), (m,))
    if np.any(sens < 0) or np.any((base < 0) | (base > 1)):
        raise ValueRangeError("sensitivity must be >= 0 and baseline in [0, 1]")
    tk = np.asarray(event_times_s, dtype=float).reshape(-1)
    if tk.size == 0:
        return np.broadcast_to(base.reshape((m,) + (1,) * t.ndim), (m,) + t.shape).copy()
    ev = np.asarray(event_xy_m, dtype=float).reshape(tk.size, -1)[:, :2]
    d = np.hypot(crews[:, None, 0] - ev[None, :, 0], crews[:, None, 1] - ev[None, :, 1])  # (M, K)
    amp = sens[:, None] * np.asarray(event_severities, dtype=float).reshape(1, -1)
    amp = amp * spatial_factor(d, params)  # (M, K)
    dt = t[..., None] - tk  # (T..., K)
    active = dt >= 0.0
    decay = np.where(active, np.exp(-np.where(active, dt, 0.0) / params.recovery_s), 0.0)
    amp_b = amp.reshape((m,) + (1,) * t.ndim + (tk.size,))
    factors = np.clip(1.0 - amp_b * decay[None, ...], 0.0, 1.0)
    return base.reshape((m,) + (1,) * t.ndim) * np.prod(factors, axis=-1)


def fire_decision(w_now: float, baseline: float, u: float) -> Reason:
    """From one uniform: NONE (fires), CREW_NOT_READY (baseline reluctance) or CREW_SUPPRESSED."""
    if u < 1.0 - baseline:
        return Reason.CREW_NOT_READY
    if u < 1.0 - w_now:
        return Reason.CREW_SUPPRESSED
    return Reason.NONE


@dataclass
class CrewSuppression:
    """Running suppression state of one crew: record events, ask its willingness and decision."""

    x_m: float
    y_m: float
    sensitivity: float = 1.0
    baseline: float = 1.0
    params: SuppressionParams = DEFAULT_SUPPRESSION
    _times: list[float] = field(default_factory=list)
    _dists: list[float] = field(default_factory=list)
    _sev: list[float] = field(default_factory=list)

    def record(self, t_s: float, x_m: float, y_m: float, kind: SuppressiveKind | str) -> bool:
        """Record an event at (x, y) (local ENU metres); returns False if it was out of radius."""
        d = math.hypot(x_m - self.x_m, y_m - self.y_m)
        if d > self.params.radius_m:
            return False
        self._times.append(float(t_s))
        self._dists.append(d)
        self._sev.append(self.params.severity[SuppressiveKind(kind)])
        return True

    @property
    def n_events(self) -> int:
        """Number of recorded events within the radius."""
        return len(self._times)

    def willingness(self, t_s: float) -> float:
        """W(t) for this crew."""
        return float(
            willingness(
                t_s,
                np.array(self._times),
                np.array(self._dists),
                np.array(self._sev),
                self.sensitivity,
                self.baseline,
                self.params,
            )
        )

    def decide(self, t_s: float, rng: np.random.Generator) -> Reason:
        """Draw one uniform and decide whether the crew fires at t_s (Reason.NONE) or why not."""
        return fire_decision(self.willingness(t_s), self.baseline, float(rng.random()))
