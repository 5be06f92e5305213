"""Noise jamming in the radar equation: J/N and J/S from geometry, burn-through range, and
jamming of radio links from the same geometry.

A noise jammer radiates an effective radiated power ERP_j = P_j G_j (W) spread over a
bandwidth B_j. A radar whose receiver bandwidth is B_r (<= B_j) lets through the fraction
B_r / B_j of it, received on the radar antenna's gain toward the jammer, G_r(theta): the
mainlobe gain when the jammer lies within half a beamwidth of where the beam points (the
target), else the sidelobe gain G_main + sidelobe_db (sidelobe_db < 0). One-way free space:

    J = ERP_j G_r(theta) lambda^2 / ((4 pi)^2 R_j^2 L_j) * min(1, B_r / B_j)
    N = k T0 F B_r
    S = P_t G_t G_r lambda^2 sigma / ((4 pi)^3 R_t^4 L)

so the radar equation becomes SINR = S / (N + J): in dB, SNR - 10 log10(1 + J/N). Every
jammer in line of sight adds its J. The ratio the literature quotes is

    J/S = ERP_j G_r(theta) 4 pi R_t^4 B_r L / (P_t G_t G_r sigma R_j^2 B_j L_j)

Self-protection jamming (the jammer on the target: R_j = R_t = R, mainlobe) gives
J/S proportional to R^2, so the echo wins inside the burn-through range

    R_bt = sqrt( P_t G_t sigma B_j L_j (S/J)_req / (4 pi ERP_j B_r L) )   (noise ignored)

Escort and stand-off jammers (support jamming) screen every target the radar looks at,
through the sidelobes unless they fly in the beam. Sources: D. C. Schleher, "Electronic
Warfare in the Information Age" (1999), ch. 3; D. Adamy, "EW 101: A First Course in
Electronic Warfare" (2001), ch. 9 (radar jamming, burn-through) and ch. 10 (communications
jamming); M. I. Skolnik, "Introduction to Radar Systems", 3rd ed. (2001), 10.7.
Communications jamming uses the same one-way equation at the link's receiver (J/S of the
jammer against the link's own transmitter); a link is jammed when J/S exceeds the link's
required ratio. All parameters in the catalog are notional.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from iadsim.bands import band_of, check_bands
from iadsim.errors import ValueRangeError
from iadsim.sensors.radar_equation import (
    BOLTZMANN,
    T0_K,
    RadarParameters,
    range_for_snr_m,
    snr_db,
)


@dataclass(frozen=True)
class Jammer:
    """A noise jammer: effective radiated power (dBW), noise bandwidth, the bands it covers
    (`sensors.bands`: VHF, UHF, L, S, C, X, Ku, ...), mode, and optionally its ERP per band
    where it differs (`erp_by_band`: a low-band pod is not a mid-band one).

    mode "self_protection" screens only the aircraft carrying it; "support" (escort or
    stand-off) screens every target of every radar that has the jammer in line of sight.
    A radar or a radio link is jammed only in a band the jammer covers.
    """

    erp_dbw: float
    bandwidth_hz: float
    bands: tuple[str, ...]
    mode: str = "support"
    losses_db: float = 0.0
    erp_by_band: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        if not (math.isfinite(self.erp_dbw) and self.bandwidth_hz > 0):
            raise ValueRangeError("Jammer needs a finite erp_dbw and bandwidth_hz > 0")
        object.__setattr__(self, "bands", check_bands(self.bands))
        extra = dict(self.erp_by_band)
        if not set(extra) <= set(self.bands):
            raise ValueRangeError(f"Jammer erp_by_band names bands it does not cover: {extra}")
        if not all(math.isfinite(v) for v in extra.values()):
            raise ValueRangeError("Jammer erp_by_band needs finite values")
        if self.mode not in ("self_protection", "support"):
            raise ValueRangeError(f"Jammer mode must be self_protection or support: {self.mode}")
        if self.losses_db < 0:
            raise ValueRangeError("Jammer losses_db must be >= 0")

    def covers(self, frequency_hz: float) -> bool:
        """True when the radar's (or link's) frequency lies in a band the jammer covers."""
        return band_of(frequency_hz) in self.bands

    def erp_at(self, frequency_hz: float) -> float:
        """ERP (dBW) in the band of a frequency: that band's own, else `erp_dbw`."""
        return dict(self.erp_by_band).get(band_of(frequency_hz), self.erp_dbw)


