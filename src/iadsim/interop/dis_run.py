"""A run directory as a DIS exercise: the time-ordered PDUs of its entities and events.

Entity State: every defence component (still; damaged by strikes, destroyed by strikes,
anti-radiation missiles or return fire), every aircraft along its flown track (destroyed and
still from its kill on) and every missile from launch to its end (straight flight).
Fire: each launch (`launch`, the salvo as one munition of quantity n) and each shot fired
back (`return_fire`). Detonation: the end of each (kill: entity impact; a missile that
intercepted but did not kill: miss, end-game failure; one that lost its target or its
guidance: miss, fly-out failure; an anti-radiation missile or a burst that destroyed its
target: entity impact, else ground impact) and each strike (ground impact, no shooter).
Electromagnetic Emission: every radar (on from the start when working, off when destroyed or
disabled; its beam searches, and tracks the aircraft it holds firm tracks on, named in its
track records) and every jammer aircraft (on while it flies).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from iadsim.bands import span_hz
from iadsim.interop import dis
from iadsim.interop import dis_enums as en
from iadsim.interop.common import flown_track, start_time
from iadsim.interop.dis_entities import DisConfig, Exercise, ecef, emitter, moving, static
from iadsim.scenario.catalog import Catalog, default_catalog

FIRE_CONTROL_KINDS = ("engagement_radar", "telar")
WORKING = ("operational", "degraded")
MISS_RESULT = {"MISSED": dis.RESULT_MISS_ENDGAME}
"""Miss details of the fight -> detonation result; any other (TARGET_LOST,
NO_FIRE_CONTROL_RADAR) is a fly-out failure."""


def ground_damage(events: list[dict]) -> dict[str, dict[float, int]]:
    """Component -> {time: DIS damage}: destroyed, or disabled (moderate damage)."""
    out: dict[str, dict[float, int]] = defaultdict(dict)
    for e in events:
        if e["kind"] == "destroyed" and e["component"]:
            out[e["component"]][e["time_s"]] = dis.DAMAGE_DESTROYED
        elif e["kind"] == "disabled" and e["component"]:
            out[e["component"]].setdefault(e["time_s"], dis.DAMAGE_MODERATE)
    return out


def _radar_beam(catalog: Catalog, ctype: str, kind: str, tracked: tuple) -> dis.Beam:
    spec = catalog.components.get(ctype)
    radar = spec.radar if spec is not None else None
    f = radar.frequency_hz if radar else 0.0
    erp = 10 * math.log10(radar.peak_power_w) + 30 + radar.gain_dbi if radar else 0.0
    pw = radar.pulse_width_s if radar else 0.0
    if not tracked:
        function = dis.BEAM_SEARCH
    else:
        function = dis.BEAM_TRACKING if kind in FIRE_CONTROL_KINDS else dis.BEAM_ACQ_TRACKING
    # PRF and frequency range are not modelled by the catalog: 0
    return dis.Beam(f, 0.0, erp, 0.0, pw, function, tracked)


def add_radars(ex, scene, events, summary, ids, end_s, catalog: Catalog) -> None:
    """EE PDUs of every radar and jammer."""
    states = summary.get("component_states", {})
    stops = defaultdict(list)
    for e in events:
        if e["kind"] in ("destroyed", "disabled") and e["component"]:
            stops[e["component"]].append(e["time_s"])
    tracks = defaultdict(list)
    for e in events:
        if e["kind"] in ("track_firm", "track_lost") and e["component"]:
            tracks[e["component"]].append(e)
    for u in scene["units"]:
        for c in u["components"]:
            spec = catalog.components.get(c["type"])
            if (spec is None or spec.radar is None) and not c.get("radar_range_m"):
                continue
            off_at = min(stops.get(c["id"], [math.inf]))
            on = states.get(c["id"], "operational") in WORKING and off_at > 0
            held: set[str] = set()
            changes = [(0.0, (_radar_beam(catalog, c["type"], c["kind"], ()),) if on else ())]
            for e in tracks.get(c["id"], []):
                if not on or e["time_s"] >= off_at:
                    break
                (held.add if e["kind"] == "track_firm" else held.discard)(e["aircraft"])
                targets = tuple(ids[a] for a in sorted(held) if a in ids)
                changes.append(
                    (e["time_s"], (_radar_beam(catalog, c["type"], c["kind"], targets),))
                )
            if on and off_at < end_s:
                changes.append((off_at, ()))
            emitter(ex, ids[c["id"]], en.component_emitter(c["type"]), changes, end_s)
    kills = {e["aircraft"]: e["time_s"] for e in events if e["kind"] == "kill"}
    for a in scene["aircraft"]:
        jam = catalog.aircraft[a["type"]].jammer if a["type"] in catalog.aircraft else None
        if jam is None:
            continue
        t0, t1 = a["track"][0][0], kills.get(a["id"], a["track"][-1][0])
        lo, hi = span_hz(jam.bands)  # one beam over the span of the bands it covers
        centre, width = (lo + hi) / 2, hi - lo
        beam = dis.Beam(centre, width, jam.erp_dbw + 30, 0.0, 0.0, dis.BEAM_JAMMER, (), math.pi)
        emitter(ex, ids[a["id"]], en.jammer_emitter(a["type"]), [(t0, (beam,)), (t1, ())], end_s)


def _at(e: dict, who: str) -> tuple[float, float, float] | None:
    lat = e.get(f"{who}_lat_deg")
    return None if lat is None else (lat, e[f"{who}_lon_deg"], e[f"{who}_alt_m"])


def _shot(ex, force, shooter, target, munition, t0, p0, t1, p1, result, quantity=1, fly=True):
    """Fire at (t0, p0), the munition's flight when `fly`, and its Detonation at (t1, p1)
    (no Detonation when t1 is None: the run ended first)."""
    a = ecef(*(np.array([x]) for x in p0))[0]
    b = ecef(*(np.array([x]) for x in (p1 or p0)))[0]
    dt = (t1 - t0) if t1 is not None and t1 > t0 else None
    v = tuple((b - a) / dt) if dt else (0.0, 0.0, 0.0)
    mid = ex.entity() if fly else dis.NO_ENTITY
    event = ex.event()
    rng = float(np.linalg.norm(b - a))
    c = ex.config
    ex.add(
        t0,
        dis.fire(
            c.exercise, ex.ts(t0), shooter, target, mid, event, tuple(a), munition, quantity, v, rng
        ),
    )
    if fly and dt:
        track = np.array([[t0, *p0], [t1, *p1]], float)
        moving(ex, mid, force, munition, "missile", track, None, t1)
    if t1 is not None:
        ex.add(
            t1,
            dis.detonation(
                c.exercise, ex.ts(t1), shooter, target, mid, event, v, tuple(b), munition, result
            ),
        )


def add_engagements(
    ex: Exercise, events: list[dict], ids: dict, types: dict[str, str], catalog: Catalog
) -> None:
    """Fire and Detonation PDUs (and missile entities) of launches, return fire and strikes."""
    ends = defaultdict(list)  # (aircraft, component) -> kill / miss events in time order
    for e in events:
        if e["kind"] in ("kill", "miss"):
            ends[(e["aircraft"], e["component"])].append(e)
    destroyed = {(e["component"], e["time_s"]) for e in events if e["kind"] == "destroyed"}
    tactical = en.munition_entity(None, "tactical")
    for e in events:
        t = e["time_s"]
        if e["kind"] == "launch" and _at(e, "site") and e["aircraft"] in ids:
            spec = catalog.components.get(types.get(e["component"], ""))
            weapon = spec.launcher.missile if spec is not None and spec.launcher else None
            queue = ends[(e["aircraft"], e["component"])]
            end = next((x for x in queue if x["time_s"] >= t), None)
            if end is not None:
                queue.remove(end)
            result = dis.RESULT_ENTITY_IMPACT if end and end["kind"] == "kill" else None
            if end is not None and result is None:
                result = MISS_RESULT.get(end["detail"], dis.RESULT_MISS_FLYOUT)
            _shot(
                ex,
                dis.FORCE_FRIENDLY,
                ids[e["component"]],
                ids[e["aircraft"]],
                en.munition_entity(weapon),
                t,
                _at(e, "site"),
                end and end["time_s"],
                end and _at(end, "aircraft"),
                result,
                max(int(e["value"] or 1), 1),
            )
        elif e["kind"] == "return_fire" and e["aircraft"] in ids and e["component"] in ids:
            arm = e["detail"] == "anti-radiation"
            t1 = float(e["value"]) if arm and e["value"] is not None else t
            hit = (e["component"], t1) in destroyed
            result = dis.RESULT_ENTITY_IMPACT if hit else dis.RESULT_GROUND_IMPACT
            munition = en.munition_entity("arm", "anti_radiation") if arm else tactical
            _shot(
                ex,
                dis.FORCE_OPPOSING,
                ids[e["aircraft"]],
                ids[e["component"]],
                munition,
                t,
                _at(e, "aircraft"),
                t1,
                _at(e, "site"),
                result,
                fly=arm,
            )
        elif e["kind"] == "strike" and _at(e, "site"):
            p = ecef(*(np.array([x]) for x in _at(e, "site")))[0]
            c = ex.config
            ex.add(
                t,
                dis.detonation(
                    c.exercise,
                    ex.ts(t),
                    dis.NO_ENTITY,
                    dis.NO_ENTITY,
                    dis.NO_ENTITY,
                    ex.event(),
                    (0.0, 0.0, 0.0),
                    tuple(p),
                    tactical,
                    dis.RESULT_GROUND_IMPACT,
                ),
            )


def run_pdus(
    scene: dict,
    events: list[dict],
    summary: dict,
    config: DisConfig | None = None,
    catalog: Catalog | None = None,
) -> list[tuple[float, bytes]]:
    """Every PDU of the run, in time order: (scenario seconds, PDU bytes)."""
    catalog = catalog or default_catalog()
    ex = Exercise(start_time(scene), config or DisConfig())
    end_s = float(scene["duration_s"])
    ids: dict[str, dis.EntityId] = {}
    types: dict[str, str] = {}
    damage = ground_damage(events)
    for u in scene["units"]:
        for c in u["components"]:
            types[c["id"]] = c["type"]
            eid = ids[c["id"]] = ex.entity()
            where = (c["lat_deg"], c["lon_deg"], c["alt_m"])
            static(
                ex,
                eid,
                dis.FORCE_FRIENDLY,
                en.component_entity(c["type"]),
                c["id"],
                where,
                damage.get(c["id"], {}),
                0.0,
                end_s,
            )
    kills = {e["aircraft"] for e in events if e["kind"] == "kill"}
    for a in scene["aircraft"]:
        eid = ids[a["id"]] = ex.entity()
        track = np.asarray(flown_track(a, events), float)
        etype = en.aircraft_entity(a["type"], a["category"])
        killed = dis.DAMAGE_DESTROYED if a["id"] in kills else None
        moving(ex, eid, dis.FORCE_OPPOSING, etype, a["id"], track, killed, end_s)
    add_radars(ex, scene, events, summary, ids, end_s, catalog)
    add_engagements(ex, events, ids, types, catalog)
    ex.pdus.sort(key=lambda p: (p[0], p[1]))
    return [(t, pdu) for t, _, pdu in ex.pdus]
