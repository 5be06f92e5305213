"""Gunnery arithmetic against hand-computed values and second implementations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from iadsim.engagement.gunnery import Damage, burst_odds, fire_burst, hit_outcome, p_round_hit
from iadsim.scenario.catalog import default_catalog


def test_p_round_hit_by_hand():
    # A_P = 60 m^2 at 1,000 m with 30 mrad: sigma = 30 m, 2 pi sigma^2 = 5,654.87 m^2
    assert p_round_hit(60.0, 1000.0, 30.0) == pytest.approx(1 - math.exp(-60 / 5654.8668), rel=1e-7)
    assert p_round_hit(60.0, 1000.0, 30.0) == pytest.approx(0.0105542, abs=1e-7)


def test_p_round_hit_against_sampled_rounds():
    """Second implementation: rounds drawn from the circular normal, counted inside the disc
    of the presented area."""
    rng = np.random.default_rng(7)
    area, slant, mrad = 25.0, 300.0, 10.0
    sigma = mrad * 1e-3 * slant
    xy = rng.normal(0.0, sigma, size=(400_000, 2))
    inside = (xy**2).sum(axis=1) <= area / math.pi
    p = p_round_hit(area, slant, mrad)
    se = math.sqrt(p * (1 - p) / inside.size)
    assert abs(inside.mean() - p) < 4 * se


def test_burst_odds_by_hand():
    # per round: kill 0.5*0.2 = 0.1, abort 0.5*0.3 = 0.15, flies on 0.25, miss 0.5
    o = burst_odds(2, 0.5, 0.2, 0.3)
    assert o.killed == pytest.approx(1 - 0.9**2)
    assert o.aborted == pytest.approx(0.9**2 - 0.75**2)
    assert o.damaged == pytest.approx(0.75**2 - 0.5**2)
    assert o.untouched == pytest.approx(0.25)


def test_burst_odds_against_enumeration():
    """Second implementation: every sequence of per-round outcomes, the worst one counts."""
    n, p, pk, pa = 3, 0.3, 0.25, 0.35
    per_round = {
        Damage.NONE: 1 - p,
        Damage.KILLED: p * pk,
        Damage.ABORTED: p * pa,
        Damage.DAMAGED: p * (1 - pk - pa),
    }
    totals = dict.fromkeys(Damage, 0.0)
    for seq in itertools.product(per_round, repeat=n):
        totals[max(seq)] += math.prod(per_round[d] for d in seq)
    o = burst_odds(n, p, pk, pa)
    assert o.killed == pytest.approx(totals[Damage.KILLED])
    assert o.aborted == pytest.approx(totals[Damage.ABORTED])
    assert o.damaged == pytest.approx(totals[Damage.DAMAGED])
    assert o.untouched == pytest.approx(totals[Damage.NONE])


def test_fire_burst_frequencies_match_the_odds():
    rng = np.random.default_rng(3)
    n, p, pk, pa = 10, 0.08, 0.1, 0.2
    draws = [fire_burst(rng, n, p, pk, pa)[1] for _ in range(20_000)]
    o = burst_odds(n, p, pk, pa)
    for d, expected in (
        (Damage.KILLED, o.killed),
        (Damage.ABORTED, o.aborted),
        (Damage.DAMAGED, o.damaged),
        (Damage.NONE, o.untouched),
    ):
        freq = sum(x is d for x in draws) / len(draws)
        assert abs(freq - expected) < 4.5 * math.sqrt(expected * (1 - expected) / len(draws))


def test_the_same_hit_damages_an_mh47_and_loses_a_light_helicopter():
    """Catalog vulnerability to a 23 mm HEI hit, by hand: MH-47 class P(kill|hit) = 3/60 =
    0.05, P(abort|hit) = 9/60 = 0.15, flies on with 0.8; AH-6/MH-6 class 3.2/8 = 0.4 and
    1.6/8 = 0.2. Any hit whose draw falls in [0.2, 0.4) leaves the MH-47 flying on damaged
    and loses the light helicopter: probability 0.2 for a hit; the MH-47 is lost to a hit
    with 0.05, the light helicopter with 0.4."""
    cat = default_catalog()
    heavy = cat.aircraft["transport-helicopter"].vulnerability
    light = cat.aircraft["light-attack-helicopter"].vulnerability
    projectile = cat.guns["zu-23-2"].projectile
    assert heavy.p_kill_given_hit(projectile) == pytest.approx(0.05)
    assert heavy.p_abort_given_hit(projectile) == pytest.approx(0.15)
    assert light.p_kill_given_hit(projectile) == pytest.approx(0.4)
    assert light.p_abort_given_hit(projectile) == pytest.approx(0.2)
    for u in (0.2, 0.3, 0.399):
        assert hit_outcome(u, 0.05, 0.15) is Damage.DAMAGED
        assert hit_outcome(u, 0.4, 0.2) is Damage.KILLED
    # over the uniform draw of one hit: P(MH-47 damaged and light lost) = 0.4 - 0.2
    u = np.random.default_rng(1).random(50_000)
    both = np.array(
        [
            hit_outcome(x, 0.05, 0.15) is Damage.DAMAGED
            and hit_outcome(x, 0.4, 0.2) is Damage.KILLED
            for x in u
        ]
    )
    assert abs(both.mean() - 0.2) < 4.5 * math.sqrt(0.2 * 0.8 / u.size)
