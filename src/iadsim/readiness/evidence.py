"""Evidence: dated observations of a component -> posterior state distribution at scenario time.

The component's state is a stationary continuous-time Markov chain over the four states whose
marginal at every time is the prior pi (so that, without evidence, posterior = prior). Its
generator is the "renewal" chain: the state is re-drawn at rate r_i from weights w,

    Q = diag(r) (1 w^T - I),   w_j = pi_j r_j / sum_k pi_k r_k,

which has stationary distribution pi and exit rates r_i (1 - w_i). r comes from the
maintenance model (how fast O, D, N are left at the scenario's virtual age) or from notional
defaults. An observation of kind k with confidence c has likelihood

    L(x) = c m_k(x) + (1 - c),

m_k(x) = 1 where the report is consistent with true state x (e.g. "emitting" with O and D),
0 where not (for "not_emitting", m = p_emcon for O and D: a working radar may be silent).
c = 1 is a hard constraint, c = 0 no information. Forward filtering: start from pi at the
first observation, alternate p <- p expm(Q dt) and p <- p * L / (p . L), then propagate to
the scenario time. Parameters are notional (docs/readiness.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import numpy as np
from scipy.linalg import expm

from iadsim.errors import ValueRangeError
from iadsim.readiness.states import N_STATES, STATES, ComponentState, StateDistribution
from iadsim.scenario.dates import as_utc, observation_time, years_between


class ObservedKind(StrEnum):
    """What an observation reports: a state, or an emission / deployment that constrains it."""

    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    NOT_MISSION_CAPABLE = "not_mission_capable"
    IN_STORAGE = "in_storage"
    EMITTING = "emitting"  # radar seen radiating: it works (O or D)
    NOT_EMITTING = "not_emitting"  # radar silent: broken, stored, or under emission control
    DEPLOYED = "deployed"  # seen in the field, out of storage (O, D or N)


@dataclass(frozen=True)
class EvidenceParams:
    """Notional parameters of the evidence model."""

    renewal_per_year: dict[ComponentState, float] = field(
        default_factory=lambda: {
            ComponentState.OPERATIONAL: 0.5,  # an operational component stays so ~2 years
            ComponentState.DEGRADED: 2.0,  # degraded: repaired or worse within ~6 months
            ComponentState.NOT_MISSION_CAPABLE: 1.0,  # broken: ~1 year to change
            ComponentState.IN_STORAGE: 0.5,  # stored: ~2 years until taken out
        }
    )
    min_rate_per_year: float = 0.05  # floor on every renewal rate (no state is eternal)
    emcon_prob: float = 0.5  # P(a working radar is silent when looked at)
    prior_floor: float = 0.02  # epsilon: prior mixed with uniform so evidence can overrule it
    undeclared_storage_prior: float = 0.2  # P(in storage) of an observed, posture-undeclared item

    def __post_init__(self) -> None:
        if not (self.min_rate_per_year > 0):
            raise ValueRangeError("min_rate_per_year must be > 0")
        if not (0.0 <= self.emcon_prob <= 1.0):
            raise ValueRangeError("emcon_prob must lie in [0, 1]")
        if not (0.0 <= self.prior_floor < 1.0):
            raise ValueRangeError("prior_floor must lie in [0, 1)")
        if not (0.0 <= self.undeclared_storage_prior < 1.0):
            raise ValueRangeError("undeclared_storage_prior must lie in [0, 1)")
        for s, r in self.renewal_per_year.items():
            if not (r >= 0 and math.isfinite(r)):
                raise ValueRangeError(f"renewal rate of {s} must be a finite number >= 0")


DEFAULT_EVIDENCE = EvidenceParams()


@dataclass(frozen=True)
class Observation:
    """One dated observation of one component (already validated)."""

    time: datetime
    observed: ObservedKind
    confidence: float
    source: str = "unspecified"

    def __post_init__(self) -> None:
        if not (0.0 <= self.confidence <= 1.0):
            raise ValueRangeError(
                f"observation confidence must lie in [0, 1], got {self.confidence}"
            )
        try:
            kind = ObservedKind(self.observed)
        except ValueError:
            allowed = ", ".join(k.value for k in ObservedKind)
            raise ValueRangeError(
                f"unknown observation {self.observed!r}; expected one of: {allowed}"
            ) from None
        object.__setattr__(self, "observed", kind)
        object.__setattr__(self, "time", observation_time(self.time))


def match_weights(
    kind: ObservedKind | str, emcon_prob: float = DEFAULT_EVIDENCE.emcon_prob
) -> np.ndarray:
    """m_k(x) over STATES: how consistent a correct report of `kind` is with each true state."""
    k = ObservedKind(kind)
    m = np.zeros(N_STATES)
    if k.value in {s.value for s in STATES}:
        m[ComponentState(k.value).index] = 1.0
    elif k is ObservedKind.EMITTING:
        m[[0, 1]] = 1.0
    elif k is ObservedKind.NOT_EMITTING:
        m[:] = [emcon_prob, emcon_prob, 1.0, 1.0]
    elif k is ObservedKind.DEPLOYED:
        m[[0, 1, 2]] = 1.0
    return m


def likelihood(
    kind: ObservedKind | str, confidence: float, emcon_prob: float = DEFAULT_EVIDENCE.emcon_prob
) -> np.ndarray:
    """L(x) = c m_k(x) + (1 - c) over STATES."""
    if not (0.0 <= confidence <= 1.0):
        raise ValueRangeError(f"observation confidence must lie in [0, 1], got {confidence}")
    return confidence * match_weights(kind, emcon_prob) + (1.0 - confidence)


def renewal_generator(
    prior: StateDistribution, rates_per_year: np.ndarray | Iterable[float]
) -> np.ndarray:
    """Q = diag(r)(1 w^T - I), w ~ pi * r: stationary at `prior`, exit rates r (1 - w)."""
    r = np.asarray(
        list(rates_per_year) if not isinstance(rates_per_year, np.ndarray) else rates_per_year,
        float,
    )
    if r.shape != (N_STATES,) or np.any(r <= 0) or not np.all(np.isfinite(r)):
        raise ValueRangeError("renewal rates must be 4 finite numbers > 0 per year")
    w = prior.probs * r
    w = w / w.sum()
    return r[:, None] * (np.ones((N_STATES, 1)) @ w[None, :] - np.eye(N_STATES))


def renewal_rates(
    params: EvidenceParams = DEFAULT_EVIDENCE,
    overrides: Mapping[ComponentState, float] | None = None,
) -> np.ndarray:
    """Renewal rates over STATES (per year): defaults, replaced by `overrides`, floored."""
    rates = dict(params.renewal_per_year)
    if overrides:
        rates.update(overrides)
    r = np.array([rates.get(s, params.min_rate_per_year) for s in STATES], dtype=float)
    return np.maximum(r, params.min_rate_per_year)


def transition_matrix(q_per_year: np.ndarray, dt_years: float) -> np.ndarray:
    """P(dt) = expm(Q dt); rows are the state distribution dt years after each state."""
    if dt_years < 0:
        raise ValueRangeError(f"cannot propagate backwards in time (dt = {dt_years} years)")
    return expm(q_per_year * dt_years)


def contaminate(prior: StateDistribution, epsilon: float) -> StateDistribution:
    """(1 - eps) pi + eps / 4: a prior that strong evidence can overrule."""
    if epsilon == 0.0:
        return prior
    return StateDistribution((1.0 - epsilon) * prior.probs + epsilon / N_STATES)


def filter_posterior(
    prior: StateDistribution,
    observations: Iterable[Observation],
    scenario_time: datetime,
    params: EvidenceParams = DEFAULT_EVIDENCE,
    rate_overrides: Mapping[ComponentState, float] | None = None,
) -> StateDistribution:
    """Posterior state distribution at `scenario_time` given dated observations (forward filter)."""
    obs = sorted(observations, key=lambda o: o.time)
    if not obs:
        return prior
    t_end = as_utc(scenario_time)
    if obs[-1].time > t_end:
        raise ValueRangeError(
            f"observation dated {obs[-1].time.isoformat()} is after the scenario time "
            f"{t_end.isoformat()}"
        )
    pi = contaminate(prior, params.prior_floor)
    q = renewal_generator(pi, renewal_rates(params, rate_overrides))
    p = pi.probs.copy()
    t = obs[0].time
    for o in obs:
        dt = years_between(t, o.time)
        if dt > 0:
            p = p @ transition_matrix(q, dt)
        t = o.time
        p = p * likelihood(o.observed, o.confidence, params.emcon_prob)
        z = p.sum()
        if not z > 0:
            raise ValueRangeError(
                f"the observation '{o.observed.value}' on {o.time.date().isoformat()} (confidence "
                f"{o.confidence}) contradicts the prior and earlier observations with certainty; "
                "lower its confidence or widen the prior"
            )
        p = p / z
    dt = years_between(t, t_end)
    if dt > 0:
        p = p @ transition_matrix(q, dt)
    p = np.clip(p, 0.0, None)
    return StateDistribution(p / p.sum())
