"""DIS entities over time: the Entity State PDUs of still and moving bodies and the
Electromagnetic Emission PDUs of an emitter, by the standard's heartbeats and thresholds.

A moving entity (dead reckoning algorithm 2, FPW: constant velocity in world coordinates)
issues an Entity State PDU when its dead-reckoned position drifts more than DRA_POS_THRSH
from the truth or its orientation more than DRA_ORIENT_THRSH, checked every frame, and at
least every HBT_ESPDU seconds; a still one (algorithm 1) every HBT_ESPDU seconds and at once
on a damage change. An emitter sends an EE PDU on every change and every HBT_PDU_EE seconds.
Values: the defaults of IEEE 1278.1-2012's DIS parameters (HBT_ESPDU_DEFAULT,
DRA_POS_THRSH_DEFAULT, DRA_ORIENT_THRSH_DEFAULT, HBT_PDU_EE).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pymap3d

from iadsim.interop import dis
from iadsim.interop import dis_enums as en

HBT_ESPDU_S = 5.0  # Entity State heartbeat (HBT_ESPDU_DEFAULT)
DRA_POS_THRSH_M = 1.0  # dead reckoning position threshold (DRA_POS_THRSH_DEFAULT)
DRA_ORIENT_THRSH_RAD = math.radians(3.0)  # orientation threshold (DRA_ORIENT_THRSH_DEFAULT)
HBT_PDU_EE_S = 10.0  # Electromagnetic Emission heartbeat (HBT_PDU_EE)
FRAME_S = 1.0  # how often a moving entity's drift is checked (the simulation frame)
WORKING = ("operational", "degraded")


@dataclass(frozen=True)
class DisConfig:
    """Exercise, site and application ids of the exported exercise."""

    exercise: int = 1
    site: int = 1
    application: int = 1


def ecef(lat: np.ndarray, lon: np.ndarray, alt: np.ndarray) -> np.ndarray:
    """WGS84 geocentric coordinates (N, 3); altitude MSL taken as height (no geoid)."""
    return np.stack(pymap3d.geodetic2ecef(lat, lon, alt), axis=-1)


def euler(forward: np.ndarray, lat_deg: float, lon_deg: float) -> tuple[float, float, float]:
    """DIS Euler angles (psi, theta, phi; 6.2.32) of a body pointing along `forward` (ECEF)
    with wings level: rows of the body-to-world rotation are x forward, y right, z down."""
    la, lo = math.radians(lat_deg), math.radians(lon_deg)
    up = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    n = float(np.linalg.norm(forward))
    if n < 1e-6:  # at rest: facing north
        forward = np.array(
            [-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo), math.cos(la)]
        )
        n = 1.0
    x = forward / n
    y = np.cross(x, up)
    y = y / max(float(np.linalg.norm(y)), 1e-12)
    z = np.cross(x, y)
    psi = math.atan2(x[1], x[0])
    theta = -math.asin(max(-1.0, min(1.0, float(x[2]))))
    phi = math.atan2(y[2], z[2])
    return psi, theta, phi


class Exercise:
    """Collects PDUs (time, order, bytes) and hands out entity and event ids."""

    def __init__(self, start: datetime, config: DisConfig):
        self.start, self.config = start, config
        self.pdus: list[tuple[float, int, bytes]] = []
        self.next_entity = 0
        self.next_event = 0

    def entity(self) -> dis.EntityId:
        self.next_entity += 1
        return dis.EntityId(self.config.site, self.config.application, self.next_entity)

    def event(self) -> dis.EntityId:
        self.next_event += 1
        return dis.EntityId(self.config.site, self.config.application, self.next_event)

    def ts(self, t: float) -> int:
        return dis.timestamp(self.start + timedelta(seconds=float(t)))

    def add(self, t: float, pdu: bytes) -> None:
        self.pdus.append((float(t), len(self.pdus), pdu))


def moving(
    ex: Exercise,
    eid: dis.EntityId,
    force: int,
    etype: en.EntityType,
    name: str,
    track: np.ndarray,
    damage_at_end: int | None,
    end_s: float,
) -> None:
    """Entity State PDUs of a body flying `track` (rows t, lat, lon, alt), by dead-reckoning
    thresholds and heartbeat; with `damage_at_end`, it stays where it ended with that damage
    (a static destroyed entity) until `end_s`."""
    t_k, pos_k = track[:, 0], ecef(track[:, 1], track[:, 2], track[:, 3])
    frames = np.arange(t_k[0], t_k[-1], FRAME_S)
    frames = np.append(frames, t_k[-1]) if frames.size == 0 or frames[-1] < t_k[-1] else frames
    seg = np.clip(np.searchsorted(t_k, frames, "right") - 1, 0, max(len(t_k) - 2, 0))
    if len(t_k) > 1:
        vel_k = np.diff(pos_k, axis=0) / np.maximum(np.diff(t_k), 1e-9)[:, None]
        w = ((frames - t_k[seg]) / np.maximum(t_k[seg + 1] - t_k[seg], 1e-9))[:, None]
        pos = pos_k[seg] * (1 - w) + pos_k[seg + 1] * w
        vel = vel_k[seg]
    else:
        pos, vel = pos_k[:1].repeat(frames.size, 0), np.zeros((frames.size, 3))
    lat = np.interp(frames, t_k, track[:, 1])
    lon = np.interp(frames, t_k, track[:, 2])
    last = None  # (t, position, velocity, orientation)
    for j, t in enumerate(frames):
        ori = euler(vel[j], lat[j], lon[j])
        if last is not None:
            drift = np.linalg.norm(pos[j] - (last[1] + last[2] * (t - last[0])))
            turn = max(
                abs(math.remainder(a - b, 2 * math.pi)) for a, b in zip(ori, last[3], strict=True)
            )
            if (
                t - last[0] < HBT_ESPDU_S - 1e-9
                and drift <= DRA_POS_THRSH_M
                and turn <= DRA_ORIENT_THRSH_RAD
            ):
                continue
        last = (t, pos[j], vel[j], ori)
        pdu = dis.entity_state(
            ex.config.exercise,
            ex.ts(t),
            eid,
            force,
            etype,
            tuple(vel[j]),
            tuple(pos[j]),
            ori,
            dis.DAMAGE_NONE,
            dis.DRM_FPW,
            name,
        )
        ex.add(t, pdu)
    if damage_at_end is not None:
        where = (float(track[-1, 1]), float(track[-1, 2]), float(track[-1, 3]))
        static(ex, eid, force, etype, name, where, {float(t_k[-1]): damage_at_end}, t_k[-1], end_s)


def schedule(changes: list[float], t0: float, end_s: float, heartbeat_s: float) -> list:
    """When to send: at `t0`, at every change time (index into `changes`), and a heartbeat
    whenever `heartbeat_s` has passed since the last PDU, until `end_s`. Items are (time,
    index of the change in force)."""
    out, k, last = [], -1, None
    order = sorted(range(len(changes)), key=lambda i: changes[i])
    j = 0
    t = t0
    while t <= end_s + 1e-9:
        while j < len(order) and changes[order[j]] <= t + 1e-9:
            k = order[j]
            j += 1
        out.append((t, k))
        last = t
        nxt = last + heartbeat_s
        if j < len(order) and changes[order[j]] < nxt - 1e-9:
            nxt = changes[order[j]]
        t = nxt
    return out


def static(
    ex: Exercise,
    eid: dis.EntityId,
    force: int,
    etype: en.EntityType,
    name: str,
    where: tuple[float, float, float],
    damage: dict[float, int],
    t0: float,
    end_s: float,
) -> None:
    """Entity State PDUs of a still entity: every heartbeat and at once on a damage change."""
    p = ecef(np.array([where[0]]), np.array([where[1]]), np.array([where[2]]))[0]
    ori = euler(np.zeros(3), where[0], where[1])
    times = sorted(damage)
    levels = np.maximum.accumulate([damage[t] for t in times]).tolist() if times else []
    for t, k in schedule(times, t0, end_s, HBT_ESPDU_S):
        level = levels[k] if k >= 0 else dis.DAMAGE_NONE
        pdu = dis.entity_state(
            ex.config.exercise,
            ex.ts(t),
            eid,
            force,
            etype,
            (0.0, 0.0, 0.0),
            tuple(p),
            ori,
            level,
            dis.DRM_STATIC,
            name,
        )
        ex.add(t, pdu)


def emitter(
    ex: Exercise,
    eid: dis.EntityId,
    emitter: en.Emitter,
    changes: list[tuple[float, tuple[dis.Beam, ...]]],
    end_s: float,
) -> None:
    """EE PDUs of one emitter from its (time, beams) changes, the first at its start: each
    change (state update "changed"), and the state in force every heartbeat."""
    if not changes:
        return
    times = [t for t, _ in changes]
    sent = -1
    for t, k in schedule(times, min(times), end_s, HBT_PDU_EE_S):
        update = dis.UPDATE_CHANGED if k != sent else dis.UPDATE_HEARTBEAT
        sent = k
        state = changes[k][1]
        ex.add(
            t, dis.emission(ex.config.exercise, ex.ts(t), eid, ex.event(), update, emitter, state)
        )
