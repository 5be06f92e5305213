"""The first, simple detection model the engine uses until the full sensor models land.

Radar range equation for the single-pulse SNR, non-coherent integration of n pulses with a
notional efficiency (n^0.8), and the closed-form Swerling 1 detection probability
Pd = Pfa^(1/(1+SNR)). Aspect-dependent RCS by linear interpolation of a nose/beam/tail table.
"""

from __future__ import annotations

import numpy as np

from iadsim.scenario.catalog import RadarSpec, RcsTable

BOLTZMANN = 1.380649e-23
T0_K = 290.0
C_MPS = 299_792_458.0


def snr_db(radar: RadarSpec, range_m: np.ndarray, rcs_m2: np.ndarray) -> np.ndarray:
    """Integrated SNR (dB) of a target of RCS rcs_m2 at range_m for the radar."""
    wavelength = C_MPS / radar.frequency_hz
    g = 10 ** (radar.gain_db / 10)
    losses = 10 ** ((radar.noise_figure_db + radar.losses_db) / 10)
    r = np.maximum(np.asarray(range_m, float), 1.0)
    single = (
        radar.peak_power_w * radar.pulse_width_s * g * g * wavelength**2 * np.asarray(rcs_m2)
    ) / ((4 * np.pi) ** 3 * r**4 * BOLTZMANN * T0_K * losses)
    integrated = single * radar.n_pulses**0.8
    return 10 * np.log10(np.maximum(integrated, 1e-30))


def pd_swerling1(snr_db_: np.ndarray, pfa: float) -> np.ndarray:
    """Swerling 1 detection probability for one (integrated) look: Pfa^(1/(1+SNR))."""
    snr = 10 ** (np.asarray(snr_db_, float) / 10)
    return np.power(pfa, 1.0 / (1.0 + snr))


def rcs_m2(table: RcsTable, aspect_rad: np.ndarray) -> np.ndarray:
    """RCS by aspect angle (0 = nose-on, pi/2 = beam, pi = tail), interpolated in dB."""
    deg = np.degrees(np.asarray(aspect_rad, float))
    db = np.interp(deg, [0.0, 90.0, 180.0], [table.nose, table.beam, table.tail])
    return 10 ** (db / 10)
