"""`iadsim catalog`: list the notional equipment catalog."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    """Add the `catalog` sub-command."""
    c = sub.add_parser("catalog", help="list the equipment catalog")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_catalog)


def cmd_catalog(args: argparse.Namespace) -> int:
    from iadsim.report.console import print_catalog
    from iadsim.scenario.catalog import default_catalog

    cat = default_catalog()
    if args.json:
        print(json.dumps(cat.model_dump(mode="json"), indent=2))
    else:
        print_catalog(cat)
    return 0
