"""Kill-chain stages and the closed set of reasons a chain stops (see docs/architecture.md).

Every (aircraft, unit) pair in the ledger reports the furthest stage reached and, if the
chain stopped short of a kill, every reason that blocked it at the gate where it stopped
(`BLOCKING`: a set, each with its failing element); the single headline `reason` is the first
of them in the stated order (`GATE_ORDER`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np


class Stage(IntEnum):
    """Kill-chain stages in order; a larger value is further along the chain."""

    NONE = 0
    IN_ENVELOPE = 1
    LINE_OF_SIGHT = 2
    DETECTED = 3
    TRACKED = 4
    REPORTED = 5
    ASSIGNED = 6
    FIRE_CONTROL = 7
    LAUNCHED = 8
    INTERCEPTED = 9
    KILLED = 10

    @property
    def label(self) -> str:
        return self.name.lower()


class Reason(StrEnum):
    """Why a kill chain stopped. Closed: add a member here (and to docs) rather than free text."""

    NONE = "NONE"  # the chain reached a kill
    OUT_OF_RANGE = "OUT_OF_RANGE"  # never inside the weapon's range envelope
    OUTSIDE_ALTITUDE = "OUTSIDE_ALTITUDE"  # inside range but above/below the altitude limits
    BELOW_HORIZON = "BELOW_HORIZON"  # hidden by the 4/3-earth curvature
    TERRAIN_MASKED = "TERRAIN_MASKED"  # hidden by terrain along the line of sight
    CLUTTER = "CLUTTER"  # lost in ground clutter or the MTI notch
    NOT_DETECTED = "NOT_DETECTED"  # visible but too weak (SNR) or unlucky draws
    NOT_TRACKED = "NOT_TRACKED"  # detections never formed a firm track
    RADAR_OFF = "RADAR_OFF"  # emission control: radar silent
    RADAR_NOT_OPERATIONAL = "RADAR_NOT_OPERATIONAL"  # radar failed / not mission capable
    NO_SENSOR = "NO_SENSOR"  # the unit has no sensor able to see this target
    IN_STORAGE = "IN_STORAGE"  # a needed component is in storage
    NOT_MISSION_CAPABLE = "NOT_MISSION_CAPABLE"  # a needed non-radar component is broken
    LINK_DOWN = "LINK_DOWN"  # no path of working links between the components
    NODE_DESTROYED = "NODE_DESTROYED"  # a needed node was destroyed by a strike
    JAMMED = "JAMMED"  # a link or sensor was jammed
    NOT_ASSIGNED = "NOT_ASSIGNED"  # C2 gave the target to someone else / to no one
    NO_LAUNCHER = "NO_LAUNCHER"  # no launcher operational and connected
    NO_FIRE_CONTROL_RADAR = "NO_FIRE_CONTROL_RADAR"  # no engagement-radar track to guide on
    NO_LOCK = "NO_LOCK"  # an infrared seeker (MANPADS) did not lock on
    CREW_SUPPRESSED = "CREW_SUPPRESSED"  # crew deterred by return fire
    CREW_NOT_READY = "CREW_NOT_READY"  # crew too slow / error / not at post
    NO_MISSILES = "NO_MISSILES"  # magazine empty
    UNIT_DESTROYED = "UNIT_DESTROYED"  # the unit itself was destroyed
    MISSED = "MISSED"  # missile launched, target survived
    TARGET_LOST = "TARGET_LOST"  # target left the envelope / track before intercept
    TARGET_ALREADY_DOWN = "TARGET_ALREADY_DOWN"  # another unit killed it first
    # causes of a broken connection, as modelled mechanisms (docs/network.md)
    NO_POWER = "NO_POWER"  # the component's power sources (generators, grid) are all down
    NOT_DEPLOYED = "NOT_DEPLOYED"  # unit in garrison, on the march, or still setting up
    NOT_INTEGRATED = "NOT_INTEGRATED"  # the sensor's output is not usable by that command post
    DATALINK_FAILED = "DATALINK_FAILED"  # a radio set, cable terminal or data unit failed
    # attacks on the picture and the power (engine/cyber.py), not noise jamming (JAMMED)
    PICTURE_DENIED = "PICTURE_DENIED"  # a cyber attack blanked or froze the picture, or a node
    GRID_DOWN = "GRID_DOWN"  # the grid was cut and no working generator had taken the load
    WEAPONS_HOLD = "WEAPONS_HOLD"  # release authority: the unit was on weapons hold
    # hits that do not kill (engine/guns.py): its own outcome, neither a kill nor a miss
    DAMAGED = "DAMAGED"  # hit: the aircraft flew on damaged or aborted its mission


REASONS: tuple[Reason, ...] = tuple(Reason)
"""Reasons in a fixed order, so arrays can hold them as small integer codes."""
REASON_CODE: dict[Reason, int] = {r: i for i, r in enumerate(REASONS)}
"""Integer code of each reason (0 is Reason.NONE)."""

# The codes the engine's (aircraft x time) arrays are filled with and compared against, as
# plain ints, defined here once for every engine module.
CODE_OUT_OF_RANGE = REASON_CODE[Reason.OUT_OF_RANGE]
CODE_OUTSIDE_ALTITUDE = REASON_CODE[Reason.OUTSIDE_ALTITUDE]
CODE_BELOW_HORIZON = REASON_CODE[Reason.BELOW_HORIZON]
CODE_TERRAIN_MASKED = REASON_CODE[Reason.TERRAIN_MASKED]
CODE_CLUTTER = REASON_CODE[Reason.CLUTTER]
CODE_JAMMED = REASON_CODE[Reason.JAMMED]
CODE_NOT_DETECTED = REASON_CODE[Reason.NOT_DETECTED]
CODE_NOT_TRACKED = REASON_CODE[Reason.NOT_TRACKED]
CODE_RADAR_OFF = REASON_CODE[Reason.RADAR_OFF]
CODE_NO_SENSOR = REASON_CODE[Reason.NO_SENSOR]
CODE_NO_LAUNCHER = REASON_CODE[Reason.NO_LAUNCHER]
CODE_NO_FIRE_CONTROL_RADAR = REASON_CODE[Reason.NO_FIRE_CONTROL_RADAR]
CODE_NO_LOCK = REASON_CODE[Reason.NO_LOCK]
CODE_PICTURE_DENIED = REASON_CODE[Reason.PICTURE_DENIED]


class Step(StrEnum):
    """One step of a weapon unit's kill chain after the envelope, by what must work for the
    chain to pass it (docs/architecture.md, "The gate order")."""

    SENSOR = "sensor"  # a feeding sensor: line of sight, its state, emission, detection, track
    SENSOR_TO_POST = "sensor->post"  # the sensor's track reports reach the command post
    POST = "post"  # the command post itself works
    INTEGRATION = "integration"  # the post can use that sensor's tracks (interfaces)
    POST_TO_LAUNCHER = "post->launcher"  # a launcher hears the post's designations
    LAUNCHER = "launcher"  # the launcher itself works
    FIRE_CONTROL = "fire_control"  # a fire-control radar (or IR seeker) holds the target
    FIRE_CONTROL_TO_LAUNCHER = "fire_control->launcher"  # its data reach the launcher


@dataclass(frozen=True)
class GateStep:
    """A step, the stage a chain reaches once every step of its gate passes (`gate`), and
    the stage from which a chain has passed this step (`passed_at`): a chain stopped below
    `passed_at` may have been stopped here."""

    step: Step
    gate: Stage
    passed_at: Stage


GATE_ORDER: tuple[GateStep, ...] = (
    GateStep(Step.SENSOR, Stage.REPORTED, Stage.TRACKED),
    GateStep(Step.SENSOR_TO_POST, Stage.REPORTED, Stage.REPORTED),
    GateStep(Step.POST, Stage.REPORTED, Stage.REPORTED),
    GateStep(Step.INTEGRATION, Stage.REPORTED, Stage.REPORTED),
    GateStep(Step.POST_TO_LAUNCHER, Stage.ASSIGNED, Stage.ASSIGNED),
    GateStep(Step.LAUNCHER, Stage.ASSIGNED, Stage.ASSIGNED),
    # a semi-active missile needs its fire-control radar and link until the intercept
    GateStep(Step.FIRE_CONTROL, Stage.FIRE_CONTROL, Stage.KILLED),
    GateStep(Step.FIRE_CONTROL_TO_LAUNCHER, Stage.FIRE_CONTROL, Stage.KILLED),
)
"""The stated order of the chain's steps, defined here once: the gates (engine.gates) give
as a chain's headline reason the first step that blocks it, in this order, and the failing
element (engine.culprits) is searched for in this order. Within the sensor step the stages'
order holds (line of sight, then the sensor's own state, then detection, then track); of
several sensors the one that got furthest speaks (the first listed on ties); of several
launchers or fire-control radars the first listed speaks."""

STEP_RANK: dict[Step, int] = {g.step: i for i, g in enumerate(GATE_ORDER)}


def first_blocking(codes: Mapping[Step, np.ndarray | int]) -> np.ndarray:
    """Per element, the first non-zero reason code among `codes` (a step -> codes of the
    same shape, 0 where that step passes) taken in `GATE_ORDER`; 0 where every step passes."""
    ordered = sorted(codes.items(), key=lambda kv: STEP_RANK[kv[0]], reverse=True)
    out = np.asarray(ordered[0][1], np.int8)
    for _, code in ordered[1:]:
        out = np.where(np.asarray(code) != 0, code, out)
    return np.asarray(out, np.int8)


# Every reason that blocks a chain is kept as one bit of an int64 mask (bit = reason code).
if len(REASONS) >= 63:
    raise RuntimeError("reason codes must fit an int64 bit mask")
BIT: np.ndarray = np.array([0] + [1 << i for i in range(1, len(REASONS))], np.int64)
"""BIT[code]: the mask bit of a reason code (0 for Reason.NONE: nothing blocks)."""


def bits(codes: np.ndarray | int) -> np.ndarray:
    """The mask bits of an array of reason codes (0 where the code is 0)."""
    return BIT.take(codes)


def reasons_of(mask: int, headline: Reason | None = None) -> tuple[Reason, ...]:
    """The reasons in a blocking mask: the headline first, then the others in code order."""
    out = [r for i, r in enumerate(REASONS) if i and mask >> i & 1]
    if headline is not None and headline in out:
        out.remove(headline)
        out.insert(0, headline)
    return tuple(out)


def mask_of(reasons: Iterable[Reason]) -> int:
    """The blocking mask of some reasons."""
    m = 0
    for r in reasons:
        m |= int(BIT[REASON_CODE[r]])
    return m