def receive_gain_db(gain_db: float, sidelobe_db: float, off_axis_rad, beamwidth_rad: float):
    """Radar receive gain toward a jammer off_axis_rad from the beam: mainlobe inside half a
    beamwidth, else the (average) sidelobe level gain_db + sidelobe_db."""
    off = np.abs(np.asarray(off_axis_rad, float))
    return np.where(off <= 0.5 * beamwidth_rad, gain_db, gain_db + sidelobe_db)


def jam_to_noise_db(
    radar: RadarParameters,
    jammer: Jammer,
    jammer_range_m,
    rx_gain_db,
) -> np.ndarray:
    """J/N (dB) at the radar's detector from one jammer at jammer_range_m, received on
    rx_gain_db (see receive_gain_db); -inf where the jammer's band misses the radar."""
    if not jammer.covers(radar.frequency_hz):
        return np.full(np.shape(jammer_range_m), -np.inf)
    r = np.maximum(np.asarray(jammer_range_m, float), 1.0)
    lam = radar.wavelength_m
    b_r = radar.noise_bandwidth_hz
    frac_db = 10 * math.log10(min(1.0, b_r / jammer.bandwidth_hz))
    j_dbw = (
        jammer.erp_at(radar.frequency_hz)
        + np.asarray(rx_gain_db, float)
        + 20 * math.log10(lam)
        - 20 * math.log10(4 * math.pi)
        - 20 * np.log10(r)
        - jammer.losses_db
        + frac_db
    )
    n_dbw = 10 * math.log10(BOLTZMANN * T0_K * b_r) + radar.noise_figure_db
    return j_dbw - n_dbw


def sinr_db(snr_db, jn_db_list) -> np.ndarray:
    """Signal to noise-plus-jamming ratio (dB): SNR - 10 log10(1 + sum_j J_j/N)."""
    total = np.zeros(np.shape(snr_db))
    for jn in jn_db_list:
        total = total + 10.0 ** (np.asarray(jn, float) / 10.0)
    return np.asarray(snr_db, float) - 10.0 * np.log10(1.0 + total)


def jam_to_signal_db(
    radar: RadarParameters, jammer: Jammer, target_range_m, jammer_range_m, rcs_m2, rx_gain_db
) -> np.ndarray:
    """J/S (dB) at the radar: the jammer's J over the target's echo S (both single pulse)."""

    jn = jam_to_noise_db(radar, jammer, jammer_range_m, rx_gain_db)
    return jn - snr_db(radar, target_range_m, rcs_m2)


def burn_through_range_m(
    radar: RadarParameters, jammer: Jammer, rcs_m2: float, required_sinr_db: float
) -> float:
    """Self-protection burn-through: the largest range at which SINR >= required_sinr_db with
    the jammer on the target (mainlobe, R_j = R_t), thermal noise included (bisection on the
    monotone SINR(R)); 0 if never, the free-space detection range if the jammer misses."""

    r_free = float(range_for_snr_m(radar, required_sinr_db, rcs_m2))
    if not jammer.covers(radar.frequency_hz):
        return r_free

    def margin(r: float) -> float:
        s = snr_db(radar, r, rcs_m2)
        jn = jam_to_noise_db(radar, jammer, r, radar.gain_dbi)
        return float(sinr_db(s, [jn])) - required_sinr_db

    lo, hi = 1.0, r_free
    if margin(lo) < 0:
        return 0.0
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if margin(mid) >= 0:
            lo = mid
        else:
            hi = mid
        if hi / lo < 1 + 1e-12:
            break
    return lo


