"""Support equipment (communications sets, generators): how likely it works at scenario time.

Support equipment ages like any other component (readiness.maintenance): its own
maintenance history, or its host's, run through the maintenance model with the equipment
type's Weibull scales (electronics wear out sooner than vehicles). A direct readiness
overrides the model as for components. One uniform per item and replication decides it,
so a variant with better maintenance keeps every item that worked before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from iadsim.readiness.maintenance import DEFAULT_PARAMS, MaintenanceParams, WeibullHazard
from iadsim.readiness.spec import distribution_from_readiness, prior_for_component
from iadsim.readiness.states import ComponentState
from iadsim.scenario.readiness import MaintenanceSpec


@lru_cache(maxsize=256)
def ageing_params(degradation_eta_years: float, failure_eta_years: float) -> MaintenanceParams:
    """The default maintenance parameters with this equipment's Weibull scales (the same
    object for the same scales: the parameters are frozen, and every replication asks for
    each item's again)."""
    return replace(
        DEFAULT_PARAMS,
        degradation=WeibullHazard(DEFAULT_PARAMS.degradation.beta, degradation_eta_years),
        failure=WeibullHazard(DEFAULT_PARAMS.failure.beta, failure_eta_years),
    )


_P_WORKING: dict[tuple, float] = {}
_P_WORKING_SIZE = 4096
# the same answers by the identity of the objects asked (a scenario's specs, frozen, asked
# again every replication): their reprs, the content key, cost more than the lookup
_P_BY_OBJECT: dict[tuple, tuple] = {}


def p_working(
    readiness,
    maintenance: MaintenanceSpec | None,
    params: MaintenanceParams,
    scenario_time: datetime,
) -> float:
    """P(the item works) = P(operational) + P(degraded) at the scenario time.

    readiness: a state name (certain), a {state: p} mapping, or None; maintenance: its
    history (None with no readiness: working).

    A pure function of its arguments, memoised on their full reprs: every replication of a
    scenario asks it again for the same items (the maintenance model behind it is the costly
    part), and gets the same number. The objects asked are first looked up by identity
    (scenario specs are frozen models, never changed in place: a what-if is a new scenario)."""
    ids = (id(readiness), id(maintenance), id(params), scenario_time)
    same = _P_BY_OBJECT.get(ids)
    if same is not None:  # the very objects asked before: held there, their ids not reused
        return same[3]
    key = (repr(readiness), repr(maintenance), repr(params), scenario_time)
    p = _P_WORKING.get(key)
    if p is None:
        if len(_P_WORKING) >= _P_WORKING_SIZE:
            _P_WORKING.clear()
        p = _P_WORKING[key] = _p_working(readiness, maintenance, params, scenario_time)
    if len(_P_BY_OBJECT) >= _P_WORKING_SIZE:
        _P_BY_OBJECT.clear()
    _P_BY_OBJECT[ids] = (readiness, maintenance, params, p)
    return p


def _p_working(readiness, maintenance, params, scenario_time) -> float:
    direct = None if readiness is None else distribution_from_readiness(readiness)
    if isinstance(readiness, str) or maintenance is None:
        if direct is None:
            return 1.0
        return direct[ComponentState.OPERATIONAL] + direct[ComponentState.DEGRADED]
    d = prior_for_component(direct, maintenance, scenario_time, params)
    return d[ComponentState.OPERATIONAL] + d[ComponentState.DEGRADED]
