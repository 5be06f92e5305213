"""`iadsim coverage`: detection-probability and lowest-detectable-altitude maps of a
scenario's radars over its terrain."""

from __future__ import annotations

import argparse

from iadsim.cli import _args
from iadsim.errors import InputError, Problem

COVERAGE_FILES = ("*.tif", "*.png", "*.json")  # what older versions wrote, without a manifest


def _cmd_coverage(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.geo.terrain import Terrain
    from iadsim.io.outdir import check_target, output_dir
    from iadsim.report.coverage import write_coverage
    from iadsim.report.coverage_layer import radar_sites
    from iadsim.scenario import load_scenario
    from iadsim.sensors.coverage import compute_coverage

    check_target(args.out, COVERAGE_FILES)
    scenario = load_scenario(args.scenario)
    if scenario.terrain_path is None:
        raise InputError(
            Problem(str(scenario.path), None, None, "terrain", "coverage maps need a terrain DEM")
        )
    terrain = Terrain.from_geotiff(scenario.terrain_path)
    sites = radar_sites(scenario)
    if not sites:
        raise InputError(Problem(str(scenario.path), None, None, "units", "no radars to map"))
    console = Console()
    with console.status(f"computing coverage of {len(sites)} radars..."):
        result = compute_coverage(
            terrain,
            sites,
            args.altitude_agl,
            rcs_m2=args.rcs,
            swerling=1,
            pd_threshold=args.pd_threshold,
            step=args.step,
            radial_speed_mps=args.radial_speed,
        )
        with output_dir(args.out, kind="coverage", legacy=COVERAGE_FILES) as tmp:
            paths = write_coverage(tmp, result)
    console.print(f"wrote {len(paths)} files to {args.out} (pd_*, lowest_agl_*, combined)")
    return 0


def register(sub) -> None:
    """Add the `coverage` sub-command."""
    c = sub.add_parser("coverage", help="radar coverage maps over the scenario's terrain")
    c.add_argument("scenario")
    c.add_argument(
        "--altitude-agl", type=_args.finite, required=True, help="target height above ground, m"
    )
    c.add_argument("--out", required=True, help="output directory (GeoTIFF + PNG)")
    c.add_argument("--rcs", type=_args.positive, default=10.0, help="target RCS, m^2 (default 10)")
    c.add_argument("--pd-threshold", type=_args.probability, default=0.5)
    c.add_argument("--radial-speed", type=_args.finite, default=None, help="m/s, for the MTI notch")
    c.add_argument(
        "--step", type=_args.positive_int, default=1, help="output decimation (1 = every DEM cell)"
    )
    c.set_defaults(func=_cmd_coverage)
