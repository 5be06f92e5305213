"""The `iadsim` command line: run, validate, explain, catalog.

Every refusal of input is an IadsimError: printed without a traceback, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from iadsim import __version__
from iadsim.errors import IadsimError, InputError

EXIT_INPUT = 2

COMMAND_MODULES: tuple[str, ...] = ("iadsim.analysis.commands", "iadsim.sensors.commands")
"""Modules that add sub-commands: each has `register(subparsers)`."""


def _cmd_run(args: argparse.Namespace) -> int:
    from iadsim.analysis.summary import replication_summary
    from iadsim.analysis.tracking_report import tracking_report
    from iadsim.engine.run import prepare
    from iadsim.io.outputs import write_json, write_parquet
    from iadsim.report.console import print_run_summary

    console = Console()
    prepared = prepare(args.scenario, tracker=args.tracker)
    with console.status("simulating...", spinner="dots"):
        result = prepared.replicate(args.seed)
        tracking = tracking_report(prepared, result)
    summary = replication_summary(prepared.scenario, result)
    out = Path(args.out)
    write_parquet(result.events.table(), out / "events.parquet")
    write_parquet(result.ledger.table(), out / "ledger.parquet")
    write_json(summary, out / "summary.json")
    write_json(tracking, out / "tracking.json")
    if not args.quiet:
        print_run_summary(summary, console)
    console.print(
        f"wrote {out / 'events.parquet'}, {out / 'ledger.parquet'}, {out / 'summary.json'}, "
        f"{out / 'tracking.json'}"
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from iadsim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    spec = scenario.spec
    n_comp = sum(len(u.components) for u in spec.units)
    print(
        f"{args.scenario}: OK ({len(spec.units)} units, {n_comp} components, "
        f"{len(scenario.links)} links, {len(spec.raid)} aircraft, {len(spec.strikes)} strikes)"
    )
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from iadsim.io.outputs import json_ready, read_run_dir
    from iadsim.report.console import print_ledger

    _, ledger, summary = read_run_dir(Path(args.run_dir))
    rows = json_ready(ledger.to_pylist())
    if args.json:
        print(
            json.dumps(
                {"scenario": summary.get("scenario"), "seed": summary.get("seed"), "ledger": rows},
                indent=2,
            )
        )
    else:
        print_ledger(rows, Console())
    return 0


def _cmd_catalog(args: argparse.Namespace) -> int:
    from iadsim.scenario.catalog import default_catalog

    cat = default_catalog()
    if args.json:
        print(json.dumps(cat.model_dump(mode="json"), indent=2))
        return 0
    console = Console()
    console.print("[bold]iadsim catalog[/] (every figure notional; see each entry's source)")
    t = Table(title="Components")
    for col in ("type", "kind", "description"):
        t.add_column(col)
    for key, c in cat.components.items():
        t.add_row(key, str(c.kind), c.description)
    console.print(t)
    t = Table(title="Missiles")
    for col in ("type", "range km", "altitude m", "Pk heli/fixed", "description"):
        t.add_column(col)
    for key, m in cat.weapons.items():
        t.add_row(
            key,
            f"{m.min_range_m / 1e3:g}-{m.max_range_m / 1e3:g}",
            f"{m.min_altitude_m:g}-{m.max_altitude_m:g}",
            f"{m.pk.get('helicopter', 0):g}/{m.pk.get('fixed_wing', 0):g}",
            m.description,
        )
    console.print(t)
    t = Table(title="Units")
    for col in ("type", "description"):
        t.add_column(col)
    for key, u in cat.units.items():
        t.add_row(key, u.description)
    console.print(t)
    t = Table(title="Aircraft")
    for col in ("type", "category", "RCS nose/beam/tail dBsm", "description"):
        t.add_column(col)
    for key, a in cat.aircraft.items():
        r = a.rcs_dbsm
        t.add_row(key, a.category, f"{r.nose:g}/{r.beam:g}/{r.tail:g}", a.description)
    console.print(t)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iadsim",
        description="Integrated air defence simulator: what was detected, tracked, engaged and "
        "lost, and where the kill chain broke. All parameters are notional.",
    )
    p.add_argument("--version", action="version", version=f"iadsim {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="simulate one replication and write its outputs")
    r.add_argument("scenario", help="scenario YAML file")
    r.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    r.add_argument("--out", default="out/run", help="output directory (default out/run)")
    r.add_argument("--quiet", action="store_true", help="do not print the summary tables")
    r.add_argument(
        "--tracker",
        choices=("mofn", "kalman"),
        default="mofn",
        help="firm tracks by M-of-N detections (default, fast) or by the Kalman tracker "
        "(noisy plots, false alarms; writes GOSPA and track metrics to tracking.json)",
    )
    r.set_defaults(func=_cmd_run)

    v = sub.add_parser("validate", help="check a scenario file and report every problem")
    v.add_argument("scenario")
    v.set_defaults(func=_cmd_validate)

    e = sub.add_parser("explain", help="print, per aircraft, where each unit's kill chain stopped")
    e.add_argument("run_dir", help="a directory written by `iadsim run`")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    e.set_defaults(func=_cmd_explain)

    c = sub.add_parser("catalog", help="list the equipment catalog")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_catalog)

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    except IadsimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
