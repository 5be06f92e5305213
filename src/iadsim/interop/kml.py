"""KML 2.2 for Google Earth: sites with the report's MIL-STD-2525C symbols, radar and missile
coverage rings, radar coverage at a height as ground overlays, time-stamped routes (gx:Track,
drawn with the aircraft's symbol) and events (placemarks with a TimeStamp), so Google Earth's
time slider plays the raid back. Packaged as KMZ (`to_kmz`: the document and its icons and
overlay images) or as KML text whose files lie beside it (`kml_files`)."""

from __future__ import annotations

import base64
import io
import math
import xml.etree.ElementTree as ET
import zipfile

from iadsim.interop.common import event_label, event_position, flown_track, iso, shown
from iadsim.interop.symbols import symbol

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


def _symbol_style(doc, sidc: str, line_color: str | None = None) -> str:
    """A style drawing the bundled symbol of `sidc` (its anchor at the position); returns its
    id. With `line_color`, a track drawn in that colour too."""
    sym = symbol(sidc)
    sid = f"sym-{sidc.replace('-', '_')}" + ("-track" if line_color else "")
    s = _sub(doc, "Style")
    s.set("id", sid)
    icon_style = _sub(s, "IconStyle")
    _sub(icon_style, "scale", "1")
    icon = _sub(icon_style, "Icon")
    _sub(icon, "href", sym.file_name)
    hot = _sub(icon_style, "hotSpot")
    hot.set("x", f"{sym.anchor[0]:g}")
    hot.set("y", f"{sym.height - sym.anchor[1]:g}")  # KML counts from the bottom
    hot.set("xunits", "pixels")
    hot.set("yunits", "pixels")
    if line_color:
        ls = _sub(s, "LineStyle")
        _sub(ls, "color", line_color)
        _sub(ls, "width", "2")
    return sid


def _png_bytes(data_uri: str) -> bytes:
    return base64.b64decode(data_uri.split(",", 1)[1])


def _coverage_folder(doc, coverage: dict) -> None:
    """Radar coverage at a height (report.coverage_layer.coverage_overlay) as ground overlays:
    all radars, then each radar, on the scenario's DEM."""
    folder = _sub(doc, "Folder")
    name = f"Radar coverage at {coverage['altitude_agl_m']:g} m AGL (Pd >= "
    _sub(folder, "name", name + f"{coverage['pd_threshold']:g}, {coverage['rcs_m2']:g} m2)")
    west, south, east, north = coverage["bounds"]
    layers = [("all radars", "files/coverage_combined.png", True)]
    layers += [
        (r["name"], f"files/coverage_{k}.png", False) for k, r in enumerate(coverage["radars"])
    ]
    for title, href, visible in layers:
        go = _sub(folder, "GroundOverlay")
        _sub(go, "name", title)
        _sub(go, "visibility", "1" if visible else "0")
        icon = _sub(go, "Icon")
        _sub(icon, "href", href)
        box = _sub(go, "LatLonBox")
        for tag, v in (("north", north), ("south", south), ("east", east), ("west", west)):
            _sub(box, tag, f"{v:.6f}")


def kml_files(scene: dict, coverage: dict | None = None) -> dict[str, bytes]:
    """The files the KML refers to, by their path relative to it: the symbols' PNG icons and
    the coverage overlays' images."""
    files = {}
    for item in list(scene["units"]) + list(scene["aircraft"]):
        if item.get("sidc"):
            sym = symbol(item["sidc"])
            files[sym.file_name] = sym.png
    if coverage:
        files["files/coverage_combined.png"] = _png_bytes(coverage["combined"])
        for k, r in enumerate(coverage["radars"]):
            files[f"files/coverage_{k}.png"] = _png_bytes(r["png"])
    return files


def to_kmz(scene: dict, events: list[dict], coverage: dict | None = None) -> bytes:
    """A KMZ: doc.kml first (Google Earth opens the first .kml), then its files; entries dated
    1980-01-01 so the same run gives the same bytes."""
    buf = io.BytesIO()
    entries = [("doc.kml", to_kml(scene, events, coverage).encode("utf-8"))]
    entries += sorted(kml_files(scene, coverage).items())
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def to_kml(scene: dict, events: list[dict], coverage: dict | None = None) -> str:
    """The KML document's text; its icons and overlays are `kml_files` (relative paths)."""
    root = ET.Element(_k("kml"))
    doc = _sub(root, "Document")
    _sub(doc, "name", f"iadsim {scene['scenario']} (notional)")
    _style(doc, "route", "ffa21f7a")
    _style(doc, "radar", "ffbf5f1f", 1)
    _style(doc, "missile", "ff1f1fbf", 1)
    styles: dict[tuple[str, bool], str] = {}
    for item in scene["units"]:
        if item.get("sidc") and (item["sidc"], False) not in styles:
            styles[(item["sidc"], False)] = _symbol_style(doc, item["sidc"])
    for item in scene["aircraft"]:
        if item.get("sidc") and (item["sidc"], True) not in styles:
            styles[(item["sidc"], True)] = _symbol_style(doc, item["sidc"], "ffa21f7a")
    sites = _sub(doc, "Folder")
    _sub(sites, "name", "Defence units")
    for u in scene["units"]:
        pm = _sub(sites, "Placemark")
        _sub(pm, "name", u["id"])
        if u.get("sidc"):
            _sub(pm, "styleUrl", f"#{styles[(u['sidc'], False)]}")
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
    if coverage:
        _coverage_folder(doc, coverage)
    routes = _sub(doc, "Folder")
    _sub(routes, "name", "Aircraft (time-stamped tracks)")
    for a in scene["aircraft"]:
        pm = _sub(routes, "Placemark")
        _sub(pm, "name", a["id"])
        _sub(pm, "description", a["type"])
        style = styles.get((a.get("sidc", ""), True), "route")
        _sub(pm, "styleUrl", f"#{style}")
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
