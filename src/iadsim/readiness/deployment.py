"""Deployment: a unit works only once it is on its site and set up.

A unit in garrison must be ordered out, march to its site and set up; a unit on the march
arrives, then sets up; a deployed unit has finished setting up `setup_s` after it arrived;
a unit in storage does not work in the run. Until then every component of the unit is out
with NOT_DEPLOYED (IN_STORAGE for storage). Times are scenario seconds; set-up and march
times come from the catalog's unit type unless the scenario overrides them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from iadsim.killchain import Reason
from iadsim.scenario.connection import DeploymentSpec

INF = math.inf


@dataclass(frozen=True)
class Readiness:
    """When a unit starts working (inf: never in this run), and why it does not before."""

    ready_s: float
    reason: Reason

    @property
    def always(self) -> bool:
        """Ready before the scenario starts."""
        return self.ready_s <= 0.0


def ready_time(spec: DeploymentSpec, setup_s: float, march_s: float) -> Readiness:
    """When the unit is deployed and set up, from its deployment state and the times."""
    setup = spec.setup_s if spec.setup_s is not None else setup_s
    march = spec.march_s if spec.march_s is not None else march_s
    if spec.state == "storage":
        return Readiness(INF, Reason.IN_STORAGE)
    if spec.state == "deployed":
        since = -INF if spec.since_s is None else spec.since_s
        return Readiness(since + setup, Reason.NOT_DEPLOYED)
    if spec.ordered_s is None:  # garrison or march, never ordered or arriving in the run
        return Readiness(INF, Reason.NOT_DEPLOYED)
    if spec.state == "march":
        return Readiness(spec.ordered_s + setup, Reason.NOT_DEPLOYED)
    return Readiness(spec.ordered_s + march + setup, Reason.NOT_DEPLOYED)
