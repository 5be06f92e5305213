"""`iadsim case-study`: run the case study's analyses and write docs/case-study.md, its
figures and the README's generated block (`make case-study`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli import _args
from iadsim.cli._batch import HELP, batch_display, common_options, metric_option


def register(sub) -> None:
    """Add the `case-study` sub-command."""
    c = sub.add_parser(
        "case-study",
        help="run the case study's analyses and regenerate docs/case-study.md",
        description="Attribution to the target precision, counterfactuals, sensitivity of the "
        "conclusions to every notional number's range, the night against its record; then "
        "docs/case-study.md, its figures and the README block are "
        "written from the results. The runs are kept in --out: --resume completes an "
        "interrupted case study from them. Before each step, prints how many replications it "
        "will run and about how long.",
        formatter_class=HELP,
    )
    c.add_argument("--scenario", default="scenarios/caracas-2026-01-03.yaml", help="scenario")
    c.add_argument(
        "--ranges",
        default="scenarios/caracas-2026-01-03.ranges.yaml",
        help="YAML file of distributions on the notional numbers",
    )
    c.add_argument(
        "--conclusions",
        default=None,
        help="the conclusions file (default: NAME.conclusions.yaml beside the scenario): "
        "conclusions and thresholds fixed before the results, with their history",
    )
    c.add_argument(
        "--target", type=_args.finite, default=3.0, help="share half-width target, in points"
    )
    c.add_argument(
        "--n-max", type=_args.replications, default=400, help="attribution: at most per subset"
    )
    metric_option(
        c,
        "the metric whose attribution shares must meet --target (the document shows the "
        "attribution of aircraft shot down and of SAM launches whatever this is)",
    )
    c.add_argument(
        "--quick",
        action="store_true",
        help="a reduced run (fewer sets and replications; stated in the document)",
    )
    common_options(c, "out/case-study")
    c.add_argument("--docs", default="docs", help="where the documents are written")
    c.add_argument("--readme", default="README.md", help="README whose generated block is updated")
    c.add_argument(
        "--render-only",
        action="store_true",
        help="write the documents again from OUT/case-study.json (no runs)",
    )
    c.set_defaults(func=cmd_case_study)


def cmd_case_study(args: argparse.Namespace) -> int:
    from rich.console import Console

    from iadsim.analysis.case_study import any_runs, run_case_study
    from iadsim.analysis.conclusions_file import check_unchanged, conclusions_path, load_conclusions
    from iadsim.io.outputs import write_json

    console = Console(stderr=True)
    precision = _precision(args)
    conclusions = load_conclusions(args.conclusions or conclusions_path(args.scenario))
    if args.render_only:
        return _render_only(args, conclusions, console)
    if not args.resume and any_runs(Path(args.out)):
        from iadsim.errors import InputError, Problem

        raise InputError(
            Problem(
                args.out,
                None,
                None,
                "--out",
                "holds the runs of an earlier case study; pass --resume to complete it from "
                "them, or choose another --out",
            )
        )
    check_unchanged(args.out, conclusions, any_runs(Path(args.out)))  # before the work
    from iadsim.engine.run import prepare

    base = prepare(args.scenario)
    with batch_display(args, base) as progress:
        result = run_case_study(
            args.scenario,
            args.ranges,
            args.out,
            precision=precision,
            workers=args.workers,
            root_seed=args.seed,
            progress=progress,
            prepared=base,
            metric=args.metric,
            conclusions=conclusions,
        )
    out = Path(args.out)
    from iadsim.io.outdir import retire_manifest, write_manifest

    retire_manifest(out)
    write_json(result, out / "case-study.json")

    write_manifest(out, "case-study")  # last: what --render-only reads
    return _write_documents(result, args, console)


def _precision(args: argparse.Namespace):
    """The runs' precision from --target and --n-max; --quick: a small smoke-test design."""
    from iadsim.analysis.case_study import Precision

    if not args.quick:
        return Precision(target=args.target / 100.0, n_max=args.n_max)
    return Precision(
        target=args.target / 100.0,
        n_min=min(20, args.n_max),
        n_max=min(args.n_max, 20),
        cf_n=20,
        oat_n_min=4,
        oat_n_max=8,
        lhs_sets=6,
        lhs_n=4,
        morris_r=1,
        morris_n=4,
        record_n=40,
        quick=True,
    )


def _render_only(args: argparse.Namespace, conclusions, console) -> int:
    """--render-only: the documents again from OUT/case-study.json, refused where the result
    is incomplete or a conclusion changed since it was computed."""
    import json

    from iadsim.analysis.conclusions_file import changed_since, check_unchanged
    from iadsim.errors import InputError, Problem
    from iadsim.io.outdir import check_manifest

    check_manifest(  # the result of a complete run, or nothing
        args.out,
        kind="case-study",
        hint="run iadsim case-study without --render-only: the runs kept in --out are reused",
    )
    check_unchanged(args.out, conclusions, runs_exist=True)
    result = json.loads((Path(args.out) / "case-study.json").read_text())
    if stale := changed_since(result["conclusions"]["forms"], conclusions):
        raise InputError(
            Problem(
                str(conclusions.path),
                None,
                None,
                "conclusions",
                f"{', '.join(stale)} changed (with a recorded reason) since the result in "
                f"{args.out} was computed: run iadsim case-study --resume to judge them "
                "again on the kept runs",
            )
        )
    return _write_documents(result, args, console)


def _write_documents(result: dict, args: argparse.Namespace, console) -> int:
    from iadsim.report import case_study as rep

    docs = Path(args.docs)
    templates = docs / "templates"
    written = [
        rep.render(
            result, templates / "case-study.md.tmpl", docs / "case-study.md", docs / "case-study"
        ),
    ]
    if args.readme:
        written.append(rep.update_readme(result, Path(args.readme)))
    console.log(
        f"case study in {result['wall_s'] / 60:.1f} min ({result['n']} replications per what-if); "
        "wrote " + ", ".join(str(w) for w in written)
    )
    return 0