# --- communications jamming --------------------------------------------------------------
@dataclass(frozen=True)
class RadioLink:
    """A radio link's transmitter ERP (dBW), frequency, bandwidth and the J/S above which
    its receiver loses the messages (notional; digital links fail near 0 dB)."""

    erp_dbw: float
    frequency_hz: float
    bandwidth_hz: float
    required_js_db: float = 0.0


def link_jam_to_signal_db(link: RadioLink, jammer: Jammer, link_length_m, jammer_range_m):
    """J/S (dB) at a link's receiver: one-way free space for both, so
    J/S = ERP_j - ERP_t + 20 log10(d_link / R_j) + 10 log10(min(1, B_link / B_j)) - L_j
    (Adamy 2001, ch. 10, with equal receive gains toward both; ERP_j in the link's band);
    -inf off band."""
    if not jammer.covers(link.frequency_hz):
        return np.full(np.shape(jammer_range_m), -np.inf)
    d = np.maximum(np.asarray(link_length_m, float), 1.0)
    r = np.maximum(np.asarray(jammer_range_m, float), 1.0)
    frac_db = 10 * math.log10(min(1.0, link.bandwidth_hz / jammer.bandwidth_hz))
    erp_j = jammer.erp_at(link.frequency_hz)
    return erp_j - link.erp_dbw + 20 * np.log10(d / r) + frac_db - jammer.losses_db


def jammed_intervals(times_s: np.ndarray, jammed: np.ndarray) -> list[tuple[float, float]]:
    """[start, end) intervals over a time grid where `jammed` holds (each sample holds until
    the next sample time)."""
    t = np.asarray(times_s, float)
    j = np.asarray(jammed, bool)
    out: list[tuple[float, float]] = []
    if t.size == 0:
        return out
    edges = np.diff(j.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    for s, e in zip(starts, ends, strict=True):
        end = float(t[e]) if e < t.size else float("inf")
        out.append((float(t[s]), end))
    return out


def beamwidth_from_gain_rad(gain_db: float) -> float:
    """Pencil-beam width from the antenna gain, theta ~ sqrt(4 pi / G) (radians)."""
    return math.sqrt(4.0 * math.pi / 10.0 ** (gain_db / 10.0))


def off_axis_rad(sensor, targets, jammer) -> np.ndarray:
    """Angle at the sensor between the direction of each target (..., 3) and of the jammer
    (broadcast against targets), radians."""
    a = np.asarray(targets, float) - np.asarray(sensor, float)
    b = np.broadcast_to(np.asarray(jammer, float) - np.asarray(sensor, float), a.shape)
    na = np.maximum(np.linalg.norm(a, axis=-1), 1e-9)
    nb = np.maximum(np.linalg.norm(b, axis=-1), 1e-9)
    cos = np.einsum("...i,...i->...", a, b) / (na * nb)
    return np.arccos(np.clip(cos, -1.0, 1.0))


def support_jn_db(
    radar: RadarParameters,
    jammer: Jammer,
    sensor,
    targets,
    jammer_pos,
    in_sight,
    sidelobe_db: float,
    beamwidth_rad: float,
) -> np.ndarray:
    """J/N (dB) at a radar looking at each target (A, K, 3) from one support jammer at
    jammer_pos (K, 3), where the jammer is in line of sight (`in_sight` (K,)); -inf elsewhere."""
    jp = np.asarray(jammer_pos, float)
    gain = receive_gain_db(
        radar.gain_dbi, sidelobe_db, off_axis_rad(sensor, targets, jp[None]), beamwidth_rad
    )
    r_j = np.linalg.norm(jp - np.asarray(sensor, float), axis=-1)
    jn = jam_to_noise_db(radar, jammer, r_j[None, :], gain)
    return np.where(np.asarray(in_sight, bool)[None, :], jn, -np.inf)
