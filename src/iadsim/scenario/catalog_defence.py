"""The defence's catalog entries: component types (radars, launchers, sight), missiles, unit
types, and the equipment their connections need (radio and cable sets, power, crews,
integration of data interfaces). Loaded and validated by `scenario.catalog`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
