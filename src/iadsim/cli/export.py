"""`iadsim export {kml,czml,acmi} DIR`: the run for Google Earth, Cesium or Tacview."""

from __future__ import annotations

import argparse
from pathlib import Path

SUFFIX = {"kml": ".kml", "czml": ".czml", "acmi": ".txt.acmi"}


def register(sub) -> None:
    """Add the `export` sub-command."""
    e = sub.add_parser(
        "export",
        help="export a run for Google Earth (kml), Cesium (czml) or Tacview (acmi)",
        description="Write DIR/raid.kml, DIR/raid.czml or DIR/raid.txt.acmi from a run "
        "directory (its scene.json and event log with positions).",
    )
    e.add_argument("format", choices=sorted(SUFFIX), help="output format")
    e.add_argument("dir", help="a directory written by `iadsim run`")
    e.add_argument("--out", help="file to write (default DIR/raid.<format>)")
    e.add_argument("--scenario", help="scenario YAML when DIR has no scene.json")
    e.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from iadsim.errors import InputError, Problem
    from iadsim.io.outputs import write_text
    from iadsim.report.rundir import load_output_dir

    d = load_output_dir(Path(args.dir), args.scenario)
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
    if args.format == "kml":
        from iadsim.interop.kml import to_kml as convert
    elif args.format == "czml":
        from iadsim.interop.czml import to_czml as convert
    else:
        from iadsim.interop.acmi import to_acmi as convert
    out = Path(args.out) if args.out else d.path / f"raid{SUFFIX[args.format]}"
    write_text(convert(d.scene, d.events), out)
    print(f"wrote {out}")
    return 0
