"""`iadsim attribute`: which factor group explains how much of the defence's failure.

For every subset of factor groups set "as designed" (analysis.factors), replications run with
the same seeds (common random numbers); analysis.attribution turns the 2^k subset outcomes into
one-at-a-time effects and Shapley values that add up to designed - observed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from iadsim.analysis.attribution import Attribution, attribute
from iadsim.analysis.factors import FACTOR_GROUPS, as_designed
from iadsim.engine.replication import ReplicationResult
from iadsim.engine.run import Prepared, prepare, prepare_variant
from iadsim.scenario import Scenario

METRICS: dict[str, Callable[[ReplicationResult], float]] = {
    "killed": lambda r: float(sum(a["killed"] for a in r.aircraft)),
    "any_killed": lambda r: float(any(a["killed"] for a in r.aircraft)),
    "engaged": lambda r: float(sum(a["engaged"] for a in r.aircraft)),
    "any_engaged": lambda r: float(any(a["engaged"] for a in r.aircraft)),
}
"""Outcome metrics per replication: aircraft killed / engaged, or whether any was."""


class SubsetOutcomes:
    """outcome(active_groups, seed): one replication of the scenario with those groups set as
    designed; each subset's scenario is prepared once (reusing the base geometry)."""

    def __init__(self, base: Prepared, metric: str, progress: Callable[[], None] | None = None):
        self.base, self.metric = base, METRICS[metric]
        self.progress = progress
        self._prepared: dict[frozenset[str], Prepared] = {frozenset(): base}

    def prepared(self, groups: frozenset[str]) -> Prepared:
        if groups not in self._prepared:
            variant = as_designed(self.base.scenario, groups)
            self._prepared[groups] = prepare_variant(self.base, variant)
        return self._prepared[groups]

    def __call__(self, groups: frozenset[str], seed: int) -> float:
        value = self.metric(self.prepared(frozenset(groups)).replicate(seed))
        if self.progress is not None:
            self.progress()
        return value


def run_attribution(
    scenario: Scenario | Prepared,
    n: int,
    groups: Sequence[str] = tuple(FACTOR_GROUPS),
    metric: str = "killed",
    root_seed: int = 1,
    ci_method: str = "t",
    progress: Callable[[], None] | None = None,
) -> Attribution:
    """Attribute designed - observed of `metric` over the factor groups (n replications)."""
    base = scenario if isinstance(scenario, Prepared) else prepare(scenario)
    outcome = SubsetOutcomes(base, metric, progress)
    return attribute(
        outcome, list(groups), n_replications=n, root_seed=root_seed, ci_method=ci_method
    )


def shares_add_up(a: Attribution) -> bool:
    """Efficiency check: the Shapley values sum to the total difference."""
    return bool(np.isclose(sum(e.shapley.mean for e in a.effects), a.total.mean, atol=1e-9))
