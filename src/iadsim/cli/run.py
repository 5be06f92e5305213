"""`iadsim run`: simulate one replication and write its outputs."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli import _args


def register(sub) -> None:
    """Add the `run` sub-command."""
    r = sub.add_parser("run", help="simulate one replication and write its outputs")
    r.add_argument("scenario", help="scenario YAML file")
    r.add_argument("--seed", type=_args.seed, default=1, help="random seed (default 1)")
    r.add_argument("--out", default="out/run", help="output directory (default out/run)")
    r.add_argument("--quiet", action="store_true", help="do not print the summary tables")
    r.add_argument(
        "--tracker",
        choices=("mofn", "kalman"),
        default="mofn",
        help="firm tracks by M-of-N detections (default, fast) or by the Kalman tracker "
        "(noisy plots, false alarms; writes GOSPA and track metrics to tracking.json)",
    )
    r.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.analysis.summary import replication_summary
    from iadsim.analysis.tracking_report import tracking_report
    from iadsim.engine.run import prepare
    from iadsim.io.outdir import check_target, output_dir
    from iadsim.io.outputs import RUN_FILES, write_json, write_parquet
    from iadsim.report.console import print_run_summary
    from iadsim.report.positions import with_nulls, with_positions
    from iadsim.report.scene import build_scene

    console = Console()
    out = Path(args.out)
    check_target(out, RUN_FILES)  # before the work, not after it
    prepared = prepare(args.scenario, tracker=args.tracker)
    with console.status("simulating...", spinner="dots"):
        result = prepared.replicate(args.seed)
        tracking = tracking_report(prepared, result)
    summary = replication_summary(prepared.scenario, result, tracker=prepared.tracker)
    world = prepared.geometry.world
    # all five files or none: written beside `out`, then swapped into place with a manifest
    with output_dir(out, kind="run", legacy=RUN_FILES) as tmp:
        events = with_nulls(with_positions(result.events.table(), world))
        write_parquet(events, tmp / "events.parquet")
        write_parquet(with_nulls(result.ledger.table()), tmp / "ledger.parquet")
        write_json(summary, tmp / "summary.json")
        write_json(tracking, tmp / "tracking.json")
        write_json(build_scene(world), tmp / "scene.json")
    if not args.quiet:
        print_run_summary(summary, console)
    console.print(
        f"wrote {out / 'events.parquet'}, {out / 'ledger.parquet'}, {out / 'summary.json'}, "
        f"{out / 'tracking.json'}, {out / 'scene.json'}"
    )
    return 0
