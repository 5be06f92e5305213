"""Crew reaction times, errors and night penalty."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.readiness.crew import (
    DEFAULT_NIGHT,
    DEFAULT_PROFICIENCY,
    Proficiency,
    crew_profile,
    sample_error,
    sample_reaction_time_s,
)


@pytest.mark.parametrize("level", list(Proficiency))
def test_reaction_time_sample_mean_matches_lognormal_mean(level):
    """Sample mean within 4 standard errors of m exp(sigma^2/2) (fixed seed, n = 100 000)."""
    prof = crew_profile(level)
    n = 100_000
    x = sample_reaction_time_s(prof, np.random.default_rng(2026), n)
    analytic = DEFAULT_PROFICIENCY[level].median_reaction_s * math.exp(
        0.5 * DEFAULT_PROFICIENCY[level].sigma_log ** 2
    )
    assert prof.mean_reaction_s == pytest.approx(analytic)
    se = prof.std_reaction_s / math.sqrt(n)
    assert abs(x.mean() - analytic) < 4 * se
    assert np.median(x) == pytest.approx(prof.median_reaction_s, rel=0.02)
    assert prof.reaction_cdf(prof.median_reaction_s) == pytest.approx(0.5)


def test_proficiency_ordering_and_night_penalty():
    means = [crew_profile(p).mean_reaction_s for p in ("untrained", "basic", "trained", "elite")]
    assert means == sorted(means, reverse=True)
    day = crew_profile("basic")
    night = crew_profile("basic", night=True)
    nv = crew_profile("basic", night=True, night_vision=True)
    assert night.median_reaction_s == pytest.approx(
        day.median_reaction_s * DEFAULT_NIGHT.reaction_factor_no_nv
    )
    assert day.median_reaction_s < nv.median_reaction_s < night.median_reaction_s
    assert day.error_prob < nv.error_prob < night.error_prob
    assert crew_profile("basic", reaction_scale=0.2).median_reaction_s == pytest.approx(9.0)


def test_error_frequency():
    prof = crew_profile("untrained", night=True)
    n = 100_000
    err = sample_error(prof, np.random.default_rng(1), n)
    p = prof.error_prob
    assert abs(err.mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert isinstance(sample_error(prof, np.random.default_rng(1)), bool)
    assert isinstance(sample_reaction_time_s(prof, np.random.default_rng(1)), float)


def test_bad_crew_inputs():
    with pytest.raises(ValueRangeError, match="unknown crew proficiency"):
        crew_profile("veteran")
    with pytest.raises(ValueRangeError, match="reaction_scale"):
        crew_profile("basic", reaction_scale=0.0)
