"""States, distributions, sampling, degraded effects and storage set-up."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason
from iadsim.readiness.states import (
    STATES,
    ComponentState,
    DegradedEffects,
    StateDistribution,
    can_leave_storage_within,
    degraded_effects,
    effects_for_state,
    sample_states,
    state_at_time,
    state_reason,
)


def test_state_values_and_order():
    assert [s.value for s in STATES] == [
        "operational",
        "degraded",
        "not_mission_capable",
        "in_storage",
    ]
    assert ComponentState("in_storage").index == 3
    assert ComponentState.DEGRADED.is_available and not ComponentState.IN_STORAGE.is_available


def test_distribution_validation():
    with pytest.raises(ValueRangeError, match="sum to 1"):
        StateDistribution(np.array([0.5, 0.2, 0.2, 0.2]))
    with pytest.raises(ValueRangeError, match=r"\[0, 1\]"):
        StateDistribution(np.array([1.2, -0.2, 0.0, 0.0]))
    with pytest.raises(ValueRangeError, match="4 probabilities"):
        StateDistribution(np.array([0.5, 0.5]))
    with pytest.raises(ValueRangeError, match="unknown component state"):
        StateDistribution.certain("broken")
    with pytest.raises(ValueRangeError, match="at most 1"):
        StateDistribution.from_mapping({"operational": 0.8, "degraded": 0.4})


def test_from_mapping_remainder_goes_to_nmc():
    d = StateDistribution.from_mapping({"operational": 0.4, "in_storage": 0.1})
    assert d["operational"] == pytest.approx(0.4)
    assert d["not_mission_capable"] == pytest.approx(0.5)
    assert d.availability == pytest.approx(0.4)
    assert d.as_dict()["in_storage"] == pytest.approx(0.1)
    assert StateDistribution.certain("in_storage")[ComponentState.IN_STORAGE] == 1.0


def test_monte_carlo_frequencies_converge_to_probabilities():
    """Sampled frequencies within 4 sigma of the model probabilities (fixed seed)."""
    p = np.array([0.5, 0.2, 0.2, 0.1])
    d = StateDistribution(p)
    n = 200_000
    idx = d.sample_indices(np.random.default_rng(12345), n)
    freq = np.bincount(idx, minlength=4) / n
    sigma = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(freq - p) < 4 * sigma), (freq, p, sigma)


def test_vectorized_sampling_many_components_converges():
    dists = [
        StateDistribution(np.array([0.7, 0.1, 0.1, 0.1])),
        StateDistribution.certain("in_storage"),
        StateDistribution(np.array([0.25, 0.25, 0.25, 0.25])),
    ]
    n = 100_000
    idx = sample_states(dists, np.random.default_rng(7), n_replications=n)
    assert idx.shape == (n, 3)
    for j, d in enumerate(dists):
        freq = np.bincount(idx[:, j], minlength=4) / n
        sigma = np.sqrt(d.probs * (1 - d.probs) / n)
        assert np.all(np.abs(freq - d.probs) <= 4 * sigma + 1e-12)
    one = sample_states(dists, np.random.default_rng(7))
    assert one.shape == (3,) and one[1] == 3


def test_sampling_is_deterministic_per_seed():
    d = StateDistribution(np.array([0.3, 0.3, 0.3, 0.1]))
    a = [d.sample(np.random.default_rng(3)) for _ in range(3)]
    assert len(set(a)) == 1 and isinstance(a[0], ComponentState)


def test_degraded_effects_and_reasons():
    e = degraded_effects("engagement-radar")
    assert e.snr_loss_db == pytest.approx(e.tx_power_loss_db + e.extra_noise_db)
    assert degraded_effects("unknown-type") == DegradedEffects()
    assert effects_for_state("operational", "engagement-radar").snr_loss_db == 0.0
    custom = {"tel": DegradedEffects(0, 0, 2.0, 0.5)}
    assert effects_for_state("degraded", "tel", custom).launch_failure_prob == 0.5
    with pytest.raises(ValueRangeError):
        DegradedEffects(reaction_time_factor=0.5)
    assert state_reason("in_storage", is_radar=True) is Reason.IN_STORAGE
    assert state_reason("not_mission_capable", is_radar=True) is Reason.RADAR_NOT_OPERATIONAL
    assert state_reason("not_mission_capable", is_radar=False) is Reason.NOT_MISSION_CAPABLE
    assert state_reason("degraded", is_radar=False) is Reason.NONE


def test_storage_setup_time_blocks_short_raids():
    assert not can_leave_storage_within(raid_duration_s=3 * 3600, setup_hours=12)
    assert can_leave_storage_within(raid_duration_s=13 * 3600, setup_hours=12)
    assert state_at_time("in_storage", 3600.0, setup_hours=0.5) is ComponentState.OPERATIONAL
    assert state_at_time("in_storage", 1000.0, setup_hours=0.5) is ComponentState.IN_STORAGE
    assert (
        state_at_time("in_storage", 1e9, 0.5, activation_time_s=None) is ComponentState.IN_STORAGE
    )
    assert state_at_time("degraded", 0.0, 12) is ComponentState.DEGRADED
