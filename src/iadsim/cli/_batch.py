"""What the batch commands (mc, compare, sweep, attribute) share: their options, SIGTERM as
an interrupt, and the hint printed when a batch is interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
from contextlib import contextmanager

from iadsim.cli import _args


def batch_options(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument(
        "-n",
        "--replications",
        dest="n",
        type=_args.replications,
        default=100,
        help="replications (per variant / grid point); default 100",
    )
    p.add_argument(
        "--workers", type=_args.workers, default=1, help="local worker processes (default 1)"
    )
    p.add_argument("--seed", type=_args.seed, default=1, help="root seed of the batch (default 1)")
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


@contextmanager
def sigterm_as_interrupt():
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


def resume_hint(args) -> None:
    print(
        f"interrupted: finished replications are kept in {args.out}; run the same command "
        "with --resume to complete the batch",
        file=sys.stderr,
    )
