"""Public entry points of the engine: build once, replicate many times."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from iadsim.engine.electronic_attack import radio_link_jamming
from iadsim.engine.kalman_tracks import with_kalman_tracking
from iadsim.engine.radar_picture import Geometry, build_geometry, weapon_models
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
    clutter, where every component stands and what it is, crews' night sights, the raid, and
    the catalog data the geometry reads (`catalog_geometry_key`). Readiness, crew
    proficiency, links, C2 modes, observations, strikes and the catalog's other numbers
    (Pk, ageing, set-up times, return fire...) are not part of it.

    Hand-kept, so checked: tests/engine/test_cache_keys.py changes every number and flag of
    a scenario, its links and its catalog entries in turn and fails when a variant with an
    unchanged key has a different geometry prepared afresh."""
    spec = scenario.spec

    def night_vision(crew) -> bool | None:
        return crew.night_vision if crew else None  # night sights set visual acquisition

    units = tuple(
        (
            u.id,
            u.type,
            night_vision(u.crew),
            u.position.model_dump_json(),
            tuple(
                (
                    c.id,
                    c.type,
                    c.position.model_dump_json() if c.position else "",
                    night_vision(c.crew),  # a team's own crew overrides the unit's
                )
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
        catalog_geometry_key(scenario),
    )


def catalog_geometry_key(scenario: Scenario) -> tuple:
    """The catalog data that `build_world` and `build_geometry` turn into seed-independent
    geometry, for the types the scenario uses: a component type's kind, radar (radar
    equation, clutter, scan, antenna height, instrumented range), visual acquisition and
    which missile its launcher fires; a missile's envelope, guidance and IR seeker; a unit
    type's roles and decision period; an aircraft type's signatures (RCS, Swerling case,
    IR, length, sound), speed (routes), jammers and anti-radiation missiles. A missile's
    flyout and Pk are read into the geometry's weapon models, which `prepare_variant`
    rebuilds from the variant's world, so they are not part of it."""
    cat = scenario.catalog
    spec = scenario.spec

    def dump(model) -> str:
        return model.model_dump_json() if model is not None else ""

    comp_types = sorted({c.type for u in spec.units for c in u.components})
    components = tuple(
        (
            name,
            str(ct.kind),
            dump(ct.radar),
            dump(ct.visual),
            ct.launcher.missile if ct.launcher else "",
        )
        for name, ct in ((n, cat.components[n]) for n in comp_types)
    )
    missiles = sorted(
        {cat.components[n].launcher.missile for n in comp_types if cat.components[n].launcher}
    )
    weapons = tuple(
        (
            name,
            m.min_range_m,
            m.max_range_m,
            m.min_altitude_m,
            m.max_altitude_m,
            m.guidance,
            dump(m.seeker),
        )
        for name, m in ((n, cat.weapons[n]) for n in missiles)
    )
    units = tuple(
        (
            name,
            tuple((role, tuple(map(str, kinds))) for role, kinds in sorted(ut.roles.items())),
            ut.decision_period_s,
        )
        for name, ut in ((n, cat.units[n]) for n in sorted({u.type for u in spec.units}))
    )
    aircraft = tuple(
        (name, at.model_dump_json(include=_AIRCRAFT_GEOMETRY_FIELDS))
        for name, at in ((n, cat.aircraft[n]) for n in sorted({a.type for a in spec.raid}))
    )
    return components, weapons, units, aircraft


_AIRCRAFT_GEOMETRY_FIELDS = {
    "rcs_dbsm",
    "swerling",
    "cruise_speed_mps",
    "length_m",
    "ir_w_sr",
    "acoustic_range_m",
    "jammer",
    "comms_jammer",
    "arm",
}
"""The fields of a catalog aircraft type that the geometry reads (its category, return fire,
countermeasures and decoy flag are read per replication from the world)."""


def prepare_variant(base: Prepared, variant: Scenario) -> Prepared:
    """Prepare a what-if variant of a prepared scenario, reusing its geometry when the variant
    changes nothing the geometry depends on (readiness, links, crews, strikes, the catalog's
    Pk, ageing, set-up times...). The world is built again from the variant (it carries the
    numbers replications read), and so are the parts of the geometry made from such numbers:
    the weapon models (flyout and Pk) and the radio links' jamming windows (which links are
    radio links)."""
    if geometry_key(variant) != geometry_key(base.scenario):
        return prepare(variant, base.tracker)
    world = build_world(variant, terrain=base.geometry.world.terrain)
    geometry = replace(
        base.geometry,
        world=world,
        weapons=weapon_models(world),
        link_jamming=radio_link_jamming(world),
    )
    return Prepared(variant, geometry, base.tracker)
