"""Probability of kill per missile, salvo Pk, and the draws.

Notional, factorised in the style of Medusa: Pk = base_pk(target type) x range factor x
aspect factor x altitude factor x extra factor (e.g. countermeasures), clipped to [0, 1].
- range factor: 1 from the minimum range to `range_knee` x max range, then linear down to
  `range_floor` at max range (the missile arrives slow, with little energy to manoeuvre);
  0 outside [min_range_m, max_range_m].
- aspect factor: 1 head-on or tail-on, `beam_factor` at beam aspect (a crossing target
  demands the largest lateral acceleration): 1 - (1 - beam_factor) sin^2(aspect).
- altitude factor: `low_altitude_factor` at zero height, linear up to 1 at
  `low_altitude_m` (ground clutter and multipath near the surface).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from iadsim.errors import ValueRangeError


def _check_prob(name: str, value: float) -> None:
    """Refuse a probability outside [0, 1]."""
    if not (0.0 <= value <= 1.0):
        raise ValueRangeError(f"{name} must be in [0, 1], got {value}")


@dataclass(frozen=True)
class PkModel:
    """Single-shot Pk model of one missile type against several target types."""

    base_pk: Mapping[str, float]
    max_range_m: float
    min_range_m: float = 0.0
    range_knee: float = 0.6
    range_floor: float = 0.4
    beam_factor: float = 0.7
    low_altitude_m: float = 0.0
    low_altitude_factor: float = 1.0
    _types: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _base: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, value in self.base_pk.items():
            _check_prob(f"base_pk[{name!r}]", float(value))
        for name in ("range_floor", "beam_factor", "low_altitude_factor"):
            _check_prob(name, float(getattr(self, name)))
        if not (0.0 < self.range_knee <= 1.0):
            raise ValueRangeError(f"range_knee must be in (0, 1], got {self.range_knee}")
        if not (0.0 <= self.min_range_m < self.max_range_m):
            raise ValueRangeError("PkModel needs 0 <= min_range_m < max_range_m")
        if self.low_altitude_m < 0:
            raise ValueRangeError(f"low_altitude_m must be >= 0, got {self.low_altitude_m}")
        types = tuple(self.base_pk)
        object.__setattr__(self, "_types", types)
        object.__setattr__(self, "_base", np.array([float(self.base_pk[t]) for t in types]))

    def base(self, target_type) -> np.ndarray:
        """Base Pk for a target type name or an array of names; unknown types raise."""
        names = np.asarray(target_type, dtype=object)
        flat = names.reshape(-1)
        out = np.empty(flat.shape, float)
        for i, name in enumerate(flat):
            try:
                out[i] = self.base_pk[name]
            except KeyError:
                known = ", ".join(self._types)
                raise ValueRangeError(
                    f"no base Pk for target type {name!r}; known types: {known}"
                ) from None
        return out.reshape(names.shape)

    def range_factor(self, range_m) -> np.ndarray:
        """Range factor: 1 up to the knee, linear to range_floor at max range, 0 outside."""
        r = np.asarray(range_m, float)
        knee = self.range_knee * self.max_range_m
        span = max(self.max_range_m - knee, 1e-9)
        frac = np.clip((r - knee) / span, 0.0, 1.0)
        f = 1.0 - (1.0 - self.range_floor) * frac
        return np.where((r >= self.min_range_m) & (r <= self.max_range_m), f, 0.0)

    def aspect_factor(self, aspect_rad) -> np.ndarray:
        """Aspect factor: 1 head-on or tail-on, beam_factor at beam aspect."""
        s = np.sin(np.asarray(aspect_rad, float))
        return 1.0 - (1.0 - self.beam_factor) * s * s

    def altitude_factor(self, altitude_m) -> np.ndarray:
        """Low-altitude factor: low_altitude_factor at 0 m, linear to 1 at low_altitude_m."""
        h = np.asarray(altitude_m, float)
        if self.low_altitude_m <= 0:
            return np.ones_like(h)
        frac = np.clip(h / self.low_altitude_m, 0.0, 1.0)
        return self.low_altitude_factor + (1.0 - self.low_altitude_factor) * frac

    def pk(self, target_type, range_m, aspect_rad=0.0, altitude_m=np.inf, extra_factor=1.0):
        """Single-shot Pk, broadcast over the arguments (extra_factor e.g. for countermeasures)."""
        p = (
            self.base(target_type)
            * self.range_factor(range_m)
            * self.aspect_factor(aspect_rad)
            * self.altitude_factor(altitude_m)
            * np.asarray(extra_factor, float)
        )
        return np.clip(p, 0.0, 1.0)


def salvo_pk(pk, n) -> np.ndarray:
    """Probability that at least one of n independent missiles kills: 1 - (1 - pk)^n."""
    p = np.asarray(pk, float)
    if np.any((p < 0) | (p > 1)):
        raise ValueRangeError("pk must be in [0, 1]")
    return 1.0 - (1.0 - p) ** np.asarray(n, float)


def draw_salvo(rng: np.random.Generator, pk, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(per-missile kills shape (..., n), target killed shape (...)) for salvos of n missiles."""
    p = np.asarray(pk, float)
    hits = rng.random(p.shape + (int(n),)) < p[..., None]
    return hits, hits.any(axis=-1)
