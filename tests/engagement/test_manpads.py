"""MANPADS team models from the catalog, against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.engagement.manpads import (
    countermeasure_factor,
    ir_intensity_w_sr,
    lock_probability,
    look_probability,
    median_range_m,
)
from iadsim.scenario.catalog import default_catalog
from iadsim.sensors.visual_ir import SEARCH_FRACTION_CUED, SEARCH_FRACTION_UNCUED

CAT = default_catalog()
TEAM = CAT.components["manpads-team"].visual
IGLA = CAT.weapons["manpads-missile"]
HELO = CAT.aircraft["transport-helicopter"]
APACHE = CAT.aircraft["attack-helicopter"]


def test_median_range_by_light_and_night_vision():
    assert median_range_m(TEAM, False, False) == TEAM.detection_range_day_m
    assert median_range_m(TEAM, True, False) == TEAM.detection_range_night_m
    assert median_range_m(TEAM, True, True) == TEAM.detection_range_night_nvg_m


def test_look_probability_by_hand():
    # night, no sights: R50 = 2000 m x 30 m / 15 m = 4000 m; heard inside 6 km
    r50 = TEAM.detection_range_night_m * HELO.length_m / 15.0
    for r in (1000.0, 4000.0, 7000.0):
        f = SEARCH_FRACTION_CUED if r <= HELO.acoustic_range_m else SEARCH_FRACTION_UNCUED
        expect = f / (1 + (r / r50) ** 4)
        assert float(look_probability(TEAM, True, False, HELO, r)) == pytest.approx(expect)
    # night vision sees further
    assert look_probability(TEAM, True, True, HELO, 7000.0) > look_probability(
        TEAM, True, False, HELO, 7000.0
    )


def test_lock_probability_by_hand():
    # 1500 W/sr tail-on at 3 km: margin = 10 log(1.5) + 20 log(5/3) - 4.34 * 0.15 (3 - 5)
    margin = (
        10 * math.log10(1.5)
        + 20 * math.log10(5 / 3)
        - 10 * math.log10(math.e) * 1.5e-4 * (3000 - 5000)
    )
    expect = 1 / (1 + math.exp(-margin / 1.5))
    assert float(lock_probability(IGLA, HELO, 3000.0, math.pi)) == pytest.approx(expect)
    assert float(ir_intensity_w_sr(HELO, math.pi / 2)) == HELO.ir_w_sr.beam
    # the cooler attack helicopter head-on is harder to lock than the transport tail-on
    assert lock_probability(IGLA, APACHE, 3000.0, 0.0) < lock_probability(
        IGLA, HELO, 3000.0, math.pi
    )
    assert float(lock_probability(IGLA, HELO, 7000.0, math.pi)) == 0.0  # beyond 6 km


def test_countermeasures_only_against_infrared_and_when_on():
    assert countermeasure_factor(IGLA, HELO, True) == pytest.approx(0.6 * 0.4)
    assert countermeasure_factor(IGLA, HELO, False) == 1.0
    assert countermeasure_factor(CAT.weapons["sam-mr-missile"], HELO, True) == 1.0
    assert countermeasure_factor(IGLA, CAT.aircraft["decoy"], True) == 1.0
    assert np.isclose(countermeasure_factor(IGLA, APACHE, True), 0.6)
