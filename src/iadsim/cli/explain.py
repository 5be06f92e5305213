"""`iadsim explain`: per aircraft, where each unit's kill chain stopped and why."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub) -> None:
    """Add the `explain` sub-command."""
    e = sub.add_parser("explain", help="print, per aircraft, where each unit's kill chain stopped")
    e.add_argument("run_dir", help="a directory written by `iadsim run`")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    e.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    from rich.console import Console

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
