"""CLI sub-commands of the analysis layer: `mc`, `compare`, `sweep` (registered by cli.py)."""

from __future__ import annotations

import argparse
import math
import signal
import sys
from contextlib import contextmanager
from pathlib import Path


def register(sub) -> None:
    _register_attribute(sub)
    m = sub.add_parser(
        "mc",
        help="Monte Carlo: N replications, stored as they finish, with statistics",
        description="Run N replications (seeds derived from one root seed) on local processes or "
        "a Dask cluster; each finished replication is stored at once in OUT/results.sqlite, and "
        "--resume runs only the missing ones after an interruption.",
    )
    m.add_argument("scenario", help="scenario YAML file")
    _batch_options(m, "out/mc")
    m.set_defaults(func=cmd_mc)

    c = sub.add_parser(
        "compare",
        help="what-if: base vs variants (--set PATH=VALUE) with common random numbers",
        description="Run the base scenario and one variant per --set with the same seeds; report "
        "paired differences with 95%% confidence intervals and a tornado chart. Paths: "
        "network.links.*.up=true, units.S300-BN.readiness=operational, "
        "units.BUK-BTY.c2_mode=autonomous; several assignments joined by ';' form one group.",
    )
    c.add_argument("scenario")
    c.add_argument(
        "--set",
        dest="sets",
        action="append",
        required=True,
        metavar="PATH=VALUE",
        help="one factor group (repeatable); join assignments with ';'",
    )
    c.add_argument(
        "--metric",
        default="mean_killed",
        help="metric the tornado chart ranks by (default mean_killed)",
    )
    _batch_options(c, "out/compare")
    c.set_defaults(func=cmd_compare)

    s = sub.add_parser(
        "sweep",
        help="run a grid of parameter values; write a table and a plot",
        description="--param PATH=START:STOP:STEPS (or PATH=V1,V2,...), repeatable: the full grid "
        "is run with the same seeds at every point; OUT/sweep.csv, sweep.parquet, sweep.png.",
    )
    s.add_argument("scenario")
    s.add_argument(
        "--param", dest="params", action="append", required=True, metavar="PATH=START:STOP:STEPS"
    )
    _batch_options(s, "out/sweep")
    s.set_defaults(func=cmd_sweep)


