"""Crews: proficiency gives lognormal reaction times, an error probability and a night penalty.

Reaction time T (s) from the first fire-control-quality track (or visual acquisition, for a
MANPADS team) to the launch is lognormal: ln T ~ Normal(ln m, sigma^2), with median m,
mean m exp(sigma^2 / 2). At night m is multiplied by a factor and the error probability
grows, less so with night-vision equipment. All numbers are notional (docs/readiness.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from iadsim.errors import ValueRangeError


class Proficiency(StrEnum):
    """Crew proficiency level."""

    UNTRAINED = "untrained"
    BASIC = "basic"
    TRAINED = "trained"
    ELITE = "elite"


@dataclass(frozen=True)
class ProficiencyParams:
    """Notional day-time numbers of one proficiency level."""

    median_reaction_s: float  # detection-to-launch median, day
    sigma_log: float  # standard deviation of ln(reaction time)
    error_prob: float  # probability an engagement is botched by the crew (no launch)
    suppression_sensitivity: float  # multiplies suppressive severities (suppression.py)

    def __post_init__(self) -> None:
        if not (self.median_reaction_s > 0 and math.isfinite(self.median_reaction_s)):
            raise ValueRangeError("median reaction time must be a finite number > 0 s")
        if not (self.sigma_log >= 0 and math.isfinite(self.sigma_log)):
            raise ValueRangeError("sigma_log must be a finite number >= 0")
        if not (0.0 <= self.error_prob <= 1.0):
            raise ValueRangeError("error_prob must lie in [0, 1]")
        if self.suppression_sensitivity < 0:
            raise ValueRangeError("suppression_sensitivity must be >= 0")


DEFAULT_PROFICIENCY: dict[Proficiency, ProficiencyParams] = {
    Proficiency.UNTRAINED: ProficiencyParams(90.0, 0.7, 0.30, 1.3),
    Proficiency.BASIC: ProficiencyParams(45.0, 0.5, 0.15, 1.0),
    Proficiency.TRAINED: ProficiencyParams(25.0, 0.4, 0.05, 0.75),
    Proficiency.ELITE: ProficiencyParams(15.0, 0.3, 0.02, 0.5),
}


@dataclass(frozen=True)
class NightPenalty:
    """Night multiplies the median reaction time and adds to the error probability."""

    reaction_factor_no_nv: float = 1.8
    reaction_factor_nv: float = 1.15
    extra_error_no_nv: float = 0.15
    extra_error_nv: float = 0.03


DEFAULT_NIGHT = NightPenalty()


@dataclass(frozen=True)
class CrewProfile:
    """The effective numbers of one crew in given conditions (after night and scaling)."""

    median_reaction_s: float
    sigma_log: float
    error_prob: float
    suppression_sensitivity: float

    @property
    def mean_reaction_s(self) -> float:
        """Analytic lognormal mean m exp(sigma^2/2)."""
        return self.median_reaction_s * math.exp(0.5 * self.sigma_log**2)

    @property
    def std_reaction_s(self) -> float:
        """Analytic lognormal standard deviation."""
        s2 = self.sigma_log**2
        return self.mean_reaction_s * math.sqrt(math.expm1(s2))

    def reaction_cdf(self, t_s: float | np.ndarray) -> float | np.ndarray:
        """P(reaction time <= t_s): the chance the crew has launched t_s after detection."""
        from scipy.stats import lognorm

        out = lognorm.cdf(
            np.asarray(t_s, dtype=float), s=self.sigma_log, scale=self.median_reaction_s
        )
        return float(out) if np.ndim(out) == 0 else out


def _as_proficiency(level: Proficiency | str) -> Proficiency:
    """A Proficiency from itself or its string; ValueRangeError otherwise."""
    try:
        return Proficiency(level)
    except ValueError:
        allowed = ", ".join(p.value for p in Proficiency)
        raise ValueRangeError(
            f"unknown crew proficiency {level!r}; expected one of: {allowed}"
        ) from None


def crew_profile(
    proficiency: Proficiency | str,
    night: bool = False,
    night_vision: bool = False,
    reaction_scale: float = 1.0,
    table: dict[Proficiency, ProficiencyParams] | None = None,
    night_penalty: NightPenalty = DEFAULT_NIGHT,
) -> CrewProfile:
    """Effective crew numbers: proficiency table x `reaction_scale` (system type), night penalty."""
    if not (reaction_scale > 0 and math.isfinite(reaction_scale)):
        raise ValueRangeError(f"reaction_scale must be a finite number > 0, got {reaction_scale}")
    base = (table or DEFAULT_PROFICIENCY)[_as_proficiency(proficiency)]
    median = base.median_reaction_s * reaction_scale
    err = base.error_prob
    if night:
        if night_vision:
            median *= night_penalty.reaction_factor_nv
            err += night_penalty.extra_error_nv
        else:
            median *= night_penalty.reaction_factor_no_nv
            err += night_penalty.extra_error_no_nv
    return CrewProfile(
        median_reaction_s=median,
        sigma_log=base.sigma_log,
        error_prob=min(1.0, err),
        suppression_sensitivity=base.suppression_sensitivity,
    )


def sample_reaction_time_s(
    profile: CrewProfile, rng: np.random.Generator, size: int | tuple[int, ...] | None = None
) -> float | np.ndarray:
    """Draw detection-to-launch times (s) from the crew's lognormal."""
    out = rng.lognormal(
        mean=math.log(profile.median_reaction_s), sigma=profile.sigma_log, size=size
    )
    return float(out) if size is None else out


def sample_error(
    profile: CrewProfile, rng: np.random.Generator, size: int | tuple[int, ...] | None = None
) -> bool | np.ndarray:
    """Draw whether the crew botches an engagement (True = error, no launch: CREW_NOT_READY)."""
    u = rng.random(size)
    return bool(u < profile.error_prob) if size is None else u < profile.error_prob
