"""Anti-radiation missiles (ARM): a shot at an emitting radar, its time of flight and outcome.

An aircraft carrying ARMs fires at a radar when (1) the radar radiates (its radar-warning
receiver hears it), (2) the radar is within the missile's launch range, and (3) there is a
line of sight from the aircraft to the radar's antenna (the one line of sight of
`iadsim.geo.line_of_sight`: a terrain-masked radar is neither heard nor hit). The missile
flies to the (fixed) radar with the time of flight of its boost-coast flyout
(`iadsim.engagement.flyout`); at impact it kills the radar with `p_kill` if the radar
radiated all the way, else with `p_kill_after_shutdown` (the seeker lost its source: an
early HARM-class ARM flies on to the last bearing and usually misses; notional, after
Lambeth, "NATO's Air War for Kosovo", RAND MR-1365 (2001), ch. 4, which reports most of
743 HARMs fired failed to destroy radars that shut down).

Pure: the engine supplies positions, visibility and the radar's emission timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engagement.flyout import Flyout
from iadsim.errors import ValueRangeError


@dataclass(frozen=True)
class ArmType:
    """An ARM as carried by one aircraft type (SI units, notional)."""

    flyout: Flyout
    launch_range_m: float
    p_kill: float
    p_kill_after_shutdown: float
    rounds: int
    reaction_time_s: float = 5.0  # from hearing the radar to launch

    def __post_init__(self) -> None:
        if not self.launch_range_m > 0 or self.rounds < 0 or self.reaction_time_s < 0:
            raise ValueRangeError("ARM launch_range_m > 0, rounds >= 0, reaction_time_s >= 0")
        for f in ("p_kill", "p_kill_after_shutdown"):
            if not 0.0 <= getattr(self, f) <= 1.0:
                raise ValueRangeError(f"ARM {f} must lie in [0, 1]")
        if self.launch_range_m > self.flyout.max_range_m:
            raise ValueRangeError(
                f"ARM launch_range_m {self.launch_range_m:.0f} exceeds the flyout's kinematic"
                f" range {self.flyout.max_range_m:.0f}"
            )

    def time_of_flight_s(self, slant_range_m: float) -> float:
        """Time of flight to a radar at a slant range (NaN beyond the kinematic range)."""
        return float(self.flyout.time_of_flight(slant_range_m))


@dataclass(frozen=True)
class ArmShot:
    """One ARM fired: who, at what, when it was launched and when it lands."""

    shooter_id: str
    radar_id: str
    launch_s: float
    impact_s: float
    slant_range_m: float


def first_shot_time(
    times_s: np.ndarray,
    slant_range_m: np.ndarray,
    in_sight: np.ndarray,
    radiating: np.ndarray,
    shooter_up: np.ndarray,
    arm: ArmType,
) -> int | None:
    """Index of the first time on a grid when an aircraft hears a radar and may fire: the
    radar radiates, is in line of sight and inside launch range, the aircraft flies."""
    ok = (
        np.asarray(in_sight, bool)
        & np.asarray(radiating, bool)
        & np.asarray(shooter_up, bool)
        & (np.asarray(slant_range_m, float) <= arm.launch_range_m)
    )
    idx = np.flatnonzero(ok)
    return int(idx[0]) if idx.size else None


def shot_outcome_p(arm: ArmType, radiated_to_impact: bool) -> float:
    """Kill probability of one ARM at impact: p_kill if the radar kept radiating, else
    p_kill_after_shutdown."""
    return arm.p_kill if radiated_to_impact else arm.p_kill_after_shutdown
