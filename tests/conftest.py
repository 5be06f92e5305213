"""Shared fixtures: paths to the bundled scenarios and a helper to write scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
CARACAS = SCENARIOS / "caracas-2026-01-03.yaml"
TUTORIAL = SCENARIOS / "tutorial.yaml"


@pytest.fixture(scope="session")
def caracas_prepared():
    """The Caracas case study, loaded and its geometry precomputed once per session."""
    from iadsim.engine.run import prepare

    return prepare(CARACAS)


@pytest.fixture(scope="session")
def tutorial_prepared():
    from iadsim.engine.run import prepare

    return prepare(TUTORIAL)
