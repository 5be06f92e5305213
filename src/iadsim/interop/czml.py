"""CZML for Cesium: a document packet with the scenario clock, a packet per defence unit
(the report's MIL-STD-2525C symbol as a billboard, label, missile reach ellipses), radar
coverage at a height as image rectangles on the ground (when given), per aircraft (its symbol,
time-tagged positions and a path, available until its kill or the end of its route) and per
event (a point available from its time on)."""

from __future__ import annotations

import json

from iadsim.interop.common import event_label, event_position, flown_track, iso, shown
from iadsim.interop.symbols import symbol

CZML_VERSION = "1.0"


def _rgba(r: int, g: int, b: int, a: int = 255) -> dict:
    return {"rgba": [r, g, b, a]}


def _billboard(sidc: str | None) -> dict | None:
    """The bundled symbol as a billboard whose anchor sits on the position (Cesium centres
    the image; the offset moves its anchor there)."""
    if not sidc:
        return None
    sym = symbol(sidc)
    dx = sym.width / 2 - sym.anchor[0]
    dy = sym.height / 2 - sym.anchor[1]
    return {"image": sym.svg_data_uri, "pixelOffset": {"cartesian2": [dx, dy]}}


def _marker(packet: dict, sidc: str | None, point: dict) -> dict:
    board = _billboard(sidc)
    if board is None:
        packet["point"] = point
    else:
        packet["billboard"] = board
    return packet


def _coverage_packets(coverage: dict) -> list[dict]:
    """Radar coverage at a height (report.coverage_layer.coverage_overlay) as image rectangles
    on the ground: all radars shown, each radar hidden until switched on."""
    west, south, east, north = coverage["bounds"]
    layers = [("combined", "all radars", coverage["combined"], True)]
    layers += [(f"radar/{k}", r["name"], r["png"], False) for k, r in enumerate(coverage["radars"])]
    title = f"radar coverage at {coverage['altitude_agl_m']:g} m AGL"
    return [
        {
            "id": f"coverage-{key}",
            "name": f"{name}: {title} (Pd >= {coverage['pd_threshold']:g})",
            "rectangle": {
                "coordinates": {"wsenDegrees": [west, south, east, north]},
                "fill": True,
                "show": show,
                "material": {"image": {"image": {"uri": image}, "transparent": True}},
            },
        }
        for key, name, image, show in layers
    ]


def to_czml_packets(scene: dict, events: list[dict], coverage: dict | None = None) -> list[dict]:
    """The CZML document as a list of packets (the first is the document packet)."""
    start, end = iso(scene, 0.0), iso(scene, scene["duration_s"])
    packets: list[dict] = [
        {
            "id": "document",
            "name": f"iadsim {scene['scenario']} (notional)",
            "version": CZML_VERSION,
            "clock": {
                "interval": f"{start}/{end}",
                "currentTime": start,
                "multiplier": 30,
                "range": "CLAMPED",
                "step": "SYSTEM_CLOCK_MULTIPLIER",
            },
        }
    ]
    for u in scene["units"]:
        packets += _unit_packets(u)
    for a in scene["aircraft"]:
        packets.append(_aircraft_packet(scene, a, events))
    if coverage:
        packets += _coverage_packets(coverage)
    for k, e in enumerate(shown(events)):
        pos = event_position(e)
        if pos is None:
            continue
        packets.append(
            {
                "id": f"event/{k}",
                "name": event_label(e),
                "availability": f"{iso(scene, e['time_s'])}/{end}",
                "position": {"cartographicDegrees": [pos[1], pos[0], pos[2]]},
                "point": {"pixelSize": 6, "color": _rgba(255, 127, 0)},
            }
        )
    return packets


def _unit_packets(u: dict) -> list[dict]:
    """A unit's marker and, where it has missiles, the circle of their reach."""
    point = {
        "pixelSize": 10,
        "color": _rgba(31, 95, 191),
        "outlineColor": _rgba(255, 255, 255),
        "outlineWidth": 1,
    }
    unit = {
        "id": f"unit/{u['id']}",
        "name": u["id"],
        "description": u["type"],
        "position": {"cartographicDegrees": [u["lon_deg"], u["lat_deg"], u["alt_m"]]},
        "label": {
            "text": u["id"],
            "font": "12px sans-serif",
            "pixelOffset": {"cartesian2": [22, 0]},
        },
    }
    packets = [_marker(unit, u.get("sidc"), point)]
    reach = max((c.get("missile_range_m") or 0 for c in u["components"]), default=0)
    if reach:
        packets.append(
            {
                "id": f"coverage/{u['id']}",
                "name": f"{u['id']} missile reach {reach / 1000:.0f} km",
                "parent": f"unit/{u['id']}",
                "position": {"cartographicDegrees": [u["lon_deg"], u["lat_deg"], 0.0]},
                "ellipse": {
                    "semiMajorAxis": reach,
                    "semiMinorAxis": reach,
                    "fill": False,
                    "outline": True,
                    "outlineColor": _rgba(191, 31, 31),
                },
            }
        )
    return packets


def _aircraft_packet(scene: dict, a: dict, events: list[dict]) -> dict:
    """An aircraft's marker moving along its flown track, with its trail."""
    track = flown_track(a, events)
    t0 = track[0][0]
    coords = []
    for p in track:
        coords += [round(p[0] - t0, 3), p[2], p[1], p[3]]
    aircraft = {
        "id": f"aircraft/{a['id']}",
        "name": a["id"],
        "description": a["type"],
        "availability": f"{iso(scene, t0)}/{iso(scene, track[-1][0])}",
        "position": {"epoch": iso(scene, t0), "cartographicDegrees": coords},
        "label": {
            "text": a["id"],
            "font": "11px sans-serif",
            "pixelOffset": {"cartesian2": [10, 0]},
        },
        "path": {
            "leadTime": 0,
            "trailTime": 600,
            "width": 2,
            "material": {"solidColor": {"color": _rgba(122, 31, 162)}},
        },
    }
    point = {"pixelSize": 8, "color": _rgba(208, 32, 32)}
    return _marker(aircraft, a.get("sidc"), point)


def to_czml(scene: dict, events: list[dict], coverage: dict | None = None) -> str:
    """The CZML document's text (a JSON array of packets)."""
    return json.dumps(to_czml_packets(scene, events, coverage), indent=1) + "\n"
