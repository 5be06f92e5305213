"""The attacker's catalog entries: aircraft types and what they carry (return fire,
anti-radiation missiles, jammers, infrared countermeasures). Loaded and validated by
`scenario.catalog`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat, model_validator

from iadsim.bands import BandName
from iadsim.scenario.catalog_defence import FlyoutSpec, _Strict
from iadsim.scenario.guns import Vulnerability


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
