"""Pydantic v2 models of the readiness parts of a scenario, and the calls the engine makes.

The scenario schema embeds `ReadinessValue` (a state, or {state: probability}),
`MaintenanceSpec`, `CrewSpec` and `ObservationSpec`. Cross-checks that need the rest of the
scenario (known component ids, the scenario time) are plain functions returning
(index, field, message) problems, so the loader can attach file:line to each.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from datetime import date as Date
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from iadsim.errors import InputError, Problem, ValueRangeError
from iadsim.readiness.crew import CrewProfile, crew_profile
from iadsim.readiness.evidence import (
    DEFAULT_EVIDENCE,
    EvidenceParams,
    Observation,
    ObservedKind,
    filter_posterior,
    observation_time,
)
from iadsim.readiness.maintenance import (
    DEFAULT_PARAMS,
    MaintenanceParams,
    as_utc,
    exit_rates_per_year,
    maintenance_distribution,
    overhaul_year_to_datetime,
    years_between,
)
from iadsim.readiness.states import STATES, ComponentState, StateDistribution

StateName = Literal["operational", "degraded", "not_mission_capable", "in_storage"]
ObservedName = Literal[
    "operational",
    "degraded",
    "not_mission_capable",
    "in_storage",
    "emitting",
    "not_emitting",
    "deployed",
]
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


def distribution_from_readiness(value: str | Mapping[str, float]) -> StateDistribution:
    """StateDistribution of a ReadinessValue: one state, or a mapping (remainder -> NMC)."""
    if isinstance(value, str):
        return StateDistribution.certain(value)
    return StateDistribution.from_mapping(value)


class MaintenanceSpec(BaseModel):
    """Maintenance history of a component: age since overhaul, regime, supplier support."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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

    def distribution(
        self, scenario_time: datetime, params: MaintenanceParams = DEFAULT_PARAMS
    ) -> StateDistribution:
        """The maintenance model's state distribution at the scenario time."""
        return maintenance_distribution(
            self.years_at(scenario_time), self.regime, self.supplier_support, params
        )


class CrewSpec(BaseModel):
    """A crew: proficiency, night-vision equipment, scaling of reaction time, baseline morale."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    proficiency: ProficiencyName = "trained"
    night_vision: bool = False
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

    def profile(self, night: bool) -> CrewProfile:
        """Effective reaction-time distribution and error probability, by day or night."""
        return crew_profile(self.proficiency, night, self.night_vision, self.reaction_time_scale)


class ObservationSpec(BaseModel):
    """A dated observation of one component, e.g. 'TEL-2 seen in storage on 2025-11-20'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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

    def to_observation(self) -> Observation:
        """The evidence-model Observation."""
        return Observation(self.time, ObservedKind(self.observed), self.confidence, self.source)


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


def prior_for_component(
    prior: StateDistribution | None,
    maintenance: MaintenanceSpec | None,
    scenario_time: datetime,
    maintenance_params: MaintenanceParams = DEFAULT_PARAMS,
    undeclared_storage: float = 0.0,
) -> StateDistribution:
    """Prior at scenario time: direct prior, maintenance model, both combined, or all operational.

    Both given: the direct prior's IN_STORAGE mass is kept (posture) and the rest is split
    among O, D, N as the maintenance model says (condition). No direct prior: the posture
    is P(IN_STORAGE) = `undeclared_storage` (0 unless the component has observations).
    """
    if prior is None:
        base = (
            maintenance.distribution(scenario_time, maintenance_params)
            if maintenance is not None
            else StateDistribution.certain(ComponentState.OPERATIONAL)
        )
        if undeclared_storage == 0.0:
            return base
        probs = (1.0 - undeclared_storage) * base.probs
        probs[ComponentState.IN_STORAGE.index] += undeclared_storage
        return StateDistribution(probs)
    if maintenance is None:
        return prior
    m = maintenance.distribution(scenario_time, maintenance_params)
    p_s = prior[ComponentState.IN_STORAGE]
    probs = (1.0 - p_s) * m.probs
    probs[ComponentState.IN_STORAGE.index] = p_s
    return StateDistribution(probs)


def posterior_for_component(
    prior: StateDistribution | None,
    maintenance: MaintenanceSpec | None,
    observations: list[ObservationSpec],
    scenario_time: datetime,
    *,
    component: str | None = None,
    evidence_params: EvidenceParams = DEFAULT_EVIDENCE,
    maintenance_params: MaintenanceParams = DEFAULT_PARAMS,
) -> tuple[StateDistribution, StateDistribution]:
    """(prior, posterior) at scenario time for one component; `component` filters observations.

    A component with observations but no direct prior gets P(IN_STORAGE) =
    evidence_params.undeclared_storage_prior in its prior (its posture is in doubt).

    Raises InputError for an observation after the scenario time or an overhaul after it.
    """
    if component is not None:
        observations = [o for o in observations if o.component == component]
    bad = check_observations(observations, {o.component for o in observations}, scenario_time)
    if maintenance is not None:
        bad += [(-1, f, msg) for f, msg in check_maintenance(maintenance, scenario_time)]
    if bad:
        raise InputError(
            [
                Problem(
                    file="<scenario>",
                    line=None,
                    column=None,
                    field=(f"observations[{i}].{f}" if i >= 0 else f"maintenance.{f}"),
                    message=msg,
                )
                for i, f, msg in bad
            ]
        )
    undeclared = evidence_params.undeclared_storage_prior if observations else 0.0
    pri = prior_for_component(prior, maintenance, scenario_time, maintenance_params, undeclared)
    rates = None
    if maintenance is not None:
        rates = exit_rates_per_year(
            maintenance.years_at(scenario_time),
            maintenance.regime,
            maintenance.supplier_support,
            maintenance_params,
        )
    post = filter_posterior(
        pri, [o.to_observation() for o in observations], scenario_time, evidence_params, rates
    )
    return pri, post


def summary_rows(
    prior: StateDistribution, posterior: StateDistribution
) -> list[tuple[str, float, float]]:
    """(state, prior, posterior) rows for the run summary's side-by-side table."""
    return [(s.value, prior[s], posterior[s]) for s in STATES]
