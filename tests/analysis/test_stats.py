"""Confidence intervals against hand computations; bootstrap determinism; paired differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.analysis.stats import (
    bootstrap_ci,
    checkpoints,
    estimate,
    paired_difference,
    wilson_interval,
)


def test_wilson_against_hand_computation():
    # 7 successes in 20, z = 1.959964:
    #   p = 0.35, z^2/n = 0.192073, denominator 1.192073
    #   centre = (0.35 + 0.096036) / 1.192073 = 0.374172
    #   half   = 1.959964 * sqrt(0.35*0.65/20 + 3.841459/1600) / 1.192073 = 0.192977
    lo, hi = wilson_interval(7, 20)
    assert lo == pytest.approx(0.181195, abs=1e-5)
    assert hi == pytest.approx(0.567149, abs=1e-5)
    # 0 of 10: the interval starts at 0 and ends at z^2/n / (1 + z^2/n) * 2 / 2... = 0.277533
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.277533, abs=1e-5)
    # symmetric: k of n mirrors n-k of n
    a, b = wilson_interval(3, 17)
    c, d = wilson_interval(14, 17)
    assert a == pytest.approx(1 - d) and b == pytest.approx(1 - c)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_wilson_other_confidence_is_wider_at_99():
    lo95, hi95 = wilson_interval(30, 100)
    lo99, hi99 = wilson_interval(30, 100, confidence=0.99)
    assert lo99 < lo95 < 0.3 < hi95 < hi99


def test_bootstrap_is_deterministic_and_sensible():
    x = np.arange(100.0)
    lo, hi = bootstrap_ci(x)
    assert (lo, hi) == bootstrap_ci(x)
    se = x.std(ddof=1) / math.sqrt(len(x))
    assert lo == pytest.approx(49.5 - 1.96 * se, abs=0.6)
    assert hi == pytest.approx(49.5 + 1.96 * se, abs=0.6)
    assert bootstrap_ci([2.0, 2.0, 2.0]) == (2.0, 2.0)
    assert all(math.isnan(v) for v in bootstrap_ci([]))


def test_estimate_picks_wilson_for_proportions_and_ignores_nan():
    e = estimate("p", [1, 0, 1, 1, 0, 1, 1])
    assert e.kind == "proportion" and e.n == 7
    assert (e.lo, e.hi) == wilson_interval(5, 7)
    m = estimate("t", [10.0, float("nan"), 20.0, 30.0])
    assert m.kind == "mean" and m.n == 3 and m.mean == 20.0 and m.lo <= 20.0 <= m.hi


def test_paired_difference_with_common_random_numbers():
    rng = np.random.default_rng(0)
    base = rng.integers(0, 3, 200).astype(float)
    same = paired_difference(base, base.copy(), "k")
    assert same["diff"] == 0 and (same["lo"], same["hi"]) == (0.0, 0.0) and same["changed"] == 0
    better = base + (rng.random(200) < 0.3)
    d = paired_difference(base, better, "k")
    assert 0 < d["lo"] < d["diff"] < d["hi"] and d["changed"] == np.count_nonzero(better - base)


def test_checkpoints():
    assert checkpoints(7) == [7]
    assert checkpoints(100) == [10, 20, 50, 100]
    assert checkpoints(250) == [10, 20, 50, 100, 200, 250]
