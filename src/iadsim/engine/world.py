"""Build the runtime world from a validated scenario: entities in the local ENU frame.

The world is seed-independent and immutable; every replication of a Monte Carlo batch
shares it (and the Geometry computed from it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from iadsim.geo.frames import LocalFrame
from iadsim.readiness.crew import CrewProfile
from iadsim.readiness.spec import CrewSpec, MaintenanceSpec, ObservationSpec
from iadsim.readiness.states import (
    GENERIC_DEGRADED_EFFECTS,
    GENERIC_STORAGE_SETUP_HOURS,
    DegradedEffects,
    StateDistribution,
    StorageSetup,
    degraded_effects,
    readiness_type,
)
from iadsim.scenario.catalog import (
    AircraftType,
    ComponentKind,
    LauncherSpec,
    MissileType,
    RadarSpec,
    UnitType,
    VisualSpec,
)
from iadsim.scenario.load import Scenario
from iadsim.scenario.schema import ComponentSpec, LinkSpec, readiness_distribution
from iadsim.threats.routes import Route

RADAR_KINDS = frozenset(
    {
        ComponentKind.SURVEILLANCE_RADAR,
        ComponentKind.ACQUISITION_RADAR,
        ComponentKind.ENGAGEMENT_RADAR,
        ComponentKind.EARLY_WARNING_RADAR,
        ComponentKind.TELAR,
    }
)


class TerrainModel(Protocol):
    """What the engine needs of terrain: ground height and line-of-sight masking."""

    def ground_m(self, east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray: ...

    @property
    def lowest_m(self) -> float: ...

    def obstruction(self, sensor_enu: np.ndarray, targets_enu: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class ComponentRt:
    """A component at run time: where it is, what it carries, how likely each state is."""

    index: int
    id: str  # UNIT/component
    unit: str
    type: str
    kind: ComponentKind
    enu: np.ndarray  # east, north, altitude MSL of the ground it stands on (m)
    state_probs: dict[str, float]
    radar: RadarSpec | None
    launcher: LauncherSpec | None
    missile: MissileType | None
    visual: VisualSpec | None
    # readiness: the prior before evidence (state_probs is the posterior the run samples),
    # what it was derived from, and what a degraded or stored component means for this type
    prior_probs: dict[str, float] | None = None
    readiness_basis: str = "direct"
    maintenance: MaintenanceSpec | None = None
    n_observations: int = 0
    degraded: DegradedEffects = GENERIC_DEGRADED_EFFECTS
    storage_setup_hours: float = GENERIC_STORAGE_SETUP_HOURS
    # this component's own crew (a MANPADS team), None: the unit's crew
    crew: CrewSpec | None = None
    crew_profile: CrewProfile | None = None

    @property
    def is_radar(self) -> bool:
        return self.radar is not None

    @property
    def sensor_height_m(self) -> float:
        """Antenna (or eye) height above the ground it stands on."""
        return self.radar.antenna_height_m if self.radar else 2.0


@dataclass(frozen=True)
class UnitRt:
    """A unit at run time: its type, C2 mode and which components fill each role."""

    index: int
    id: str
    type: str
    spec: UnitType
    c2_mode: str
    enu: np.ndarray
    components: tuple[int, ...]
    roles: dict[str, tuple[int, ...]]
    crew: CrewSpec = CrewSpec()
    crew_profile: CrewProfile | None = None  # scenario conditions (night) applied
    wta: str = "optimal"  # weapon-target assignment rule among the unit's launchers
    higher: str | None = None  # the sector command post assigning it targets (engine.sector)

    def role(self, name: str) -> tuple[int, ...]:
        return self.roles.get(name, ())


@dataclass(frozen=True)
class AircraftRt:
    """An attacking aircraft at run time."""

    index: int
    id: str
    type: str
    spec: AircraftType
    route: Route


@dataclass(frozen=True)
class World:
    """Everything a replication needs that does not depend on the dice."""

    scenario: Scenario
    frame: LocalFrame
    duration_s: float
    components: tuple[ComponentRt, ...]
    units: tuple[UnitRt, ...]
    aircraft: tuple[AircraftRt, ...]
    links: tuple[LinkSpec, ...]
    terrain: TerrainModel | None = None
    night: bool = False
    night_vision: bool = False
    clutter_class: str = "rolling-hills"
    component_index: dict[str, int] = field(default_factory=dict)
    unit_index: dict[str, int] = field(default_factory=dict)

    def ground_m(self, east_m, north_m) -> np.ndarray:
        """Terrain height (m MSL) under local positions; sea level without terrain."""
        if self.terrain is None:
            return np.zeros(np.broadcast(np.asarray(east_m), np.asarray(north_m)).shape)
        return self.terrain.ground_m(np.asarray(east_m, float), np.asarray(north_m, float))

    @property
    def radars(self) -> list[ComponentRt]:
        return [c for c in self.components if c.is_radar]


def component_distributions(
    comp: ComponentSpec,
    component_id: str,
    observations: list[ObservationSpec],
    scenario_time,
) -> tuple[StateDistribution, StateDistribution, str]:
    """(prior, posterior, basis) of one component's state at the scenario time.

    - `readiness` given as a state name is a declared certainty: maintenance and observations
      do not change it (this is what `--set units.*.readiness=operational` relies on);
    - neither maintenance nor observations: the direct readiness (default operational);
    - otherwise `readiness.spec.posterior_for_component`: the prior from the direct readiness
      and/or the maintenance model, updated by the component's dated observations.
    """
    from iadsim.readiness.spec import posterior_for_component

    mine = [o for o in observations if o.component == component_id]
    direct = (
        None
        if comp.readiness is None
        else StateDistribution.from_mapping(readiness_distribution(comp.readiness))
    )
    if isinstance(comp.readiness, str):
        return direct, direct, "declared"
    if comp.maintenance is None and not mine and comp.storage_prior is None:
        d = direct or StateDistribution.certain("operational")
        return d, d, "direct"
    prior, post = posterior_for_component(
        direct, comp.maintenance, mine, scenario_time, storage_prior=comp.storage_prior
    )
    parts = [
        name
        for name, on in (
            ("readiness", direct is not None),
            ("maintenance", comp.maintenance is not None),
            ("storage prior", comp.storage_prior is not None and direct is None),
            ("observations", bool(mine)),
        )
        if on
    ]
    return prior, post, "+".join(parts)


def unit_crew_profile(crew: CrewSpec, utype: UnitType, night: bool) -> CrewProfile:
    """The crew's effective numbers: the catalog's `crew_reaction_s` is a trained crew's day
    median for this system, so proficiency scales it relative to `trained`."""
    from iadsim.readiness.crew import DEFAULT_PROFICIENCY, Proficiency, crew_profile

    trained = DEFAULT_PROFICIENCY[Proficiency.TRAINED].median_reaction_s
    scale = utype.crew_reaction_s / trained * crew.reaction_time_scale
    return crew_profile(crew.proficiency, night, crew.night_vision, scale)


def _own_route(ac, atype, frame: LocalFrame) -> Route:
    """An aircraft's route from its waypoints, at its (or its type's cruise) speed."""
    default_speed = ac.speed_mps or atype.cruise_speed_mps
    enu = frame.to_enu(
        np.array([w.lat_deg for w in ac.route]), np.array([w.lon_deg for w in ac.route]), 0.0
    )
    return Route.from_waypoints(
        enu[:, 0],
        enu[:, 1],
        np.array([w.alt_m for w in ac.route]),
        np.array([w.speed_mps or default_speed for w in ac.route]),
        np.array([w.loiter_s for w in ac.route]),
        ac.start_s,
        ac.altitude_mode == "agl",
    )


def _with_loadout(atype: AircraftType, ac) -> AircraftType:
    """The aircraft's type with its own loadout (return-fire weapons) where the scenario
    overrides the type's."""
    if ac.loadout is None:
        return atype
    changes = ac.loadout.model_dump(exclude_unset=True)
    return atype.model_copy(update={"return_fire": atype.return_fire.model_copy(update=changes)})


