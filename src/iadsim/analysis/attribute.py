"""`iadsim attribute`: which defence condition explains how much of the outcome.

For every subset of factor groups set "as designed" (analysis.factors) the scenario is run with
the same replication seeds (common random numbers). Each subset is one Monte Carlo batch kept
in its own results store (OUT/subsets/<name>/results.sqlite, analysis.store), so an
interrupted attribution resumes like `mc --resume` and every subset can be read back with the
usual tools. The batch runner (analysis.runner) runs all subsets of a round on one pool; the
prepared scenarios (which share one geometry) are shipped to each worker once.

Replications are added in rounds until every group's share of designed - observed has a
bootstrap interval half-width under the target (default 3 points) or the cap is reached;
analysis.attribution does the arithmetic.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from iadsim.analysis.attribution import Attribution, analyse, replications_needed, subset_of
from iadsim.analysis.baselines import DEFAULT_BASELINE
from iadsim.analysis.baselines import baseline as baseline_of
from iadsim.analysis.butfor import causes_of, write_causes_csv
from iadsim.analysis.factors import active_groups, as_designed, canonical
from iadsim.analysis.metrics import DEFAULT_METRIC
from iadsim.analysis.metrics import metric as registry_metric
from iadsim.analysis.montecarlo import StoredBatch, run_stores
from iadsim.analysis.runner import ProgressFn, Runner, check_count
from iadsim.analysis.store import ResultStore
from iadsim.engine.run import Prepared, prepare, prepare_variant
from iadsim.errors import InputError, Problem, ValueRangeError
from iadsim.io.outputs import write_json
from iadsim.scenario import Scenario

DEFAULT_TARGET = 0.03
DEFAULT_N_MIN = 20
DEFAULT_N_MAX = 400


@dataclass(frozen=True)
class AttributionRun:
    """An attribution and how it was reached."""

    attribution: Attribution
    metric: str
    target: float
    rounds: tuple[int, ...]  # replications per subset after each round
    wall_s: float
    out: Path
    reached_target: bool
    baseline: str = DEFAULT_BASELINE  # what "as designed" restores upkeep and crews to
    # per scope (night, aircraft): but-for causes and minimal sufficient sets (analysis.butfor)
    causes: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "baseline": self.baseline,
            "target_half_width": self.target,
            "reached_target": self.reached_target,
            "rounds": list(self.rounds),
            "wall_s": self.wall_s,
            **self.attribution.to_dict(),
            "causes": {s: c.to_dict() for s, c in self.causes.items()},
        }


def subset_name(mask: int, groups: tuple[str, ...]) -> str:
    s = sorted(subset_of(mask, groups))
    return f"s{mask:03d}-" + ("+".join(s) if s else "observed")


class _Subsets:
    """The 2^k prepared variants of a scenario (one geometry shared) and their stores."""

    def __init__(
        self, base: Prepared, groups: tuple[str, ...], out: Path, baseline: str | None = None
    ):
        self.groups, self.out = groups, out
        self.masks = list(range(1 << len(groups)))
        self.batches = []
        for m in self.masks:
            designed = subset_of(m, groups)
            variant = as_designed(base.scenario, designed, baseline) if m else None
            prepared = prepare_variant(base, variant) if m else base
            label = "attribute as designed: " + (",".join(sorted(designed)) or "none")
            where = out / "subsets" / subset_name(m, groups)
            self.batches.append(StoredBatch(m, prepared, where, label))

    def table(self, metric: str, n: int) -> np.ndarray:
        """(n x 2^k) outcomes of replications 0..n-1."""
        return subset_table(self.out, self.groups, metric, n)


def subset_table(out: Path, groups: tuple[str, ...], metric: str, n: int) -> np.ndarray:
    """(n x 2^k) values of a registry `metric` (analysis.metrics) in replications 0..n-1 of
    every subset store under OUT/subsets (columns by mask)."""
    cols = []
    for m in range(1 << len(groups)):
        with ResultStore(out / "subsets" / subset_name(m, groups), writer=False) as store:
            rows = store.rows("replications", "WHERE idx < ?", (n,))
        if len(rows) != n:
            raise InputError(
                Problem(str(store.path), None, None, "", f"holds {len(rows)} of {n} replications")
            )
        cols.append(registry_metric(metric).values(rows))
    return np.stack(cols, axis=1)


def attribution_for(run: AttributionRun, metric: str) -> Attribution:
    """The same attribution read for another metric: the subset stores hold every metric, so
    this runs nothing (the case study's SAM launches beside its aircraft shot down)."""
    groups = run.attribution.groups
    return analyse(subset_table(run.out, groups, metric, run.attribution.n), groups)


def run_attribution(
    scenario: Scenario | Prepared | str | Path,
    out: str | Path,
    groups: Sequence[str] | None = None,
    *,
    metric: str = DEFAULT_METRIC,
    root_seed: int = 1,
    workers: int = 1,
    dask: Any = None,
    target: float = DEFAULT_TARGET,
    n_min: int = DEFAULT_N_MIN,
    n_max: int = DEFAULT_N_MAX,
    resume: bool = False,
    progress: ProgressFn | None = None,
    baseline: str | None = None,
) -> AttributionRun:
    """Attribute designed - observed of `metric` over the factor groups (default: every
    defence condition that changes something in the scenario), adding replications until
    every share's interval half-width is under `target` or n_max replications per subset.

    `progress(done, total, what)` as replications finish (the total grows between rounds).
    "As designed" restores upkeep and crews to `baseline` (analysis.baselines; default: as
    delivered and kept to the maker's schedule with standard-trained crews).
    Beside the shares, per night (and per aircraft) the but-for causes and minimal
    sufficient sets over the same runs (analysis.butfor).
    Writes OUT/attribution.json and OUT/causes.csv; the subset stores stay in OUT/subsets/."""
    t0 = time.perf_counter()
    registry_metric(metric)  # an unknown name is refused before any work
    check_count(n_min, "n_min", 2)
    check_count(n_max, "n_max", n_min)
    if not 0.0 < target < 1.0:
        raise ValueRangeError(f"a share half-width in (0, 1), got {target}", parameter="target")
    base = scenario if isinstance(scenario, Prepared) else prepare(scenario)
    names = active_groups(base.scenario, None if groups is None else canonical(groups), baseline)
    if not names:
        raise ValueRangeError(
            f"no chosen factor group changes anything in {base.scenario.path}: "
            "nothing to attribute",
            parameter="groups",
        )
    out = Path(out)
    subsets = _Subsets(base, tuple(names), out, baseline)
    n, rounds = n_min, []
    with Runner(workers, dask) as runner:
        while True:
            run_stores(
                subsets.batches,
                n,
                runner,
                root_seed=root_seed,
                resume=resume or bool(rounds),
                progress=progress,
                what=f"attribution: {len(subsets.masks)} subsets x {n} replications "
                f"(at most {n_max} each)",
            )
            a = analyse(subsets.table(metric, n), names)
            rounds.append(n)
            reached = a.max_share_half_width <= target
            # the first round's widest half-width is a rough guide (few replications): a 15%
            # margin; later ones rest on many replications and overshoot less with 5%
            nxt = replications_needed(a, target, n_max, growth=1.15 if len(rounds) == 1 else 1.05)
            if reached or nxt <= n:
                break
            n = nxt
    result = AttributionRun(
        a,
        metric,
        target,
        tuple(rounds),
        time.perf_counter() - t0,
        out,
        reached,
        baseline_of(baseline).key,
        causes_of(out, tuple(names), metric, n),
    )
    write_causes_csv(result.causes, out / "causes.csv")
    write_json(result.to_dict(), out / "attribution.json")
    return result


def shares_add_up(a: Attribution) -> bool:
    """Efficiency: the Shapley values sum to the total difference (no term adjusted)."""
    return bool(
        math.isclose(math.fsum(a.shapley[g].mean for g in a.groups), a.total.mean, abs_tol=1e-9)
    )
