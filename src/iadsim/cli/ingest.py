"""`iadsim ingest asterix FILE --sites SITES.yaml --out DIR`: a real or recorded radar feed
(CAT048 plots, CAT034 scan markers; raw or pcap) into the tracker (docs/interop.md); and the
ASTERIX export of a run (`iadsim export asterix`), which writes such a feed and its sites."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    """Add the `ingest` sub-command."""
    p = sub.add_parser(
        "ingest",
        help="track a recorded radar feed (ASTERIX CAT048/034, raw or pcap)",
        description="Decode CAT048 plots (and CAT034 north markers) from a raw ASTERIX file "
        "or a pcap, place them with their radar's site from a SAC/SIC table and run the "
        "tracker per radar; writes DIR/tracks.parquet and DIR/ingest.json. Unreadable or "
        "unknown data is counted and reported with its byte offset.",
    )
    p.add_argument("format", choices=["asterix"], help="input format")
    p.add_argument("file", help="raw ASTERIX recording or pcap of UDP datagrams")
    p.add_argument("--sites", required=True, help="SAC/SIC table (YAML, docs/interop.md)")
    p.add_argument("--out", required=True, help="directory to write")
    p.set_defaults(func=cmd_ingest)


def cmd_ingest(args: argparse.Namespace) -> int:
    import pyarrow as pa

    from iadsim.interop.asterix_ingest import ingest, load_sites
    from iadsim.io.outputs import write_json, write_parquet

    frame, sites = load_sites(Path(args.sites))
    got = ingest(Path(args.file).read_bytes(), frame, sites)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    schema = pa.schema(
        [("time_s", pa.float64()), ("radar", pa.string()), ("track", pa.int64()),
         ("lat_deg", pa.float64()), ("lon_deg", pa.float64()), ("alt_m", pa.float64())]
    )  # fmt: skip
    c = got.tracks
    table = pa.Table.from_arrays(
        [c["time_s"], c["radar"], c["track"], c["lat"], c["lon"], c["alt"]], schema=schema
    )
    write_parquet(table, out / "tracks.parquet")
    d = got.decoded
    unplaced = {f"{a}/{b}": n for (a, b), n in sorted(got.unplaced.items())}
    report = {
        "file": str(args.file),
        "plots": len(d.plots),
        "north_markers": sum(m.kind == 1 for m in d.markers),
        "counts": dict(sorted(d.counts.items())),
        "plots_of_unknown_radars": unplaced,
        "problems": got.frame_notes + d.problems,
        "tracks": len(set(zip(c["radar"], c["track"], strict=True))),
    }
    write_json(report, out / "ingest.json")
    print(f"{len(d.plots)} plots decoded, {report['tracks']} confirmed tracks")
    for what, n in report["counts"].items():
        print(f"  {what}: {n}")
    for sacsic, n in unplaced.items():
        print(f"  plots of SAC/SIC {sacsic} (not in {args.sites}): {n}")
    problems = report["problems"]
    for line in problems[:20]:
        print(f"  skipped: {line}")
    if len(problems) > 20:
        print(f"  ... {len(problems) - 20} more in {out / 'ingest.json'}")
    print(f"wrote {out / 'tracks.parquet'}, {out / 'ingest.json'}")
    return 0


def export_asterix(d, out: Path | None, args: argparse.Namespace) -> int:
    """Write the run's radar plots as ASTERIX (pcap, UDP port 8600), in Kalman mode its command
    posts' fused pictures as CAT062 system tracks too, and its SAC/SIC table."""
    import json

    import yaml

    from iadsim.bundled import resolve
    from iadsim.engine.run import prepare
    from iadsim.errors import InputError, Problem
    from iadsim.interop.asterix_run import picture_feeds, radar_feeds, run_once
    from iadsim.interop.common import start_time
    from iadsim.interop.pcap import write_udp_pcap
    from iadsim.io.outputs import write_text

    scenario = args.scenario or resolve(d.summary.get("scenario_file", ""))
    if not scenario or not Path(scenario).is_file():
        raise InputError(
            Problem(str(d.path), None, None, "scenario_file",
                    "the run's scenario file is not found: give it with --scenario")
        )  # fmt: skip
    tracking = d.path / "tracking.json"
    tracker = json.loads(tracking.read_text())["tracker"] if tracking.is_file() else "mofn"
    prepared = prepare(scenario, tracker=tracker)
    seed = int(d.summary["seed"])
    rep = run_once(prepared, seed)
    feeds = radar_feeds(prepared, seed, args.sac, rep)
    pictures = picture_feeds(prepared, seed, args.sac, rep)
    t0 = start_time(d.scene).timestamp()
    blocks = sorted(
        ((t, k, b) for k, f in enumerate(feeds + pictures) for t, b in f.blocks),
        key=lambda x: x[:2],
    )
    out = out or d.path / "raid.asterix.pcap"
    port = args.port or 8600
    n = write_udp_pcap(out, ((t0 + t, b) for t, _, b in blocks), port)
    origin = {"lat_deg": d.scene["origin"]["lat_deg"], "lon_deg": d.scene["origin"]["lon_deg"]}
    sites_path = out.with_name(out.name.split(".")[0] + ".asterix-sites.yaml")
    table = {"origin": origin, "sites": [f.site for f in feeds]}
    if pictures:
        table["systems"] = [f.site for f in pictures]
    write_text(yaml.safe_dump(table, sort_keys=False), sites_path)
    print(f"wrote {out} ({n} ASTERIX datagrams, UDP port {port}), {sites_path}")
    if pictures:
        n_tracks = sum(len(f.blocks) for f in pictures)
        print(f"  CAT062: {len(pictures)} command posts' fused pictures, {n_tracks} updates")
    elif tracker != "kalman":
        print("  no CAT062: posts fuse a picture in Kalman mode (iadsim run --tracker kalman)")
    return 0