def _batch_options(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument(
        "-n",
        "--replications",
        dest="n",
        type=int,
        default=100,
        help="replications (per variant / grid point); default 100",
    )
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument("--seed", type=int, default=1, help="root seed of the batch (default 1)")
    p.add_argument("--out", default=default_out, help=f"output directory (default {default_out})")
    p.add_argument(
        "--resume",
        action="store_true",
        help="complete an interrupted batch in --out (same scenario and seed only)",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local'",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no tables")


def _console():
    from rich.console import Console

    return Console()


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM stops a batch like Ctrl-C: finished replications stay stored, workers end."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not in the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _resume_hint(args) -> None:
    print(
        f"interrupted: finished replications are kept in {args.out}; run the same command "
        "with --resume to complete the batch",
        file=sys.stderr,
    )


# ----------------------------------------------------------------------------- mc


def cmd_mc(args: argparse.Namespace) -> int:
    from iadsim.analysis.montecarlo import run_batch
    from iadsim.analysis.stats import batch_report
    from iadsim.analysis.store import ResultStore
    from iadsim.engine.run import prepare
    from iadsim.io.outputs import write_json

    console = _console()
    if args.quiet:
        prepared = prepare(args.scenario)
    else:
        with console.status("preparing the scenario (geometry, terrain)...", spinner="dots"):
            prepared = prepare(args.scenario)
    try:
        with _sigterm_as_interrupt():
            outcome = run_batch(
                prepared,
                args.n,
                args.out,
                root_seed=args.seed,
                workers=args.workers,
                dask=args.dask,
                resume=args.resume,
                progress=not args.quiet,
            )
    except KeyboardInterrupt:
        _resume_hint(args)
        raise
    with ResultStore(outcome.store) as store:
        report = batch_report(store)
    out = Path(args.out)
    write_json(report, out / "summary.json")
    if not args.quiet:
        print_batch_report(report, console)
    rate = outcome.ran / outcome.wall_s if outcome.wall_s > 0 and outcome.ran else 0.0
    console.print(
        f"{outcome.ran} replications run, {outcome.skipped} already stored "
        f"({rate:.1f}/s); store {outcome.store}, summary {out / 'summary.json'}"
    )
    return 0


def _fmt(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:.{digits}f}"


def _per_unit_reasons(report: dict):
    """Per defending unit: how its kill chains ended, over all aircraft and replications."""
    from collections import defaultdict

    from rich.table import Table

    share: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    aircraft: dict[str, set] = defaultdict(set)
    for r in report["reasons"]:
        label = "killed" if r["stage"] == "killed" else f"{r['reason']} (at {r['stage']})"
        share[r["unit"]][label] += r["fraction"]
        aircraft[r["unit"]].add(r["aircraft"])
    t = Table(title="Per defending unit: how its kill chains ended (all aircraft, top 4)")
    for col in ("unit", "outcome of the chain", "share"):
        t.add_column(col, justify="right" if col == "share" else "left")
    for unit in sorted(share):
        n = len(aircraft[unit])
        top = sorted(share[unit].items(), key=lambda kv: -kv[1])[:4]
        for i, (label, total) in enumerate(top):
            t.add_row(unit if i == 0 else "", label, f"{100 * total / n:.1f}%")
    return t


def print_batch_report(report: dict, console) -> None:
    from rich.table import Table

    t = Table(
        title=f"{report['scenario']}: {report['n']} replications, root seed "
        f"{report['root_seed']} (95% CI: Wilson for proportions, bootstrap otherwise; notional)"
    )
    for col in ("metric", "mean", "95% CI", "method"):
        t.add_column(col, justify="left" if col in ("metric", "method") else "right")
    for e in report["estimates"]:
        t.add_row(
            e["metric"],
            _fmt(e["mean"]),
            f"[{_fmt(e['lo'])}, {_fmt(e['hi'])}]",
            "Wilson" if e["kind"] == "proportion" else "bootstrap",
        )
    console.print(t)

    t = Table(title="Convergence with N (running estimates, index order)")
    for col in ("N", "metric", "estimate", "95% CI", "half-width"):
        t.add_column(col, justify="right")
    for r in report["convergence"]:
        t.add_row(
            str(r["n"]),
            r["metric"],
            _fmt(r["mean"]),
            f"[{_fmt(r['lo'])}, {_fmt(r['hi'])}]",
            _fmt(r["half_width"]),
        )
    console.print(t)

    console.print(_per_unit_reasons(report))

    t = Table(
        title="Why was it not shot down? Where each (aircraft, unit) kill chain stopped, "
        "share of replications (top 3 per pair)"
    )
    for col in ("aircraft", "unit", "stage", "reason", "share", "95% CI"):
        t.add_column(col, justify="right" if col in ("share", "95% CI") else "left")
    shown: dict[tuple, int] = {}
    for r in report["reasons"]:
        key = (r["aircraft"], r["unit"])
        if shown.get(key, 0) >= 3:
            continue
        first = key not in shown
        shown[key] = shown.get(key, 0) + 1
        t.add_row(
            r["aircraft"] if first else "",
            r["unit"] if first else "",
            r["stage"],
            r["reason"],
            f"{100 * r['fraction']:.1f}%",
            f"[{100 * r['lo']:.1f}, {100 * r['hi']:.1f}]",
        )
    console.print(t)


# ------------------------------------------------------------------------ compare


def cmd_compare(args: argparse.Namespace) -> int:
    from iadsim.analysis.compare import (
        build_variants,
        compare_report,
        run_variants,
        tornado,
        write_report,
    )
    from iadsim.analysis.variants import parse_group

    groups = [parse_group(s) for s in args.sets]
    variants = build_variants(args.scenario, groups)  # every --set validated before running
    try:
        with _sigterm_as_interrupt():
            paths = run_variants(
                variants,
                args.n,
                args.out,
                root_seed=args.seed,
                workers=args.workers,
                dask=args.dask,
                resume=args.resume,
                progress=not args.quiet,
            )
    except KeyboardInterrupt:
        _resume_hint(args)
        raise
    report = compare_report(variants, paths)
    files = write_report(report, args.out)
    known = {r["metric"] for r in report["differences"]}
    if args.metric not in known:
        from iadsim.errors import InputError, Problem

        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--metric",
                f"unknown metric {args.metric!r}; one of: {', '.join(sorted(known))}",
            )
        )
    files.append(tornado(report, args.metric, Path(args.out) / "tornado.png"))
    console = _console()
    if not args.quiet:
        print_compare(report, console)
    console.print("wrote " + ", ".join(str(f) for f in files))
    return 0


