"""Tacview ACMI 2.2 text: a header with the reference time and point, then frames (`#t`)
holding object updates (`id,T=lon|lat|alt,...`), removals (`-id`) and events
(`0,Event=...`). Longitudes and latitudes are written relative to ReferenceLongitude and
ReferenceLatitude, as the format recommends; altitudes are metres MSL.

Objects: every defence unit (static), every aircraft along its sampled track with its
heading (the T field's yaw, the geodesic azimuth to its next sample) until it is shot down
or lands, and every missile from its launch site to the intercept point. Every object
destroyed (an aircraft killed, a unit or component destroyed) gets `Event=Destroyed`; other
events are messages, repeats of one event collapsed into one (`common.collapse_repeats`).
Frame times are rounded to the 1/100 s they are written with, so each `#t` appears once and
the frames strictly increase.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from iadsim.interop.common import collapse_repeats, event_label, flown_track, shown


def _t(lat: float, lon: float, alt: float, ref_lat: float, ref_lon: float) -> str:
    return f"{lon - ref_lon:.6f}|{lat - ref_lat:.6f}|{alt:.1f}"


def headings_deg(track: list[list[float]]) -> list[float]:
    """Heading (degrees from true north) at each sample [t, lat, lon, alt]: the WGS84
    geodesic azimuth to the next sample that has moved (pymap3d's Vincenty inverse); the
    last sample keeps the heading before it."""
    from pymap3d.vincenty import vdist

    lat = np.array([p[1] for p in track], float)
    lon = np.array([p[2] for p in track], float)
    if len(track) < 2:
        return [0.0] * len(track)
    _, az = vdist(lat[:-1], lon[:-1], lat[1:], lon[1:])
    az = np.atleast_1d(np.asarray(az, float))
    moved = (lat[:-1] != lat[1:]) | (lon[:-1] != lon[1:])
    out, prev = [], None
    for a, m in zip(az, moved, strict=True):
        prev = float(a) if m or prev is None else prev
        out.append(prev)
    out.append(out[-1])
    return [round(h % 360.0, 1) for h in out]


def _clean(text: str) -> str:
    """ACMI property values end at a comma or a newline: escape both."""
    return text.replace("\\", "\\\\").replace(",", "\\,").replace("\n", " ")


def to_acmi(scene: dict, events: list[dict]) -> str:
    """The ACMI file's text."""
    ref_lat = round(scene["origin"]["lat_deg"])
    ref_lon = round(scene["origin"]["lon_deg"])
    start = scene["start_utc"].replace("+00:00", "Z")
    lines = [
        "FileType=text/acmi/tacview",
        "FileVersion=2.2",
        f"0,ReferenceTime={start}",
        f"0,Title={_clean('iadsim ' + scene['scenario'] + ' (notional)')}",
        "0,DataSource=iadsim",
        f"0,ReferenceLongitude={ref_lon}",
        f"0,ReferenceLatitude={ref_lat}",
    ]
    frames: dict[float, list[str]] = defaultdict(list)  # keyed by the time as written
    next_id = 0x100

    def new_id() -> str:
        nonlocal next_id
        next_id += 1
        return f"{next_id:x}"

    unit_ids: dict[str, str] = {}
    for u in scene["units"]:
        oid = unit_ids[u["id"]] = new_id()
        kind = "Ground+Static+AntiAircraft" if u["weapon"] else "Ground+Static+Radar"
        frames[0.0].append(
            f"{oid},T={_t(u['lat_deg'], u['lon_deg'], u['alt_m'], ref_lat, ref_lon)},"
            f"Type={kind},Name={_clean(u['id'])},Coalition=Allies,Color=Blue"
        )
    ids: dict[str, str] = {}
    for a in scene["aircraft"]:
        oid = ids[a["id"]] = new_id()
        kind = "Air+Rotorcraft" if a["category"] == "helicopter" else "Air+FixedWing"
        track = flown_track(a, events)
        for k, (p, hdg) in enumerate(zip(track, headings_deg(track), strict=True)):
            extra = (
                f",Type={kind},Name={_clean(a['type'])},CallSign={_clean(a['id'])},"
                "Coalition=Enemies,Color=Red"
                if k == 0
                else ""
            )
            at = _t(p[1], p[2], p[3], ref_lat, ref_lon)
            frames[round(p[0], 2)].append(f"{oid},T={at}|||{hdg}{extra}")
        frames[round(track[-1][0], 2)].append(f"-{oid}")
    missiles: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in shown(events):
        t = round(e["time_s"], 2)
        if e["kind"] == "launch" and e.get("site_lat_deg") is not None:
            oid = new_id()
            missiles[(e["aircraft"], e["component"])].append(oid)
            at = _t(e["site_lat_deg"], e["site_lon_deg"], e["site_alt_m"], ref_lat, ref_lon)
            frames[t].append(
                f"{oid},T={at},Type=Weapon+Missile,Name={_clean(e['detail'] or 'missile')},"
                "Coalition=Allies,Color=Blue"
            )
        elif e["kind"] == "intercept" and e.get("aircraft_lat_deg") is not None:
            at = _t(
                e["aircraft_lat_deg"], e["aircraft_lon_deg"], e["aircraft_alt_m"], ref_lat, ref_lon
            )
            for oid in missiles.pop((e["aircraft"], e["component"]), []):
                frames[t].append(f"{oid},T={at}")
                frames[t].append(f"-{oid}")
    for e, n, last in collapse_repeats(shown(events)):
        t = round(e["time_s"], 2)
        label = event_label(e)
        if e["kind"] == "kill" and e["aircraft"] in ids:
            frames[t].append(f"0,Event=Destroyed|{ids[e['aircraft']]}|{_clean(label)}")
        elif e["kind"] == "destroyed" and e.get("unit") in unit_ids:
            frames[t].append(f"0,Event=Destroyed|{unit_ids[e['unit']]}|{_clean(label)}")
        else:
            more = f" x{n} until T+{last:.0f} s" if n > 1 else ""
            frames[t].append(f"0,Event=Message||{_clean(label + more)}")
    for t in sorted(frames):
        lines.append(f"#{t:.2f}")
        lines.extend(frames[t])
    return "\n".join(lines) + "\n"
