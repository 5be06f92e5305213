"""The equipment catalog: notional component, weapon, unit and aircraft types from data files."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    model_validator,
)

from iadsim.bands import BandName
from iadsim.errors import ScenarioError
from iadsim.scenario.errors_map import problems_from_validation
from iadsim.scenario.guns import GunType, Vulnerability
from iadsim.scenario.yaml_loader import load_yaml


class ComponentKind(StrEnum):
    """What a component does in the kill chain."""

    SURVEILLANCE_RADAR = "surveillance_radar"
    ACQUISITION_RADAR = "acquisition_radar"
    ENGAGEMENT_RADAR = "engagement_radar"
    EARLY_WARNING_RADAR = "early_warning_radar"
    LAUNCHER = "launcher"
    TELAR = "telar"
    COMMAND_POST = "command_post"
    MANPADS_TEAM = "manpads_team"
    RELAY = "relay"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RadarSpec(_Strict):
    """Radar parameters for the radar range equation (SI units; gains and losses in dB)."""

    frequency_hz: PositiveFloat
    peak_power_w: PositiveFloat
    gain_dbi: float
    pulse_width_s: PositiveFloat
    noise_figure_db: float = Field(ge=0.0)
    losses_db: float = Field(ge=0.0)
    n_pulses: PositiveInt = 1
    scan_period_s: PositiveFloat
    antenna_height_m: float = Field(ge=0.0)
    max_range_m: PositiveFloat
    min_radial_speed_mps: float = Field(default=0.0, ge=0.0)
    mti_improvement_db: float = Field(default=40.0, ge=0.0)
    pfa: float = Field(default=1e-6, gt=0.0, lt=1.0)
    # electronic attack (sensors/jamming.py): average sidelobe level relative to the
    # mainlobe, and the beamwidth inside which a jammer is in the mainlobe (default from the
    # gain, theta ~ sqrt(4 pi / G) for a pencil beam)
    sidelobe_db: float = Field(default=-30.0, le=0.0)
    beamwidth_deg: PositiveFloat | None = None


class LauncherSpec(_Strict):
    """A launcher's missile type, ready rounds, rounds in reserve and reload time."""

    missile: str
    missiles: PositiveInt
    reserve: int = Field(default=0, ge=0)
    reload_s: PositiveFloat


class VisualSpec(_Strict):
    """Acquisition by eye: notional detection ranges by light and night-vision equipment."""

    detection_range_day_m: PositiveFloat
    detection_range_night_m: PositiveFloat
    detection_range_night_nvg_m: PositiveFloat


class ComponentType(_Strict):
    """A catalog component: its kind, and the radar/launcher/visual parts it carries; its
    communications sets (comms types), whether it needs external power, and its data
    interface family (a command post uses a sensor's output only where integrated)."""

    kind: ComponentKind
    description: str
    source: str
    radar: RadarSpec | None = None
    launcher: LauncherSpec | None = None
    visual: VisualSpec | None = None
    comms: list[str] = Field(default_factory=list)
    needs_power: bool = False
    interface: str | None = None


class AgeingSpec(_Strict):
    """Weibull scales (years of virtual age) of an equipment's wear-out (operational ->
    degraded) and sudden failure (-> not mission capable) in the maintenance model."""

    degradation_eta_years: PositiveFloat = 6.0
    failure_eta_years: PositiveFloat = 15.0


class CommsType(_Strict):
    """A radio set, cable terminal or data-transfer unit: the medium it serves and how it
    ages. A link needs, at each end, a working set of its medium and a working data unit
    (where the component has sets of that medium at all)."""

    medium: Literal["radio", "cable", "data"]
    description: str
    source: str
    ageing: AgeingSpec = AgeingSpec()
    # a radio set's net frequency: its band is what a communications jammer must cover
    frequency_hz: PositiveFloat | None = None


class PowerType(_Strict):
    """A power source: a generator (ages like other equipment) or the grid."""

    kind: Literal["generator", "grid"]
    description: str
    source: str
    ageing: AgeingSpec = AgeingSpec()
    # a generator standing by: seconds from the grid's loss to its load on line (0: no break)
    start_s: float = Field(default=0.0, ge=0.0, le=86_400.0)


