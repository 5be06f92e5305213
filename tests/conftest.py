"""Shared fixtures: the bundled scenarios prepared once, and a scenario-file writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import CARACAS, TUTORIAL, write_scenario


@pytest.fixture(scope="session")
def caracas_prepared():
    """The Caracas case study, loaded and its geometry precomputed once per session."""
    from iadsim.engine.run import prepare

    return prepare(CARACAS)


@pytest.fixture(scope="session")
def tutorial_prepared():
    from iadsim.engine.run import prepare

    return prepare(TUTORIAL)


@pytest.fixture()
def scenario_file(tmp_path):
    """Write a scenario dict (see tests/builders.py) under tmp_path; returns its path."""

    def write(spec: dict, name: str = "s.yaml"):
        return write_scenario(tmp_path, spec, name)

    return write


@pytest.fixture(scope="session")
def tutorial_run_dir(tmp_path_factory) -> Path:
    """`iadsim run` of the tutorial scenario (seed 3), written once per session."""
    from iadsim.cli import main

    out = tmp_path_factory.mktemp("outputs") / "run"
    assert main(["run", str(TUTORIAL), "--seed", "3", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def tutorial_mc_dir(tmp_path_factory) -> Path:
    """`iadsim mc` of the tutorial scenario (8 replications), written once per session."""
    from iadsim.cli import main

    out = tmp_path_factory.mktemp("outputs") / "mc"
    args = ["mc", str(TUTORIAL), "-n", "8", "--workers", "1", "--out", str(out), "--quiet"]
    assert main(args) == 0
    return out
