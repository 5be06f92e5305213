"""The `iadsim` command line: the parser, the error policy, and one module per command.

Every refusal of input is an IadsimError: printed without a traceback, exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from iadsim._version import __version__
from iadsim.errors import IadsimError, InputError

EXIT_INPUT = 2

COMMAND_MODULES: tuple[str, ...] = (
    "iadsim.cli.run",
    "iadsim.cli.validate",
    "iadsim.cli.explain",
    "iadsim.cli.catalog",
    "iadsim.cli.mc",
    "iadsim.cli.compare",
    "iadsim.cli.sweep",
    "iadsim.cli.attribute",
    "iadsim.cli.uncertainty",
    "iadsim.cli.case_study",
    "iadsim.cli.coverage",
    "iadsim.cli.report",
    "iadsim.cli.export",
    "iadsim.cli.play",
    "iadsim.cli.ingest",
    "iadsim.cli.serve",
    "iadsim.cli.examples",
    "iadsim.cli.score",
)
"""One module per command (or family): each has `register(subparsers)` that only declares
arguments; the handlers import the heavy layers when they run."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iadsim",
        description="Integrated air defence simulator: what was detected, tracked, engaged and "
        "lost, and where the kill chain broke. All parameters are notional.",
    )
    p.add_argument("--version", action="version", version=f"iadsim {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if isinstance(getattr(args, "scenario", None), str):  # a bundled name works as a file
        from iadsim.bundled import resolve

        args.scenario = resolve(args.scenario)
    try:
        return args.func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    except IadsimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # a file-system error no layer named: still what it is, exit 2
        from iadsim.io.outdir import describe_os_error

        where = exc.filename or "a file"
        print(f"error: {where}: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