def _placer(frame: LocalFrame, terrain: TerrainModel | None):
    """ENU position of a scenario position: its altitude, else the ground under it (the
    DEM's, sea level without one)."""

    def place(pos) -> np.ndarray:
        enu = frame.to_enu(pos.lat_deg, pos.lon_deg, 0.0)
        east, north = float(enu[0]), float(enu[1])
        if pos.alt_m is not None:
            alt = pos.alt_m
        elif terrain is not None:
            alt = float(terrain.ground_m(np.array([east]), np.array([north]))[0])
        else:
            alt = 0.0
        return np.array([east, north, alt])

    return place


def _component_rt(
    scenario: Scenario, unit, comp, index: int, enu: np.ndarray, storage: StorageSetup
) -> ComponentRt:
    """One component at run time: its catalog type, position, readiness distributions
    (prior, and posterior on the observations), degraded effects and its own crew."""
    spec, catalog = scenario.spec, scenario.catalog
    utype = catalog.units[unit.type]
    ctype = catalog.components[comp.type]
    missile = catalog.weapons[ctype.launcher.missile] if ctype.launcher else None
    cid = f"{unit.id}/{comp.id}"
    prior, post, basis = component_distributions(comp, cid, spec.observations, spec.start_utc)
    rtype = readiness_type(ctype.kind.value)
    own_crew = comp.crew
    if own_crew is not None and "night_vision" not in own_crew.model_fields_set:
        own_crew = own_crew.model_copy(update={"night_vision": spec.environment.night_vision})
    return ComponentRt(
        index=index,
        id=cid,
        unit=unit.id,
        type=comp.type,
        kind=ctype.kind,
        enu=enu,
        state_probs=post.as_dict(),
        radar=ctype.radar,
        launcher=ctype.launcher,
        missile=missile,
        visual=ctype.visual,
        prior_probs=prior.as_dict(),
        readiness_basis=basis,
        maintenance=comp.maintenance,
        n_observations=sum(o.component == cid for o in spec.observations),
        degraded=degraded_effects(rtype),
        storage_setup_hours=storage.hours_for(rtype),
        crew=own_crew,
        crew_profile=(
            unit_crew_profile(own_crew, utype, spec.environment.night)
            if own_crew is not None
            else None
        ),
    )


