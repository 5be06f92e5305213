"""`iadsim validate`: check a scenario file and report every problem."""

from __future__ import annotations

import argparse
import sys


def register(sub) -> None:
    """Add the `validate` sub-command."""
    v = sub.add_parser("validate", help="check a scenario file and report every problem")
    v.add_argument("scenario")
    v.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from iadsim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    for w in scenario.warnings:
        print(w, file=sys.stderr)
    spec = scenario.spec
    n_comp = sum(len(u.components) for u in spec.units)
    print(
        f"{args.scenario}: OK ({len(spec.units)} units, {n_comp} components, "
        f"{len(scenario.links)} links, {len(spec.raid)} aircraft, {len(spec.strikes)} strikes)"
    )
    if scenario.terrain_path is not None:
        from iadsim.geo.terrain_adapter import dem_provenance

        print(f"terrain: {spec.terrain}: {dem_provenance(scenario.terrain_path)}")
    return 0
