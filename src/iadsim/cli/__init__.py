"""The `iadsim` command line: the parser, the error policy, and one module per command.

Every refusal of input is an IadsimError: printed without a traceback, exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import NoReturn

from iadsim._version import __version__
from iadsim.errors import CLI_TERMS, IadsimError, InputError, OutputError

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


class Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for a mistyped command or option (difflib's closest
    matches), for every sub-command too (sub-parsers are made of the same class)."""

    def error(self, message: str) -> NoReturn:
        import difflib
        import re

        hint = ""
        choice = re.search(r"invalid choice: '([^']*)'", message)
        unknown = re.search(r"unrecognized arguments: (\S+)", message)
        if choice:
            names = [c for a in self._actions if a.choices for c in a.choices]
            close = difflib.get_close_matches(choice.group(1), names, n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
        elif unknown:
            word = unknown.group(1).split("=")[0]
            options = [o for a in self._command_actions() for o in a.option_strings]
            close = difflib.get_close_matches(word, options, n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
        super().error(message + hint)

    def _command_actions(self) -> list[argparse.Action]:
        """The options of the sub-command being parsed (argparse reports unknown options from
        the top-level parser), else this parser's own."""
        sub = next((a for a in self._actions if isinstance(a, argparse._SubParsersAction)), None)
        argv = sys.argv[1:] if self._argv is None else self._argv
        for word in argv:
            if sub is not None and word in sub.choices:
                return sub.choices[word]._actions
        return self._actions

    _argv: list[str] | None = None


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
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
    parser._argv = argv
    args = parser.parse_args(argv)
    if isinstance(getattr(args, "scenario", None), str):  # a bundled name works as a file
        from iadsim.bundled import resolve

        args.scenario = resolve(args.scenario)
    missing = _missing_input(args)
    if missing:  # before any handler imports the heavy layers
        print(f"error: {missing}", file=sys.stderr)
        return EXIT_INPUT
    try:
        return args.func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    except OutputError as exc:  # what to do, in the command line's flags
        print(f"error: {exc.in_terms(CLI_TERMS)}", file=sys.stderr)
        return EXIT_INPUT
    except IadsimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # a file-system error no layer named: still what it is, exit 2
        from iadsim.io.outdir import describe_os_error

        where = exc.filename or "a file"
        print(f"error: {where}: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except ModuleNotFoundError as exc:
        extra = OPTIONAL_MODULES.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        print(
            f"error: `iadsim {args.command}` needs the optional part '{extra}' "
            f"({exc.name} is not installed): pip install 'iadsim[{extra}]' "
            "(the Makefile's `make test` installs every optional part)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


# the optional parts (pyproject's extras) by the top-level module a command imports
OPTIONAL_MODULES = {
    "SALib": "uncertainty",
    "emcee": "uncertainty",
    "dask": "cluster",
    "distributed": "cluster",
    "starlette": "web",
    "uvicorn": "web",
    "pandas": "notebook",
    "nbclient": "notebook",
    "numba": "fast",
}


def _missing_input(args: argparse.Namespace) -> str | None:
    """A scenario file, ranges file or output directory the command reads that does not
    exist, as a message (None when all are there)."""
    from iadsim.bundled import ALIASES, bundled, companion

    scenario = getattr(args, "scenario", None)
    if isinstance(scenario, str) and not Path(scenario).exists():
        names = ", ".join(sorted({*ALIASES, *(n for n in bundled() if not companion(n))}))
        return f"{scenario}: no such scenario file (or a bundled name: {names})"
    ranges = getattr(args, "ranges", None)
    if isinstance(ranges, str) and not Path(ranges).exists():
        return f"--ranges {ranges}: no such file"
    target = getattr(args, "dir", None) or getattr(args, "run_dir", None)
    if args.command in ("report", "export", "explain") and isinstance(target, str):
        if not Path(target).exists():
            return f"{target}: no such directory (an iadsim output directory)"
    return None


if __name__ == "__main__":
    sys.exit(main())
