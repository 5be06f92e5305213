"""`iadsim mc`: N replications stored as they finish, with statistics."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli._batch import HELP, batch_display, batch_options, metric_option


def register(sub) -> None:
    """Add the `mc` sub-command."""
    m = sub.add_parser(
        "mc",
        help="Monte Carlo: N replications, stored as they finish, with statistics",
        description="Run N replications (seeds derived from one root seed) on local processes or "
        "a Dask cluster; each finished replication is stored at once in OUT/results.sqlite, and "
        "--resume runs only the missing ones after an interruption. Before starting, prints how "
        "many replications will run and about how long they will take.",
        formatter_class=HELP,
    )
    m.add_argument("scenario", help="scenario YAML file (or a bundled scenario's name)")
    batch_options(m, "out/mc")
    metric_option(m, "the headline metric (printed last, in summary.json's headline)")
    m.add_argument(
        "--force",
        action="store_true",
        help="a corrupt store in --out is moved aside (kept as results.sqlite.bad-TIME) and a "
        "new one started, instead of refusing",
    )
    m.set_defaults(func=cmd_mc)


def cmd_mc(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.analysis.batch_dir import prepare_store, write_batch_dir
    from iadsim.analysis.runner import Runner
    from iadsim.engine.run import prepare
    from iadsim.report.batch import print_batch_report
    from iadsim.report.scene import build_scene

    console = Console()
    out = Path(args.out)
    backup = prepare_store(out, force=args.force)  # before the work, not after it
    if backup is not None:
        console.print(f"the corrupt store was moved aside to {backup}")
    if args.quiet:
        prepared = prepare(args.scenario)
    else:
        with console.status("preparing the scenario (geometry, terrain)...", spinner="dots"):
            prepared = prepare(args.scenario)
    with batch_display(args, prepared) as progress, Runner(args.workers, args.dask) as runner:
        outcome, report = write_batch_dir(
            prepared,
            args.n,
            out,
            runner,
            root_seed=args.seed,
            resume=args.resume,
            progress=progress,
            scene=build_scene(prepared.geometry.world),
            metric=args.metric,
        )
    if not args.quiet:
        hint = f"iadsim explain {out}  (and the map: iadsim report {out})"
        print_batch_report(report, console, pairs_hint=hint)
    h = report["headline"]
    console.print(
        f"{h['metric']} ({h['meaning']}): {h['mean']:.3g} [{h['lo']:.3g}, {h['hi']:.3g}] "
        f"per replication (95% CI, N={h['n']})"
    )
    rate = outcome.ran / outcome.wall_s if outcome.wall_s > 0 and outcome.ran else 0.0
    console.print(
        f"{outcome.ran} replications run, {outcome.skipped} already stored "
        f"({rate:.1f}/s); store {outcome.store}, summary {out / 'summary.json'}"
    )
    return 0
