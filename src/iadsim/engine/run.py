"""Public entry points of the engine: build once, replicate many times."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from iadsim.engine.kalman_tracks import with_kalman_tracking
from iadsim.engine.radar_picture import Geometry, build_geometry, seed_independent
from iadsim.engine.reads import Reads, recording
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
    then carry what the tracker needs, see `engine.kalman_tracks`). `reads`: what the
    seed-independent geometry read, and its content hash (`engine.reads`)."""

    scenario: Scenario
    geometry: Geometry
    tracker: str = "mofn"
    reads: Reads | None = None

    def replicate(self, seed: int) -> ReplicationResult:
        return run_replication(self.geometry, seed)


def prepare(scenario: Scenario | str | Path, tracker: str = "mofn") -> Prepared:
    """Load (if needed) and precompute a scenario's seed-independent geometry, recording
    what it reads (the key `prepare_variant` compares a variant against)."""
    if tracker not in TRACKERS:
        raise ValueRangeError(f"tracker must be one of {', '.join(TRACKERS)}, got {tracker!r}")
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    world = build_world(scenario)
    with recording(world) as recorder:
        sensors, units, arm = seed_independent(world)
        if tracker == "kalman":
            sensors = with_kalman_tracking(world, sensors)
    geometry = build_geometry(world, (sensors, units, arm))
    return Prepared(scenario, geometry, tracker, Reads.of(recorder, world))


def prepare_variant(base: Prepared, variant: Scenario) -> Prepared:
    """Prepare a what-if variant of a prepared scenario, reusing its seed-independent
    geometry (sensors, units, ARM sightlines) when the variant's world holds the same values
    at every field that geometry read (`base.reads`, recorded by `prepare`: readiness, links,
    crews' proficiency, strikes, the catalog's Pk, ageing, set-up times... are not read, so
    changing them reuses it). The world is built again from the variant (it carries the
    numbers replications read), and so are the parts of the geometry made from such numbers:
    the weapon models (flyout and Pk) and the radio links' jamming windows."""
    if base.reads is None or variant.terrain_path != base.scenario.terrain_path:
        return prepare(variant, base.tracker)
    world = build_world(variant, terrain=base.geometry.world.terrain)
    if not base.reads.same_in(world):
        return prepare(variant, base.tracker)
    g = base.geometry
    geometry = build_geometry(world, (g.sensors, g.units, g.arm))
    return Prepared(variant, replace(geometry, memo=g.memo), base.tracker, base.reads)
