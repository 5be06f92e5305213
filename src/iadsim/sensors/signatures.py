"""Target signatures: aspect-dependent RCS, Swerling case and IR intensity per aircraft type.

Values are notional, of the order found in open literature (e.g. fighters a few m^2
nose-on and tens of m^2 broadside; helicopters 5-30 m^2; cruise missiles ~0.1 m^2). The
aspect angle is 0 when the target points its nose at the sensor, pi/2 broadside and pi
tail-on; RCS is interpolated linearly in dB between the nose, beam and tail values, and
IR intensity linearly in W/sr (hot exhaust seen from the tail).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from iadsim.errors import InputError, ValueRangeError


@dataclass(frozen=True)
class Signature:
    """RCS (dBsm) and IR intensity (W/sr, 3-5 um band) at nose, beam and tail aspects."""

    name: str
    rcs_nose_dbsm: float
    rcs_beam_dbsm: float
    rcs_tail_dbsm: float
    swerling: int
    ir_nose_w_sr: float
    ir_beam_w_sr: float
    ir_tail_w_sr: float
    length_m: float = 15.0  # presented size for visual acquisition

    def __post_init__(self) -> None:
        if self.swerling not in (0, 1, 2, 3, 4):
            raise ValueRangeError(f"{self.name}: swerling must be 0-4, got {self.swerling!r}")
        for f in ("ir_nose_w_sr", "ir_beam_w_sr", "ir_tail_w_sr", "length_m"):
            v = getattr(self, f)
            if not (math.isfinite(v) and v >= 0):
                raise ValueRangeError(f"{self.name}: {f} must be >= 0, got {v!r}")

    def rcs_dbsm(self, aspect_rad) -> np.ndarray:
        """RCS in dBsm at aspect angle(s), radians (0 nose-on, pi/2 beam, pi tail-on)."""
        a = _fold(aspect_rad)
        return np.interp(
            a,
            [0.0, math.pi / 2, math.pi],
            [self.rcs_nose_dbsm, self.rcs_beam_dbsm, self.rcs_tail_dbsm],
        )

    def rcs_m2(self, aspect_rad) -> np.ndarray:
        """Mean RCS in m^2 at aspect angle(s), radians."""
        return 10.0 ** (self.rcs_dbsm(aspect_rad) / 10.0)

    def ir_w_sr(self, aspect_rad) -> np.ndarray:
        """IR radiant intensity (W/sr) at aspect angle(s), radians."""
        a = _fold(aspect_rad)
        return np.interp(
            a,
            [0.0, math.pi / 2, math.pi],
            [self.ir_nose_w_sr, self.ir_beam_w_sr, self.ir_tail_w_sr],
        )


def _fold(aspect_rad) -> np.ndarray:
    """Fold any angle into [0, pi] (signatures are left/right symmetric)."""
    a = np.abs(np.asarray(aspect_rad, dtype=float)) % (2 * math.pi)
    return np.where(a > math.pi, 2 * math.pi - a, a)


def aspect_angle_rad(target_pos, target_velocity, sensor_pos) -> np.ndarray:
    """Angle between the target's velocity and the target-to-sensor line (ENU, (..., 3)).

    0 when flying straight at the sensor, pi when flying straight away. A target with zero
    velocity (hovering) is given the beam aspect pi/2.
    """
    v = np.asarray(target_velocity, dtype=float)
    los = np.asarray(sensor_pos, dtype=float) - np.asarray(target_pos, dtype=float)
    nv = np.linalg.norm(v, axis=-1)
    nl = np.linalg.norm(los, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.sum(v * los, axis=-1) / (nv * nl)
    return np.where((nv > 0) & (nl > 0), np.arccos(np.clip(c, -1.0, 1.0)), math.pi / 2)


SIGNATURES: dict[str, Signature] = {
    s.name: s
    for s in (
        Signature("fighter", 0.0, 10.0, 5.0, 1, 200.0, 800.0, 3000.0, 17.0),
        Signature("stealth-fighter", -25.0, -10.0, -15.0, 1, 100.0, 400.0, 1500.0, 19.0),
        Signature("bomber", 10.0, 25.0, 15.0, 1, 500.0, 2000.0, 8000.0, 45.0),
        Signature("transport-aircraft", 15.0, 30.0, 20.0, 1, 500.0, 2000.0, 6000.0, 35.0),
        Signature("transport-helicopter", 10.0, 15.0, 12.0, 3, 200.0, 600.0, 1000.0, 20.0),
        Signature("attack-helicopter", 5.0, 10.0, 7.0, 3, 100.0, 300.0, 600.0, 17.0),
        Signature("cruise-missile", -10.0, -3.0, -6.0, 1, 20.0, 60.0, 150.0, 6.0),
        Signature("uav-male", -3.0, 5.0, 0.0, 1, 10.0, 30.0, 80.0, 11.0),
    )
}
"""Notional signatures by aircraft type (the scenario catalog may override them)."""


def signature(type_name: str) -> Signature:
    """The notional signature of an aircraft type; unknown types are refused with the list."""
    try:
        return SIGNATURES[type_name]
    except KeyError:
        known = ", ".join(sorted(SIGNATURES))
        raise InputError(
            f"unknown aircraft type {type_name!r} for signatures; known: {known}"
        ) from None
