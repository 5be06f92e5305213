"""Public entry points of the engine: build once, replicate many times."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iadsim.engine.geometry import Geometry, build_geometry
from iadsim.engine.replication import ReplicationResult, run_replication
from iadsim.engine.world import build_world
from iadsim.scenario import Scenario, load_scenario


@dataclass(frozen=True)
class Prepared:
    """A scenario with its world and geometry computed: ready to replicate."""

    scenario: Scenario
    geometry: Geometry

    def replicate(self, seed: int) -> ReplicationResult:
        return run_replication(self.geometry, seed)


def prepare(scenario: Scenario | str | Path) -> Prepared:
    """Load (if needed) and precompute a scenario's seed-independent geometry."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return Prepared(scenario, build_geometry(build_world(scenario)))
