"""Gunnery against aircraft: the chance a round hits, what a burst does, what a hit does.

A round falls about the target with a circular normal spread of standard deviation
sigma = dispersion (rad) x slant range (the gun's dispersion and the crew's aiming and
tracking error together). Seen as a disc of the aircraft's presented area A_P centred on the
aim point, a round hits it with

    p_round = 1 - exp(-A_P / (2 pi sigma^2))

(the circular normal's mass inside a circle of radius r = sqrt(A_P / pi):
1 - exp(-r^2 / 2 sigma^2); for sigma large against the target, ~ A_P / (2 pi sigma^2), the
density at the aim point times the area: the "Carleton" small-target form). The rounds of a
burst hit independently (the spread is mostly the aiming error, which is shared within a
burst; treating rounds as independent overstates the chance of at least one hit for long
bursts and is the usual first-order model).

A hit kills with P(kill | hit) = A_V,kill / A_P, makes the aircraft abort with
P(abort | hit) = A_V,abort / A_P, and otherwise leaves it flying on, damaged (R. E. Ball,
The Fundamentals of Aircraft Combat Survivability Analysis and Design, 2nd ed., AIAA 2003).
The outcome of several hits is the worst of theirs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class Damage(IntEnum):
    """What gunfire did to an aircraft, worst last (an aircraft's state is the worst yet)."""

    NONE = 0  # not hit
    DAMAGED = 1  # hit, flies on with its mission
    ABORTED = 2  # hit, abandons its mission and leaves
    KILLED = 3  # hit and lost


def p_round_hit(presented_area_m2: float, slant_m: float, dispersion_mrad: float) -> float:
    """Chance that one round hits a target of presented area A_P at this slant range."""
    sigma = dispersion_mrad * 1e-3 * max(float(slant_m), 1.0)
    return 1.0 - math.exp(-presented_area_m2 / (2.0 * math.pi * sigma * sigma))


@dataclass(frozen=True)
class BurstOdds:
    """The outcome probabilities of one burst of n rounds (each hitting with p_round)."""

    killed: float
    aborted: float  # not killed, at least one hit making it abort
    damaged: float  # hit, neither killed nor aborted
    untouched: float


def burst_odds(n: int, p_round: float, p_kill_hit: float, p_abort_hit: float) -> BurstOdds:
    """Exact outcome probabilities of a burst: per round, a kill with p * P(kill | hit), an
    abort-hit with p * P(abort | hit), a hit that leaves it flying with the rest of p."""
    k = p_round * p_kill_hit
    a = p_round * p_abort_hit
    no_kill = (1.0 - k) ** n
    no_kill_abort = (1.0 - k - a) ** n
    untouched = (1.0 - p_round) ** n
    return BurstOdds(
        killed=1.0 - no_kill,
        aborted=no_kill - no_kill_abort,
        damaged=no_kill_abort - untouched,
        untouched=untouched,
    )


def hit_outcome(u: float, p_kill_hit: float, p_abort_hit: float) -> Damage:
    """What one hit does, given its uniform draw u in [0, 1)."""
    if u < p_kill_hit:
        return Damage.KILLED
    if u < p_kill_hit + p_abort_hit:
        return Damage.ABORTED
    return Damage.DAMAGED


def fire_burst(
    rng: np.random.Generator, n: int, p_round: float, p_kill_hit: float, p_abort_hit: float
) -> tuple[int, Damage]:
    """One burst: the number of hits (binomial) and the worst of what they did."""
    hits = int(rng.binomial(n, p_round))
    worst = Damage.NONE
    for u in rng.random(hits):
        worst = max(worst, hit_outcome(float(u), p_kill_hit, p_abort_hit))
    return hits, worst
