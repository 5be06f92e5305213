"""`iadsim uncertainty`: global sensitivity of the outcome to the notional numbers' ranges."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli import _args
from iadsim.cli._batch import HELP, batch_display, common_options


def register(sub) -> None:
    """Add the `uncertainty` sub-command."""
    u = sub.add_parser(
        "uncertainty",
        help="global sensitivity to the uncertain numbers (Morris screening or Sobol indices)",
        description="Numbers written as distributions in the scenario or catalog files, or put "
        "on them by --ranges FILE, are sampled (outer loop); each parameter set runs -n "
        "replications with the same seeds (inner loop). Writes OUT/sensitivity.csv, "
        "sensitivity.json and sensitivity.png (docs/monte-carlo.md); each finished set is kept "
        "in OUT/sets/ for --resume. Before starting, prints how many replications will run "
        "and about how long.",
        formatter_class=HELP,
    )
    u.add_argument("scenario", help="scenario YAML file (or a bundled scenario's name)")
    u.add_argument("--ranges", default=None, help="YAML file of distributions on numbers")
    u.add_argument("--method", choices=["morris", "sobol"], default="morris", help="method")
    u.add_argument(
        "--sets",
        type=_args.positive_int,
        default=8,
        help="Morris trajectories, or Sobol base sample size (a power of 2)",
    )
    u.add_argument("-n", type=_args.replications, default=20, help="replications per parameter set")
    common_options(u, "out/uncertainty")
    u.set_defaults(func=cmd_uncertainty)


def cmd_uncertainty(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.analysis.uncertain_model import UncertainModel
    from iadsim.analysis.uncertainty import morris, sobol
    from iadsim.engine.run import prepare
    from iadsim.errors import InputError, Problem
    from iadsim.io.outdir import check_target, retire_manifest, write_manifest
    from iadsim.io.outputs import write_json
    from iadsim.report.sensitivity import console_table, sensitivity_figure, write_csv

    check_target(args.out, ("sensitivity.*", "sets", "manifest.json"))  # before the work
    kept = Path(args.out) / "sets"
    if not args.resume and kept.is_dir() and any(kept.iterdir()):
        raise InputError(
            Problem(
                str(kept),
                None,
                None,
                "--out",
                "holds parameter sets of an earlier run; pass --resume to reuse them (only "
                "identical sets are), or choose another --out",
            )
        )
    model = UncertainModel.load(args.scenario, args.ranges)
    if len(model.numbers) < 2:
        raise InputError(
            Problem(
                args.scenario,
                None,
                None,
                "--ranges",
                f"{len(model.numbers)} uncertain number(s) found; global sensitivity needs at "
                "least 2 (write numbers as {low, mode, high} or give --ranges)",
            )
        )
    if args.n < 1 or args.sets < 1:
        raise InputError(Problem("<command line>", None, None, "-n", "need -n >= 1, --sets >= 1"))
    method = morris if args.method == "morris" else sobol
    base = prepare(model.nominal_scenario())
    with batch_display(args, base) as progress:
        s_mean, s_any, sets = method(
            model,
            args.sets,
            args.n,
            seed=args.seed,
            root_seed=args.seed,
            workers=args.workers,
            base=base,
            progress=progress,
            keep=Path(args.out),
        )
    out = Path(args.out)
    retire_manifest(out, ("sensitivity.*",))
    ranges = {nm: num.dist.describe() for nm, num in zip(model.names, model.numbers, strict=True)}
    files = [
        write_csv([s_mean, s_any], ranges, out / "sensitivity.csv"),
        sensitivity_figure([s_mean, s_any], out / "sensitivity.png"),
    ]
    write_json(
        {
            "scenario": model.scenario_data.get("scenario"),
            "method": args.method,
            "parameter_sets": int(sets.values.shape[0]),
            "replications_per_set": args.n,
            "ranges": ranges,
            "why": {nm: n.dist.why for nm, n in zip(model.names, model.numbers, strict=True)},
            "indices": {s.outcome: s.rows() for s in (s_mean, s_any)},
        },
        out / "sensitivity.json",
    )
    write_manifest(out, "uncertainty")  # last: the table, figure and indices as one set
    console = Console()
    if not args.quiet:
        console.print(console_table(s_mean))
        console.print(console_table(s_any))
    console.print("wrote " + ", ".join(str(f) for f in files) + f", {out / 'sensitivity.json'}")
    return 0
