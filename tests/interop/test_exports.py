"""Exports checked by libraries made for them (fastkml, czml3) and, for Tacview's ACMI 2.2,
by a parser written here from the format's specification; the positions read back equal the
run's scene and events."""

from __future__ import annotations

import json
import math
import zipfile
from datetime import datetime, timedelta

import pytest

from iadsim.cli import main
from iadsim.report.rundir import load_output_dir


@pytest.fixture(scope="module")
def run(tutorial_run_dir):
    return load_output_dir(tutorial_run_dir)


def _export(fmt: str, run_dir, tmp_path) -> str:
    out = tmp_path / f"raid.{fmt}"
    assert main(["export", fmt, str(run_dir), "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def _kmz(run_dir, tmp_path) -> dict[str, bytes]:
    out = tmp_path / "raid.kmz"
    assert main(["export", "kml", str(run_dir), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert names[0] == "doc.kml"  # Google Earth opens the first .kml of a KMZ
        return {n: z.read(n) for n in names}


def test_kml_parsed_by_fastkml(run, tutorial_run_dir, tmp_path):
    kml = pytest.importorskip("fastkml.kml")
    files = _kmz(tutorial_run_dir, tmp_path)
    doc = kml.KML.from_string(files["doc.kml"]).features[0]
    units, cover, tracks, events = doc.features
    assert [p.name for p in units.features] == [u["id"] for u in run.scene["units"]]
    sam = units.features[0].geometry
    assert (sam.x, sam.y) == pytest.approx((-66.0, 10.0))
    assert len(cover.features) >= 2  # acquisition radar range, missile reach, EW radar
    start = datetime.fromisoformat(run.scene["start_utc"])
    for pm, ac in zip(tracks.features, run.scene["aircraft"], strict=True):
        items = pm.kml_geometry.track_items
        assert pm.name == ac["id"] and len(items) >= 2
        first = items[0]
        assert first.when.dt == start + timedelta(seconds=ac["track"][0][0])
        assert (first.coord.x, first.coord.y) == pytest.approx(
            (ac["track"][0][2], ac["track"][0][1])
        )
        times = [i.when.dt for i in items]
        assert times == sorted(times)
    launches = [e for e in run.events if e["kind"] == "launch"]
    assert sum("launch" in p.name for p in events.features) == len(launches)


def test_kml_draws_the_reports_symbols(run, tutorial_run_dir, tmp_path):
    """Every unit and aircraft placemark uses a style whose icon is its scene symbol (the
    bundled milsymbol PNG, in the KMZ) with the hot spot at the symbol's anchor."""
    import xml.etree.ElementTree as ET

    from iadsim.interop.symbols import symbol

    files = _kmz(tutorial_run_dir, tmp_path)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.fromstring(files["doc.kml"])
    styles = {s.get("id"): s for s in root.iter("{http://www.opengis.net/kml/2.2}Style")}
    placemarks = {
        p.findtext("k:name", namespaces=ns): p for p in root.iter(f"{{{ns['k']}}}Placemark")
    }
    for item in run.scene["units"] + run.scene["aircraft"]:
        style = styles[placemarks[item["id"]].findtext("k:styleUrl", namespaces=ns)[1:]]
        sym = symbol(item["sidc"])
        href = style.findtext("k:IconStyle/k:Icon/k:href", namespaces=ns)
        assert href == sym.file_name and files[href] == sym.png
        hot = style.find("k:IconStyle/k:hotSpot", ns)
        assert float(hot.get("x")) == pytest.approx(sym.anchor[0])
        assert float(hot.get("y")) == pytest.approx(sym.height - sym.anchor[1])
    assert _kmz(tutorial_run_dir, tmp_path / "again") == files  # same run, same bytes


def _coverage() -> dict:
    import base64

    from iadsim.interop.symbols import symbol

    png = "data:image/png;base64," + base64.b64encode(symbol("SFGPUUMR-------").png).decode()
    return {"altitude_agl_m": 60.0, "pd_threshold": 0.5, "rcs_m2": 10.0,
            "bounds": [-67.1, 10.3, -66.7, 10.7], "combined": png,
            "radars": [{"name": "EW/radar", "covered_share": 0.3, "png": png}]}  # fmt: skip


def test_coverage_as_kml_ground_overlays_and_czml_rectangles(run):
    """The overlay the report draws (bounds west, south, east, north and PNG images) becomes
    GroundOverlays with that LatLonBox and image in KML, and image rectangles in CZML."""
    import xml.etree.ElementTree as ET

    czml3 = pytest.importorskip("czml3")
    from iadsim.interop.czml import to_czml_packets
    from iadsim.interop.kml import kml_files, to_kml

    cov = _coverage()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.fromstring(to_kml(run.scene, run.events, cov))
    files = kml_files(run.scene, cov)
    overlays = list(root.iter(f"{{{ns['k']}}}GroundOverlay"))
    assert [o.findtext("k:name", namespaces=ns) for o in overlays] == ["all radars", "EW/radar"]
    for o in overlays:
        box = [float(o.findtext(f"k:LatLonBox/k:{t}", namespaces=ns))
               for t in ("west", "south", "east", "north")]  # fmt: skip
        assert box == cov["bounds"]
        assert files[o.findtext("k:Icon/k:href", namespaces=ns)].startswith(b"\x89PNG")
    rects = [p for p in to_czml_packets(run.scene, run.events, cov) if "rectangle" in p]
    assert [r["rectangle"]["coordinates"]["wsenDegrees"] for r in rects] == [cov["bounds"]] * 2
    assert [r["rectangle"]["show"] for r in rects] == [True, False]
    for r in rects:
        czml3.Packet(**r)
        assert r["rectangle"]["material"]["image"]["image"]["uri"] == cov["combined"]


def test_czml_validated_by_czml3(run, tutorial_run_dir, tmp_path):
    czml3 = pytest.importorskip("czml3")
    packets = json.loads(_export("czml", tutorial_run_dir, tmp_path))
    assert packets[0]["id"] == "document" and packets[0]["version"] == "1.0"
    for p in packets:
        czml3.Packet(**p)  # raises on any packet CZML does not allow
    by_id = {p["id"]: p for p in packets}
    from urllib.parse import unquote

    from iadsim.interop.symbols import symbol

    for item, key in [(u, "unit") for u in run.scene["units"]] + [
        (a, "aircraft") for a in run.scene["aircraft"]
    ]:
        board = by_id[f"{key}/{item['id']}"]["billboard"]
        sym = symbol(item["sidc"])
        assert unquote(board["image"].split(",", 1)[1]) == sym.svg  # the report's symbol
        dx, dy = board["pixelOffset"]["cartesian2"]
        assert (sym.width / 2 - dx, sym.height / 2 - dy) == pytest.approx(sym.anchor)
    for ac in run.scene["aircraft"]:
        pos = by_id[f"aircraft/{ac['id']}"]["position"]["cartographicDegrees"]
        assert len(pos) % 4 == 0
        # [t, lon, lat, alt] in time order; the first sample is the route's first point
        assert pos[1:4] == pytest.approx([ac["track"][0][2], ac["track"][0][1], ac["track"][0][3]])
        assert pos[0::4] == sorted(pos[0::4])


def parse_acmi(text: str) -> dict:
    """A minimal ACMI 2.2 reader: header properties, then per object its (time, T) samples,
    its properties, removal time, and the events."""
    lines = text.splitlines()
    assert lines[0] == "FileType=text/acmi/tacview" and lines[1] == "FileVersion=2.2"
    header, objects, events, t = {}, {}, [], None
    for line in lines[2:]:
        if line.startswith("#"):
            new = float(line[1:])
            assert t is None or new > t, "frames must strictly increase"
            t = new
        elif line.startswith("-"):
            objects[line[1:]]["removed"] = t
        else:
            oid, _, rest = line.partition(",")
            props = dict(p.split("=", 1) for p in rest.replace("\\,", "\x00").split(","))
            props = {k: v.replace("\x00", ",") for k, v in props.items()}
            if oid == "0":
                if t is None:
                    header.update(props)
                else:
                    events.append((t, props))
                continue
            obj = objects.setdefault(oid, {"samples": [], "props": {}, "removed": None})
            if "T" in props:
                fields = props.pop("T").split("|")
                obj["samples"].append((t, [float(v) if v else None for v in fields]))
            obj["props"].update(props)
    return {"header": header, "objects": objects, "events": events}


def test_acmi_parsed_back(run, tutorial_run_dir, tmp_path):
    acmi = parse_acmi(_export("acmi", tutorial_run_dir, tmp_path))
    h = acmi["header"]
    assert h["ReferenceTime"] == "2026-01-01T12:00:00Z"
    ref_lon, ref_lat = float(h["ReferenceLongitude"]), float(h["ReferenceLatitude"])
    by_name = {
        o["props"].get("CallSign") or o["props"].get("Name"): o for o in acmi["objects"].values()
    }
    for ac in run.scene["aircraft"]:
        obj = by_name[ac["id"]]
        assert obj["props"]["Coalition"] == "Enemies"
        t0, (lon, lat, alt, *_) = obj["samples"][0]
        assert t0 == pytest.approx(ac["track"][0][0], abs=0.01)
        assert (ref_lat + lat, ref_lon + lon, alt) == pytest.approx(
            tuple(ac["track"][0][1:]), abs=1e-6
        )
        assert obj["removed"] is not None  # shot down or landed: taken off the scene
    sam = by_name["SAM"]
    assert sam["props"]["Type"] == "Ground+Static+AntiAircraft"
    kills = [e for e in run.events if e["kind"] == "kill"]
    destroyed = [p for _, p in acmi["events"] if p["Event"].startswith("Destroyed|")]
    assert kills and len([p for p in destroyed if "|kill " in p["Event"]]) == len(kills)
    missiles = [o for o in acmi["objects"].values() if o["props"].get("Type") == "Weapon+Missile"]
    assert len(missiles) == sum(e["kind"] == "launch" for e in run.events)


def _bearing_deg(lat1, lon1, lat2, lon2) -> float:
    """Initial great-circle bearing on a sphere (an independent reference for headings)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def test_acmi_headings_destroyed_and_collapsed_messages(run, tutorial_run_dir, tmp_path):
    from iadsim.interop.common import REPEAT_GAP_S

    acmi = parse_acmi(_export("acmi", tutorial_run_dir, tmp_path))  # frames strictly increase
    by_sign = {o["props"].get("CallSign"): o for o in acmi["objects"].values()}
    for ac in run.scene["aircraft"]:
        samples = by_sign[ac["id"]]["samples"]
        for (_, p), (_, q) in zip(samples[:5], samples[1:6], strict=True):
            if (p[0], p[1]) == (q[0], q[1]):
                continue
            # the yaw is the bearing to the next sample (sphere vs ellipsoid: within 0.5 deg)
            want = _bearing_deg(p[1], p[0], q[1], q[0])
            assert abs((p[5] - want + 180) % 360 - 180) < 0.5
    destroyed = [p["Event"] for _, p in acmi["events"] if p["Event"].startswith("Destroyed|")]
    gone = [e for e in run.events if e["kind"] in ("kill", "destroyed")]
    assert len(destroyed) == len(gone)
    messages = [(t, p["Event"]) for t, p in acmi["events"] if p["Event"].startswith("Message|")]
    last: dict[str, float] = {}
    for t, text in messages:  # no message repeats its twin less than REPEAT_GAP_S later
        assert t - last.get(text, -1e9) > REPEAT_GAP_S, text
        last[text] = t


def test_export_refuses_a_batch_directory(tutorial_mc_dir, capsys):
    assert main(["export", "kml", str(tutorial_mc_dir)]) == 2
    assert "needs a run directory" in capsys.readouterr().err
