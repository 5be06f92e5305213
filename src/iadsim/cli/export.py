"""`iadsim export {kml,czml,acmi,dis,asterix} DIR`: the run for Google Earth, Cesium, Tacview,
any DIS tool (a pcap of DIS 7 PDUs over UDP) or ASTERIX (its radars' plots; docs/interop.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

SUFFIX = {
    "kml": ".kmz",
    "czml": ".czml",
    "acmi": ".txt.acmi",
    "dis": ".dis.pcap",
    "asterix": ".asterix.pcap",
}


def register(sub) -> None:
    """Add the `export` sub-command."""
    e = sub.add_parser(
        "export",
        help="export a run for Google Earth (kml), Cesium (czml), Tacview (acmi), DIS (dis) "
        "or its radars' plots as ASTERIX CAT034/048 (asterix)",
        description="Write DIR/raid.kmz (KML with its symbol icons and overlays; --out X.kml "
        "writes the KML with its files in X's folder under files/), DIR/raid.czml, "
        "DIR/raid.txt.acmi or DIR/raid.dis.pcap (DIS 7 PDUs as UDP datagrams) from a run "
        "directory (its scene.json and event log with positions).",
    )
    e.add_argument("format", choices=sorted(SUFFIX), help="output format")
    e.add_argument("dir", help="a directory written by `iadsim run`")
    e.add_argument("--out", "--pcap", help="file to write (default DIR/raid.<format>)")
    add_dis_ids(e, port=True)
    e.add_argument(
        "--scenario",
        help="scenario YAML (default: the run's own, from summary.json); needed when DIR has "
        "no scene.json",
    )
    e.add_argument(
        "--coverage-agl",
        type=float,
        metavar="M",
        help="kml, czml: add radar coverage where a target M metres above the ground is "
        "detected (ground overlays; default: none)",
    )
    e.add_argument(
        "--pd-threshold", type=float, default=0.5, help="coverage: Pd per scan (default 0.5)"
    )
    e.set_defaults(func=cmd_export)


def run_dir_with_scene(path: Path, scenario: str | None):
    """The run directory (report.rundir.OutputDir), refused unless it is a run with a scene."""
    from iadsim.errors import InputError, Problem
    from iadsim.report.rundir import load_output_dir

    d = load_output_dir(path, scenario)
    if d.kind != "run" or d.scene is None:
        raise InputError(
            Problem(
                str(d.path),
                None,
                None,
                "",
                "export needs a run directory with scene.json (from `iadsim run`), "
                f"this is a {d.kind} directory" + ("" if d.scene else " without scene.json"),
            )
        )
    return d


def cmd_export(args: argparse.Namespace) -> int:
    from iadsim.io.outputs import write_text

    d = run_dir_with_scene(Path(args.dir), args.scenario)
    if args.format == "asterix":
        from iadsim.cli.ingest import export_asterix

        return export_asterix(d, Path(args.out) if args.out else None, args)
    if args.format == "dis":
        from iadsim.interop.common import start_time
        from iadsim.interop.dis_run import run_pdus
        from iadsim.interop.pcap import write_udp_pcap

        out = Path(args.out) if args.out else d.path / "raid.dis.pcap"
        t0 = start_time(d.scene).timestamp()
        pdus = run_pdus(d.scene, d.events, d.summary, dis_config(args))
        port = args.port or 3000
        n = write_udp_pcap(out, ((t0 + t, pdu) for t, pdu in pdus), port)
        print(f"wrote {out} ({n} DIS PDUs, UDP port {port})")
        return 0
    if args.format == "kml":
        from iadsim.interop.kml import to_kml as convert
    elif args.format == "czml":
        from iadsim.interop.czml import to_czml as convert
    else:
        from iadsim.interop.acmi import to_acmi as convert
    out = Path(args.out) if args.out else d.path / f"raid{SUFFIX[args.format]}"
    if args.format in ("kml", "czml"):
        return _write_earth(args.format, d, out, _coverage(d, args))
    write_text(convert(d.scene, d.events), out)
    print(f"wrote {out}")
    return 0


def _coverage(d, args: argparse.Namespace) -> dict | None:
    """The coverage overlay asked for with --coverage-agl, over the run's scenario."""
    if args.coverage_agl is None:
        return None
    from iadsim.bundled import resolve
    from iadsim.errors import InputError, Problem
    from iadsim.report.coverage_layer import coverage_overlay
    from iadsim.scenario import load_scenario

    scenario = args.scenario or resolve(d.summary.get("scenario_file", ""))
    if not scenario or not Path(scenario).is_file():
        raise InputError(
            Problem("--coverage-agl", None, None, "",
                    "the run's scenario file is not found: give it with --scenario")
        )  # fmt: skip
    return coverage_overlay(load_scenario(scenario), args.coverage_agl, args.pd_threshold)


def _write_earth(fmt: str, d, out: Path, coverage: dict | None) -> int:
    """KMZ (or KML and its files beside it) or CZML, with symbols and coverage."""
    from iadsim.io.outputs import write_bytes, write_text

    if fmt == "czml":
        from iadsim.interop.czml import to_czml

        write_text(to_czml(d.scene, d.events, coverage), out)
    elif out.suffix.lower() == ".kml":
        from iadsim.interop.kml import kml_files, to_kml

        for name, data in kml_files(d.scene, coverage).items():
            write_bytes(data, out.parent / name)
        write_text(to_kml(d.scene, d.events, coverage), out)
    else:
        from iadsim.interop.kml import to_kmz

        write_bytes(to_kmz(d.scene, d.events, coverage), out)
    print(
        f"wrote {out}"
        + (f" (coverage at {coverage['altitude_agl_m']:g} m AGL)" if coverage else "")
    )
    return 0


def add_dis_ids(p, port: bool = False) -> None:
    """The DIS exercise, site and application ids (export dis, play), and the UDP port."""
    p.add_argument("--exercise", type=_byte, default=1, help="DIS exercise id (default 1)")
    p.add_argument("--site", type=_u16, default=1, help="DIS site id (default 1)")
    p.add_argument("--application", type=_u16, default=1, help="DIS application id (default 1)")
    if port:
        p.add_argument(
            "--port", type=_u16, default=None, help="UDP port (default 3000 DIS, 8600 ASTERIX)"
        )
        p.add_argument("--sac", type=_u8, default=1, help="ASTERIX SAC of the radars (default 1)")


def _int_in(lo: int, hi: int):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"must be in {lo}..{hi}, got {v}")
        return v

    return parse


_byte, _u8, _u16 = _int_in(1, 255), _int_in(0, 255), _int_in(0, 65535)


def dis_config(args: argparse.Namespace):
    from iadsim.interop.dis_entities import DisConfig

    return DisConfig(args.exercise, args.site, args.application)
