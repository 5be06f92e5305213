"""Attribution of an outcome difference to factor groups: counterfactuals and Shapley values.

The engine supplies `outcome(active_groups, seed) -> float`: one replication of the scenario
with the groups in `active_groups` set "as designed" and every other group "as observed".
So outcome(frozenset(), s) is the observed world and outcome(all groups, s) the designed one;
the total difference is designed - observed.

For every replication seed, all 2^k subsets are run with that same seed (common random
numbers), giving per replication:
- one-at-a-time effects: v({g}) - v({}) (fix g alone, from the observed world);
- leave-one-out effects: v(N) - v(N \\ {g}) (break g alone, from the designed world);
- exact Shapley values: phi_g = sum_S |S|!(k-|S|-1)!/k! (v(S+g) - v(S)), which sum to
  v(N) - v({}) in each replication (efficiency).
Means over replications come with Student-t (default) or percentile-bootstrap intervals.
Because the Shapley value is linear in v, the mean of per-replication values is the Shapley
value of the mean outcome, and the shares add up to the mean total difference.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import stats

from iadsim.errors import ValueRangeError

MAX_GROUPS = 8

Outcome = Callable[[frozenset[str], int], float]
Mapper = Callable[..., Iterable[float]]


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its confidence interval."""

    mean: float
    lo: float
    hi: float
    std: float
    n: int

    def __str__(self) -> str:
        return f"{self.mean:.4g} [{self.lo:.4g}, {self.hi:.4g}]"


@dataclass(frozen=True)
class GroupEffect:
    """What one factor group explains."""

    group: str
    shapley: Estimate  # its Shapley value (share of the total difference)
    one_at_a_time: Estimate  # v({g}) - v({})
    leave_one_out: Estimate  # v(N) - v(N - {g})
    share: float  # shapley.mean / total.mean (nan when the total is 0)


@dataclass(frozen=True)
class Attribution:
    """The full result: observed, designed, total difference, and per-group effects."""

    groups: tuple[str, ...]
    observed: Estimate
    designed: Estimate
    total: Estimate
    effects: tuple[GroupEffect, ...]
    interaction: Estimate  # total - sum of one-at-a-time effects
    seeds: tuple[int, ...]
    confidence: float
    ci_method: str
    subset_means: dict[frozenset[str], float] = field(repr=False)
    shapley_per_replication: np.ndarray = field(repr=False)  # (n_rep, k)

    def effect(self, group: str) -> GroupEffect:
        """The effect of one group by name."""
        return self.effects[self.groups.index(group)]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""

        def est(e: Estimate) -> dict[str, float | int]:
            return {"mean": e.mean, "lo": e.lo, "hi": e.hi, "std": e.std, "n": e.n}

        return {
            "groups": list(self.groups),
            "observed": est(self.observed),
            "designed": est(self.designed),
            "total": est(self.total),
            "interaction": est(self.interaction),
            "confidence": self.confidence,
            "ci_method": self.ci_method,
            "n_replications": len(self.seeds),
            "effects": [
                {
                    "group": g.group,
                    "shapley": est(g.shapley),
                    "one_at_a_time": est(g.one_at_a_time),
                    "leave_one_out": est(g.leave_one_out),
                    "share": g.share,
                }
                for g in self.effects
            ],
        }