class NetworkSetupSpec(_Strict):
    """How a crew brings its unit's data network up (readiness.network_setup)."""

    p_success: float = Field(ge=0.0, le=1.0)
    median_factor: PositiveFloat
    sigma_log: float = Field(default=0.5, ge=0.0)


class CrewType(_Strict):
    """A crew proficiency level's catalog numbers (catalog crews.yaml, keyed by level)."""

    source: str
    network_setup: NetworkSetupSpec


class IntegrationEntry(_Strict):
    """A sensor interface family whose output a command-post interface family can use
    (beyond the same family, always integrated)."""

    sensor: str
    command_post: str
    source: str


RolePair = Literal["sensor_command", "command_launcher", "fire_control_launcher", "sensor_launcher"]
MessageKindName = Literal["track_report", "target_designation", "fire_control", "status"]


class LinkDefault(_Strict):
    """How a unit's internal links of one role pair are built: medium and message kinds."""

    kind: Literal["cable", "radio", "relay", "internal"] = "internal"
    carries: list[MessageKindName]


class FlyoutSpec(_Strict):
    """Boost then coast with v^2 drag (see docs/engagement.md); notional."""

    boost_time_s: float = Field(ge=0.0)
    boost_accel_mps2: float = Field(ge=0.0)
    drag_k_per_m: float = Field(ge=0.0)
    launch_speed_mps: float = Field(default=0.0, ge=0.0)
    min_speed_mps: float = Field(default=0.0, ge=0.0)
    max_time_s: PositiveFloat = 120.0


class PkFactors(_Strict):
    """Geometry factors on the base Pk (after Medusa): range, aspect, low altitude."""

    range_knee: float = Field(default=0.6, gt=0.0, le=1.0)
    range_floor: float = Field(default=0.4, ge=0.0, le=1.0)
    beam_factor: float = Field(default=0.7, ge=0.0, le=1.0)
    low_altitude_m: float = Field(default=0.0, ge=0.0)
    low_altitude_factor: float = Field(default=1.0, ge=0.0, le=1.0)


class IrSeekerSpec(_Strict):
    """An infrared seeker (sensors/visual_ir.IrSeeker): 50% lock range on a reference source."""

    lock_range_ref_m: PositiveFloat
    ref_intensity_w_sr: PositiveFloat
    extinction_per_m: float = Field(default=0.15e-3, ge=0.0)
    width_db: PositiveFloat = 1.5


class MissileType(_Strict):
    """A missile's engagement envelope, flyout and single-shot Pk by target category."""

    description: str
    source: str
    min_range_m: float = Field(ge=0.0)
    max_range_m: PositiveFloat
    min_altitude_m: float = Field(ge=0.0)
    max_altitude_m: PositiveFloat
    guidance: Literal["semi_active", "command", "active", "infrared"]
    pk: dict[Literal["helicopter", "fixed_wing"], Annotated[float, Field(ge=0.0, le=1.0)]]
    flyout: FlyoutSpec
    pk_factors: PkFactors = PkFactors()
    seeker: IrSeekerSpec | None = None  # infrared missiles: the lock-on model


class UnitType(_Strict):
    """A unit: which component kinds fill each kill-chain role, and its tempo and doctrine."""

    description: str
    source: str
    roles: dict[Literal["search", "fire_control", "launcher", "command"], list[ComponentKind]] = (
        Field(default_factory=dict)
    )
    decision_period_s: PositiveFloat = 2.0
    crew_reaction_s: PositiveFloat = 30.0
    salvo: PositiveInt = 1
    max_channels: PositiveInt = 1
    doctrine: Literal["shoot_look_shoot", "salvo"] = "shoot_look_shoot"
    assessment_delay_s: float = Field(default=5.0, ge=0.0)
    # connection mechanisms (docs/network.md): internal links by role pair, default power
    # sources, set-up and march times, a trained crew's median time to bring the network up
    links: dict[RolePair, LinkDefault] = Field(default_factory=dict)
    power: list[str] = Field(default_factory=list)
    setup_s: float = Field(default=0.0, ge=0.0)
    march_s: float = Field(default=0.0, ge=0.0)
    network_setup_s: float = Field(default=0.0, ge=0.0)
    # autonomous fallback: delay before fighting on own sensors when the CP is lost (None:
    # not allowed, e.g. launchers without radars of their own)
    fallback_delay_s: float | None = Field(default=None, ge=0.0)
    # a sector command post (a unit whose command post assigns targets to subordinate units,
    # docs/engagement.md): the time from its picture to its orders reaching the batteries,
    # and how many targets it can hold and assign at once (None: no limit)
    processing_delay_s: float = Field(default=0.0, ge=0.0)
    track_capacity: PositiveInt | None = None


