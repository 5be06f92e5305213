"""DIS export of the Caracas run read back by Wireshark's DIS dissector (tshark): every PDU
decodes, and what it says (types, entities, positions, enumerations, times, results) equals
the run's scene and events; dead reckoning stays within the standard's threshold."""

from __future__ import annotations

import socket
import threading
from datetime import datetime

import numpy as np
import pymap3d
import pytest

from iadsim.cli import main
from iadsim.interop import dis_enums as en
from iadsim.interop.common import flown_track
from iadsim.interop.dis_entities import DRA_POS_THRSH_M, HBT_ESPDU_S, HBT_PDU_EE_S
from iadsim.report.rundir import load_output_dir
from tests.builders import CARACAS
from tests.interop.tshark import fields, malformed, need_tshark

DIS = "udp.port==3000,dis"


@pytest.fixture(scope="module")
def caracas(tmp_path_factory):
    out = tmp_path_factory.mktemp("dis") / "run"
    assert main(["run", str(CARACAS), "--seed", "1", "--out", str(out), "--quiet"]) == 0
    pcap = out.parent / "raid.dis.pcap"
    args = ["export", "dis", str(out), "--pcap", str(pcap), "--exercise", "9", "--site", "42"]
    assert main(args) == 0
    return load_output_dir(out), pcap


def _t(run, row) -> float:
    t0 = datetime.fromisoformat(run.scene["start_utc"]).timestamp()
    return float(row["frame.time_epoch"][0]) - t0


def test_every_pdu_decodes_with_our_ids(caracas):
    run, pcap = caracas
    need_tshark()
    assert malformed(pcap, DIS) == 0
    rows = fields(pcap, ["dis.pdu_type", "dis.exer_id", "dis.proto_ver"], DIS)
    assert rows and all(r["dis.exer_id"] == ["9"] and r["dis.proto_ver"] == ["7"] for r in rows)
    assert {r["dis.pdu_type"][0] for r in rows} == {"1", "2", "3", "23"}


