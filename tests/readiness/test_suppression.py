"""Suppression of exposed crews by return fire and strikes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.killchain import Reason
from iadsim.readiness.suppression import (
    DEFAULT_SUPPRESSION,
    CrewSuppression,
    crews_willingness,
    fire_decision,
    perceived,
    severity_of,
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
    g = spatial_factor(np.array([0.0, 500.0, 2999.0, 3001.0, 7999.0, 8001.0]))
    assert g[0] == 1.0 and g[1] == pytest.approx(math.exp(-1))
    # beyond close fire, fire seen and heard from afar (w_far 0.3 within 8 km), then nothing
    assert g[3] == g[4] == pytest.approx(0.3) and g[5] == 0.0
    # ... unless reported by radio to a crew on the same network
    assert spatial_factor(20_000.0, networked=True) == pytest.approx(0.3)
    crew = CrewSuppression(0.0, 0.0)
    assert not crew.record(10.0, 9000.0, 0.0, "strike")
    assert crew.record(10.0, 0.0, 100.0, "return_fire")
    assert crew.n_events == 1
    assert crew.willingness(10.0) == pytest.approx(1 - 0.6 * math.exp(-100 / 500))


def test_perceived_channel_direct_or_radio():
    # close: direct at once; far but networked: by radio after the latency, w_radio
    assert perceived(100.0, True) == (0.0, pytest.approx(math.exp(-100 / 500)))
    assert perceived(20_000.0, True) == (30.0, pytest.approx(0.3))
    assert perceived(20_000.0, False) == (0.0, 0.0)
    assert perceived(5000.0, False) == (0.0, pytest.approx(0.3))


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


def test_batch_matches_single_crew():
    crews = np.array([[0.0, 0.0], [400.0, 0.0], [9000.0, 0.0]])  # the last sees nothing
    ev_t, ev_xy = np.array([10.0, 70.0]), np.array([[0.0, 100.0], [300.0, 0.0]])
    sev = np.array([severity_of("return_fire"), severity_of("strike")])
    t = np.array([0.0, 20.0, 100.0, 900.0])
    w = crews_willingness(t, crews, ev_t, ev_xy, sev, sensitivity=[1.0, 0.5, 1.0], baseline=0.9)
    assert w.shape == (3, 4)
    for i, (x, y) in enumerate(crews):
        d = np.hypot(ev_xy[:, 0] - x, ev_xy[:, 1] - y)
        single = willingness(t, ev_t, d, sev, [1.0, 0.5, 1.0][i], 0.9)
        np.testing.assert_allclose(w[i], single, atol=1e-12)
    np.testing.assert_allclose(w[2], 0.9)
    none = crews_willingness(5.0, crews, np.array([]), np.zeros((0, 2)), np.array([]))
    np.testing.assert_allclose(none, 1.0)
