"""Crew integration training: bringing a unit's data network up at the alert.

A unit whose network is down at the start (`deployment.network_at_start: down`) has its
crew establish the data links once the unit is deployed: it succeeds with a probability
and after a lognormal delay, both by proficiency (catalog crews.yaml). The delay's median is
the unit type's `network_setup_s` (a trained crew's median, catalog) times the proficiency's
factor. A crew
that fails does not bring the network up during the run: the unit's links stay down with
CREW_NOT_READY. All numbers are notional (docs/network.md): the public statement behind
them is that bringing new systems into service needs extensive crew training (Russian
parliamentarian, November 2025).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.readiness.crew import Proficiency

INF = math.inf


@dataclass(frozen=True)
class NetworkSetupParams:
    """Probability that the crew brings the network up at all, and its delay factor."""

    p_success: float
    median_factor: float  # times the unit type's trained median
    sigma_log: float = 0.5

    def __post_init__(self) -> None:
        if not (0.0 <= self.p_success <= 1.0):
            raise ValueRangeError("p_success must lie in [0, 1]")
        if not (self.median_factor > 0 and math.isfinite(self.median_factor)):
            raise ValueRangeError("median_factor must be a finite number > 0")
        if not (self.sigma_log >= 0 and math.isfinite(self.sigma_log)):
            raise ValueRangeError("sigma_log must be a finite number >= 0")


def setup_params(catalog) -> dict[Proficiency, NetworkSetupParams]:
    """Each proficiency's numbers from the catalog's crews (crews.yaml `network_setup`)."""
    out = {}
    for level in Proficiency:
        crew = catalog.crews.get(level.value)
        if crew is None:
            raise ValueRangeError(f"the catalog's crews.yaml has no entry {level.value!r}")
        ns = crew.network_setup
        out[level] = NetworkSetupParams(ns.p_success, ns.median_factor, ns.sigma_log)
    return out


def network_up_time(
    rng: np.random.Generator,
    proficiency: Proficiency | str,
    trained_median_s: float,
    params: dict[Proficiency, NetworkSetupParams],
    start_s: float = 0.0,
) -> float:
    """When the crew has the network up (inf: it fails), starting at `start_s`.

    Two uniforms are drawn whatever the outcome, so variants keep common random numbers:
    a better-trained crew (higher p) succeeds on every draw where a worse one did."""
    p = params[Proficiency(proficiency)]
    u_ok, z = rng.random(), rng.standard_normal()
    if not u_ok < p.p_success:
        return INF
    median = trained_median_s * p.median_factor
    if median <= 0.0:
        return float(start_s)
    return float(start_s + median * math.exp(p.sigma_log * z))
