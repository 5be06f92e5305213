"""`iadsim attribute`: split the failure among factor groups (counterfactuals + Shapley)."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli import _args


def register(sub) -> None:
    """Add the `attribute` sub-command."""
    a = sub.add_parser(
        "attribute",
        help="split the failure among factor groups (counterfactuals + Shapley values)",
        description="For every subset of factor groups set 'as designed', run N replications "
        "with the same seeds; report each group's Shapley value (they add up to designed - "
        "observed), its effect when fixed alone and when broken alone, with confidence "
        "intervals. Groups: connectivity, storage, maintenance, crews, suppression, strikes "
        "(docs/monte-carlo.md).",
    )
    a.add_argument("scenario")
    a.add_argument(
        "-n", type=_args.replications, default=20, help="replications per subset (default 20)"
    )
    a.add_argument("--seed", type=_args.seed, default=1, help="root seed")
    a.add_argument("--groups", default=None, help="comma-separated factor groups (default all)")
    a.add_argument("--metric", default="killed", help="outcome metric (default killed)")
    a.add_argument("--ci", choices=["t", "bootstrap"], default="t")
    a.add_argument("--json", dest="json_out", help="also write the result as JSON here")
    a.set_defaults(func=cmd_attribute)


def cmd_attribute(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from iadsim.analysis.attribute import METRICS, run_attribution
    from iadsim.analysis.factors import FACTOR_GROUPS
    from iadsim.engine.run import prepare
    from iadsim.errors import InputError, Problem
    from iadsim.report.attribution import render_table

    if args.metric not in METRICS:
        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--metric",
                f"unknown metric {args.metric!r}; one of: {', '.join(sorted(METRICS))}",
            )
        )
    groups = [g.strip() for g in (args.groups or ",".join(FACTOR_GROUPS)).split(",") if g.strip()]
    if args.n < 2:
        raise InputError(
            Problem("<command line>", None, None, "-n", "need at least 2 replications")
        )
    console = Console()
    with console.status("preparing the scenario..."):
        base = prepare(args.scenario)
    total = args.n * 2 ** len(groups)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"{total} replications", total=total)
        result = run_attribution(
            base,
            args.n,
            groups,
            args.metric,
            args.seed,
            args.ci,
            progress=lambda: bar.advance(task),
        )
    console.print(
        render_table(
            result,
            title=f"What explains the outcome ({args.metric})? "
            f"observed {result.observed.mean:.3f}, as designed "
            f"{result.designed.mean:.3f}, {args.n} replications per subset",
        )
    )
    if args.json_out:
        from iadsim.io.outputs import write_json

        write_json(result.to_dict(), Path(args.json_out))
    return 0
