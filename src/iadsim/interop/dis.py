"""DIS 7 (IEEE 1278.1-2012) PDUs encoded with `struct`: Entity State, Fire, Detonation and
Electromagnetic Emission, big-endian as the standard requires (5.2.2).

Only what iadsim sends is written: no variable parameter records, no articulated parts.
Field layouts follow IEEE 1278.1-2012 clause 7 (7.2.2 Entity State, 7.3.2 Fire, 7.3.3
Detonation, 7.6.2 Electromagnetic Emission); Wireshark's DIS dissector is the independent
check (tests/interop/test_dis.py).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from datetime import datetime

from iadsim.interop.dis_enums import Emitter, EntityType

PROTOCOL_VERSION = 7  # IEEE 1278.1-2012
FAMILY = {1: 1, 2: 2, 3: 2, 23: 6}
"""PDU type -> protocol family: entity information, warfare, distributed emission
regeneration."""
ENTITY_STATE, FIRE, DETONATION, EMISSION = 1, 2, 3, 23

# Dead reckoning algorithms (SISO-REF-010 UID 44)
DRM_STATIC, DRM_FPW = 1, 2
# Force ids (UID 6): the defence is the friendly side of the exercise, the raid the opposing
FORCE_FRIENDLY, FORCE_OPPOSING = 1, 2
# Damage (general appearance bits 3-4, SISO-REF-010 UID 383): none, slight, moderate, destroyed
DAMAGE_NONE, DAMAGE_MODERATE, DAMAGE_DESTROYED = 0, 2, 3
# Detonation results (UID 62)
RESULT_ENTITY_IMPACT = 1
RESULT_GROUND_IMPACT = 3
RESULT_MISS_FLYOUT = 31
RESULT_MISS_ENDGAME = 32
# Beam functions (UID 78) and EE state update indicator (UID 77)
BEAM_SEARCH, BEAM_TRACKING, BEAM_ACQ_TRACKING, BEAM_JAMMER = 1, 4, 5, 12
UPDATE_HEARTBEAT, UPDATE_CHANGED = 0, 1


@dataclass(frozen=True)
class EntityId:
    """Site, application, entity (6.2.28); 0:0:0 is "no entity" (D_SPEC ENTITY_ID_UNKNOWN)."""

    site: int
    application: int
    entity: int

    def pack(self) -> bytes:
        return struct.pack(">HHH", self.site, self.application, self.entity)


NO_ENTITY = EntityId(0, 0, 0)


def timestamp(utc: datetime) -> int:
    """DIS absolute timestamp (6.2.88): time past the hour in units of 3600 s / 2^31, shifted
    left one bit, low bit 1 (absolute: the clock is UTC)."""
    past = utc.minute * 60 + utc.second + utc.microsecond * 1e-6
    units = min(round(past / 3600.0 * 2**31), 2**31 - 1)
    return (units << 1) | 1


def _header(pdu_type: int, exercise: int, ts: int, body: bytes) -> bytes:
    length = 12 + len(body)
    head = struct.pack(
        ">BBBBIHBB", PROTOCOL_VERSION, exercise, pdu_type, FAMILY[pdu_type], ts, length, 0, 0
    )
    return head + body


def _etype(t: EntityType) -> bytes:
    return struct.pack(
        ">BBHBBBB", t.kind, t.domain, t.country, t.category, t.subcategory, t.specific, t.extra
    )


def marking(text: str) -> bytes:
    """Entity marking (6.2.29): ASCII character set, 11 characters, zero padded."""
    raw = text.encode("ascii", "replace")[:11]
    return struct.pack(">B11s", 1, raw)


def appearance(damage: int) -> int:
    """General appearance record with only the damage field set (bits 3-4)."""
    return (damage & 3) << 3


def entity_state(
    exercise: int,
    ts: int,
    eid: EntityId,
    force: int,
    etype: EntityType,
    velocity: tuple[float, float, float],
    location: tuple[float, float, float],
    orientation: tuple[float, float, float],
    damage: int,
    dr_algorithm: int,
    name: str,
) -> bytes:
    """Entity State PDU (7.2.2): world (ECEF) location in metres, velocity in m/s, Euler
    angles psi, theta, phi in radians; dead reckoning record with its algorithm, zero
    acceleration and angular velocity (FPW needs neither); marking; no capabilities."""
    body = (
        eid.pack()
        + struct.pack(">BB", force, 0)
        + _etype(etype)
        + _etype(etype)  # alternative entity type: the same (no deception)
        + struct.pack(">fff", *velocity)
        + struct.pack(">ddd", *location)
        + struct.pack(">fff", *orientation)
        + struct.pack(">I", appearance(damage))
        + struct.pack(">B15x", dr_algorithm)
        + struct.pack(">6f", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        + marking(name)
        + struct.pack(">I", 0)
    )
    return _header(ENTITY_STATE, exercise, ts, body)


def _munition_descriptor(munition: EntityType, quantity: int) -> bytes:
    """Munition descriptor (6.2.19.2): type, warhead 1000 (HE), fuse 1000 (proximity), quantity,
    rate 0 (SISO-REF-010 warhead UID 60 / fuse UID 61: "other" would hide what it is)."""
    return _etype(munition) + struct.pack(">HHHH", 1000, 1000, quantity, 0)


def fire(
    exercise: int,
    ts: int,
    shooter: EntityId,
    target: EntityId,
    munition_id: EntityId,
    event: EntityId,
    location: tuple[float, float, float],
    munition: EntityType,
    quantity: int,
    velocity: tuple[float, float, float],
    range_m: float,
) -> bytes:
    """Fire PDU (7.3.2): the launch, where from, what and how many, initial velocity and range."""
    body = (
        shooter.pack()
        + target.pack()
        + munition_id.pack()
        + event.pack()
        + struct.pack(">I", 0)  # fire mission index: none
        + struct.pack(">ddd", *location)
        + _munition_descriptor(munition, quantity)
        + struct.pack(">fff", *velocity)
        + struct.pack(">f", range_m)
    )
    return _header(FIRE, exercise, ts, body)


def detonation(
    exercise: int,
    ts: int,
    shooter: EntityId,
    target: EntityId,
    munition_id: EntityId,
    event: EntityId,
    velocity: tuple[float, float, float],
    location: tuple[float, float, float],
    munition: EntityType,
    result: int,
) -> bytes:
    """Detonation PDU (7.3.3): where and how the munition ended, with its result code."""
    body = (
        shooter.pack()
        + target.pack()
        + munition_id.pack()
        + event.pack()
        + struct.pack(">fff", *velocity)
        + struct.pack(">ddd", *location)
        + _munition_descriptor(munition, 1)
        + struct.pack(">fff", 0.0, 0.0, 0.0)  # location in the target's coordinates
        + struct.pack(">BBH", result, 0, 0)
    )
    return _header(DETONATION, exercise, ts, body)


@dataclass(frozen=True)
class Beam:
    """One emitter beam: fundamental parameters (Hz, dBm ERP, Hz PRF, s pulse width), its
    function and the entities it tracks or jams."""

    frequency_hz: float
    frequency_range_hz: float
    erp_dbm: float
    prf_hz: float
    pulse_width_s: float
    function: int
    targets: tuple[EntityId, ...] = ()
    azimuth_sweep_rad: float = math.pi


def _beam(b: Beam, beam_id: int) -> bytes:
    words = (52 + 8 * len(b.targets)) // 4
    out = struct.pack(">BBH", words, beam_id, 0)
    out += struct.pack(
        ">5f", b.frequency_hz, b.frequency_range_hz, b.erp_dbm, b.prf_hz, b.pulse_width_s * 1e6
    )
    out += struct.pack(">5f", 0.0, b.azimuth_sweep_rad, 0.0, math.pi / 4, 0.0)
    # targets, high density off, beam status 0 (active), jamming technique 0 (none)
    out += struct.pack(">BBBBI", b.function, len(b.targets), 0, 0, 0)
    for t in b.targets:
        out += t.pack() + struct.pack(">BB", 1, beam_id)
    return out


def emission(
    exercise: int,
    ts: int,
    eid: EntityId,
    event: EntityId,
    update: int,
    emitter: Emitter,
    beams: tuple[Beam, ...],
) -> bytes:
    """Electromagnetic Emission PDU (7.6.2) with one emitter system (number 1) at the
    entity's origin. No beams: the emitter is off (7.6.2, "a system with zero beams")."""
    beam_bytes = b"".join(_beam(b, k + 1) for k, b in enumerate(beams))
    system = struct.pack(">BBH", (20 + len(beam_bytes)) // 4, len(beams), 0)
    system += struct.pack(">HBB", emitter.name, emitter.function, 1)
    system += struct.pack(">fff", 0.0, 0.0, 0.0) + beam_bytes
    body = eid.pack() + event.pack() + struct.pack(">BBH", update, 1, 0) + system
    return _header(EMISSION, exercise, ts, body)
