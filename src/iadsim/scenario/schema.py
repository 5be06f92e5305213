"""The scenario file's schema (pydantic v2): what an analyst writes, validated field by field.

Cross-references (catalog types, link endpoints, strike sites) are checked afterwards by
`iadsim.scenario.load`, which has the catalog and the file's line numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

import iadsim.limits as limits
from iadsim.scenario.connection import (
    CannibaliseSpec,
    CommsSetSpec,
    DeploymentSpec,
    FallbackSpec,
    IntegrationSpec,
    PowerSourceSpec,
)
from iadsim.scenario.cyber import CyberAttackSpec
from iadsim.scenario.doctrine import AuthoritySpec, PostureSpec
from iadsim.scenario.readiness import (
    READINESS_STATES,
    CrewSpec,
    MaintenanceSpec,
    ObservationSpec,
    StateName,
)

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)
]
ComponentRef = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_./\-]*$")]


class _Strict(BaseModel):
    # every number finite (nan, .inf refused) unless a field says otherwise
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


Seconds = Annotated[float, Field(ge=0.0, le=limits.MAX_DURATION_S)]  # a time in the scenario


class Position(_Strict):
    """A WGS84 position; alt_m is metres above mean sea level (ground level if omitted)."""

    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float | None = Field(default=None, ge=-500.0, le=100_000.0)


class StateProbabilities(_Strict):
    """Readiness as probabilities; what is not given goes to not_mission_capable."""

    operational: float = Field(default=0.0, ge=0.0, le=1.0)
    degraded: float = Field(default=0.0, ge=0.0, le=1.0)
    not_mission_capable: float | None = Field(default=None, ge=0.0, le=1.0)
    in_storage: float = Field(default=0.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _sum_to_one(self) -> StateProbabilities:
        given = self.operational + self.degraded + self.in_storage
        total = given + (self.not_mission_capable or 0.0)
        if total > 1.0 + 1e-9:
            raise ValueError(f"state probabilities sum to {total:.3f}, more than 1")
        if self.not_mission_capable is not None and abs(total - 1.0) > 1e-6:
            raise ValueError(f"state probabilities sum to {total:.3f}, not 1")
        return self

    def as_dict(self) -> dict[str, float]:
        """The four probabilities, the remainder given to not_mission_capable."""
        nmc = self.not_mission_capable
        if nmc is None:
            nmc = max(0.0, 1.0 - self.operational - self.degraded - self.in_storage)
        return {
            "operational": self.operational,
            "degraded": self.degraded,
            "not_mission_capable": nmc,
            "in_storage": self.in_storage,
        }


Readiness = StateName | Annotated[float, Field(ge=0.0, le=1.0)] | StateProbabilities


def readiness_distribution(readiness: Readiness | None) -> dict[str, float]:
    """Any readiness form as probabilities over the four states (None: operational)."""
    if readiness is None:
        readiness = "operational"
    if isinstance(readiness, str):
        return {s: float(s == readiness) for s in READINESS_STATES}
    if isinstance(readiness, int | float):
        p = float(readiness)
        return {
            "operational": p,
            "degraded": 0.0,
            "not_mission_capable": 1.0 - p,
            "in_storage": 0.0,
        }
    return readiness.as_dict()


class ComponentSpec(_Strict):
    """One piece of equipment in a unit: a catalog type, where it is, and how ready it is."""

    id: Identifier
    type: str
    # direct readiness (posture/condition); None = operational unless maintenance or
    # observations say otherwise (docs/readiness.md, engine.world.component_distributions)
    readiness: Readiness | None = None
    maintenance: MaintenanceSpec | None = None
    position: Position | None = None
    # radio sets, cable terminals, data-transfer units (None: the catalog type's, ageing
    # with this component's maintenance)
    comms: list[CommsSetSpec] | None = None
    crew: CrewSpec | None = None  # this component's crew (a MANPADS team); None: the unit's
    # P(in storage) before the evidence, where the posture is in doubt (None: 0, or the
    # evidence default where observations exist); a number a ranges file can range, the
    # observations then update it. A direct `readiness` says the posture itself and wins
    # (an override for what-ifs: --set 'units.*.components.*.readiness=operational')
    storage_prior: float | None = Field(default=None, ge=0.0, lt=1.0)
    note: str = ""


class EmconSpec(_Strict):
    """Emission-control doctrine of a unit's radars (threats/emcon.py): radiate only when
    cued by the network's picture, blink (on/off cycle), fall silent on a launch warning."""

    cued: bool = False
    blink_on_s: Seconds = 0.0
    blink_off_s: Seconds = 0.0
    silence_s: Seconds = 0.0  # silent this long after an anti-radiation launch warning

    @model_validator(mode="after")
    def _blink_pair(self) -> EmconSpec:
        if (self.blink_on_s > 0) != (self.blink_off_s > 0):
            raise ValueError("give both blink_on_s and blink_off_s, or neither")
        return self


