"""Notional ground clutter and Doppler/MTI filtering: why low, slow helicopters are hard to see.

Clutter reflectivity follows the constant-gamma model sigma0 = gamma * sin(grazing), with
gamma per terrain class (notional values of the order tabulated by Barton). The clutter
patch that competes with a target is the range cell on the ground at the target's range:
area R * theta_az * (c tau / 2) / cos(grazing), pulse limited. Its echo enters through the
two-way antenna pattern toward the ground (main beam when the target is low, sidelobes
when it is high). Doppler processing cancels clutter by the improvement factor I, but also
cancels targets whose radial speed falls in the filter's notch around zero (and around
multiples of the blind speed lambda * PRF / 2 for a pulsed MTI). The detector then sees

    SINR = S / (N + C / I) * H(v_r)

with H the notch's power response to the target. Sub-clutter visibility (the input SCR a
radar can still detect through) is I - required SNR, in dB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.geo.horizon import EARTH_RADIUS_M, K_FACTOR
from iadsim.sensors.radar_equation import SPEED_OF_LIGHT, RadarParameters

if TYPE_CHECKING:
    from iadsim.scenario.catalog import RadarSpec

GAMMA_DB: dict[str, float] = {
    "sea": -40.0,
    "flatland": -20.0,
    "farmland": -15.0,
    "desert": -15.0,
    "rolling-hills": -12.0,
    "wooded-hills": -10.0,
    "urban": -5.0,
    "mountains": -5.0,
}
"""Constant-gamma clutter reflectivity by terrain class, dB (notional, Barton-like)."""


@dataclass(frozen=True)
class ClutterParameters:
    """A radar's clutter rejection: improvement factor, notch width, PRF, sidelobe level."""

    improvement_factor_db: float = 40.0
    notch_half_width_mps: float = 5.0
    prf_hz: float | None = None  # None: no blind speeds (e.g. high-PRF pulse Doppler)
    sidelobe_two_way_db: float = -50.0

    @classmethod
    def from_spec(cls, spec: RadarSpec) -> ClutterParameters:
        """The clutter rejection a catalog radar declares (MTI improvement, notch half-width)."""
        return cls(
            improvement_factor_db=spec.mti_improvement_db,
            notch_half_width_mps=spec.min_radial_speed_mps,
        )

    def __post_init__(self) -> None:
        if not self.improvement_factor_db >= 0:
            raise ValueRangeError(
                f"improvement_factor_db must be >= 0, got {self.improvement_factor_db}"
            )
        if not self.notch_half_width_mps >= 0:
            raise ValueRangeError(
                f"notch_half_width_mps must be >= 0, got {self.notch_half_width_mps}"
            )
        if self.prf_hz is not None and not self.prf_hz > 0:
            raise ValueRangeError(f"prf_hz must be > 0, got {self.prf_hz}")
        if not self.sidelobe_two_way_db <= 0:
            raise ValueRangeError(
                f"sidelobe_two_way_db must be <= 0, got {self.sidelobe_two_way_db}"
            )


@dataclass(frozen=True)
class ClutterResult:
    """Clutter outcome per target: CNR, input SCR, SINR after filtering, notch and loss flags."""

    cnr_db: np.ndarray
    scr_db: np.ndarray
    sinr_db: np.ndarray
    in_notch: np.ndarray
    lost_in_clutter: np.ndarray


def gamma_db(terrain_class: str) -> float:
    """Constant-gamma reflectivity (dB) of a terrain class; unknown classes refused."""
    try:
        return GAMMA_DB[terrain_class]
    except KeyError:
        raise ValueRangeError(
            f"unknown terrain class {terrain_class!r}; known: {', '.join(sorted(GAMMA_DB))}"
        ) from None


def grazing_angle_rad(antenna_height_m, ground_range_m, k: float = K_FACTOR) -> np.ndarray:
    """Grazing angle of the ground at ground_range_m seen from antenna_height_m above it.

    Spherical 4/3 earth: sin(psi) ~ h/R - R/(2kR_e); zero at and beyond the horizon.
    """
    h = np.asarray(antenna_height_m, dtype=float)
    r = np.maximum(np.asarray(ground_range_m, dtype=float), 1.0)
    return np.arcsin(np.clip(h / r - r / (2 * k * EARTH_RADIUS_M), 0.0, 1.0))