def print_compare(report: dict, console, metrics=None) -> None:
    from rich.table import Table

    from iadsim.analysis.compare import COMPARE_METRICS

    metrics = metrics or COMPARE_METRICS
    for v in report["variants"][1:]:
        rows = [
            r
            for r in report["differences"]
            if r["variant"] == v["name"]
            and (r["metric"] in metrics or r["metric"].endswith(".p_killed"))
        ]
        t = Table(title=f"{v['name']}: {v['label']}  vs base (paired, same seeds, N={report['n']})")
        for col in ("metric", "base", "variant", "difference", "95% CI", "reps changed"):
            t.add_column(col, justify="left" if col == "metric" else "right")
        for r in rows:
            sig = r["lo"] > 0 or r["hi"] < 0
            diff = f"{r['diff']:+.3f}" if math.isfinite(r["diff"]) else "-"
            t.add_row(
                r["metric"],
                _fmt(r["base_mean"]),
                _fmt(r["variant_mean"]),
                f"[bold]{diff}[/]" if sig else diff,
                f"[{_fmt(r['lo'])}, {_fmt(r['hi'])}]",
                str(r["changed"]),
            )
        console.print(t)


# -------------------------------------------------------------------------- sweep


def cmd_sweep(args: argparse.Namespace) -> int:
    from rich.table import Table

    from iadsim.analysis.sweep import SWEEP_METRICS, parse_param, run_sweep

    params = [parse_param(p) for p in args.params]
    try:
        with _sigterm_as_interrupt():
            table = run_sweep(
                args.scenario,
                params,
                args.n,
                args.out,
                root_seed=args.seed,
                workers=args.workers,
                dask=args.dask,
                resume=args.resume,
                progress=not args.quiet,
            )
    except KeyboardInterrupt:
        _resume_hint(args)
        raise
    console = _console()
    if not args.quiet:
        t = Table(title=f"sweep: {args.n} replications per point, same seeds (95% CI)")
        for p in params:
            t.add_column(p.path)
        for m in SWEEP_METRICS[:3]:
            t.add_column(m, justify="right")
        for row in table.to_pylist():
            t.add_row(
                *[str(row[p.path]) for p in params],
                *[
                    f"{_fmt(row[m])} [{_fmt(row[m + '_lo'])}, {_fmt(row[m + '_hi'])}]"
                    for m in SWEEP_METRICS[:3]
                ],
            )
        console.print(t)
    out = Path(args.out)
    console.print(f"wrote {out / 'sweep.csv'}, {out / 'sweep.parquet'}, {out / 'sweep.png'}")
    return 0


def _register_attribute(sub) -> None:
    from iadsim.analysis.attribute import METRICS
    from iadsim.analysis.factors import FACTOR_GROUPS

    a = sub.add_parser(
        "attribute",
        help="split the failure among factor groups (counterfactuals + Shapley values)",
        description="For every subset of factor groups set 'as designed', run N replications "
        "with the same seeds; report each group's Shapley value (they add up to designed - "
        "observed), its effect when fixed alone and when broken alone, with confidence "
        f"intervals. Groups: {', '.join(FACTOR_GROUPS)}.",
    )
    a.add_argument("scenario")
    a.add_argument("-n", type=int, default=20, help="replications per subset (default 20)")
    a.add_argument("--seed", type=int, default=1, help="root seed")
    a.add_argument(
        "--groups", default=",".join(FACTOR_GROUPS), help="comma-separated factor groups"
    )
    a.add_argument("--metric", choices=sorted(METRICS), default="killed")
    a.add_argument("--ci", choices=["t", "bootstrap"], default="t")
    a.add_argument("--json", dest="json_out", help="also write the result as JSON here")
    a.set_defaults(func=cmd_attribute)


def cmd_attribute(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from iadsim.analysis.attribute import run_attribution
    from iadsim.analysis.attribution import render_table
    from iadsim.engine.run import prepare
    from iadsim.errors import InputError, Problem

    groups = [g.strip() for g in args.groups.split(",") if g.strip()]
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
