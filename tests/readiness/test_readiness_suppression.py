"""Suppression of exposed crews by return fire and strikes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.killchain import Reason
from iadsim.readiness.suppression import (
    DEFAULT_SUPPRESSION,
    CrewSuppression,
    fire_decision,
    spatial_factor,
    willingness,
)


def test_single_event_closed_form():
    """W(t) = W0 (1 - a s e^{-d/L} e^{-(t - t1)/tau})."""
    w = willingness(700.0, np.array([100.0]), np.array([250.0]), np.array([0.6]), 0.75, 0.9)
    hand = 0.9 * (1 - 0.75 * 0.6 * math.exp(-250 / 500) * math.exp(-600 / 600))
    assert w == pytest.approx(hand)
    assert willingness(50.0, np.array([100.0]), np.array([0.0]), np.array([0.6])) == 1.0


def test_events_compound_and_recover():
    t = np.array([0.0, 10.0, 20.0, 3000.0])
    times, d, s = np.array([5.0, 15.0]), np.array([0.0, 0.0]), np.array([0.6, 0.6])
    w = willingness(t, times, d, s)
    assert w[0] == 1.0
    assert w[2] < w[1] < w[0]
    assert w[3] > 0.99


def test_radius_cutoff_and_falloff():
    g = spatial_factor(np.array([0.0, 500.0, 2999.0, 3001.0]))
    assert g[0] == 1.0 and g[1] == pytest.approx(math.exp(-1)) and g[3] == 0.0
    crew = CrewSuppression(0.0, 0.0)
    assert not crew.record(10.0, 5000.0, 0.0, "strike")
    assert crew.record(10.0, 0.0, 100.0, "return_fire")
    assert crew.n_events == 1
    assert crew.willingness(10.0) == pytest.approx(1 - 0.6 * math.exp(-100 / 500))


def test_fire_decision_attribution_and_frequency():
    assert fire_decision(0.5, 0.9, 0.05) is Reason.CREW_NOT_READY
    assert fire_decision(0.5, 0.9, 0.3) is Reason.CREW_SUPPRESSED
    assert fire_decision(0.5, 0.9, 0.7) is Reason.NONE
    crew = CrewSuppression(0.0, 0.0, sensitivity=1.0, baseline=1.0)
    crew.record(0.0, 0.0, 0.0, "return_fire")
    rng = np.random.default_rng(11)
    n = 20_000
    refused = sum(crew.decide(0.0, rng) is Reason.CREW_SUPPRESSED for _ in range(n))
    p = 0.6
    assert abs(refused / n - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert DEFAULT_SUPPRESSION.recovery_s == 600.0
