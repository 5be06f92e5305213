"""The readiness parts of a scenario file, as pydantic v2 models: a component's readiness
(a state, or {state: probability}), its maintenance history, a crew, a dated observation.

They live in the scenario layer because the schema embeds them; the readiness models turn
them into state distributions and crew profiles (`iadsim.readiness.spec`). Cross-checks that
need the rest of the scenario (known component ids, the scenario time) are plain functions
returning (index, field, message) problems, so the loader can attach file:line to each.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from datetime import date as Date
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from iadsim.errors import ValueRangeError
from iadsim.scenario.dates import as_utc, observation_time, overhaul_year_to_datetime, years_between


class ComponentState(StrEnum):
    """The four readiness states of a component, declared once here; the value is the
    spelling used in scenario files and outputs, the order that of every probability vector
    (O, D, NMC, S)."""

    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    NOT_MISSION_CAPABLE = "not_mission_capable"
    IN_STORAGE = "in_storage"

    @property
    def index(self) -> int:
        """Position of the state in `STATES` (and in every probability vector)."""
        return STATES.index(self)

    @property
    def is_available(self) -> bool:
        """True when the component can work in this state (operational or degraded)."""
        return self in (ComponentState.OPERATIONAL, ComponentState.DEGRADED)


STATES: tuple[ComponentState, ...] = tuple(ComponentState)
"""The fixed order of states in every probability vector: O, D, NMC, S."""
READINESS_STATES: tuple[str, ...] = tuple(s.value for s in STATES)
"""The states' spellings, in that order."""
StateName = Literal[READINESS_STATES]  # type: ignore[valid-type]
ObservedName = Literal[READINESS_STATES + ("emitting", "not_emitting", "deployed")]  # type: ignore[valid-type]
RegimeName = Literal["none", "minimal", "full"]
ProficiencyName = Literal["untrained", "basic", "trained", "elite"]


def _check_readiness(value: str | dict[str, float]) -> str | dict[str, float]:
    """Refuse probabilities outside [0, 1] or summing above 1."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not (math.isfinite(v) and 0.0 <= v <= 1.0):
                raise ValueError(f"probability of {k} must be a number in [0, 1], got {v}")
        total = sum(value.values())
        if total > 1.0 + 1e-6:
            raise ValueError(f"state probabilities sum to {total:.4g}; they must sum to at most 1")
    return value


ReadinessValue = Annotated[StateName | dict[StateName, float], AfterValidator(_check_readiness)]
"""A component's readiness: `in_storage`, or {operational: 0.4, degraded: 0.2} (rest -> NMC)."""


