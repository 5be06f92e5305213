"""The monostatic radar range equation: SNR from catalog parameters vs range and RCS.

    SNR = Pt G_t G_r lambda^2 sigma n_c / ((4 pi)^3 R^4 k T0 B F L)

with B the receiver noise bandwidth (1/pulse width for a matched filter when only the
pulse width is known) and n_c the number of pulses integrated coherently (1 when the
radar integrates non-coherently: then ``n_pulses`` goes to the detector instead, see
``RadarParameters.noncoherent_pulses``). Inputs are SI except the dB fields named so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from iadsim.errors import ValueRangeError

if TYPE_CHECKING:
    from iadsim.scenario.catalog import RadarSpec

BOLTZMANN = 1.380649e-23
"""Boltzmann constant, J/K (exact, SI 2019)."""
T0_K = 290.0
"""Standard noise reference temperature, K (IEEE)."""
SPEED_OF_LIGHT = 299_792_458.0
"""m/s (exact)."""


@dataclass(frozen=True)
class RadarParameters:
    """Catalog-like description of one radar; validated on construction (SI, dB where named)."""

    peak_power_w: float
    gain_dbi: float
    frequency_hz: float
    pulse_width_s: float | None = None
    bandwidth_hz: float | None = None
    noise_figure_db: float = 3.0
    losses_db: float = 0.0
    n_pulses: int = 1
    coherent: bool = False
    pfa: float = 1e-6
    rx_gain_dbi: float | None = None
    scan_period_s: float = 10.0
    azimuth_beamwidth_rad: float = math.radians(1.5)
    elevation_beamwidth_rad: float = math.radians(3.0)

    def __post_init__(self) -> None:
        def positive(name: str, value) -> None:
            if value is None or not math.isfinite(value) or value <= 0:
                raise ValueRangeError(f"RadarParameters.{name} must be > 0, got {value!r}")

        positive("peak_power_w", self.peak_power_w)
        positive("frequency_hz", self.frequency_hz)
        positive("scan_period_s", self.scan_period_s)
        positive("azimuth_beamwidth_rad", self.azimuth_beamwidth_rad)
        positive("elevation_beamwidth_rad", self.elevation_beamwidth_rad)
        if self.pulse_width_s is None and self.bandwidth_hz is None:
            raise ValueRangeError("RadarParameters needs pulse_width_s or bandwidth_hz")
        if self.pulse_width_s is not None:
            positive("pulse_width_s", self.pulse_width_s)
        if self.bandwidth_hz is not None:
            positive("bandwidth_hz", self.bandwidth_hz)
        for name in ("gain_dbi", "noise_figure_db", "losses_db"):
            if not math.isfinite(getattr(self, name)):
                raise ValueRangeError(f"RadarParameters.{name} must be finite")
        if self.noise_figure_db < 0:
            raise ValueRangeError(
                f"RadarParameters.noise_figure_db must be >= 0 dB, got {self.noise_figure_db}"
            )
        if self.losses_db < 0:
            raise ValueRangeError(
                f"RadarParameters.losses_db must be >= 0 dB (a loss), got {self.losses_db}"
            )
        if isinstance(self.n_pulses, bool) or int(self.n_pulses) != self.n_pulses:
            raise ValueRangeError(
                f"RadarParameters.n_pulses must be an integer, got {self.n_pulses!r}"
            )
        if self.n_pulses < 1:
            raise ValueRangeError(f"RadarParameters.n_pulses must be >= 1, got {self.n_pulses}")
        if not 0.0 < self.pfa < 1.0:
            raise ValueRangeError(f"RadarParameters.pfa must lie in (0, 1), got {self.pfa}")

    @classmethod
    def from_spec(cls, spec: RadarSpec) -> RadarParameters:
        """The radar-equation view of a validated catalog radar: `scenario.catalog.RadarSpec`
        is where the parameters are declared; the fields both share are taken by name (the
        rest keep their defaults: non-coherent integration, matched-filter bandwidth)."""
        shared = {f.name for f in fields(cls)} & set(type(spec).model_fields)
        return cls(**{name: getattr(spec, name) for name in sorted(shared)})

    @property
    def wavelength_m(self) -> float:
        """Carrier wavelength, m."""
        return SPEED_OF_LIGHT / self.frequency_hz

    @property
    def noise_bandwidth_hz(self) -> float:
        """Receiver noise bandwidth: the stated bandwidth, else 1/pulse width (matched filter)."""
        return self.bandwidth_hz if self.bandwidth_hz is not None else 1.0 / self.pulse_width_s

    @property
    def noncoherent_pulses(self) -> int:
        """Pulses the detector integrates non-coherently (1 when integration is coherent)."""
        return 1 if self.coherent else int(self.n_pulses)

    @property
    def range_resolution_m(self) -> float:
        """Range cell size c/(2B), m."""
        return SPEED_OF_LIGHT / (2.0 * self.noise_bandwidth_hz)

    def snr_constant_db(self) -> float:
        """SNR (dB) for a 1 m^2 target at 1 m: everything in the equation but sigma and R^-4."""
        rx_gain = self.gain_dbi if self.rx_gain_dbi is None else self.rx_gain_dbi
        n_coh = self.n_pulses if self.coherent else 1
        return (
            10.0 * math.log10(self.peak_power_w)
            + self.gain_dbi
            + rx_gain
            + 20.0 * math.log10(self.wavelength_m)
            + 10.0 * math.log10(n_coh)
            - 30.0 * math.log10(4.0 * math.pi)
            - 10.0 * math.log10(BOLTZMANN * T0_K * self.noise_bandwidth_hz)
            - self.noise_figure_db
            - self.losses_db
        )


def snr_db(params: RadarParameters, range_m, rcs_m2) -> np.ndarray:
    """SNR (dB) of a target of RCS rcs_m2 at slant range range_m; arrays broadcast.

    Coherent radars get the n-pulse integrated SNR; non-coherent ones the single-pulse SNR
    (feed it to detection_probability with n_pulses=params.noncoherent_pulses).
    """
    r = np.asarray(range_m, dtype=float)
    s = np.asarray(rcs_m2, dtype=float)
    if np.any(r <= 0) or np.any(~np.isfinite(r)):
        raise ValueRangeError("range_m must be finite and > 0")
    if np.any(s < 0) or np.any(np.isnan(s)):
        raise ValueRangeError("rcs_m2 must be >= 0 (m^2, linear; use 10**(dBsm/10))")
    with np.errstate(divide="ignore"):
        return params.snr_constant_db() + 10.0 * np.log10(s) - 40.0 * np.log10(r)


def range_for_snr_m(params: RadarParameters, snr_required_db, rcs_m2) -> np.ndarray:
    """Slant range (m) at which a target of rcs_m2 gives exactly snr_required_db (free space)."""
    s = np.asarray(rcs_m2, dtype=float)
    if np.any(s <= 0):
        raise ValueRangeError("rcs_m2 must be > 0")
    return 10.0 ** ((params.snr_constant_db() + 10.0 * np.log10(s) - snr_required_db) / 40.0)
