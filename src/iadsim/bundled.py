"""The scenarios that ship inside the package (the case study and the tutorial).

In the repository they are `scenarios/*.yaml` (the package's `iadsim/scenarios` points
there); in an installed wheel they are package data. Every command that takes a scenario
file also takes a bundled name (`iadsim run caracas`), and `iadsim examples DIR` copies them
out to be read and edited. Nothing here imports more than the standard library, so the
command line stays light.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ALIASES = {"caracas": "caracas-2026-01-03"}
"""Short names of bundled scenarios."""


COMPANIONS = (".ranges", ".record", ".conclusions")
"""Bundled files NAME.ranges.yaml, NAME.record.yaml, NAME.conclusions.yaml go with the
scenario NAME (its uncertain numbers, its historical record, its case study's conclusions):
they are not scenarios."""


def companion(stem: str) -> bool:
    """Whether a bundled file's stem names a scenario's companion file, not a scenario."""
    return stem.endswith(COMPANIONS)


def bundled_dir() -> Path:
    """The directory of the bundled scenario files (a real directory: the package is
    installed from a wheel or in place, never zipped)."""
    return Path(str(resources.files("iadsim").joinpath("scenarios")))


def bundled() -> dict[str, Path]:
    """Bundled scenario name (file stem) -> file, sorted by name."""
    d = bundled_dir()
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def resolve(arg: str) -> str:
    """A scenario argument as a file path: an existing path as given; otherwise a bundled
    scenario's name, alias or file name (`caracas`, `caracas-2026-01-03`, `tutorial.yaml`);
    anything else unchanged (loading it then reports the missing file)."""
    if Path(arg).exists():
        return arg
    name = Path(arg).name
    stem = name[: -len(".yaml")] if name.endswith(".yaml") else name
    if Path(arg).parent not in (Path("."), Path("scenarios")):
        return arg
    path = bundled().get(ALIASES.get(stem, stem))
    return str(path) if path is not None else arg