def clutter_rcs_m2(params: RadarParameters, range_m, grazing_rad, gamma) -> np.ndarray:
    """RCS of the ground patch in the target's range cell (pulse-limited, constant gamma)."""
    r = np.asarray(range_m, dtype=float)
    psi = np.asarray(grazing_rad, dtype=float)
    g = 10.0 ** (np.asarray(gamma, dtype=float) / 10.0)
    cell = SPEED_OF_LIGHT / (2.0 * params.noise_bandwidth_hz)
    area = r * params.azimuth_beamwidth_rad * cell / np.maximum(np.cos(psi), 1e-3)
    return g * np.sin(psi) * area


def two_way_beam_factor_db(offset_rad, beamwidth_rad: float, sidelobe_db: float) -> np.ndarray:
    """Two-way gain (dB, <= 0) of a Gaussian beam at an angle off boresight, sidelobe floor."""
    x = np.asarray(offset_rad, dtype=float) / beamwidth_rad
    main = (
        -2.0 * 10.0 * np.log10(np.e) * 4.0 * np.log(2.0) * x * x
    )  # -24.08 dB * x^2: -3 dB one-way at x = 1/2
    return np.maximum(main, sidelobe_db)


def notch_response(radial_speed_mps, wavelength_m: float, clutter: ClutterParameters):
    """Power response (0..1) of the Doppler filter to a target's radial speed, and in-notch flag."""
    v = np.abs(np.asarray(radial_speed_mps, dtype=float))
    if clutter.prf_hz is not None:
        vb = wavelength_m * clutter.prf_hz / 2.0
        v = np.abs(v - vb * np.rint(v / vb))
    w = clutter.notch_half_width_mps
    if w == 0:
        return np.ones_like(v), np.zeros(v.shape, bool)
    floor = 10.0 ** (-clutter.improvement_factor_db / 10.0)
    h = np.maximum(1.0 - np.exp(-math.log(2.0) * (v / w) ** 2), floor)
    return h, v < w


def clutter_effect(
    snr_db,
    params: RadarParameters,
    clutter: ClutterParameters,
    range_m,
    grazing_rad,
    target_elevation_rad,
    radial_speed_mps,
    gamma,
    required_snr_db: float | None = None,
) -> ClutterResult:
    """SINR after clutter and Doppler filtering, and whether clutter is why a target is lost.

    ``target_elevation_rad`` is the angle between the target and the clutter patch under it
    seen from the radar (about height above ground / range; 0 for a target on the ground):
    the beam is on the target, the patch is that far below boresight. ``radial_speed_mps``
    None means no Doppler notch (e.g. a target known to be fast). ``lost_in_clutter`` is true where
    the target would pass ``required_snr_db`` without clutter but not with it (or, when
    no requirement is given, where clutter costs more than 3 dB).
    """
    snr = np.asarray(snr_db, dtype=float)
    sigma_c = clutter_rcs_m2(params, range_m, grazing_rad, gamma)
    beam = two_way_beam_factor_db(
        np.asarray(target_elevation_rad, float),
        params.elevation_beamwidth_rad,
        clutter.sidelobe_two_way_db,
    )
    r = np.asarray(range_m, dtype=float)
    with np.errstate(divide="ignore"):
        cnr = params.snr_constant_db() + 10 * np.log10(sigma_c) - 40 * np.log10(r) + beam
    if radial_speed_mps is None:
        h, in_notch = np.float64(1.0), np.zeros(np.shape(snr), bool)
    else:
        h, in_notch = notch_response(radial_speed_mps, params.wavelength_m, clutter)
    residual = 10.0 ** ((cnr - clutter.improvement_factor_db) / 10.0)
    sinr = snr + 10 * np.log10(h) - 10 * np.log10(1.0 + residual)
    if required_snr_db is None:
        lost = snr - sinr > 3.0
    else:
        lost = (snr >= required_snr_db) & (sinr < required_snr_db)
    return ClutterResult(
        cnr_db=cnr, scr_db=snr - cnr, sinr_db=sinr, in_notch=in_notch, lost_in_clutter=lost
    )


def subclutter_visibility_db(clutter: ClutterParameters, required_snr_db: float) -> float:
    """Input signal-to-clutter ratio (dB, as a positive margin) a radar still detects through."""
    return clutter.improvement_factor_db - required_snr_db
