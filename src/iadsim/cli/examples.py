"""`iadsim examples [DIR]`: list the bundled scenarios, or copy them into DIR."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path


def register(sub) -> None:
    """Add the `examples` sub-command."""
    p = sub.add_parser(
        "examples",
        help="list the bundled scenarios, or copy them into a directory",
        description="Without DIR: list the scenarios that ship with iadsim (any command takes "
        "their name instead of a file, e.g. `iadsim run caracas`). With DIR: copy them there "
        "to read and edit; existing files are never overwritten.",
    )
    p.add_argument("dir", nargs="?", help="directory to copy the scenarios into")
    p.set_defaults(func=cmd_examples)


def cmd_examples(args: argparse.Namespace) -> int:
    from iadsim.bundled import ALIASES, bundled, companion
    from iadsim.errors import InputError, Problem

    files = bundled()
    if args.dir is None:
        short = {v: k for k, v in ALIASES.items()}
        for name, path in files.items():
            if companion(name):  # not a scenario: its ranges, record or conclusions
                continue
            alias = f" (or {short[name]})" if name in short else ""
            print(f"{name}{alias}: {_description(path)}")
        for name, path in files.items():
            if name.endswith(RANGES):
                print(f"{path.name}: ranges for `iadsim uncertainty --ranges` (copy them out)")
            elif name.endswith(".conclusions"):
                print(f"{path.name}: the case study's conclusions, fixed before its results")
        return 0
    out = Path(args.dir)
    clash = [str(out / p.name) for p in files.values() if (out / p.name).exists()]
    if clash:
        why = "exists; not overwritten (choose another DIR)"
        raise InputError([Problem(c, None, None, "", why) for c in clash])
    out.mkdir(parents=True, exist_ok=True)
    for path in files.values():
        shutil.copyfile(path, out / path.name)
        print(out / path.name)
    return 0


RANGES = ".ranges"
"""Bundled files named *.ranges.yaml hold ranges for `iadsim uncertainty`, not scenarios."""


def _description(path: Path) -> str:
    """The scenario's `description` (folded or not, as YAML reads it: one line), else its
    first comment line."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = data.get("description") if isinstance(data, dict) else None
    if isinstance(text, str) and text.strip():
        return " ".join(text.split())
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""
