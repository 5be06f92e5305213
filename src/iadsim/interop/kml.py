"""KML 2.2 for Google Earth: sites, radar and missile coverage rings, time-stamped routes
(gx:Track) and events (placemarks with a TimeStamp), so Google Earth's time slider plays the
raid back."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from iadsim.interop.common import event_label, event_position, flown_track, iso, shown

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"
ET.register_namespace("", KML_NS)
ET.register_namespace("gx", GX_NS)


def _k(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _sub(parent, tag: str, text: str | None = None, ns: str = KML_NS):
    el = ET.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        el.text = text
    return el


def ring(lat: float, lon: float, radius_m: float, n: int = 72) -> list[tuple[float, float]]:
    """A circle of `radius_m` around (lat, lon) as (lon, lat) points (spherical earth, closed)."""
    r = 6_371_008.8
    d = radius_m / r
    la, lo = math.radians(lat), math.radians(lon)
    pts = []
    for k in range(n + 1):
        b = 2 * math.pi * k / n
        la2 = math.asin(math.sin(la) * math.cos(d) + math.cos(la) * math.sin(d) * math.cos(b))
        lo2 = lo + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(la), math.cos(d) - math.sin(la) * math.sin(la2)
        )
        pts.append((round(math.degrees(lo2), 6), round(math.degrees(la2), 6)))
    return pts


def _style(doc, sid: str, color: str, width: float = 2.0) -> None:
    s = _sub(doc, "Style")
    s.set("id", sid)
    ls = _sub(s, "LineStyle")
    _sub(ls, "color", color)
    _sub(ls, "width", f"{width:g}")


def to_kml(scene: dict, events: list[dict]) -> str:
    """The KML document's text."""
    root = ET.Element(_k("kml"))
    doc = _sub(root, "Document")
    _sub(doc, "name", f"iadsim {scene['scenario']} (notional)")
    _style(doc, "route", "ffa21f7a")
    _style(doc, "radar", "ffbf5f1f", 1)
    _style(doc, "missile", "ff1f1fbf", 1)
    sites = _sub(doc, "Folder")
    _sub(sites, "name", "Defence units")
    for u in scene["units"]:
        pm = _sub(sites, "Placemark")
        _sub(pm, "name", u["id"])
        _sub(
            pm,
            "description",
            f"{u['type']}; components: " + ", ".join(c["id"] for c in u["components"]),
        )
        pt = _sub(pm, "Point")
        _sub(pt, "coordinates", f"{u['lon_deg']},{u['lat_deg']},{u['alt_m']}")
    cover = _sub(doc, "Folder")
    _sub(cover, "name", "Coverage (radar range, missile reach)")
    done = set()
    for u in scene["units"]:
        for c in u["components"]:
            for key, style in (("radar_range_m", "radar"), ("missile_range_m", "missile")):
                r = c.get(key)
                if not r or (c["lat_deg"], c["lon_deg"], r, style) in done:
                    continue
                done.add((c["lat_deg"], c["lon_deg"], r, style))
                pm = _sub(cover, "Placemark")
                _sub(pm, "name", f"{c['id']} {style} {r / 1000:.0f} km")
                _sub(pm, "styleUrl", f"#{style}")
                ls = _sub(pm, "LineString")
                _sub(ls, "tessellate", "1")
                _sub(
                    ls,
                    "coordinates",
                    " ".join(f"{x},{y},0" for x, y in ring(c["lat_deg"], c["lon_deg"], r)),
                )
    routes = _sub(doc, "Folder")
    _sub(routes, "name", "Aircraft (time-stamped tracks)")
    for a in scene["aircraft"]:
        pm = _sub(routes, "Placemark")
        _sub(pm, "name", a["id"])
        _sub(pm, "description", a["type"])
        _sub(pm, "styleUrl", "#route")
        tr = _sub(pm, "Track", ns=GX_NS)
        _sub(tr, "altitudeMode", "absolute")
        track = flown_track(a, events)
        for p in track:
            _sub(tr, "when", iso(scene, p[0]))
        for p in track:
            _sub(tr, "coord", f"{p[2]} {p[1]} {p[3]}", ns=GX_NS)
    evf = _sub(doc, "Folder")
    _sub(evf, "name", "Events")
    for e in shown(events):
        pos = event_position(e)
        if pos is None:
            continue
        pm = _sub(evf, "Placemark")
        _sub(pm, "name", event_label(e))
        ts = _sub(pm, "TimeStamp")
        _sub(ts, "when", iso(scene, e["time_s"]))
        pt = _sub(pm, "Point")
        _sub(pt, "altitudeMode", "absolute")
        _sub(pt, "coordinates", f"{pos[1]},{pos[0]},{pos[2]}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
