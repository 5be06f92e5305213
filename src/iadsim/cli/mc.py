"""`iadsim mc`: N replications stored as they finish, with statistics."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli._batch import batch_options, resume_hint, sigterm_as_interrupt


def register(sub) -> None:
    """Add the `mc` sub-command."""
    m = sub.add_parser(
        "mc",
        help="Monte Carlo: N replications, stored as they finish, with statistics",
        description="Run N replications (seeds derived from one root seed) on local processes or "
        "a Dask cluster; each finished replication is stored at once in OUT/results.sqlite, and "
        "--resume runs only the missing ones after an interruption.",
    )
    m.add_argument("scenario", help="scenario YAML file")
    batch_options(m, "out/mc")
    m.add_argument(
        "--force",
        action="store_true",
        help="a corrupt store in --out is moved aside (kept as results.sqlite.bad-TIME) and a "
        "new one started, instead of refusing",
    )
    m.set_defaults(func=cmd_mc)


def cmd_mc(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.analysis.montecarlo import run_batch
    from iadsim.analysis.stats import batch_report
    from iadsim.analysis.store import ResultStore, commit_batch_dir, prepare_store
    from iadsim.engine.run import prepare
    from iadsim.io.outdir import fs_errors
    from iadsim.io.outputs import write_json
    from iadsim.report.batch import print_batch_report
    from iadsim.report.progress import console_bar

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
    bar = None if args.quiet else console_bar(eta=True)
    try:
        with sigterm_as_interrupt():
            outcome = run_batch(
                prepared,
                args.n,
                args.out,
                root_seed=args.seed,
                workers=args.workers,
                dask=args.dask,
                resume=args.resume,
                progress=bar,
            )
    except KeyboardInterrupt:
        resume_hint(args)
        raise
    finally:
        if bar is not None:
            bar.stop()
    # the report covers replications 0..n-1, even when the store holds more (--resume -n)
    with ResultStore(outcome.store, writer=False, limit=args.n) as store:
        report = batch_report(store)
    from iadsim.report.scene import build_scene

    with fs_errors(out, "write the summary"):
        write_json(report, out / "summary.json")
        write_json(build_scene(prepared.geometry.world), out / "scene.json")
    commit_batch_dir(out, args.n)  # the manifest last: readers check the set
    if not args.quiet:
        hint = f"iadsim explain {out}  (and the map: iadsim report {out})"
        print_batch_report(report, console, pairs_hint=hint)
    rate = outcome.ran / outcome.wall_s if outcome.wall_s > 0 and outcome.ran else 0.0
    console.print(
        f"{outcome.ran} replications run, {outcome.skipped} already stored "
        f"({rate:.1f}/s); store {outcome.store}, summary {out / 'summary.json'}"
    )
    return 0
