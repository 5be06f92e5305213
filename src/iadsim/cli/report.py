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
    r.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from iadsim.io.outputs import write_text
    from iadsim.report.html import build_html
    from iadsim.report.rundir import load_output_dir

    d = load_output_dir(Path(args.dir), args.scenario)
    out = Path(args.out) if args.out else Path(args.dir) / "report.html"
    write_text(build_html(d), out)
    print(f"wrote {out}")
    return 0
