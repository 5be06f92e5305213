"""Suppression: exposed crews who see return fire or strikes nearby become less willing to fire.

Willingness to fire at time t (docs/readiness.md):

    W(t) = W0 * prod_k [ 1 - a * s_k * g(d_k) * exp(-(t - t_k) / tau) ]   over events t_k <= t

W0 baseline willingness (morale), a the crew's sensitivity (from proficiency), s_k the
severity of event kind k, tau the recovery time, and g the weight with which the crew
perceives the event. Deterrence spreads three ways:

* close fire: g = exp(-d / L) inside the radius R (fire at or next to the crew);
* sight and sound: fire and explosions are seen and heard far at night, g = w_far inside
  far_radius_m (notional 0.3 within 8 km: gunfire and explosions carry over a city);
* radio: crews on the same network hear of it after radio_latency_s, g = w_radio (notional
  0.3), whatever the distance (`networked=True` events for those crews).

The crew takes the strongest of the channels that reach it.
At a firing opportunity a single uniform u decides:
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
    radius_m: float = 3000.0  # R: close fire further away has no direct effect
    recovery_s: float = 600.0  # tau: time constant of recovery after an event
    far_weight: float = 0.3  # w_far: fire seen and heard from afar (notional)
    far_radius_m: float = 8000.0  # how far fire and explosions are seen and heard at night
    radio_weight: float = 0.3  # w_radio: fire reported over the network (notional)
    radio_latency_s: float = 30.0  # from the event to the report reaching the crews
    severity: dict[SuppressiveKind, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))

    def __post_init__(self) -> None:
        if not (self.falloff_m > 0 and self.radius_m >= 0 and self.recovery_s > 0):
            raise ValueRangeError("falloff_m and recovery_s must be > 0, radius_m >= 0")
        for f in ("far_weight", "radio_weight"):
            if not 0.0 <= getattr(self, f) <= 1.0:
                raise ValueRangeError(f"{f} must lie in [0, 1]")
        if self.far_radius_m < 0 or self.radio_latency_s < 0:
            raise ValueRangeError("far_radius_m and radio_latency_s must be >= 0")
        for k, v in self.severity.items():
            if not (0.0 <= v <= 1.0):
                raise ValueRangeError(f"severity of {k} must lie in [0, 1], got {v}")


DEFAULT_SUPPRESSION = SuppressionParams()


def spatial_factor(
    distance_m: float | np.ndarray,
    params: SuppressionParams = DEFAULT_SUPPRESSION,
    networked: bool | np.ndarray = False,
) -> np.ndarray:
    """g: the strongest channel reaching the crew: exp(-d/L) for d <= R (close fire),
    w_far for d <= far_radius_m (seen and heard), w_radio when `networked` (reported)."""
    d = np.abs(np.asarray(distance_m, dtype=float))
    close = np.where(d <= params.radius_m, np.exp(-d / params.falloff_m), 0.0)
    far = np.where(d <= params.far_radius_m, params.far_weight, 0.0)
    radio = np.where(np.asarray(networked, bool), params.radio_weight, 0.0)
    return np.maximum(np.maximum(close, far), radio)


def perceived(
    distance_m: float, networked: bool, params: SuppressionParams = DEFAULT_SUPPRESSION
) -> tuple[float, float]:
    """(delay_s, weight) with which one crew perceives one event: directly (close fire, or
    seen and heard) at once, or by radio after radio_latency_s when that is stronger."""
    direct = float(spatial_factor(distance_m, params))
    radio = params.radio_weight if networked else 0.0
    if radio > direct:
        return params.radio_latency_s, radio
    return 0.0, direct


def willingness(
    t_s: float | np.ndarray,
    event_times_s: np.ndarray,
    event_distances_m: np.ndarray,
    event_severities: np.ndarray,
    sensitivity: float = 1.0,
    baseline: float = 1.0,
    params: SuppressionParams = DEFAULT_SUPPRESSION,
    weights: np.ndarray | None = None,
) -> float | np.ndarray:
    """W(t) of one crew given its events (times, distances, severities); vectorized in t.
    `weights`, when given, are the perceived weights g_k (see `perceived`) and replace the
    distance-only g(d); event times are then the times the crew perceived them."""
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
    if weights is None:
        g = spatial_factor(np.asarray(event_distances_m, dtype=float).reshape(-1), params)
    else:
        g = np.asarray(weights, dtype=float).reshape(-1)
    amp = amp * g
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


def reluctant(baseline: float, u: float) -> bool:
    """Whether a crew with baseline willingness `baseline` and latent uniform `u` refuses
    whatever the suppression (then its willingness now need not be computed)."""
    return u < 1.0 - baseline


def fire_decision(w_now: float, baseline: float, u: float) -> Reason:
    """From one uniform: NONE (fires), CREW_NOT_READY (baseline reluctance) or CREW_SUPPRESSED."""
    if reluctant(baseline, u):
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
        """Record an event at (x, y) (local ENU metres); returns False if the crew could
        neither see nor hear it (beyond both radii)."""
        d = math.hypot(x_m - self.x_m, y_m - self.y_m)
        if float(spatial_factor(d, self.params)) <= 0.0:
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