def _unit_rt(scenario: Scenario, u_index: int, unit, enu, indices, components) -> UnitRt:
    """One unit at run time: its components by role and its crew (the crew's own
    night-vision setting overrides the environment's; without one, or without a crew
    block, the environment's default applies, to sights and reaction)."""
    spec = scenario.spec
    utype = scenario.catalog.units[unit.type]
    roles = {
        role: tuple(i for i in indices if components[i].kind in kinds)
        for role, kinds in utype.roles.items()
    }
    crew = unit.crew or CrewSpec()
    if crew.night_vision is None:
        crew = crew.model_copy(update={"night_vision": spec.environment.night_vision})
    return UnitRt(
        u_index,
        unit.id,
        unit.type,
        utype,
        unit.c2_mode,
        enu,
        tuple(indices),
        roles,
        crew=crew,
        crew_profile=unit_crew_profile(crew, utype, spec.environment.night),
        wta=unit.wta,
        higher=unit.higher,
    )


def _raid(scenario: Scenario, frame: LocalFrame) -> list[AircraftRt]:
    """The raid's aircraft with their routes (aircraft with their own route first:
    formation slots follow them) and their loadouts."""
    spec, catalog = scenario.spec, scenario.catalog
    routes: dict[str, Route] = {}
    for ac in spec.raid:
        if ac.route is not None:
            routes[ac.id] = _own_route(ac, catalog.aircraft[ac.type], frame)
    for ac in spec.raid:
        if ac.formation is not None:
            f = ac.formation
            routes[ac.id] = routes[f.lead].shifted(
                f.offset_east_m, f.offset_north_m, f.offset_up_m, f.delay_s
            )
    return [
        AircraftRt(i, ac.id, ac.type, _with_loadout(catalog.aircraft[ac.type], ac), routes[ac.id])
        for i, ac in enumerate(spec.raid)
    ]


def build_world(scenario: Scenario, terrain: TerrainModel | None = None) -> World:
    """Place every unit, component and aircraft in the scenario's local ENU frame."""
    spec = scenario.spec
    frame = LocalFrame(spec.origin.lat_deg, spec.origin.lon_deg, 0.0)
    if terrain is None and scenario.terrain_path is not None:
        from iadsim.geo.terrain_adapter import load_terrain_model

        terrain = load_terrain_model(scenario.terrain_path, frame)
    place = _placer(frame, terrain)
    components: list[ComponentRt] = []
    units: list[UnitRt] = []
    storage = StorageSetup()
    for u_index, unit in enumerate(spec.units):
        unit_enu = place(unit.position)
        indices = []
        for comp in unit.components:
            enu = place(comp.position) if comp.position else unit_enu
            components.append(_component_rt(scenario, unit, comp, len(components), enu, storage))
            indices.append(len(components) - 1)
        units.append(_unit_rt(scenario, u_index, unit, unit_enu, indices, components))
    aircraft = _raid(scenario, frame)
    duration = spec.duration_s or (max(a.route.end_s for a in aircraft) + 60.0)
    return World(
        scenario=scenario,
        frame=frame,
        duration_s=float(duration),
        components=tuple(components),
        units=tuple(units),
        aircraft=tuple(aircraft),
        links=scenario.links,
        terrain=terrain,
        night=spec.environment.night,
        night_vision=spec.environment.night_vision,
        clutter_class=spec.environment.clutter,
        component_index={c.id: c.index for c in components},
        unit_index={u.id: u.index for u in units},
    )
