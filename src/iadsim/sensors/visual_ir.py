"""MANPADS acquisition: notional visual detection by the gunner, and IR seeker lock-on.

Visual: a gunner's median (50 %) detection range for a reference 15 m aircraft by day,
by night with the naked eye and with night-vision goggles, scaled with the target's size
(acuity is angular) and capped by the meteorological visibility; the probability falls
off as 1 / (1 + (R/R50)^4). IR: the seeker needs irradiance E = I * tau(R) / R^2 above
its threshold; the lock probability is logistic in the irradiance margin (dB) relative
to the reference lock-on range of a reference source. Numbers are notional.

Per look (what the engine draws every decision period): a gunner sees a target that is in
line of sight with probability

    p_look = f_search * 1 / (1 + (R / R50)^4),   R50 = R50_ref(light, night vision) * L / 15 m

where f_search is the chance the gunner's eyes sweep the right part of the sky during the
look: SEARCH_FRACTION_UNCUED, or SEARCH_FRACTION_CUED when the team already knows where to
look, because it hears the aircraft (`aural_cue`: inside the type's acoustic detection
range; at night this is how teams are cued). The IR seeker's lock per attempt is
`ir_lock_probability_aspect`. Parameters notional (docs/sensors.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from iadsim.errors import ValueRangeError
from iadsim.sensors.signatures import Signature

REFERENCE_LENGTH_M = 15.0
"""Target size for which VISUAL_R50_M applies."""
VISUAL_R50_M: dict[str, float] = {"day": 8000.0, "night": 1500.0, "night_nvg": 4500.0}
"""Notional median visual detection ranges of a 15 m aircraft by condition, metres."""


def visual_detection_range_m(
    condition: str, target_length_m: float = REFERENCE_LENGTH_M, visibility_m: float | None = None
) -> float:
    """Median visual detection range (m) for a condition: day, night, or night_nvg."""
    if condition not in VISUAL_R50_M:
        raise ValueRangeError(f"condition must be one of {sorted(VISUAL_R50_M)}, got {condition!r}")
    if not target_length_m > 0:
        raise ValueRangeError(f"target_length_m must be > 0, got {target_length_m}")
    r = VISUAL_R50_M[condition] * target_length_m / REFERENCE_LENGTH_M
    if visibility_m is not None:
        if not visibility_m > 0:
            raise ValueRangeError(f"visibility_m must be > 0, got {visibility_m}")
        r = min(r, visibility_m)
    return r


def visual_detection_probability(
    range_m,
    condition: str,
    target_length_m: float = REFERENCE_LENGTH_M,
    visibility_m: float | None = None,
    steepness: float = 4.0,
) -> np.ndarray:
    """Probability the gunner has seen the target by the time it is at range_m."""
    r50 = visual_detection_range_m(condition, target_length_m, visibility_m)
    r = np.maximum(np.asarray(range_m, dtype=float), 0.0)
    return 1.0 / (1.0 + (r / r50) ** steepness)


SEARCH_FRACTION_UNCUED = 0.25
"""Notional: an unalerted gunner sweeping the whole sky looks toward a given bearing about a
quarter of the time (a 90 degree sector of attention out of 360)."""
SEARCH_FRACTION_CUED = 0.9
"""Notional: a gunner who hears the aircraft (or is told where it is) looks that way."""


def scaled_r50_m(r50_ref_m: float, target_length_m: float) -> float:
    """Median detection range for a target of a given length, from the reference (15 m)
    range: visual acuity is angular, so the range scales with the target's size."""
    if not (r50_ref_m > 0 and target_length_m > 0):
        raise ValueRangeError("r50_ref_m and target_length_m must be > 0")
    return r50_ref_m * target_length_m / REFERENCE_LENGTH_M


def visual_look_probability(range_m, r50_m: float, cued, steepness: float = 4.0) -> np.ndarray:
    """Probability that one look by a gunner detects a target in line of sight at range_m:
    f_search (cued or not) x 1 / (1 + (R / R50)^steepness)."""
    r = np.maximum(np.asarray(range_m, dtype=float), 0.0)
    f = np.where(np.asarray(cued, bool), SEARCH_FRACTION_CUED, SEARCH_FRACTION_UNCUED)
    return f / (1.0 + (r / r50_m) ** steepness)


def aural_cue(range_m, acoustic_range_m: float) -> np.ndarray:
    """True where a team hears the aircraft (inside its type's acoustic detection range)."""
    return np.asarray(range_m, dtype=float) <= acoustic_range_m


@dataclass(frozen=True)
class IrSeeker:
    """A MANPADS seeker: 50 % lock range on a reference source, atmosphere, logistic width."""

    lock_range_ref_m: float = 5000.0
    ref_intensity_w_sr: float = 1000.0
    extinction_per_m: float = 0.15e-3
    width_db: float = 1.5
    max_range_m: float = 6000.0

    def __post_init__(self) -> None:
        for f in ("lock_range_ref_m", "ref_intensity_w_sr", "width_db", "max_range_m"):
            v = getattr(self, f)
            if not (math.isfinite(v) and v > 0):
                raise ValueRangeError(f"IrSeeker.{f} must be > 0, got {v!r}")
        if not self.extinction_per_m >= 0:
            raise ValueRangeError("IrSeeker.extinction_per_m must be >= 0")

    def margin_db(self, range_m, intensity_w_sr) -> np.ndarray:
        """Irradiance at the seeker relative to its 50 % lock level, dB."""
        r = np.maximum(np.asarray(range_m, dtype=float), 1.0)
        i = np.maximum(np.asarray(intensity_w_sr, dtype=float), 1e-30)
        r0 = self.lock_range_ref_m
        ratio_db = (
            10 * np.log10(i / self.ref_intensity_w_sr)
            + 20 * np.log10(r0 / r)
            - 10 * np.log10(np.e) * self.extinction_per_m * (r - r0)
        )
        return ratio_db


def ir_lock_probability(seeker: IrSeeker, range_m, intensity_w_sr) -> np.ndarray:
    """Probability the seeker locks on a source of intensity_w_sr at range_m (0 beyond max)."""
    p = special.expit(seeker.margin_db(range_m, intensity_w_sr) / seeker.width_db)
    return np.where(np.asarray(range_m, dtype=float) <= seeker.max_range_m, p, 0.0)


def ir_lock_probability_aspect(
    seeker: IrSeeker, signature: Signature, range_m, aspect_rad
) -> np.ndarray:
    """Lock probability on an aircraft type at range and aspect (tail-on is hottest)."""
    return ir_lock_probability(seeker, range_m, signature.ir_w_sr(aspect_rad))