class MaintenanceSpec(BaseModel):
    """Maintenance history of a component: age since overhaul, regime, supplier support."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    last_overhaul_year: int | None = Field(
        default=None, description="calendar year of the last overhaul (taken at 1 July)"
    )
    years_since_overhaul: float | None = Field(
        default=None, description="years from overhaul to scenario"
    )
    regime: RegimeName = Field(description="maintenance since the overhaul: none, minimal or full")
    supplier_support: bool = Field(
        default=True, description="spare parts and support from the supplier"
    )

    @field_validator("last_overhaul_year")
    @classmethod
    def _year_plausible(cls, v: int | None) -> int | None:
        if v is not None and not (1900 <= v <= 2200):
            raise ValueError(
                f"last_overhaul_year must be a calendar year between 1900 and 2200, got {v}"
            )
        return v

    @field_validator("years_since_overhaul")
    @classmethod
    def _years_plausible(cls, v: float | None) -> float | None:
        if v is not None and not (math.isfinite(v) and 0.0 <= v <= 100.0):
            raise ValueError(f"years_since_overhaul must be a number of years in [0, 100], got {v}")
        return v

    @model_validator(mode="after")
    def _exactly_one_age(self) -> MaintenanceSpec:
        if (self.last_overhaul_year is None) == (self.years_since_overhaul is None):
            raise ValueError("give exactly one of last_overhaul_year or years_since_overhaul")
        return self

    def years_at(self, scenario_time: datetime) -> float:
        """Years from the last overhaul to the scenario time; ValueRangeError if negative."""
        if self.years_since_overhaul is not None:
            return float(self.years_since_overhaul)
        years = years_between(overhaul_year_to_datetime(self.last_overhaul_year), scenario_time)
        if years < 0:
            raise ValueRangeError(
                f"last_overhaul_year {self.last_overhaul_year} is after the scenario time "
                f"{as_utc(scenario_time).date().isoformat()}"
            )
        return years


class CrewSpec(BaseModel):
    """A crew: proficiency, night-vision equipment, scaling of reaction time, baseline morale."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    proficiency: ProficiencyName = "trained"
    # None: the scenario environment's night_vision; true/false overrides it for this crew
    night_vision: bool | None = None
    reaction_time_scale: float = Field(
        default=1.0, description="multiplies the proficiency's reaction times (system-specific)"
    )
    morale: float = Field(default=1.0, description="baseline willingness to fire, in [0, 1]")
    suppressible: bool = Field(
        default=True, description="false: return fire and strikes nearby never deter this crew"
    )

    @field_validator("reaction_time_scale")
    @classmethod
    def _scale_positive(cls, v: float) -> float:
        if not (math.isfinite(v) and 0.0 < v <= 100.0):
            raise ValueError(f"reaction_time_scale must be a number in (0, 100], got {v}")
        return v

    @field_validator("morale")
    @classmethod
    def _morale_unit(cls, v: float) -> float:
        if not (math.isfinite(v) and 0.0 <= v <= 1.0):
            raise ValueError(f"morale must be a number in [0, 1] (1 = always willing), got {v}")
        return v


class ObservationSpec(BaseModel):
    """A dated observation of one component, e.g. 'TEL-2 seen in storage on 2025-11-20'."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    component: str = Field(
        min_length=1, description="component id as in the scenario, e.g. S300-BN/tel-2"
    )
    date: datetime | Date = Field(description="when it was observed; a bare date means 00:00 UTC")
    observed: ObservedName = Field(description="a state, or emitting / not_emitting / deployed")
    source: str = Field(
        default="unspecified", min_length=1, description="imagery, sigint, press, ..."
    )
    confidence: float = Field(description="1 = certain, 0 = no information")
    note: str | None = None

    @field_validator("confidence")
    @classmethod
    def _confidence_unit(cls, v: float) -> float:
        if not (math.isfinite(v) and 0.0 <= v <= 1.0):
            raise ValueError(
                f"confidence must be a number in [0, 1] (1 = certain, 0 = no information), got {v}"
            )
        return v

    @property
    def time(self) -> datetime:
        """UTC datetime of the observation."""
        return observation_time(self.date)


def check_observations(
    observations: Iterable[ObservationSpec],
    known_component_ids: Iterable[str],
    scenario_time: datetime,
) -> list[tuple[int, str, str]]:
    """Problems (index, field, message): unknown component ids and dates after the scenario time."""
    known = set(known_component_ids)
    t_end = as_utc(scenario_time)
    problems: list[tuple[int, str, str]] = []
    for i, o in enumerate(observations):
        if o.component not in known:
            close = difflib.get_close_matches(o.component, sorted(known), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            problems.append((i, "component", f"unknown component {o.component!r}{hint}"))
        if o.time > t_end:
            problems.append(
                (
                    i,
                    "date",
                    f"observation dated {o.time.isoformat()} is after the scenario time "
                    f"{t_end.isoformat()}; only observations made before the raid can inform it",
                )
            )
    return problems


def check_maintenance(
    maintenance: MaintenanceSpec, scenario_time: datetime
) -> list[tuple[str, str]]:
    """Problems (field, message) of a maintenance spec against the scenario time."""
    try:
        maintenance.years_at(scenario_time)
    except ValueRangeError as exc:
        return [("last_overhaul_year", str(exc))]
    return []
