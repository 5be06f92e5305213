"""A command whose optional part (a pyproject extra) is not installed says which one and how
to install it, exit 2, no traceback; the table of optional modules matches pyproject."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from iadsim.cli import OPTIONAL_MODULES, main

ROOT = Path(__file__).parents[2]

# the distribution that provides each optional top-level module
PROVIDER = {
    "SALib": "salib",
    "emcee": "emcee",
    "dask": "dask",
    "distributed": "dask",
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "pandas": "pandas",
    "nbclient": "nbclient",
    "numba": "numba",
}


def test_each_optional_module_is_in_the_extra_named():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(PROVIDER) == set(OPTIONAL_MODULES)
    for module, extra in OPTIONAL_MODULES.items():
        names = {r.split("[")[0].split(">")[0].split("=")[0].strip().lower() for r in extras[extra]}
        assert PROVIDER[module] in names, (module, extra)


@pytest.mark.parametrize("module", ["SALib", "dask", "numba"])
def test_a_missing_optional_part_is_named(module, monkeypatch, capsys):
    import iadsim.cli.uncertainty as cmd

    def needs_it(args):
        __import__(module)  # as a handler does when it runs

    monkeypatch.setitem(sys.modules, module, None)  # import fails with ModuleNotFoundError
    monkeypatch.setattr(cmd, "cmd_uncertainty", needs_it)
    assert main(["uncertainty", "tutorial"]) == 2
    err = capsys.readouterr().err
    extra = OPTIONAL_MODULES[module]
    assert f"needs the optional part '{extra}'" in err and f"iadsim[{extra}]" in err
    assert "Traceback" not in err