class UnitSpec(_Strict):
    """A fighting or sensing unit (battery, battalion, radar site, MANPADS section)."""

    id: Identifier
    type: str
    position: Position
    c2_mode: Literal["centralized", "autonomous", "emcon"] = "centralized"
    # weapon-target assignment among the unit's launchers: optimal (max expected kills) or greedy
    wta: Literal["optimal", "greedy"] = "optimal"
    crew: CrewSpec | None = None  # None: a trained crew (night vision as the environment)
    emcon: EmconSpec | None = None  # None: radars radiate whenever they work
    components: list[ComponentSpec] = Field(min_length=1)
    # generators and grid feeding the components that need power (None: the catalog's)
    power: list[PowerSourceSpec] | None = None
    deployment: DeploymentSpec = DeploymentSpec()
    fallback: FallbackSpec = FallbackSpec()  # fight on own sensors when the CP is lost
    # release authority and posture at the hour, as probabilities (scenario.doctrine)
    authority: AuthoritySpec | None = None
    posture: PostureSpec | None = None
    cannibalise: CannibaliseSpec | None = None  # pool working comms sets (network.pooling)
    # the sector command post (UNIT/component of a sector-command-post unit) that assigns
    # this unit its targets across batteries while it hears it (docs/engagement.md)
    higher: ComponentRef | None = None
    note: str = ""


class TimeWindow(_Strict):
    """An interval of scenario time [start_s, end_s)."""

    start_s: Seconds
    end_s: Annotated[float, Field(gt=0.0, le=limits.MAX_DURATION_S)]

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.end_s <= self.start_s:
            raise ValueError(f"end_s ({self.end_s}) must be after start_s ({self.start_s})")
        return self


MessageKindName = Literal["track_report", "target_designation", "fire_control", "status"]


class LinkSpec(_Strict):
    """A communication link between two components (UNIT/component ids); `carries` lists the
    message kinds it carries (None: every kind)."""

    id: Identifier | None = None
    from_: ComponentRef = Field(alias="from")
    to: ComponentRef
    kind: Literal["cable", "radio", "relay", "internal"] = "cable"
    latency_s: float = Field(default=0.2, ge=0.0, le=3600.0)
    capacity_per_s: float = Field(default=50.0, gt=0.0, le=1e9)
    up: bool = True
    via: list[ComponentRef] = Field(default_factory=list)
    carries: list[MessageKindName] | None = None
    mtbf_s: float | None = Field(default=None, ge=1.0, le=1e12)
    mttr_s: float | None = Field(default=None, ge=1.0, le=1e12)
    jammed: list[TimeWindow] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _reliability_pair(self) -> LinkSpec:
        if (self.mtbf_s is None) != (self.mttr_s is None):
            raise ValueError("give both mtbf_s and mttr_s (random failure and repair), or neither")
        return self


class NetworkSpec(_Strict):
    """Links between components. Internal links of each unit are generated as designed
    (all up) unless `auto_internal_links` is false; a listed link overrides a generated one."""

    auto_internal_links: bool = True
    links: list[LinkSpec] = Field(default_factory=list)
    # which sensors' output each command post can use, beyond the catalog's matrix
    integrations: list[IntegrationSpec] = Field(default_factory=list)


class Waypoint(_Strict):
    """A route point; alt_m is MSL or AGL according to the aircraft's altitude_mode."""

    lat_deg: float = Field(ge=-90.0, le=90.0)
    lon_deg: float = Field(ge=-180.0, le=180.0)
    alt_m: float = Field(ge=-500.0, le=30_000.0)
    speed_mps: float | None = Field(default=None, ge=limits.MIN_SPEED_MPS, le=3000.0)
    loiter_s: Seconds = 0.0


class FormationSpec(_Strict):
    """Fly in formation: the lead's route, shifted by an offset (m, east/north/up) and a delay."""

    lead: Identifier
    offset_east_m: float = Field(default=0.0, ge=-1e6, le=1e6)
    offset_north_m: float = Field(default=0.0, ge=-1e6, le=1e6)
    offset_up_m: float = Field(default=0.0, ge=-1e5, le=1e5)
    delay_s: Seconds = 0.0


class LoadoutSpec(_Strict):
    """This aircraft's return-fire loadout, overriding its catalog type's field by field
    (e.g. a helicopter without door guns: `loadout: {p_hit: 0}`; two rocket pods more:
    `rounds: 6`). Fields as the catalog's `return_fire`."""

    range_m: float | None = Field(default=None, ge=0.0, le=1e6)
    p_hit: float | None = Field(default=None, ge=0.0, le=1.0)
    reaction_time_s: float | None = Field(default=None, ge=0.0, le=86400.0)
    emitter_range_m: float | None = Field(default=None, ge=0.0, le=1e6)
    rounds: int | None = Field(default=None, ge=0, le=100_000)


class FlightSpec(_Strict):
    """A flight of `count` aircraft on the entry's one route, `spacing_s` apart in trail;
    expanded by the loader into ids `ID.1` ... `ID.N` (scenario.flights). Only a flight the
    loader could not expand reaches validation, which then names what is wrong with it."""

    count: int = Field(ge=1, le=limits.MAX_AIRCRAFT)
    spacing_s: Seconds = 0.0