def shapley_weights(k: int) -> np.ndarray:
    """Weight |S|!(k-|S|-1)!/k! for a coalition S of each size 0..k-1."""
    return np.array(
        [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    )


def _masks(k: int) -> list[int]:
    return list(range(1 << k))


def shapley_from_table(values: np.ndarray, k: int) -> np.ndarray:
    """Exact Shapley values from outcomes indexed by bitmask, shape (..., 2^k) -> (..., k).

    Efficiency is enforced to the last bit: rounding residue goes to the largest |phi|.
    """
    values = np.asarray(values, dtype=float)
    w = shapley_weights(k)
    phi = np.zeros((*values.shape[:-1], k))
    for m in range(1 << k):
        size = m.bit_count()
        for g in range(k):
            if not m >> g & 1:
                phi[..., g] += w[size] * (values[..., m | 1 << g] - values[..., m])
    total = values[..., (1 << k) - 1] - values[..., 0]
    flat_phi = phi.reshape(-1, k)
    flat_tot = np.asarray(total).reshape(-1)
    for i in range(flat_phi.shape[0]):
        resid = flat_tot[i] - math.fsum(flat_phi[i])
        if resid != 0.0:
            flat_phi[i, int(np.argmax(np.abs(flat_phi[i])))] += resid
    return flat_phi.reshape(phi.shape)


def estimate(
    samples: np.ndarray,
    confidence: float = 0.95,
    method: Literal["t", "bootstrap"] = "t",
    n_boot: int = 2000,
    rng: np.random.Generator | None = None,
) -> Estimate:
    """Mean and confidence interval of one sample of per-replication values."""
    x = np.asarray(samples, dtype=float)
    n = x.size
    mean = float(np.mean(x)) if n else math.nan
    if n < 2:
        return Estimate(mean, math.nan, math.nan, math.nan, n)
    std = float(np.std(x, ddof=1))
    if method == "t":
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * std / math.sqrt(n)
        return Estimate(mean, mean - half, mean + half, std, n)
    if method == "bootstrap":
        rng = rng if rng is not None else np.random.default_rng(0)
        idx = rng.integers(0, n, size=(n_boot, n))
        means = x[idx].mean(axis=1)
        a = (1 - confidence) / 2
        lo, hi = np.quantile(means, [a, 1 - a])
        return Estimate(mean, float(lo), float(hi), std, n)
    raise ValueRangeError(f"ci method must be 't' or 'bootstrap', got {method!r}")


def _call(outcome: Outcome, subset: frozenset[str], seed: int) -> float:
    return float(outcome(subset, seed))


def attribute(
    outcome: Outcome,
    groups: Sequence[str],
    seeds: Sequence[int] | None = None,
    n_replications: int | None = None,
    root_seed: int = 0,
    confidence: float = 0.95,
    ci_method: Literal["t", "bootstrap"] = "t",
    mapper: Mapper = map,
) -> Attribution:
    """Counterfactual and Shapley attribution of designed - observed over factor groups.

    Give either explicit `seeds` or `n_replications` (seeds then derive from root_seed with
    iadsim.engine.rng.replication_seed). `mapper(f, subsets, seeds)` runs the evaluations:
    builtin map by default, or e.g. a concurrent.futures Executor's map (outcome must then be
    picklable). Costs n_replications * 2^k outcome calls.
    """
    groups = tuple(groups)
    k = len(groups)
    if k < 1 or k > MAX_GROUPS:
        raise ValueRangeError(f"attribution needs 1..{MAX_GROUPS} factor groups, got {k}")
    if len(set(groups)) != k:
        raise ValueRangeError(f"factor groups must be distinct: {groups}")
    if not 0.0 < confidence < 1.0:
        raise ValueRangeError(f"confidence must be in (0, 1), got {confidence}")
    if seeds is None:
        if n_replications is None or n_replications < 1:
            raise ValueRangeError("give seeds or n_replications >= 1")
        from iadsim.engine.rng import replication_seed

        seeds = [replication_seed(root_seed, i) for i in range(n_replications)]
    seeds = tuple(int(s) for s in seeds)
    if not seeds:
        raise ValueRangeError("attribution needs at least one replication seed")

    masks = _masks(k)
    subsets = [frozenset(g for i, g in enumerate(groups) if m >> i & 1) for m in masks]
    calls_sub = [s for _ in seeds for s in subsets]
    calls_seed = [sd for sd in seeds for _ in masks]
    flat = list(mapper(_call_outcome(outcome), calls_sub, calls_seed))
    table = np.asarray(flat, dtype=float).reshape(len(seeds), len(masks))
    if not np.all(np.isfinite(table)):
        raise ValueRangeError("outcome returned a non-finite value")

    full = (1 << k) - 1
    phi = shapley_from_table(table, k)
    total = table[:, full] - table[:, 0]
    oat = np.stack([table[:, 1 << i] - table[:, 0] for i in range(k)], axis=1)
    loo = np.stack([table[:, full] - table[:, full & ~(1 << i)] for i in range(k)], axis=1)

    def est(x: np.ndarray) -> Estimate:
        return estimate(x, confidence, ci_method, rng=np.random.default_rng(root_seed))

    total_e = est(total)
    shap = [est(phi[:, i]) for i in range(k)]
    resid = total_e.mean - math.fsum(e.mean for e in shap)
    if resid != 0.0:  # rounding residue of the means, so that the shares add up exactly
        j = int(np.argmax([abs(e.mean) for e in shap]))
        e = shap[j]
        shap[j] = Estimate(e.mean + resid, e.lo + resid, e.hi + resid, e.std, e.n)
    effects = []
    for i, g in enumerate(groups):
        sh = shap[i]
        share = sh.mean / total_e.mean if total_e.mean != 0 else math.nan
        effects.append(GroupEffect(g, sh, est(oat[:, i]), est(loo[:, i]), share))
    return Attribution(
        groups=groups,
        observed=est(table[:, 0]),
        designed=est(table[:, full]),
        total=total_e,
        effects=tuple(effects),
        interaction=est(total - oat.sum(axis=1)),
        seeds=seeds,
        confidence=confidence,
        ci_method=ci_method,
        subset_means={s: float(table[:, j].mean()) for j, s in enumerate(subsets)},
        shapley_per_replication=phi,
    )


@dataclass(frozen=True)
class _call_outcome:  # noqa: N801 - a picklable partial, named like a function
    """outcome(subset, seed) as a float, picklable for process pools."""

    outcome: Outcome

    def __call__(self, subset: frozenset[str], seed: int) -> float:
        return _call(self.outcome, subset, seed)
