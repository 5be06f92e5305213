"""Evidence filter against a closed-form two-state chain, and its basic properties."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iadsim.errors import ValueRangeError
from iadsim.readiness.evidence import (
    EvidenceParams,
    Observation,
    ObservedKind,
    filter_posterior,
    likelihood,
    renewal_generator,
    renewal_rates,
    transition_matrix,
)
from iadsim.readiness.states import ComponentState, StateDistribution

T_SCEN = datetime(2026, 1, 3, 6, 0, tzinfo=UTC)
YEAR_S = 365.25 * 86400


def two_state_params(r_o: float, r_n: float) -> EvidenceParams:
    """Evidence parameters with no prior contamination and given O and N renewal rates."""
    return EvidenceParams(
        renewal_per_year={ComponentState.OPERATIONAL: r_o, ComponentState.NOT_MISSION_CAPABLE: r_n},
        prior_floor=0.0,
        emcon_prob=0.3,
    )


def test_two_state_closed_form():
    """Prior (a, 1-a) on {O, N}; 'emitting' (c1) at t1, 'not_emitting' (c2) at t2; scenario at T.

    Two-state chain O <-> N: lambda = r_O w_N + r_N w_O = r_O r_N / (a r_O + (1-a) r_N),
    P_OO(t) = a + (1-a) e^{-lambda t}, P_NO(t) = a (1 - e^{-lambda t}); so after an update
    p_O(t + dt) = a + (p_O(t) - a) e^{-lambda dt}. Likelihoods: emitting L = (1, 1-c1);
    not_emitting L = (c2 e + 1 - c2, 1) with e the emission-control probability.
    """
    a, r_o, r_n, c1, c2, e = 0.3, 0.8, 2.5, 0.9, 0.6, 0.3
    params = two_state_params(r_o, r_n)
    prior = StateDistribution(np.array([a, 0.0, 1 - a, 0.0]))
    t1 = T_SCEN - timedelta(days=80)
    t2 = T_SCEN - timedelta(days=20)
    obs = [
        Observation(t2, "not_emitting", c2, "sigint"),
        Observation(t1, "emitting", c1, "sigint"),  # out of order on purpose
    ]
    post = filter_posterior(prior, obs, T_SCEN, params)

    lam = r_o * r_n / (a * r_o + (1 - a) * r_n)
    p = a * 1.0 / (a * 1.0 + (1 - a) * (1 - c1))  # after t1
    p = a + (p - a) * math.exp(-lam * (60 * 86400) / YEAR_S)  # t1 -> t2
    l_o = c2 * e + 1 - c2
    p = p * l_o / (p * l_o + (1 - p) * 1.0)  # after t2
    p = a + (p - a) * math.exp(-lam * (20 * 86400) / YEAR_S)  # t2 -> scenario
    assert post["operational"] == pytest.approx(p, abs=1e-12)
    assert post["not_mission_capable"] == pytest.approx(1 - p, abs=1e-12)
    assert post["degraded"] == 0.0 and post["in_storage"] == 0.0


def test_renewal_chain_is_stationary_at_prior():
    prior = StateDistribution(np.array([0.4, 0.1, 0.3, 0.2]))
    q = renewal_generator(prior, renewal_rates())
    np.testing.assert_allclose(q.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(prior.probs @ q, 0.0, atol=1e-12)
    np.testing.assert_allclose(prior.probs @ transition_matrix(q, 3.7), prior.probs, atol=1e-12)
    far = transition_matrix(q, 200.0)
    np.testing.assert_allclose(far, np.tile(prior.probs, (4, 1)), atol=1e-9)


def test_no_observation_gives_the_prior_and_old_evidence_fades():
    prior = StateDistribution(np.array([0.5, 0.1, 0.3, 0.1]))
    assert filter_posterior(prior, [], T_SCEN) == prior
    recent = Observation(T_SCEN - timedelta(days=1), "in_storage", 0.9)
    old = Observation(T_SCEN - timedelta(days=3650), "in_storage", 0.9)
    p_recent = filter_posterior(prior, [recent], T_SCEN)["in_storage"]
    p_old = filter_posterior(prior, [old], T_SCEN)["in_storage"]
    assert p_recent > 0.5 > p_old
    assert p_old == pytest.approx(0.1 * 0.98 + 0.02 / 4, abs=0.01)


def test_emitting_is_consistent_with_operational_or_degraded():
    np.testing.assert_allclose(likelihood("emitting", 0.8), [1.0, 1.0, 0.2, 0.2])
    np.testing.assert_allclose(likelihood("deployed", 1.0), [1.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(likelihood("in_storage", 0.0), [1.0, 1.0, 1.0, 1.0])
    prior = StateDistribution(np.array([0.25, 0.25, 0.25, 0.25]))
    post = filter_posterior(prior, [Observation(T_SCEN, "emitting", 1.0)], T_SCEN)
    assert post["not_mission_capable"] == 0.0 and post["in_storage"] == 0.0
    assert post["operational"] == pytest.approx(0.5)


def test_bad_evidence_refused():
    with pytest.raises(ValueRangeError, match=r"confidence must lie in \[0, 1\]"):
        Observation(T_SCEN, "emitting", 1.5)
    with pytest.raises(ValueRangeError, match="unknown observation 'flying'"):
        Observation(T_SCEN, "flying", 0.5)
    prior = StateDistribution.certain("operational")
    late = Observation(T_SCEN + timedelta(hours=1), "emitting", 0.5)
    with pytest.raises(ValueRangeError, match="after the scenario time"):
        filter_posterior(prior, [late], T_SCEN)
    hard = EvidenceParams(prior_floor=0.0)
    with pytest.raises(ValueRangeError, match="contradicts"):
        filter_posterior(prior, [Observation(T_SCEN, "in_storage", 1.0)], T_SCEN, hard)


def test_bare_date_is_midnight_utc():
    o = Observation(date(2025, 11, 20), "in_storage", 0.8)  # type: ignore[arg-type]
    assert o.time == datetime(2025, 11, 20, tzinfo=UTC)
    naive = Observation(datetime(2025, 11, 20, 12), "in_storage", 0.8)
    assert naive.time.tzinfo is not None


@settings(max_examples=60, deadline=None)
@given(
    probs=st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4),
    items=st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from(list(ObservedKind)), st.floats(0.0, 0.99)),
        max_size=5,
    ),
)
def test_posterior_is_a_distribution_and_zero_confidence_is_no_information(probs, items):
    p = np.array(probs) / sum(probs)
    prior = StateDistribution(p)
    obs = [Observation(T_SCEN - timedelta(days=d), k, c) for d, k, c in items]
    post = filter_posterior(prior, obs, T_SCEN)
    assert post.probs.sum() == pytest.approx(1.0) and np.all(post.probs >= 0)
    blind = [Observation(o.time, o.observed, 0.0) for o in obs]
    expected = prior if not obs else StateDistribution(0.98 * p + 0.005)
    np.testing.assert_allclose(
        filter_posterior(prior, blind, T_SCEN).probs, expected.probs, atol=1e-9
    )
