"""`iadsim sweep`: a grid of parameter values with the same seeds at every point."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli._batch import HELP, batch_display, batch_options, metric_option


def register(sub) -> None:
    """Add the `sweep` sub-command."""
    s = sub.add_parser(
        "sweep",
        help="run a grid of parameter values; write a table and a plot",
        description="--param PATH=START:STOP:STEPS (or PATH=V1,V2,...), repeatable: the full grid "
        "is run with the same seeds at every point; OUT/sweep.csv, sweep.parquet, sweep.png. "
        "Before starting, prints how many replications will run and about how long.",
        formatter_class=HELP,
    )
    s.add_argument("scenario", help="scenario YAML file (or a bundled scenario's name)")
    s.add_argument(
        "--param",
        dest="params",
        action="append",
        required=True,
        metavar="PATH=START:STOP:STEPS",
        help="a swept parameter: START:STOP:STEPS evenly spaced, or V1,V2,... (repeatable)",
    )
    batch_options(s, "out/sweep")
    metric_option(s, "the metric shown first in the table and plotted")
    s.set_defaults(func=cmd_sweep)


def cmd_sweep(args: argparse.Namespace) -> int:
    from rich.table import Table

    from iadsim.analysis.runner import Runner
    from iadsim.analysis.sweep import SWEEP_METRICS, grid, parse_param, reason_shifts, run_sweep
    from iadsim.engine.run import prepare
    from iadsim.io.outdir import check_target, retire_manifest, write_manifest
    from iadsim.report.sweep import write_sweep

    check_target(
        args.out, ("points", "sweep.*", "sweep_reasons.csv", "manifest.json")
    )  # before the work
    params = [parse_param(p) for p in args.params]
    grid(params)  # a grid over the limit is refused before any work
    from iadsim.analysis.metrics import METRICS

    chosen = METRICS[args.metric].vector_name
    shown = (chosen, *(m for m in SWEEP_METRICS[:3] if m != chosen))[:3]
    base = prepare(args.scenario)
    with batch_display(args, base) as progress, Runner(args.workers, args.dask) as runner:
        table = run_sweep(
            base,
            params,
            args.n,
            args.out,
            runner,
            metrics=(chosen,),
            root_seed=args.seed,
            resume=args.resume,
            progress=progress,
        )
    from rich.console import Console

    from iadsim.report.batch import fmt as _fmt

    console = Console()
    if not args.quiet:
        t = Table(title=f"sweep: {args.n} replications per point, same seeds (95% CI)")
        for p in params:
            t.add_column(p.path)
        for m in shown:
            t.add_column(m, justify="right")
        for row in table.to_pylist():
            t.add_row(
                *[str(row[p.path]) for p in params],
                *[
                    f"{_fmt(row[m])} [{_fmt(row[m + '_lo'])}, {_fmt(row[m + '_hi'])}]"
                    for m in shown
                ],
            )
        console.print(t)
    out = Path(args.out)
    from iadsim.scenario import load_scenario

    title = f"{load_scenario(args.scenario).spec.scenario} (N={args.n} per point, notional)"
    retire_manifest(out, ("sweep.*", "sweep_reasons.csv"))
    second = "p_any_killed" if chosen != "p_any_killed" else "mean_killed"
    files = write_sweep(table, params, out, title, (chosen, second))
    if table.num_rows > 1:
        from iadsim.report.compare import write_reason_shifts

        shifts = reason_shifts(out, table, params)
        files.append(write_reason_shifts(shifts, out / "sweep_reasons.csv", ["point", "values"]))
    write_manifest(out, "sweep")  # last: the table, plot and reason shifts as one set
    console.print("wrote " + ", ".join(str(f) for f in files))
    return 0
