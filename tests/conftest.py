"""Shared fixtures: the bundled scenarios prepared once, and a scenario-file writer."""

from __future__ import annotations

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
