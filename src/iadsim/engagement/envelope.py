"""Weapon engagement envelopes: may this weapon engage a target at this range, height, speed?

An envelope is the notional, published-style box of a surface-to-air missile: minimum and
maximum slant range, minimum and maximum target height above the launcher, and optionally
a maximum target speed and a maximum crossing offset (the horizontal distance at which the
target's straight track passes the launcher). Everything is vectorized: arrays broadcast.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason


class EnvelopeCode(IntEnum):
    """Why a target is outside an envelope (0 = inside); the first failed test wins."""

    INSIDE = 0
    TOO_CLOSE = 1  # below the minimum slant range
    TOO_FAR = 2  # beyond the maximum slant range
    TOO_LOW = 3  # below the minimum height
    TOO_HIGH = 4  # above the maximum height
    TOO_FAST = 5  # target faster than the weapon can engage
    OFFSET = 6  # crossing offset (closest-approach distance) too large

    @property
    def reason(self) -> Reason:
        """The kill-chain reason this code maps to (range-like codes -> OUT_OF_RANGE)."""
        return _REASON_OF[int(self)]


_REASON_OF = (
    Reason.NONE,
    Reason.OUT_OF_RANGE,
    Reason.OUT_OF_RANGE,
    Reason.OUTSIDE_ALTITUDE,
    Reason.OUTSIDE_ALTITUDE,
    Reason.OUT_OF_RANGE,
    Reason.OUT_OF_RANGE,
)


def code_reasons(codes) -> np.ndarray:
    """Map an array of EnvelopeCode values to an object array of kill-chain Reasons."""
    table = np.array(_REASON_OF, dtype=object)
    return table[np.asarray(codes, dtype=np.int64)]


@dataclass(frozen=True)
class Envelope:
    """Engagement envelope of one missile type (SI: metres, metres per second)."""

    min_range_m: float
    max_range_m: float
    min_altitude_m: float
    max_altitude_m: float
    max_target_speed_mps: float | None = None
    max_offset_m: float | None = None

    def __post_init__(self) -> None:
        if not (0.0 <= self.min_range_m < self.max_range_m):
            raise ValueRangeError(
                f"envelope needs 0 <= min_range_m < max_range_m, got "
                f"{self.min_range_m} and {self.max_range_m}"
            )
        if not (self.min_altitude_m < self.max_altitude_m):
            raise ValueRangeError(
                f"envelope needs min_altitude_m < max_altitude_m, got "
                f"{self.min_altitude_m} and {self.max_altitude_m}"
            )
        if self.max_target_speed_mps is not None and self.max_target_speed_mps <= 0:
            raise ValueRangeError(
                f"max_target_speed_mps must be > 0, got {self.max_target_speed_mps}"
            )
        if self.max_offset_m is not None and self.max_offset_m <= 0:
            raise ValueRangeError(f"max_offset_m must be > 0, got {self.max_offset_m}")

    def contains(
        self,
        range_m,
        altitude_m,
        speed_mps=None,
        offset_m=None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(inside, code): bool array and int8 EnvelopeCode array, broadcast over the inputs.

        `range_m` is slant range launcher->target, `altitude_m` target height above the
        launcher; `speed_mps` and `offset_m` are only tested when given and the envelope
        has the matching limit. Test order: range, altitude, speed, offset.
        """
        r = np.asarray(range_m, float)
        h = np.asarray(altitude_m, float)
        arrays = [r, h]
        if speed_mps is not None:
            arrays.append(np.asarray(speed_mps, float))
        if offset_m is not None:
            arrays.append(np.asarray(offset_m, float))
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        code = np.zeros(shape, dtype=np.int8)

        def mark(cond: np.ndarray, value: EnvelopeCode) -> None:
            np.copyto(code, np.int8(value), where=(code == 0) & np.broadcast_to(cond, shape))

        mark(r < self.min_range_m, EnvelopeCode.TOO_CLOSE)
        mark(r > self.max_range_m, EnvelopeCode.TOO_FAR)
        mark(h < self.min_altitude_m, EnvelopeCode.TOO_LOW)
        mark(h > self.max_altitude_m, EnvelopeCode.TOO_HIGH)
        if speed_mps is not None and self.max_target_speed_mps is not None:
            mark(np.asarray(speed_mps, float) > self.max_target_speed_mps, EnvelopeCode.TOO_FAST)
        if offset_m is not None and self.max_offset_m is not None:
            mark(np.abs(np.asarray(offset_m, float)) > self.max_offset_m, EnvelopeCode.OFFSET)
        return code == 0, code


def crossing_offset_m(rel_position_m, velocity_mps) -> np.ndarray:
    """Horizontal closest-approach distance of a straight track to the launcher (shape (..., 3)).

    `rel_position_m` is target minus launcher in ENU; a hovering target (no horizontal
    velocity) has an offset equal to its horizontal distance.
    """
    p = np.asarray(rel_position_m, float)[..., :2]
    v = np.asarray(velocity_mps, float)[..., :2]
    vn = np.hypot(v[..., 0], v[..., 1])
    cross = np.abs(p[..., 0] * v[..., 1] - p[..., 1] * v[..., 0])
    dist = np.hypot(p[..., 0], p[..., 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        off = np.where(vn > 0, cross / np.where(vn > 0, vn, 1.0), dist)
    return off