def test_entity_state_positions_and_types(caracas):
    run, pcap = caracas
    names = ["frame.time_epoch", "dis.entity_id_site", "dis.entity_id_entity", "dis.entity_marking"]
    names += [f"dis.entity_location.{a}" for a in "xyz"] + ["dis.entityKind", "dis.country"]
    names += ["dis.category", "dis.subcategory", "dis.specific", "dis.timestamp"]
    rows = fields(pcap, names, DIS, "dis.pdu_type==1")
    by_mark: dict[str, list] = {}
    for r in rows:
        assert r["dis.entity_id_site"] == ["42"]
        by_mark.setdefault(r["dis.entity_marking"][0], []).append(r)
    comps = [c for u in run.scene["units"] for c in u["components"]]
    for c in comps:  # still entities: where the scene puts them, typed from the table
        got = by_mark[c["id"][:11]]
        x, y, z = (float(got[0][f"dis.entity_location.{a}"][0]) for a in "xyz")
        lat, lon, alt = pymap3d.ecef2geodetic(x, y, z)
        assert (lat, lon, alt) == pytest.approx((c["lat_deg"], c["lon_deg"], c["alt_m"]), abs=1e-6)
        want = en.component_entity(c["type"])
        assert got[0]["dis.entityKind"][0] == str(want.kind)
        assert got[0]["dis.country"][0] == str(want.country)
        gaps = np.diff([_t(run, r) for r in got])
        assert gaps.max() <= HBT_ESPDU_S + 1e-6
    for a in run.scene["aircraft"]:  # moving entities: on the flown track at the PDU's time
        got = by_mark[a["id"]]
        track = np.asarray(flown_track(a, run.events))
        want = en.aircraft_entity(a["type"], a["category"])
        assert {r["dis.subcategory"][0] for r in got} == {str(want.subcategory)}
        for r in got[:: max(len(got) // 40, 1)]:
            t = _t(run, r)
            # the DIS timestamp (time past the hour) is the frame's time to its resolution
            assert float(r["dis.timestamp"][0]) == pytest.approx(t % 3600, abs=4e-6)
            x, y, z = (float(r[f"dis.entity_location.{k}"][0]) for k in "xyz")
            lat, lon, alt = pymap3d.ecef2geodetic(x, y, z)
            if t <= track[-1, 0]:
                assert lat == pytest.approx(np.interp(t, track[:, 0], track[:, 1]), abs=1e-6)
                assert lon == pytest.approx(np.interp(t, track[:, 0], track[:, 2]), abs=1e-6)
                assert alt == pytest.approx(np.interp(t, track[:, 0], track[:, 3]), abs=0.5)


def test_dead_reckoning_within_threshold_and_heartbeat(caracas):
    run, pcap = caracas
    names = ["frame.time_epoch", "dis.entity_marking", "dis.entity_marking_character_set"]
    names += [f"dis.entity_location.{a}" for a in "xyz"]
    names += [f"dis.entity_linear_velocity.{a}" for a in "xyz"]
    rows = fields(pcap, names, DIS, "dis.pdu_type==1")
    a = next(x for x in run.scene["aircraft"] if x["id"] == "STRIKE-1")
    track = np.asarray(flown_track(a, run.events))
    mine = [r for r in rows if r["dis.entity_marking"] == [a["id"]]]
    assert {r["dis.entity_marking_character_set"][0] for r in mine} == {"2"}  # DR FPW
    t = np.array([_t(run, r) for r in mine])
    p = np.array([[float(r[f"dis.entity_location.{k}"][0]) for k in "xyz"] for r in mine])
    v = np.array([[float(r[f"dis.entity_linear_velocity.{k}"][0]) for k in "xyz"] for r in mine])
    assert np.diff(t).max() <= HBT_ESPDU_S + 1e-6
    frames = np.arange(track[0, 0], track[-1, 0], 1.0)
    truth = np.stack(
        pymap3d.geodetic2ecef(*(np.interp(frames, track[:, 0], track[:, k]) for k in (1, 2, 3))),
        axis=-1,
    )
    last = np.searchsorted(t, frames, "right") - 1
    dr = p[last] + v[last] * (frames - t[last])[:, None]
    err = np.linalg.norm(dr - truth, axis=1)
    # the receiver's dead-reckoned picture stays within the threshold (+ float32 velocity
    # and the chord-versus-arc of linear interpolation)
    assert err.max() <= DRA_POS_THRSH_M + 0.1
    assert len(mine) < 0.5 * frames.size  # thresholds, not every frame


def test_fire_and_detonation_match_the_events(caracas):
    run, pcap = caracas
    ev = run.events
    guns = {e["component"] for e in ev if e["kind"] == "gun_fire"}  # not exported to DIS
    launches = [
        e for e in ev if e["kind"] in ("launch", "return_fire") and e["component"] not in guns
    ]
    strikes = [e for e in ev if e["kind"] == "strike"]
    names = ["frame.time_epoch", "dis.detonation.result", "dis.entityKind", "dis.country"]
    fires = fields(pcap, names, DIS, "dis.pdu_type==2")
    dets = fields(pcap, names, DIS, "dis.pdu_type==3")
    assert sorted(_t(run, r) for r in fires) == pytest.approx([e["time_s"] for e in launches])
    # a launch ends in a kill or a miss; an anti-radiation shot at its impact time; a burst
    # of return fire where it lands; a strike where it falls
    # (gun bursts are not exported: engine/guns.py's kills carry detail "gun")
    ends = [e for e in ev if e["kind"] in ("kill", "miss") and e["detail"] != "gun"]
    hits = [e for e in ends if e["kind"] == "kill"]
    want = sorted([e["time_s"] for e in ends] + [e["time_s"] for e in strikes])
    arm_hits = [
        e for e in ev if e["kind"] == "destroyed" and e["detail"] == "anti-radiation missile"
    ]
    bursts = [e for e in launches if e["kind"] == "return_fire" and e["detail"] != "anti-radiation"]
    want = sorted(want + [e["time_s"] for e in arm_hits + bursts])
    assert sorted(_t(run, r) for r in dets) == pytest.approx(want)
    results = [r["dis.detonation.result"][0] for r in dets]
    rf_hits = [e for e in ev if e["kind"] == "destroyed" and e["detail"] == "return fire"]
    assert results.count("1") == len(hits) + len(arm_hits) + len(rf_hits)  # entity impact
    assert results.count("3") >= len(strikes)  # ground impact
    manpads = next(r for r in fires if r["dis.country"] == ["222"])  # the Igla-S salvo
    assert manpads["dis.entityKind"] == ["2"]


def test_emitters_named_on_and_off(caracas):
    run, pcap = caracas
    names = ["frame.time_epoch", "dis.entity_id_entity", "dis.electromagnetic.emitter.name"]
    names += ["dis.electromagnetic.emission.num_beams", "dis.electromagnetic.emission.function"]
    rows = fields(pcap, names, DIS, "dis.pdu_type==23")
    comps = [c for u in run.scene["units"] for c in u["components"]]
    ids = {c["id"]: str(k + 1) for k, c in enumerate(comps)}
    ew = "EW-VOLCAN/ew-radar"  # destroyed by the glide bomb at 240 s
    mine = [r for r in rows if r["dis.entity_id_entity"][0] == ids[ew]]
    assert {r["dis.electromagnetic.emitter.name"][0] for r in mine} == {"18578"}  # JYL-1
    beams = [(round(_t(run, r), 6), r["dis.electromagnetic.emission.num_beams"][0]) for r in mine]
    assert all(n == "1" for t, n in beams if t < 240) and all(
        n == "0" for t, n in beams if t >= 240
    )
    assert np.diff([t for t, _ in beams]).max() <= HBT_PDU_EE_S + 1e-6
    stored = run.summary["component_states"]["S300-BN/surv-radar"]  # in storage: silent
    assert stored == "in_storage"
    silent = [r for r in rows if r["dis.entity_id_entity"][0] == ids["S300-BN/surv-radar"]]
    assert silent and {r["dis.electromagnetic.emission.num_beams"][0] for r in silent} == {"0"}


def test_unknown_types_get_the_generic_enumeration():
    g = en.table()["generic"]
    assert en.component_entity("no-such-type").kind == g["ground"]["entity"][0]
    assert en.aircraft_entity("no-such", "helicopter").domain == g["helicopter"]["entity"][1]
    assert en.component_emitter("no-such").name == g["radar"]["emitter"][0]
    assert en.munition_entity("no-such").kind == 2


def test_every_table_entry_names_its_reference():
    rows = en.rows()
    assert len(rows) > 30 and all(ref for *_, ref in rows)


def test_play_streams_the_same_pdus(caracas, tmp_path):
    """The first 120 s as fast as possible: every PDU arrives, in order (UDP on loopback)."""
    run, pcap = caracas
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 23)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(60.0)  # play computes the PDUs first
    port = rx.getsockname()[1]
    got: list[bytes] = []

    def listen():
        try:
            while True:
                got.append(rx.recv(2048))
                rx.settimeout(2.0)
        except OSError:
            pass

    th = threading.Thread(target=listen)
    th.start()
    args = ["play", str(run.path), "--dis", f"127.0.0.1:{port}", "--speed", "0", "--until", "120"]
    args += ["--exercise", "9", "--site", "42"]
    assert main(args) == 0
    th.join()
    rx.close()
    from iadsim.interop.pcap import read_udp_pcap

    sent, notes = read_udp_pcap(pcap.read_bytes())
    t0 = datetime.fromisoformat(run.scene["start_utc"]).timestamp()
    want = [d.payload for d in sent if d.time_s - t0 <= 120]
    assert not notes and 100 < len(want) < len(sent)
    assert got == want


def test_play_refuses_a_bad_endpoint(caracas, capsys):
    run, _ = caracas
    with pytest.raises(SystemExit) as exc:
        main(["play", str(run.path), "--dis", "localhost"])
    assert exc.value.code == 2
    assert "HOST:PORT" in capsys.readouterr().err


def test_docs_list_the_table():
    """docs/interop.md shows the enumerations table as it is."""
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "interop.md").read_text(encoding="utf-8")
    for row in en.rows():
        assert "| " + " | ".join(row) + " |" in doc, row
