"""`iadsim attribute`: split the defence's failure among defence conditions."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli import _args
from iadsim.cli._batch import HELP, batch_display, common_options, metric_option


def register(sub) -> None:
    """Add the `attribute` sub-command."""
    a = sub.add_parser(
        "attribute",
        help="split the failure among defence conditions (Shapley values, interactions)",
        description="For every subset of factor groups set 'as designed', run replications with "
        "the same seeds; report each group's Shapley value and share of designed - observed, its "
        "effect when fixed alone and when broken alone, and pairwise interaction indices, with "
        "bootstrap intervals. Replications are added until every share's interval half-width is "
        "under --target. Default groups: the defence conditions (connectivity, storage, "
        "maintenance, crews, deterrence) that change something in the scenario; the connection "
        "mechanisms (links, comms, power, deployment, integration) by name instead of "
        "connectivity; attacker actions (strikes, jamming, sead, decoys, cyber, return_fire) "
        "only when named in --groups; the two sides whole: --groups "
        "defence_conditions,attacker_actions (docs/monte-carlo.md). Before starting, prints "
        "how many replications the first round will run (and at most) and about how long.",
        formatter_class=HELP,
    )
    a.add_argument("scenario", help="scenario YAML file (or a bundled scenario's name)")
    a.add_argument(
        "-n",
        type=_args.replications,
        default=20,
        help="replications per subset in the first round",
    )
    a.add_argument(
        "--n-max", type=_args.replications, default=400, help="at most this many per subset"
    )
    a.add_argument(
        "--target",
        type=_args.finite,
        default=3.0,
        help="largest share interval half-width, in percentage points",
    )
    a.add_argument(
        "--groups",
        default=None,
        help="comma-separated factor groups (default: every defence condition that changes "
        "something in the scenario)",
    )
    metric_option(a, "the outcome attributed")
    a.add_argument(
        "--baseline",
        default="as_delivered",
        choices=("as_delivered", "brand_new"),
        help="what 'as designed' restores upkeep and crews to: as delivered and kept to the "
        "maker's schedule with standard-trained crews, or the upper bound of brand-new "
        "equipment with elite crews (docs/monte-carlo.md, 'Factor groups')",
    )
    common_options(a, "out/attribute")
    a.add_argument("--json", dest="json_out", help="also write the result as JSON here")
    a.set_defaults(func=cmd_attribute)


def cmd_attribute(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.analysis.attribute import run_attribution
    from iadsim.engine.run import prepare
    from iadsim.errors import InputError, Problem
    from iadsim.io.outdir import check_target, retire_manifest, write_manifest
    from iadsim.report.attribution import attribution_figure, print_attribution

    check_target(
        args.out, ("subsets", "attribution.*", "causes.csv", "manifest.json")
    )  # before the work
    if not 0.0 < args.target < 100.0:
        raise InputError(
            Problem("<command line>", None, None, "--target", "give percentage points in (0, 100)")
        )
    groups = None
    if args.groups:
        groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    console = Console()
    if args.quiet:
        base = prepare(args.scenario)
    else:
        with console.status("preparing the scenario..."):
            base = prepare(args.scenario)
    with batch_display(args, base) as progress:
        run = run_attribution(
            base,
            args.out,
            groups,
            metric=args.metric,
            root_seed=args.seed,
            workers=args.workers,
            target=args.target / 100.0,
            n_min=args.n,
            n_max=max(args.n, args.n_max),
            resume=args.resume,
            progress=progress,
            baseline=args.baseline,
        )
    a = run.attribution
    out = Path(args.out)
    retire_manifest(out, ("attribution.png",))  # attribution.json: just written
    fig = attribution_figure(a, out / "attribution.png", args.metric)
    if not args.quiet:
        print_attribution(a, console, args.metric, run.causes)
    if args.json_out:
        from iadsim.io.outputs import write_json

        write_json(run.to_dict(), Path(args.json_out))
    write_manifest(out, "attribute")  # last: attribution.json and its figure as one set
    widest = 100 * a.max_share_half_width
    verdict = "reached" if run.reached_target else "NOT reached (raise --n-max)"
    console.print(
        f"{a.n} replications per subset ({len(a.subset_means)} subsets, rounds "
        f"{list(run.rounds)}); widest share half-width {widest:.1f} points, target "
        f"{args.target:g}: {verdict}; {run.wall_s:.0f} s; wrote {out / 'attribution.json'}, {fig}"
    )
    return 0
