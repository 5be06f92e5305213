"""`iadsim compare`: base vs variants with common random numbers and paired intervals."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli._batch import HELP, batch_display, batch_options

COMPARE_FILES = (
    "base",
    "v*",
    "compare.*",
    "compare_reasons.csv",
    "tornado.png",
    "manifest.json",
)
"""What a compare directory holds: one store directory per variant, the report, its manifest."""


def register(sub) -> None:
    """Add the `compare` sub-command."""
    c = sub.add_parser(
        "compare",
        help="what-if: base vs variants (--set PATH=VALUE) with common random numbers",
        description="Run the base scenario and one variant per --set with the same seeds; report "
        "paired differences with 95% confidence intervals and a tornado chart. Paths: "
        "network.links.*.up=true, units.S300-BN.readiness=operational, "
        "units.BUK-BTY.c2_mode=autonomous; several assignments joined by ';' form one group. "
        "Before starting, prints how many replications will run and about how long.",
        formatter_class=HELP,
    )
    c.add_argument("scenario", help="scenario YAML file (or a bundled scenario's name)")
    c.add_argument(
        "--set",
        dest="sets",
        action="append",
        required=True,
        metavar="PATH=VALUE",
        help="one factor group (repeatable); join assignments with ';'",
    )
    c.add_argument(
        "--name",
        dest="names",
        action="append",
        default=None,
        metavar="NAME",
        help="name of each variant, in the order of the --set options (default v1, v2...)",
    )
    c.add_argument(
        "--metric",
        default="killed",
        help="metric the tornado chart ranks by (and shown in the tables): a name of the metric "
        "registry (killed, any_killed, sam_launches, manpads_kills, ...: docs/monte-carlo.md, "
        "'Metrics') or any metric of compare.csv (HELO-1.p_killed)",
    )
    batch_options(c, "out/compare")
    c.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    from iadsim.analysis.compare import (
        build_variants,
        compare_report,
        run_variants,
    )
    from iadsim.analysis.runner import Runner
    from iadsim.analysis.variants import parse_group
    from iadsim.engine.run import prepare
    from iadsim.io.outdir import check_target, retire_manifest, write_manifest
    from iadsim.report.compare import tornado, write_report

    check_target(args.out, COMPARE_FILES + tuple(args.names or ()))  # before the work
    groups = [parse_group(s) for s in args.sets]
    variants = build_variants(
        args.scenario, groups, args.names
    )  # every --set validated before running
    base = prepare(variants[0].scenario)
    with batch_display(args, base) as progress, Runner(args.workers, args.dask) as runner:
        paths = run_variants(
            variants,
            args.n,
            args.out,
            runner,
            base=base,
            root_seed=args.seed,
            resume=args.resume,
            progress=progress,
        )
    report = compare_report(variants, paths)
    retire_manifest(args.out, ("compare.*", "compare_reasons.csv", "tornado.png"))
    files = write_report(report, args.out)
    from iadsim.analysis.compare import COMPARE_METRICS
    from iadsim.analysis.metrics import METRICS

    chosen = METRICS[args.metric].vector_name if args.metric in METRICS else args.metric
    known = {r["metric"] for r in report["differences"]}
    if chosen not in known:
        from iadsim.errors import InputError, Problem

        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--metric",
                f"unknown metric {args.metric!r}; one of: {', '.join(sorted(METRICS))} or "
                f"{', '.join(sorted(known))}",
            )
        )
    files.append(tornado(report, chosen, Path(args.out) / "tornado.png"))
    from rich.console import Console

    from iadsim.report.batch import print_compare, print_reason_shifts

    console = Console()
    if not args.quiet:
        print_compare(report, console, COMPARE_METRICS + (chosen,))
        print_reason_shifts(report, console)
    write_manifest(Path(args.out), "compare")  # last: the report files as one set
    console.print("wrote " + ", ".join(str(f) for f in files))
    return 0
