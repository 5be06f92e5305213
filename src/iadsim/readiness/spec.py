"""The readiness parts of a scenario turned into the models' terms: state distributions at
the scenario time (direct readiness, maintenance model, dated evidence) and crew profiles.

The scenario-file models (`MaintenanceSpec`, `CrewSpec`, `ObservationSpec`, ...) live in
`iadsim.scenario.readiness`, where the schema embeds them; they are re-exported here for the
engine, which reads them with the functions below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from iadsim.errors import InputError, Problem
from iadsim.readiness.crew import CrewProfile, crew_profile
from iadsim.readiness.evidence import (
    DEFAULT_EVIDENCE,
    EvidenceParams,
    Observation,
    ObservedKind,
    filter_posterior,
)
from iadsim.readiness.maintenance import (
    DEFAULT_PARAMS,
    MaintenanceParams,
    exit_rates_per_year,
    maintenance_distribution,
)
from iadsim.readiness.states import STATES, ComponentState, StateDistribution
from iadsim.scenario.readiness import (
    CrewSpec,
    MaintenanceSpec,
    ObservationSpec,
    ObservedName,
    ProficiencyName,
    ReadinessValue,
    RegimeName,
    StateName,
    check_maintenance,
    check_observations,
)

__all__ = [
    "CrewSpec",
    "MaintenanceSpec",
    "ObservationSpec",
    "ObservedName",
    "ProficiencyName",
    "ReadinessValue",
    "RegimeName",
    "StateName",
    "check_maintenance",
    "check_observations",
    "crew_profile_of",
    "distribution_from_readiness",
    "maintenance_distribution_at",
    "posterior_for_component",
    "prior_for_component",
    "summary_rows",
    "to_observation",
]


def distribution_from_readiness(value: str | Mapping[str, float]) -> StateDistribution:
    """StateDistribution of a ReadinessValue: one state, or a mapping (remainder -> NMC)."""
    if isinstance(value, str):
        return StateDistribution.certain(value)
    return StateDistribution.from_mapping(value)


def maintenance_distribution_at(
    maintenance: MaintenanceSpec,
    scenario_time: datetime,
    params: MaintenanceParams = DEFAULT_PARAMS,
) -> StateDistribution:
    """The maintenance model's state distribution at the scenario time."""
    return maintenance_distribution(
        maintenance.years_at(scenario_time),
        maintenance.regime,
        maintenance.supplier_support,
        params,
    )


def crew_profile_of(crew: CrewSpec, night: bool) -> CrewProfile:
    """Effective reaction-time distribution and error probability, by day or night."""
    return crew_profile(crew.proficiency, night, bool(crew.night_vision), crew.reaction_time_scale)


def to_observation(observation: ObservationSpec) -> Observation:
    """The evidence-model Observation of a scenario observation."""
    o = observation
    return Observation(o.time, ObservedKind(o.observed), o.confidence, o.source)


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
            maintenance_distribution_at(maintenance, scenario_time, maintenance_params)
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
    m = maintenance_distribution_at(maintenance, scenario_time, maintenance_params)
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
    storage_prior: float | None = None,
) -> tuple[StateDistribution, StateDistribution]:
    """(prior, posterior) at scenario time for one component; `component` filters observations.

    A component without a direct prior gets P(IN_STORAGE) = `storage_prior` in its prior
    (the scenario's per-component number, which a ranges file can range), else, when it has
    observations, evidence_params.undeclared_storage_prior (its posture is in doubt).

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
    if storage_prior is not None:
        undeclared = float(storage_prior)
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
        pri, [to_observation(o) for o in observations], scenario_time, evidence_params, rates
    )
    return pri, post


def summary_rows(
    prior: StateDistribution, posterior: StateDistribution
) -> list[tuple[str, float, float]]:
    """(state, prior, posterior) rows for the run summary's side-by-side table."""
    return [(s.value, prior[s], posterior[s]) for s in STATES]