class RcsTable(_Strict):
    """Radar cross-section by aspect, dBsm."""

    nose: float
    beam: float
    tail: float


class ReturnFireSpec(_Strict):
    """How an aircraft fires back at launches it sees within range_m (guns, rockets, bombs);
    p_hit is the chance one engagement disables the target; rounds limits engagements
    (None: unlimited). Anti-radiation missiles are `AircraftType.arm`."""

    range_m: float = Field(ge=0.0)
    p_hit: float = Field(ge=0.0, le=1.0)
    reaction_time_s: float = Field(default=5.0, ge=0.0)
    rounds: int | None = Field(default=None, ge=0)


class IrTable(_Strict):
    """Infrared radiant intensity by aspect (3-5 um band), W/sr."""

    nose: float = Field(ge=0.0)
    beam: float = Field(ge=0.0)
    tail: float = Field(ge=0.0)


class JammerSpec(_Strict):
    """A noise jammer (sensors/jamming.Jammer): ERP in dBW, noise bandwidth, the bands it
    covers (iadsim.bands: VHF, UHF, L, S, C, X, Ku, ...) with an ERP per band where it
    differs; self_protection screens the carrier only, support (escort, stand-off) every
    target. A radar or radio set is jammed only in a band listed here."""

    erp_dbw: float
    bandwidth_hz: PositiveFloat
    bands: list[BandName] = Field(min_length=1)
    erp_by_band_dbw: dict[BandName, float] = Field(default_factory=dict)
    mode: Literal["self_protection", "support"] = "support"
    source: str

    @model_validator(mode="after")
    def _erp_bands_covered(self) -> JammerSpec:
        extra = sorted(set(self.erp_by_band_dbw) - set(self.bands))
        if extra:
            raise ValueError(f"erp_by_band_dbw names bands not in `bands`: {extra}")
        return self


class CountermeasuresSpec(_Strict):
    """Infrared countermeasures: the fraction of an IR missile's Pk left by each (1: none)."""

    flares_pk_factor: float = Field(default=1.0, ge=0.0, le=1.0)
    dircm_pk_factor: float = Field(default=1.0, ge=0.0, le=1.0)
    source: str

    @property
    def pk_factor(self) -> float:
        """Both together (independent defeats): the product."""
        return self.flares_pk_factor * self.dircm_pk_factor


class ArmSpec(_Strict):
    """Anti-radiation missiles carried (threats/arm.ArmType): launch range, rounds, Pk at a
    radar still radiating at impact and at one that shut down in flight, flyout."""

    launch_range_m: PositiveFloat
    rounds: int = Field(ge=0)
    p_kill: float = Field(ge=0.0, le=1.0)
    p_kill_after_shutdown: float = Field(ge=0.0, le=1.0)
    reaction_time_s: float = Field(default=5.0, ge=0.0)
    flyout: FlyoutSpec
    source: str


class AircraftType(_Strict):
    """An attacking aircraft type: category, signatures (radar, infrared, size, sound),
    speed, and what it carries (return fire, anti-radiation missiles, jammer, flares and
    directed infrared countermeasures). A decoy flies and looks like an aircraft to radars
    but carries nothing and does not count among the raid's aircraft lost."""

    description: str
    source: str
    category: Literal["helicopter", "fixed_wing"]
    rcs_dbsm: RcsTable
    swerling: Literal[0, 1, 2, 3, 4] = 1
    cruise_speed_mps: PositiveFloat
    return_fire: ReturnFireSpec = ReturnFireSpec(range_m=0.0, p_hit=0.0)
    length_m: PositiveFloat = 15.0  # presented size for visual acquisition
    ir_w_sr: IrTable = IrTable(nose=300.0, beam=600.0, tail=1500.0)
    acoustic_range_m: float = Field(default=0.0, ge=0.0)  # heard this far on a quiet night
    countermeasures: CountermeasuresSpec | None = None
    jammer: JammerSpec | None = None  # against radars
    comms_jammer: JammerSpec | None = None  # against the defence's radio links
    arm: ArmSpec | None = None
    decoy: bool = False
    vulnerability: Vulnerability | None = None  # to gunfire (scenario.guns); None: immune


