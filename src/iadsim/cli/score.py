"""`iadsim score`: run cases N times and score the model against each case's record."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    """Add the `score` sub-command."""
    s = sub.add_parser(
        "score",
        help="score the model against historical records (NAME.record.yaml beside a scenario)",
        description="Run each case N times and compare the model's predictive distribution with "
        "the case's record: probability of each outcome and of all at once (Wilson intervals), "
        "predicted rates against observed rates (Beta and Wilson intervals), log scores. "
        "Writes OUT/scores.csv, OUT/scores.json and OUT/calibration.png.",
    )
    s.add_argument("scenarios", nargs="*", help="scenarios, each with a record beside it")
    s.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="DIR",
        help="every scenario with a record in DIR (repeatable)",
    )
    s.add_argument("-n", type=int, default=200, help="replications per case (default 200)")
    s.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
    s.add_argument("--out", default="out/score", help="output folder (default out/score)")
    s.add_argument("--workers", type=int, default=1, help="cases run in parallel (default 1)")
    s.add_argument(
        "--doc",
        metavar="PATH",
        help="also write the validation document (e.g. docs/validation.md; its figure goes in "
        "a folder of the same name beside it)",
    )
    s.add_argument(
        "--calibrate",
        metavar="RANGES",
        help="calibrate the catalog numbers declared in this ranges file to the records of the "
        "--set cases (surrogate + MCMC); the scenarios given by name are held out and predicted",
    )
    s.add_argument("--points", type=int, default=16, help="calibration design points (16)")
    s.add_argument("--design-n", type=int, default=40, help="replications per case and point (40)")
    s.add_argument(
        "--sbc", type=int, default=0, help="simulation-based-calibration repetitions (0: none)"
    )
    s.set_defaults(func=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    from iadsim.analysis.scoring import score_set
    from iadsim.errors import InputError
    from iadsim.report.validation import calibration_plot, write_tables

    if args.n < 1 or args.workers < 1:
        raise InputError("-n and --workers must be at least 1")
    from iadsim.bundled import resolve

    cases = [Path(resolve(p)) for p in args.scenarios]  # a bundled name works as a file
    for d in args.sets:
        from iadsim.analysis.history import case_scenarios

        found = case_scenarios(Path(d))
        if not found:
            raise InputError(f"{d}: no scenario with a .record.yaml beside it")
        cases += found
    if not cases:
        raise InputError("give a scenario or --set DIR")
    results = score_set(cases, args.n, args.seed, args.workers)
    out = Path(args.out)
    paths = write_tables(results, out) + [calibration_plot(results, out / "calibration.png")]
    cal = None
    if args.calibrate:
        cal = _calibrate(args, cases, results)
        paths.append(out / "posterior.json")
        from iadsim.io.outputs import write_json

        write_json(cal, out / "posterior.json")
    if args.doc:
        from iadsim.report.validation import write_document

        paths += write_document(results, Path(args.doc), args, cal)
    for res in results:
        joint = res["joint"]
        line = f"{res['case']}: {res['n']} replications"
        if joint is not None:
            line += f", P(record, jointly) {100 * joint['p_record']:.1f}%"
        print(line)
        for r in res["outcomes"]:
            if r["representable"]:
                print(f"  {r['outcome']}: P(record) {100 * r['p_record']:.1f}%")
            else:
                print(f"  {r['outcome']}: not representable")
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def _calibrate(args: argparse.Namespace, cases: list[Path], results: list[dict]) -> dict:
    """The posterior of the ranges file's catalog numbers from the --set cases; the cases
    named on the command line held out."""
    from iadsim.analysis.calibration import calibrate, run_design
    from iadsim.errors import InputError

    if min(args.points, args.design_n) < 2 or args.sbc < 0:
        raise InputError("--points and --design-n must be at least 2, --sbc at least 0")
    named = {Path(p) for p in args.scenarios}
    held_out = {r["case"] for r, c in zip(results, cases, strict=True) if c in named}
    if len(held_out) == len(results):
        raise InputError("--calibrate needs --set cases to calibrate on")
    design = run_design(
        cases, Path(args.calibrate), args.points, args.design_n, args.seed, args.workers
    )
    return calibrate(design, held_out, args.seed, args.sbc)
