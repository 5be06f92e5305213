"""`iadsim report DIR`: one self-contained HTML file (every asset inlined) for a run, a Monte
Carlo batch, a comparison or an attribution directory."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    """Add the `report` sub-command."""
    r = sub.add_parser(
        "report",
        help="write one self-contained HTML report (map playback, kill chains, statistics)",
        description="Write DIR/report.html: opens offline, every asset inlined. DIR is a "
        "directory written by run, mc, compare, or holding attribution.json.",
    )
    r.add_argument("dir", help="an iadsim output directory")
    r.add_argument("--out", help="HTML file to write (default DIR/report.html)")
    r.add_argument("--scenario", help="scenario YAML to draw the map when DIR has no scene.json")
    r.add_argument(
        "--coverage-agl",
        type=float,
        metavar="M",
        help="also map where the radars detect a target M metres above the ground "
        "(needs --scenario with a terrain DEM)",
    )
    r.add_argument(
        "--pd-threshold", type=float, default=0.5, help="coverage: Pd per scan (default 0.5)"
    )
    r.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from iadsim.errors import InputError, Problem
    from iadsim.io.outputs import write_text
    from iadsim.report.html import build_html
    from iadsim.report.rundir import load_output_dir

    d = load_output_dir(Path(args.dir), args.scenario)
    if args.coverage_agl is not None:
        if args.scenario is None or d.scene is None:
            raise InputError(
                Problem("--coverage-agl", None, None, "", "needs --scenario (the radars and DEM)")
            )
        from iadsim.report.coverage_layer import coverage_overlay
        from iadsim.scenario import load_scenario

        d.scene["coverage"] = coverage_overlay(
            load_scenario(args.scenario), args.coverage_agl, args.pd_threshold
        )
    out = Path(args.out) if args.out else Path(args.dir) / "report.html"
    write_text(build_html(d), out)
    print(f"wrote {out}")
    return 0