class Catalog(_Strict):
    """All catalog entries, keyed by the names scenario files use in `type:`."""

    components: dict[str, ComponentType]
    weapons: dict[str, MissileType]
    units: dict[str, UnitType]
    aircraft: dict[str, AircraftType]
    comms: dict[str, CommsType] = Field(default_factory=dict)
    power: dict[str, PowerType] = Field(default_factory=dict)
    integration: dict[str, IntegrationEntry] = Field(default_factory=dict)
    crews: dict[str, CrewType] = Field(default_factory=dict)
    guns: dict[str, GunType] = Field(default_factory=dict)


_FILES = {
    "components": ComponentType,
    "weapons": MissileType,
    "units": UnitType,
    "aircraft": AircraftType,
    "comms": CommsType,
    "power": PowerType,
    "integration": IntegrationEntry,
    "crews": CrewType,
    "guns": GunType,
}
_OPTIONAL = frozenset({"guns"})  # a catalog directory without this file has none


def read_catalog_dir(directory: Path) -> dict[str, tuple[Any, dict]]:
    """Each catalog file's data (numbers written as distributions still in place) and the
    line/column of its fields: section name -> (data, locations)."""
    return {
        section: load_yaml(directory / f"{section}.yaml")
        for section in _FILES
        if section not in _OPTIONAL or (directory / f"{section}.yaml").exists()
    }


def load_catalog_dir(directory: Path) -> Catalog:
    """Load and validate every catalog file in a directory; errors name file, line and field.
    Numbers written as distributions take their nominal value (scenario.distributions)."""
    from iadsim.scenario.distributions import nominal

    raw = read_catalog_dir(directory)
    plain = {}
    for section, (data, locations) in raw.items():
        path = str(directory / f"{section}.yaml")
        plain[section] = (nominal(data, path, locations, section)[0], locations)
    return catalog_from_data(plain, directory)


def catalog_from_data(raw: dict[str, tuple[Any, dict]], directory: Path) -> Catalog:
    """Validate plain catalog data (section -> (data, locations)) into a Catalog."""
    sections = {}
    for section, model in _FILES.items():
        path = directory / f"{section}.yaml"
        if section not in raw and section in _OPTIONAL:
            continue
        data, locations = raw[section]
        problems = []
        entries = {}
        if not isinstance(data, dict):
            raise ScenarioError(problems_from_validation(None, str(path), locations, ()))
        for key, value in data.items():
            try:
                entries[key] = model.model_validate(value)
            except ValidationError as exc:
                problems += problems_from_validation(exc, str(path), locations, (key,))
        if problems:
            raise ScenarioError(problems)
        sections[section] = entries
    catalog = Catalog(**sections)
    _check_references(catalog, directory)
    return catalog


def _check_references(catalog: Catalog, directory: Path) -> None:
    """Launchers must name a missile the catalog has; comms and power types must exist."""
    from iadsim.errors import Problem

    problems = []

    def bad(file: str, field: str, message: str) -> None:
        problems.append(Problem(str(directory / file), None, None, field, message))

    for key, comp in catalog.components.items():
        if comp.launcher and comp.launcher.missile not in catalog.weapons:
            bad(
                "components.yaml",
                f"{key}.launcher.missile",
                f"unknown missile {comp.launcher.missile!r}",
            )
        for i, ct in enumerate(comp.comms):
            if ct not in catalog.comms:
                bad("components.yaml", f"{key}.comms[{i}]", f"unknown comms type {ct!r}")
    for key, unit in catalog.units.items():
        for i, pt in enumerate(unit.power):
            if pt not in catalog.power:
                bad("units.yaml", f"{key}.power[{i}]", f"unknown power type {pt!r}")
    if problems:
        raise ScenarioError(problems)


@cache
def default_catalog() -> Catalog:
    """The catalog bundled with iadsim (src/iadsim/catalog/*.yaml)."""
    directory = Path(str(resources.files("iadsim") / "catalog"))
    return load_catalog_dir(directory)
