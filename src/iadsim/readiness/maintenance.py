"""Maintenance decay: availability at scenario time from age, maintenance regime and spares.

The model (equations and notional parameters in docs/readiness.md): each component is a
continuous-time Markov chain over OPERATIONAL (O), DEGRADED (D) and NOT_MISSION_CAPABLE (N),
started as good as new (O) at its last overhaul. Ageing is Weibull in a *virtual age*
V(t) = q t (Kijima type I imperfect repair in the limit of frequent preventive maintenance):
q = 1 is no preventive maintenance at all, q -> 0 is as-good-as-new after every visit.
Rates:  O->D  h_D(V) (Weibull wear-out),  O->N  h_F(V) (Weibull, sudden failure),
        D->N  kappa (constant),  D->O  mu_D,  N->O  mu_N (corrective repair).
The regime sets q, mu_D, mu_N; without supplier support repairs take longer (no spares,
cannibalisation) and preventive maintenance restores less (worn parts not replaced).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
from scipy.integrate import solve_ivp

from iadsim.errors import ValueRangeError
from iadsim.readiness.states import ComponentState, StateDistribution
from iadsim.scenario.dates import (  # noqa: F401 - re-exported: the model's calendar
    DAYS_PER_YEAR,
    SECONDS_PER_YEAR,
    as_utc,
    overhaul_year_to_datetime,
    years_between,
)


class Regime(StrEnum):
    """Maintenance regime applied since the last overhaul."""

    NONE = "none"
    MINIMAL = "minimal"
    FULL = "full"


@dataclass(frozen=True)
class WeibullHazard:
    """Weibull hazard h(v) = (beta/eta) (v/eta)^(beta-1), v in years; beta >= 1 (ageing)."""

    beta: float
    eta_years: float

    def __post_init__(self) -> None:
        if not (self.beta >= 1.0 and math.isfinite(self.beta)):
            raise ValueRangeError(f"Weibull shape beta must be >= 1 (ageing), got {self.beta}")
        if not (self.eta_years > 0.0 and math.isfinite(self.eta_years)):
            raise ValueRangeError(f"Weibull scale eta must be > 0 years, got {self.eta_years}")

    def hazard(self, v_years: float | np.ndarray) -> float | np.ndarray:
        """Instantaneous failure rate (per year) at virtual age v (years)."""
        v = np.maximum(np.asarray(v_years, dtype=float), 0.0)
        out = (self.beta / self.eta_years) * (v / self.eta_years) ** (self.beta - 1.0)
        return float(out) if out.ndim == 0 else out

    def cumulative(self, v_years: float | np.ndarray) -> float | np.ndarray:
        """Cumulative hazard H(v) = (v/eta)^beta."""
        v = np.maximum(np.asarray(v_years, dtype=float), 0.0)
        out = (v / self.eta_years) ** self.beta
        return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class RegimeParams:
    """Per-regime parameters: restoration factor q and mean repair times (days; inf = never)."""

    restoration_factor: float
    mttr_degraded_days: float
    mttr_nmc_days: float

    def __post_init__(self) -> None:
        if not (0.0 < self.restoration_factor <= 1.0):
            raise ValueRangeError(
                f"restoration factor q must lie in (0, 1], got {self.restoration_factor}"
            )
        if not (self.mttr_degraded_days > 0 and self.mttr_nmc_days > 0):
            raise ValueRangeError("mean repair times must be > 0 days (use inf for no repair)")


DEFAULT_REGIMES: dict[Regime, RegimeParams] = {
    Regime.FULL: RegimeParams(restoration_factor=0.3, mttr_degraded_days=30.0, mttr_nmc_days=90.0),
    Regime.MINIMAL: RegimeParams(
        restoration_factor=0.7, mttr_degraded_days=90.0, mttr_nmc_days=240.0
    ),
    Regime.NONE: RegimeParams(
        restoration_factor=1.0, mttr_degraded_days=math.inf, mttr_nmc_days=math.inf
    ),
}


@dataclass(frozen=True)
class MaintenanceParams:
    """All notional parameters of the maintenance model (see docs/readiness.md for why)."""

    degradation: WeibullHazard = WeibullHazard(beta=2.0, eta_years=6.0)  # O -> D
    failure: WeibullHazard = WeibullHazard(beta=1.5, eta_years=15.0)  # O -> N
    degraded_failure_per_year: float = 1.0  # D -> N, constant
    regimes: dict[Regime, RegimeParams] = field(default_factory=lambda: dict(DEFAULT_REGIMES))
    no_support_repair_factor: float = 4.0  # mean repair times multiplied without spares
    no_support_restoration_shift: float = 0.5  # q -> q + shift (1 - q) without spares

    def __post_init__(self) -> None:
        if self.degraded_failure_per_year < 0:
            raise ValueRangeError("degraded_failure_per_year must be >= 0")
        if self.no_support_repair_factor < 1.0:
            raise ValueRangeError("no_support_repair_factor must be >= 1")
        if not (0.0 <= self.no_support_restoration_shift <= 1.0):
            raise ValueRangeError("no_support_restoration_shift must lie in [0, 1]")
        missing = [r.value for r in Regime if r not in self.regimes]
        if missing:
            raise ValueRangeError(f"maintenance parameters lack regimes: {', '.join(missing)}")


DEFAULT_PARAMS = MaintenanceParams()


@dataclass(frozen=True)
class EffectiveMaintenance:
    """Regime and spares folded into three numbers: q, repair rates mu_D and mu_N (per year)."""

    restoration_factor: float
    repair_degraded_per_year: float
    repair_nmc_per_year: float


def _as_regime(regime: Regime | str) -> Regime:
    """A Regime from itself or its string; ValueRangeError otherwise."""
    try:
        return Regime(regime)
    except ValueError:
        allowed = ", ".join(r.value for r in Regime)
        raise ValueRangeError(
            f"unknown maintenance regime {regime!r}; expected one of: {allowed}"
        ) from None


def effective_maintenance(
    regime: Regime | str, supplier_support: bool, params: MaintenanceParams = DEFAULT_PARAMS
) -> EffectiveMaintenance:
    """q, mu_D, mu_N for a regime with or without supplier support (spares)."""
    rp = params.regimes[_as_regime(regime)]
    q = rp.restoration_factor
    mttr_d, mttr_n = rp.mttr_degraded_days, rp.mttr_nmc_days
    if not supplier_support:
        q = q + params.no_support_restoration_shift * (1.0 - q)
        mttr_d *= params.no_support_repair_factor
        mttr_n *= params.no_support_repair_factor
    return EffectiveMaintenance(
        restoration_factor=q,
        repair_degraded_per_year=DAYS_PER_YEAR / mttr_d,
        repair_nmc_per_year=DAYS_PER_YEAR / mttr_n,
    )


def generator_ODN(
    virtual_age_years: float, eff: EffectiveMaintenance, params: MaintenanceParams = DEFAULT_PARAMS
) -> np.ndarray:
    """3x3 generator (per year) over (O, D, N) at a virtual age; rows sum to zero."""
    h_d = params.degradation.hazard(virtual_age_years)
    h_f = params.failure.hazard(virtual_age_years)
    kappa = params.degraded_failure_per_year
    mu_d, mu_n = eff.repair_degraded_per_year, eff.repair_nmc_per_year
    return np.array(
        [
            [-(h_d + h_f), h_d, h_f],
            [mu_d, -(mu_d + kappa), kappa],
            [mu_n, 0.0, -mu_n],
        ]
    )


def state_probabilities(
    years_since_overhaul: float,
    regime: Regime | str,
    supplier_support: bool = True,
    params: MaintenanceParams = DEFAULT_PARAMS,
) -> np.ndarray:
    """P(O, D, N) at `years_since_overhaul`, solving dp/dt = p Q(q t) from p(0) = (1, 0, 0)."""
    t_end = float(years_since_overhaul)
    if not (math.isfinite(t_end) and t_end >= 0.0):
        raise ValueRangeError(
            f"years since overhaul must be a finite number >= 0, got {years_since_overhaul}"
        )
    p0 = np.array([1.0, 0.0, 0.0])
    if t_end == 0.0:
        return p0
    key = (t_end, _as_regime(regime), bool(supplier_support), _params_key(params))
    if key not in _SOLVED:
        if len(_SOLVED) >= _SOLVED_MAX:
            _SOLVED.clear()
        _SOLVED[key] = _solve(t_end, regime, supplier_support, params)
    return _SOLVED[key].copy()


_SOLVED: dict[tuple, np.ndarray] = {}
"""Solved chains by (age, regime, spares, parameters): the model is a pure function of them,
and every replication asks again for each comms set and generator (the ODE solve would
otherwise take most of a replication's time)."""
_SOLVED_MAX = 4096


def _params_key(params: MaintenanceParams) -> tuple:
    return (
        params.degradation,
        params.failure,
        params.degraded_failure_per_year,
        tuple(sorted(params.regimes.items())),
        params.no_support_repair_factor,
        params.no_support_restoration_shift,
    )


def _solve(
    t_end: float, regime: Regime | str, supplier_support: bool, params: MaintenanceParams
) -> np.ndarray:
    p0 = np.array([1.0, 0.0, 0.0])
    eff = effective_maintenance(regime, supplier_support, params)
    q = eff.restoration_factor

    def rhs(t: float, p: np.ndarray) -> np.ndarray:
        return p @ generator_ODN(q * t, eff, params)

    sol = solve_ivp(rhs, (0.0, t_end), p0, method="LSODA", rtol=1e-10, atol=1e-13)
    if not sol.success:  # pragma: no cover - LSODA on a 3-state linear system does not fail
        raise ValueRangeError(f"maintenance model integration failed: {sol.message}")
    p = np.clip(sol.y[:, -1], 0.0, None)
    return p / p.sum()


def maintenance_distribution(
    years_since_overhaul: float,
    regime: Regime | str,
    supplier_support: bool = True,
    params: MaintenanceParams = DEFAULT_PARAMS,
) -> StateDistribution:
    """The maintenance model's StateDistribution at scenario time (IN_STORAGE has 0)."""
    p = state_probabilities(years_since_overhaul, regime, supplier_support, params)
    return StateDistribution(np.array([p[0], p[1], p[2], 0.0]))


def availability(
    years_since_overhaul: float,
    regime: Regime | str,
    supplier_support: bool = True,
    params: MaintenanceParams = DEFAULT_PARAMS,
) -> float:
    """P(component works) = P(O) + P(D) at `years_since_overhaul`."""
    p = state_probabilities(years_since_overhaul, regime, supplier_support, params)
    return float(p[0] + p[1])


def exit_rates_per_year(
    years_since_overhaul: float,
    regime: Regime | str,
    supplier_support: bool = True,
    params: MaintenanceParams = DEFAULT_PARAMS,
) -> dict[ComponentState, float]:
    """How fast each state is left at scenario time (per year): O, D, N from the model."""
    eff = effective_maintenance(regime, supplier_support, params)
    q_mat = generator_ODN(eff.restoration_factor * float(years_since_overhaul), eff, params)
    return {
        ComponentState.OPERATIONAL: float(-q_mat[0, 0]),
        ComponentState.DEGRADED: float(-q_mat[1, 1]),
        ComponentState.NOT_MISSION_CAPABLE: float(-q_mat[2, 2]),
    }


def with_regime(
    params: MaintenanceParams, regime: Regime | str, **changes: float
) -> MaintenanceParams:
    """A copy of `params` with some fields of one regime changed (for sensitivity studies)."""
    r = _as_regime(regime)
    regimes = dict(params.regimes)
    regimes[r] = replace(regimes[r], **changes)
    return replace(params, regimes=regimes)
