"""What the batch commands (mc, compare, sweep, attribute, uncertainty, case-study) share:
their options (every default shown by --help), the cost estimate and progress display,
errors in flag names, SIGTERM as an interrupt, and the hint printed when a batch stops."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from iadsim.cli import _args

HELP = argparse.ArgumentDefaultsHelpFormatter
"""Every batch command's --help shows each option's default."""

FLAGS = {
    "n": "-n",
    "n_min": "-n",
    "n_max": "--n-max",
    "workers": "--workers",
    "seed": "--seed",
    "root_seed": "--seed",
    "dask": "--dask",
    "metric": "--metric",
    "groups": "--groups",
    "target": "--target",
    "values": "--ranges",
    "out": "--out",
    "resume": "--resume",
}
"""The analysis functions' argument names and the flags that set them."""


def batch_options(p: argparse.ArgumentParser, default_out: str, n: int = 100) -> None:
    """-n, --workers, --seed, --out, --resume, --dask, --quiet."""
    p.add_argument(
        "-n",
        "--replications",
        dest="n",
        type=_args.replications,
        default=n,
        help="replications (per variant / grid point)",
    )
    common_options(p, default_out)
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local'",
    )


def metric_option(p: argparse.ArgumentParser, what: str) -> None:
    """--metric: one name of the metric registry (analysis.metrics), the same default in
    every command."""
    from iadsim.analysis.metrics import DEFAULT_METRIC, NAMES

    p.add_argument(
        "--metric",
        default=DEFAULT_METRIC,
        choices=NAMES,
        metavar="METRIC",
        help=f"{what}: one of {', '.join(NAMES)} (a count per replication; any_X: whether "
        "at least one; per weapon class: sam_, manpads_, gun_ launches, engagements, kills; "
        "docs/monte-carlo.md, 'Metrics')",
    )


def common_options(p: argparse.ArgumentParser, default_out: str, resume: bool = True) -> None:
    """--workers, --seed, --out, --resume, --quiet."""
    p.add_argument("--workers", type=_args.workers, default=1, help="local worker processes")
    p.add_argument("--seed", type=_args.seed, default=1, help="root seed of the batch")
    p.add_argument("--out", default=default_out, help="output directory")
    if resume:
        p.add_argument(
            "--resume",
            action="store_true",
            help="complete an interrupted run in --out (same scenario and seed only): "
            "what is stored there is kept",
        )
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no progress and no tables (the plan line is still printed)",
    )


@contextmanager
def flag_terms() -> Iterator[None]:
    """Refusals of the analysis layer (which names its own arguments) in the command line's
    flags: `workers: must be ...` becomes `<command line>: --workers: must be ...`."""
    from iadsim.errors import InputError, Problem, ValueRangeError

    try:
        yield
    except ValueRangeError as exc:
        if exc.parameter is None:
            raise
        flag = FLAGS.get(exc.parameter, exc.parameter)
        raise InputError(Problem("<command line>", None, None, flag, exc.message)) from None


@contextmanager
def batch_display(args: argparse.Namespace, prepared: Any = None) -> Iterator[Any]:
    """The progress display of a batch command, with the cost per replication measured on
    two replications of `prepared` (if given), SIGTERM as an interrupt, errors in flag terms
    and, on an interruption, the hint to --resume."""
    from iadsim.analysis.runner import probe_cost
    from iadsim.engine.rng import replication_seed
    from iadsim.report.progress import progress_display

    per_rep = None
    if prepared is not None:
        seeds = [replication_seed(args.seed, i) for i in range(2)]
        per_rep = probe_cost(prepared.replicate, seeds)
    try:
        with (
            flag_terms(),
            sigterm_as_interrupt(),
            progress_display(per_rep, args.workers, args.quiet) as display,
        ):
            yield display
    except KeyboardInterrupt:
        resume_hint(args)
        raise


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
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


def resume_hint(args: argparse.Namespace) -> None:
    print(
        f"interrupted: finished work is kept in {args.out}; run the same command "
        "with --resume to complete it",
        file=sys.stderr,
    )
