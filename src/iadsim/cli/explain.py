"""`iadsim explain`: per aircraft, where each unit's kill chain stopped and why; on a Monte
Carlo directory, the share of replications for each (stage, reason) per pair."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub) -> None:
    """Add the `explain` sub-command."""
    e = sub.add_parser("explain", help="print, per aircraft, where each unit's kill chain stopped")
    e.add_argument("run_dir", help="a directory written by `iadsim run` or `iadsim mc`")
    e.add_argument("--json", action="store_true", help="machine-readable output")
    e.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.report.rundir import kind_of

    path = Path(args.run_dir)
    if path.is_dir() and kind_of(path) == "mc":
        return _explain_batch(path, args.json, Console())
    from iadsim.io.outputs import json_ready, read_run_dir
    from iadsim.report.console import print_ledger

    _, ledger, summary = read_run_dir(path)
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


def _explain_batch(path: Path, as_json: bool, console) -> int:
    from iadsim.analysis.batch_dir import check_batch_dir
    from iadsim.analysis.store import ResultStore
    from iadsim.report.console import print_pair_shares
    from iadsim.report.rundir import mc_pair_shares

    n_batch = int(check_batch_dir(path)["replications"])  # the set, as the summary saw it
    with ResultStore(path, writer=False, limit=n_batch) as store:
        rows = mc_pair_shares(store)
        meta, n = store.meta(), store.count()
    if as_json:
        print(
            json.dumps(
                {
                    "scenario": meta.get("scenario"),
                    "root_seed": int(meta["root_seed"]) if "root_seed" in meta else None,
                    "replications": n,
                    "pairs": rows,
                },
                indent=2,
            )
        )
    else:
        print_pair_shares(rows, n, console)
    return 0