class AircraftSpec(_Strict):
    """An attacking aircraft: catalog type, start time and route (or a formation slot)."""

    id: Identifier
    type: str
    start_s: Seconds = 0.0
    speed_mps: float | None = Field(default=None, ge=limits.MIN_SPEED_MPS, le=1000.0)
    altitude_mode: Literal["msl", "agl"] = "msl"
    # route points under the DEM plus this clearance are refused (scenario.terrain_checks)
    min_clearance_m: float | None = Field(default=None, ge=0.0, le=10_000.0)
    loadout: LoadoutSpec | None = None  # return-fire weapons, overriding the type's
    route: list[Waypoint] | None = Field(
        default=None, min_length=2, max_length=limits.MAX_WAYPOINTS
    )
    formation: FormationSpec | None = None
    # what-if switches for what the type carries (threats, sensors/jamming.py)
    flight: FlightSpec | None = None  # a flight of N (expanded by the loader)
    countermeasures: bool = True  # flares and directed IR countermeasures in use
    jamming: bool = True  # its jammer (if the type has one) radiates
    anti_radiation: bool = True  # its anti-radiation missiles (if the type has them) are fired
    note: str = ""

    @model_validator(mode="after")
    def _route_or_formation(self) -> AircraftSpec:
        if (self.route is None) == (self.formation is None):
            raise ValueError("give either a route (two waypoints or more) or a formation")
        return self


class SiteSpec(_Strict):
    """A named place that strikes can hit: which units, components or relays stand there."""

    id: Identifier
    name: str = ""
    position: Position
    members: list[ComponentRef] = Field(default_factory=list)


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
TargetKind = Literal[
    "surveillance_radar",
    "acquisition_radar",
    "engagement_radar",
    "early_warning_radar",
    "launcher",
    "telar",
    "command_post",
    "manpads_team",
    "relay",
    "*",
]


class StrikeSpec(_Strict):
    """A scheduled strike on a named site: each target is destroyed with p_destroy, else
    disabled (out of action, still there) with p_disable; either may be one number or a
    table by component kind ('*' for the rest)."""

    id: Identifier
    site: Identifier
    time_s: Seconds
    p_destroy: Probability | dict[TargetKind, Probability] = 0.9
    p_disable: Probability | dict[TargetKind, Probability] = 0.0
    targets: list[ComponentRef] | None = None
    weapon: str = "precision-guided munition"

    def probabilities(self, kind: str) -> tuple[float, float]:
        """(p_destroy, p_disable) against a component of this kind: each table's entry for
        the kind, else its '*' entry, else 0 (a single number applies to every kind)."""

        def pick(p) -> float:
            return float(p) if isinstance(p, int | float) else float(p.get(kind, p.get("*", 0.0)))

        return pick(self.p_destroy), pick(self.p_disable)

    @model_validator(mode="after")
    def _at_most_one(self) -> StrikeSpec:
        kinds = {"*"}
        for p in (self.p_destroy, self.p_disable):
            if isinstance(p, dict):
                kinds |= set(p)
        for kind in sorted(kinds):
            total = sum(self.probabilities(kind))
            if total > 1.0 + 1e-9:
                raise ValueError(f"p_destroy + p_disable = {total:.3f} > 1 for {kind!r} targets")
        return self


class GunSiteSpec(_Strict):
    """Guns of one catalog type (`guns.yaml`) at one place: an anti-aircraft gun section, a
    machine-gun post, a team with rifles (engine/guns.py). Manned at the hour of the attack
    with probability `p_manned` (the posture: notional, per site)."""

    id: Identifier
    type: str
    count: int = Field(default=1, ge=1, le=1000)
    position: Position
    p_manned: Probability = 1.0
    unit: Identifier | None = None  # the unit it belongs to, if any
    note: str = ""


class Environment(_Strict):
    """Conditions for the whole scenario."""

    night: bool = False
    night_vision: bool = False
    clutter: Literal[
        "sea",
        "flatland",
        "farmland",
        "desert",
        "rolling-hills",
        "wooded-hills",
        "urban",
        "mountains",
    ] = "rolling-hills"  # ground-clutter class for radars (constant-gamma reflectivity)


class ScenarioSpec(_Strict):
    """The whole scenario file."""

    scenario: Identifier
    description: str = ""
    start_utc: AwareDatetime
    duration_s: float | None = Field(default=None, gt=0.0, le=limits.MAX_DURATION_S)
    origin: Position
    terrain: str | None = None
    environment: Environment = Environment()
    units: list[UnitSpec] = Field(default_factory=list, max_length=limits.MAX_UNITS)
    network: NetworkSpec = NetworkSpec()
    raid: list[AircraftSpec] = Field(min_length=1, max_length=limits.MAX_AIRCRAFT)
    sites: list[SiteSpec] = Field(default_factory=list)
    strikes: list[StrikeSpec] = Field(default_factory=list)
    cyber: list[CyberAttackSpec] = Field(default_factory=list)  # attacks on picture and power
    observations: list[ObservationSpec] = Field(default_factory=list)
    guns: list[GunSiteSpec] = Field(default_factory=list)  # guns and small arms (engine/guns.py)

    @property
    def start(self) -> datetime:
        return self.start_utc
