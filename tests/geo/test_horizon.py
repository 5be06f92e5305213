"""4/3-earth radar horizon against hand-computed values."""

import math

import numpy as np
import pytest

from iadsim.geo.horizon import (
    above_horizon,
    curvature_drop_m,
    horizon_distance_m,
    max_radar_range_m,
)

KR = 4.0 / 3.0 * 6_371_000.0


@pytest.mark.parametrize("h", [1.0, 10.0, 25.0, 100.0, 1000.0])
def test_horizon_distance_matches_hand_formula(h):
    # d = sqrt(2 k R h + h^2): the tangent length to a sphere of radius kR
    expected = math.sqrt(2 * KR * h + h * h)
    assert horizon_distance_m(h) == pytest.approx(expected, rel=1e-12)


def test_rule_of_thumb_4_12_sqrt_h():
    # the engineering rule: d[km] = 4.12 (sqrt(h_a) + sqrt(h_t)) with heights in metres
    d = max_radar_range_m(10.0, 100.0)
    assert d / 1000 == pytest.approx(4.12 * (math.sqrt(10) + math.sqrt(100)), rel=2e-3)


def test_curvature_drop_at_50_km():
    # 50 km on the 4/3 earth: 50000^2 / (2 * 8494667) = 147.15 m
    assert curvature_drop_m(50_000.0) == pytest.approx(2.5e9 / (2 * KR), rel=1e-12)
    assert curvature_drop_m(50_000.0) == pytest.approx(147.15, abs=0.01)


def test_above_horizon_boundary_and_negative_heights():
    d = max_radar_range_m(20.0, 50.0)
    got = above_horizon(np.array([d - 1.0, d + 1.0]), 20.0, 50.0)
    assert got.tolist() == [True, False]
    assert horizon_distance_m(-5.0) == 0.0
