"""ASTERIX out and in: Wireshark's dissector (tshark) reads every CAT034/CAT048 record we write
with no malformed packet and the values libasterix decodes; a third-party recording (Croatia
Control's sample data) decodes plot for plot as tshark decodes it; a run's radar feed read
back through `iadsim ingest` gives the engine's own tracks back; fuzzed bytes give counts,
never an exception."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iadsim.cli import main
from iadsim.interop.asterix import Marker, Plot, decode, marker_block, plot_block
from iadsim.interop.asterix_ingest import read_stream
from iadsim.interop.pcap import write_udp_pcap
from tests.interop.tshark import fields, malformed, need_tshark

FIXTURES = Path(__file__).parents[1] / "fixtures" / "asterix"
THIRD_PARTY = FIXTURES / "cat_034_048.pcap"
PORTS = [21111, 21112, 21113, 21114, 21131, 21134, 21135]
PORTS += [p + 1000 for p in PORTS]  # the sample's UDP ports, not tshark's default 8600


def fields_multi(pcap, names, decode_as):
    import subprocess

    cmd = [need_tshark(), "-n", "-r", str(pcap), "-T", "fields", "-E", "separator=\t"]
    for d in decode_as:
        cmd += ["-d", d]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [
        {n: (c.split(",") if c else []) for n, c in zip(names, line.split("\t"), strict=True)}
        for line in out.splitlines()
    ]


def _values(rows, name) -> list[float]:
    return [float(v) for r in rows for v in r[name]]


def test_plots_survive_encoding_to_the_standards_resolution():
    plots = [Plot(3, 7, 3600.5 + k, 1000.0 + 5000 * k, 0.3 * k, 500.0 * k) for k in range(20)]
    got = decode(plot_block(plots)).plots
    assert len(got) == 20
    for p, q in zip(plots, got, strict=True):
        assert (q.sac, q.sic) == (3, 7)
        assert q.tod_s == pytest.approx(p.tod_s, abs=1 / 128)  # I048/140: 1/128 s
        assert q.range_m == pytest.approx(p.range_m, abs=1852 / 256)  # I048/040: 1/256 NM
        assert q.azimuth_rad == pytest.approx(p.azimuth_rad % (2 * math.pi), abs=2e-4)
        assert q.height_m == pytest.approx(p.height_m, abs=25 * 0.3048)  # I048/110: 25 ft


def test_tshark_reads_what_we_write(tmp_path):
    plots = [Plot(1, 9, 7200.25, 20000.0 + 3000 * k, 0.5 * k, 1000.0) for k in range(12)]
    data = [(0.0, marker_block(Marker(1, 9, 7200.0, 1))), (0.25, plot_block(plots))]
    pcap = tmp_path / "a.pcap"
    write_udp_pcap(pcap, data, 8600)  # tshark's ASTERIX port
    assert malformed(pcap) == 0
    names = ["asterix.048_040_RHO", "asterix.048_040_THETA", "asterix.048_010_SIC"]
    names += ["asterix.048_020_SIM", "asterix.034_000_VALUE", "asterix.048_140_VALUE"]
    rows = fields(pcap, names)
    ours = decode(data[1][1]).plots
    assert _values(rows, "asterix.048_040_RHO") == pytest.approx([p.range_m / 1852 for p in ours])
    theta = _values(rows, "asterix.048_040_THETA")
    assert theta == pytest.approx([math.degrees(p.azimuth_rad) for p in ours])
    assert _values(rows, "asterix.048_140_VALUE") == pytest.approx([7200.25] * 12)
    assert {v for r in rows for v in r["asterix.048_020_SIM"]} == {"1"}  # simulated
    assert [v for r in rows for v in r["asterix.034_000_VALUE"]] == ["1"]  # north marker


def test_third_party_recording_decodes_as_tshark_decodes_it():
    need_tshark()
    data = THIRD_PARTY.read_bytes()
    decoded, notes = read_stream(data)
    rows = fields_multi(THIRD_PARTY, ["asterix.048_040_RHO", "asterix.048_040_THETA"], [
        f"udp.port=={p},asterix" for p in PORTS
    ])  # fmt: skip
    rho = _values(rows, "asterix.048_040_RHO")
    theta = _values(rows, "asterix.048_040_THETA")
    assert len(rho) == len(decoded.plots) == 126 and not notes
    assert [p.range_m / 1852 for p in decoded.plots] == pytest.approx(rho)
    assert [math.degrees(p.azimuth_rad) for p in decoded.plots] == pytest.approx(theta)
    # the rest is reported: two CAT048 records without a position, with their offsets
    assert decoded.counts["cat048 records without a position"] == 2
    assert len(decoded.problems) == 2 and all(p.startswith("byte ") for p in decoded.problems)
    raw, _ = read_stream((FIXTURES / "cat048.raw").read_bytes())
    assert len(raw.plots) == 1 and (raw.plots[0].sac, raw.plots[0].sic) == (25, 201)


def test_ingest_cli_on_the_third_party_recording(tmp_path, capsys):
    sites = tmp_path / "sites.yaml"  # notional positions: the sample does not give them
    lines = ["sites:"]
    for sic in (11, 12, 13, 14, 201, 204):
        lines.append(f"  - {{sac: 25, sic: {sic}, lat_deg: 45.8, lon_deg: 16.0, alt_m: 200}}")
    sites.write_text("\n".join(lines) + "\n")
    out = tmp_path / "in"
    assert (
        main(["ingest", "asterix", str(THIRD_PARTY), "--sites", str(sites), "--out", str(out)]) == 0
    )
    report = json.loads((out / "ingest.json").read_text())
    assert report["plots"] == 126
    assert report["plots_of_unknown_radars"] == {"25/205": 6}
    assert len(report["problems"]) == 2
    assert "plots of SAC/SIC 25/205" in capsys.readouterr().out


def test_bad_sites_file_is_refused_with_its_line(tmp_path, capsys):
    sites = tmp_path / "sites.yaml"
    sites.write_text("sites:\n  - {sac: 25, sic: 300, lat_deg: 45, lon_deg: 16, alt_m: 0}\n")
    args = ["ingest", "asterix", str(THIRD_PARTY), "--sites", str(sites), "--out", str(tmp_path)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "sites.yaml:2" in err and "sic" in err and "Traceback" not in err


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_fuzzed_bytes_give_counts_not_exceptions(junk):
    d, _ = read_stream(junk)
    assert sum(d.counts.values()) >= 0 and len(d.plots) <= len(junk)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 255), st.integers(1, 40))
def test_corrupted_recording_keeps_going(pos, value, cut):
    """A byte changed and the tail cut off a real recording: counted, never raised."""
    data = bytearray((FIXTURES / "cat048.raw").read_bytes() * 5 + THIRD_PARTY.read_bytes()[:4000])
    data[pos % len(data)] = value
    d, notes = read_stream(bytes(data[:-cut]))
    assert d.counts.get("truncated datablock", 0) + len(d.problems) + len(notes) >= 0
    for p in d.problems:
        assert p.startswith("byte ")


@pytest.fixture(scope="module")
def exported(tutorial_run_dir, tmp_path_factory):
    pcap = tmp_path_factory.mktemp("ast") / "raid.asterix.pcap"
    assert main(["export", "asterix", str(tutorial_run_dir), "--out", str(pcap)]) == 0
    return pcap, pcap.with_name("raid.asterix-sites.yaml")


def test_our_capture_decodes_in_tshark_without_malformed_packets(exported):
    pcap, _ = exported
    assert malformed(pcap) == 0
    rows = fields(pcap, ["asterix.category", "asterix.048_040_RHO"])
    cats = {c for r in rows for c in r["asterix.category"]}
    assert cats == {"34", "48"}
    ours, _ = read_stream(pcap.read_bytes())
    assert len(_values(rows, "asterix.048_040_RHO")) == len(ours.plots) > 0


def test_recording_read_back_gives_the_simulated_tracks(
    exported, tutorial_prepared, tutorial_run_dir, tmp_path
):
    """The engine's tracker on the run's plots (kalman_firm, recorded) against `ingest` of the
    ASTERIX capture of the same plots: the same tracks, where they were. Not bit for bit: the
    capture rounds plots to ASTERIX's resolution and ingest runs one tracker over the whole
    feed where the engine restarts it after long empty stretches, so a marginal (clutter)
    track may differ."""
    from iadsim.engine.kalman_tracks import kalman_firm
    from iadsim.engine.replication import Replication
    from iadsim.engine.rng import RngStreams

    pcap, sites = exported
    out = tmp_path / "in"
    assert main(["ingest", "asterix", str(pcap), "--sites", str(sites), "--out", str(out)]) == 0
    got = pq.read_table(out / "tracks.parquet").to_pylist()
    seed = json.loads((tutorial_run_dir / "summary.json").read_text())["seed"]
    world = tutorial_prepared.geometry.world
    rep = Replication(tutorial_prepared.geometry, seed)
    rep.run()
    start = tutorial_prepared.scenario.spec.start_utc
    tod0 = start.hour * 3600 + start.minute * 60 + start.second
    compared = matched = 0
    for ci, state in rep.sensing.sensors.items():
        comp = world.components[ci]
        if not comp.is_radar:
            continue
        run = kalman_firm(world, state.geo, state.detected, RngStreams(seed), record=True)
        mine = [r for r in got if r["radar"] == comp.id]
        if run.hist_t.size == 0:
            assert not mine
            continue
        t_in = np.array([r["time_s"] - tod0 for r in mine])
        en = world.frame.to_enu([r["lat_deg"] for r in mine], [r["lon_deg"] for r in mine])
        for t, pos in zip(run.hist_t, run.hist_pos, strict=True):
            at = np.abs(t_in - t) < 0.01
            d = np.hypot(*(en[at, :2] - pos[:2]).T)
            matched += bool(d.size and d.min() < 100.0)
            compared += 1
        ids = {r["track"] for r in mine}
        assert abs(len(ids) - len(np.unique(run.hist_ids))) <= 1, comp.id
    assert compared > 500 and matched >= 0.9 * compared
