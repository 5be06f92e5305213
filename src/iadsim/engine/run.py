"""Public entry points of the engine: build once, replicate many times."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from iadsim.engine.kalman_tracks import with_kalman_tracking
from iadsim.engine.radar_picture import Geometry, build_geometry
from iadsim.engine.replication import ReplicationResult, run_replication
from iadsim.engine.sensing import TRACKERS
from iadsim.engine.world import build_world
from iadsim.errors import ValueRangeError
from iadsim.scenario import Scenario, load_scenario


@dataclass(frozen=True)
class Prepared:
    """A scenario with its world and geometry computed: ready to replicate.

    `tracker` says how radars confirm firm tracks: "mofn" (M-of-N count of detections, the
    fast default) or "kalman" (noisy plots through the Kalman tracker; the geometry's radars
    then carry what the tracker needs, see `engine.kalman_tracks`)."""

    scenario: Scenario
    geometry: Geometry
    tracker: str = "mofn"

    def replicate(self, seed: int) -> ReplicationResult:
        return run_replication(self.geometry, seed)


def prepare(scenario: Scenario | str | Path, tracker: str = "mofn") -> Prepared:
    """Load (if needed) and precompute a scenario's seed-independent geometry."""
    if tracker not in TRACKERS:
        raise ValueRangeError(f"tracker must be one of {', '.join(TRACKERS)}, got {tracker!r}")
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    geometry = build_geometry(build_world(scenario))
    if tracker == "kalman":
        geometry = with_kalman_tracking(geometry)
    return Prepared(scenario, geometry, tracker)


def geometry_key(scenario: Scenario) -> tuple:
    """What the seed-independent geometry depends on: frame, terrain, time span, light and
    clutter, where every component stands and what it is, crews' night sights, and the raid.
    Readiness, crew proficiency, links, C2 modes, observations and strikes are not part of it."""
    spec = scenario.spec
    units = tuple(
        (
            u.id,
            u.type,
            u.crew.night_vision if u.crew else None,  # night sights set visual acquisition
            u.position.model_dump_json(),
            tuple(
                (c.id, c.type, c.position.model_dump_json() if c.position else "")
                for c in u.components
            ),
        )
        for u in spec.units
    )
    raid = tuple(a.model_dump_json() for a in spec.raid)
    return (
        spec.origin.model_dump_json(),
        str(scenario.terrain_path),
        spec.duration_s,
        spec.environment.model_dump_json(),
        units,
        raid,
    )


def prepare_variant(base: Prepared, variant: Scenario) -> Prepared:
    """Prepare a what-if variant of a prepared scenario, reusing its geometry when the variant
    changes nothing the geometry depends on (readiness, links, crews, strikes...)."""
    if geometry_key(variant) != geometry_key(base.scenario):
        return prepare(variant, base.tracker)
    world = build_world(variant, terrain=base.geometry.world.terrain)
    return Prepared(variant, replace(base.geometry, world=world), base.tracker)
