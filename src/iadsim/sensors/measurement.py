"""Radar measurements: noisy range/azimuth/elevation plots, per-dwell detection draws, false alarms.

All draws come from a caller's numpy Generator (one named stream per radar and purpose,
see iadsim.engine.rng), vectorised over targets (and replications) in one call each.
Noise levels are notional by radar type; they scale with SNR like the Cramer-Rao bound
(sigma ~ 1/sqrt(SNR)) around the nominal value quoted at ``REFERENCE_SNR_DB``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.sensors.radar_equation import RadarParameters

REFERENCE_SNR_DB = 13.0
"""SNR at which the nominal noise sigmas apply (a just-detectable target)."""


@dataclass(frozen=True)
class MeasurementNoise:
    """One-sigma measurement errors: range (m), azimuth and elevation (rad)."""

    sigma_range_m: float
    sigma_az_rad: float
    sigma_el_rad: float

    def __post_init__(self) -> None:
        for f in ("sigma_range_m", "sigma_az_rad", "sigma_el_rad"):
            v = getattr(self, f)
            if not (math.isfinite(v) and v >= 0):
                raise ValueRangeError(f"MeasurementNoise.{f} must be >= 0, got {v!r}")


NOISE_BY_RADAR_TYPE: dict[str, MeasurementNoise] = {
    "early-warning-radar": MeasurementNoise(150.0, math.radians(0.5), math.radians(2.0)),
    "surveillance-radar": MeasurementNoise(50.0, math.radians(0.3), math.radians(1.0)),
    "gap-filler-radar": MeasurementNoise(50.0, math.radians(0.5), math.radians(1.0)),
    "height-finder-radar": MeasurementNoise(100.0, math.radians(0.5), math.radians(0.2)),
    "engagement-radar": MeasurementNoise(10.0, math.radians(0.05), math.radians(0.05)),
}
"""Notional nominal noise by radar type (catalog entries may override)."""


def noise_for(radar_type: str) -> MeasurementNoise:
    """The nominal measurement noise of a radar type; unknown types refused with the list."""
    try:
        return NOISE_BY_RADAR_TYPE[radar_type]
    except KeyError:
        known = ", ".join(sorted(NOISE_BY_RADAR_TYPE))
        raise ValueRangeError(f"unknown radar type {radar_type!r}; known: {known}") from None


def noise_sigmas(noise: MeasurementNoise, snr_db=None) -> tuple[np.ndarray, ...]:
    """(sigma_range, sigma_az, sigma_el) at an SNR: nominal * sqrt(SNR_ref/SNR), 0.3x-10x."""
    if snr_db is None:
        scale = np.float64(1.0)
    else:
        scale = np.sqrt(10.0 ** ((REFERENCE_SNR_DB - np.asarray(snr_db, float)) / 10.0))
        scale = np.clip(scale, 0.3, 10.0)
    return (noise.sigma_range_m * scale, noise.sigma_az_rad * scale, noise.sigma_el_rad * scale)


def measure(
    rng: np.random.Generator, range_m, az_rad, el_rad, noise: MeasurementNoise, snr_db=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noisy (range, azimuth in [0, 2pi), elevation) plots from true values; arrays broadcast."""
    r, a, e = np.broadcast_arrays(
        np.asarray(range_m, float), np.asarray(az_rad, float), np.asarray(el_rad, float)
    )
    sr, sa, se = noise_sigmas(noise, snr_db)
    z = rng.standard_normal((3,) + r.shape)
    r_m = np.abs(r + sr * z[0])
    a_m = np.mod(a + sa * z[1], 2 * math.pi)
    e_m = np.clip(e + se * z[2], -math.pi / 2, math.pi / 2)
    return r_m, a_m, e_m


def draw_detections(rng: np.random.Generator, pd) -> np.ndarray:
    """One Bernoulli draw per dwell: True where detected; pd any shape (targets x reps)."""
    p = np.asarray(pd, dtype=float)
    return detections(rng.random(p.shape), p)


def check_pd(pd) -> np.ndarray:
    """pd as a float array; ValueRangeError unless every value lies in [0, 1]."""
    p = np.asarray(pd, dtype=float)
    if np.any((p < 0) | (p > 1) | np.isnan(p)):
        raise ValueRangeError("pd must lie in [0, 1]")
    return p


def detections(uniforms: np.ndarray, pd) -> np.ndarray:
    """`draw_detections` on uniforms already drawn (the same shape as pd)."""
    return uniforms < check_pd(pd)


def cumulative_detection_probability(pd_per_scan, axis: int = -1) -> np.ndarray:
    """Probability of at least one detection over independent scans along an axis."""
    return 1.0 - np.prod(1.0 - np.asarray(pd_per_scan, float), axis=axis)


def resolution_cells(params: RadarParameters, max_range_m: float, min_range_m: float = 0.0):
    """Number of range-azimuth resolution cells tested per scan (each a false-alarm chance)."""
    if not max_range_m > min_range_m >= 0:
        raise ValueRangeError("need max_range_m > min_range_m >= 0")
    n_range = (max_range_m - min_range_m) / params.range_resolution_m
    n_az = 2 * math.pi / params.azimuth_beamwidth_rad
    return int(math.ceil(n_range * n_az))


def false_alarm_count(rng: np.random.Generator, pfa: float, n_cells: int, size=None):
    """Poisson number of false alarms per scan (mean pfa * n_cells); size for many scans."""
    if not 0.0 < pfa < 1.0:
        raise ValueRangeError(f"pfa must lie in (0, 1), got {pfa}")
    if n_cells < 0:
        raise ValueRangeError(f"n_cells must be >= 0, got {n_cells}")
    return rng.poisson(pfa * n_cells, size=size)


def false_alarms(
    rng: np.random.Generator,
    params: RadarParameters,
    max_range_m: float,
    min_range_m: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """One scan's false plots: (range_m, az_rad), uniform over the resolution cells."""
    n_cells = resolution_cells(params, max_range_m, min_range_m)
    n = int(false_alarm_count(rng, params.pfa, n_cells))
    r = rng.uniform(min_range_m, max_range_m, n)
    a = rng.uniform(0.0, 2 * math.pi, n)
    return r, a
