"""Attribution of an outcome difference to factor groups: the exact arithmetic of cooperative
games over a table of subset outcomes, and intervals from a joint bootstrap of replications.

The engine side (analysis.attribute) supplies a table `v[r, m]`: the outcome of replication r
(one seed, the same for every subset: common random numbers) when the factor groups in bit mask
m are set "as designed" and every other group is left "as observed". v[., 0] is the observed
world, v[., 2^k - 1] the world as designed; the total difference is designed - observed.

Every quantity reported is a linear map of the subset means, computed exactly (no sampling of
orderings, no residual moved anywhere):
- Shapley value of group i:  phi_i = sum_{S not containing i} |S|!(k-|S|-1)!/k! (v(S+i) - v(S));
  the phi_i add up to v(N) - v(empty) because the formula does, not because a remainder is
  pushed into one of them;
- main effect (fix i alone, from the observed world):  v({i}) - v(empty);
- total effect (break i alone, from the designed world):  v(N) - v(N - {i});
- Shapley interaction index of a pair (Grabisch 1997):
  I_ij = sum_{S in N-{i,j}} |S|!(k-|S|-2)!/(k-1)! (v(S+ij) - v(S+i) - v(S+j) + v(S)),
  positive when the two groups must be fixed together to help (complements).
Shares are phi_i / (v(N) - v(empty)). Intervals are percentile intervals of a bootstrap that
resamples replications jointly (one draw of replication indices for all subsets, keeping the
common random numbers), so shares, effects and interactions are resampled consistently.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from iadsim.errors import ValueRangeError

MAX_GROUPS = 8
N_BOOT = 2000
BOOT_SEED = 20260103


def subset_of(mask: int, groups: tuple[str, ...]) -> frozenset[str]:
    """The groups named by a bit mask (bit i = groups[i])."""
    return frozenset(g for i, g in enumerate(groups) if mask >> i & 1)


def _weight(num_fact: int, den_fact: int, rest: int, exact: bool):
    w = Fraction(math.factorial(num_fact) * math.factorial(rest), math.factorial(den_fact))
    return w if exact else float(w)


def shapley_matrix(k: int, exact: bool = False) -> np.ndarray:
    """W of shape (2^k, k) with phi = v @ W for a subset-outcome vector v indexed by mask.

    With exact=True the weights are Fractions (object array): integer or Fraction games then
    give exact Shapley values."""
    _check_k(k)
    w = np.zeros((1 << k, k), dtype=object if exact else float)
    if exact:
        w[:] = Fraction(0)
    for m in range(1 << k):
        s = m.bit_count()
        for i in range(k):
            if m >> i & 1:
                continue
            c = _weight(s, k, k - s - 1, exact)
            w[m | 1 << i, i] += c
            w[m, i] -= c
    return w


def pairs_of(k: int) -> list[tuple[int, int]]:
    return list(itertools.combinations(range(k), 2))


def interaction_matrix(k: int, exact: bool = False) -> np.ndarray:
    """W of shape (2^k, k(k-1)/2) with I = v @ W: the Shapley interaction index of each pair
    (i < j, in itertools.combinations order)."""
    _check_k(k)
    pairs = pairs_of(k)
    w = np.zeros((1 << k, len(pairs)), dtype=object if exact else float)
    if exact:
        w[:] = Fraction(0)
    for p, (i, j) in enumerate(pairs):
        both = 1 << i | 1 << j
        for m in range(1 << k):
            if m & both:
                continue
            c = _weight(m.bit_count(), k - 1, k - m.bit_count() - 2, exact)
            w[m | both, p] += c
            w[m | 1 << i, p] -= c
            w[m | 1 << j, p] -= c
            w[m, p] += c
    return w


def effect_matrices(k: int) -> tuple[np.ndarray, np.ndarray]:
    """(main, total): v @ main = v({i}) - v(empty); v @ total = v(N) - v(N - {i})."""
    full = (1 << k) - 1
    main = np.zeros((1 << k, k))
    tot = np.zeros((1 << k, k))
    for i in range(k):
        main[1 << i, i] += 1.0
        main[0, i] -= 1.0
        tot[full, i] += 1.0
        tot[full & ~(1 << i), i] -= 1.0
    return main, tot


def _check_k(k: int) -> None:
    if not 1 <= k <= MAX_GROUPS:
        raise ValueRangeError(f"attribution needs 1..{MAX_GROUPS} factor groups, got {k}")


@dataclass(frozen=True)
class Interval:
    """A mean over replications and its bootstrap percentile interval."""

    mean: float
    lo: float
    hi: float

    @property
    def half_width(self) -> float:
        return (self.hi - self.lo) / 2.0

    def as_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "lo": self.lo, "hi": self.hi}


@dataclass(frozen=True)
class Attribution:
    """What each factor group explains, with intervals (see the module docstring)."""

    groups: tuple[str, ...]
    n: int
    confidence: float
    observed: Interval
    designed: Interval
    total: Interval  # designed - observed
    shapley: dict[str, Interval]
    share: dict[str, Interval]  # fraction of the total difference
    main: dict[str, Interval]  # fix alone
    total_effect: dict[str, Interval]  # break alone
    interaction: dict[tuple[str, str], Interval]
    subset_means: dict[frozenset[str], float] = field(repr=False)

    @property
    def max_share_half_width(self) -> float:
        """The widest share interval's half-width (a fraction: 0.03 = 3 points)."""
        hw = [s.half_width for s in self.share.values()]
        return max(hw) if hw and all(math.isfinite(h) for h in hw) else math.inf

    def ranked(self) -> list[str]:
        """Groups by decreasing |Shapley value|."""
        return sorted(self.groups, key=lambda g: -abs(self.shapley[g].mean))

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "n_replications": self.n,
            "confidence": self.confidence,
            "observed": self.observed.as_dict(),
            "designed": self.designed.as_dict(),
            "total": self.total.as_dict(),
            "sum_of_main_effects": sum(e.mean for e in self.main.values()),
            "sum_of_total_effects": sum(e.mean for e in self.total_effect.values()),
            "max_share_half_width": self.max_share_half_width,
            "effects": [
                {
                    "group": g,
                    "shapley": self.shapley[g].as_dict(),
                    "share": self.share[g].mean,  # a fraction; its interval below
                    "share_interval": self.share[g].as_dict(),
                    "main_effect": self.main[g].as_dict(),
                    "total_effect": self.total_effect[g].as_dict(),
                }
                for g in self.groups
            ],
            "interactions": [
                {"groups": [a, b], **iv.as_dict()} for (a, b), iv in self.interaction.items()
            ],
            "subset_means": [
                {"as_designed": sorted(s), "mean": v} for s, v in self.subset_means.items()
            ],
        }


def analyse(
    table: np.ndarray,
    groups: tuple[str, ...] | list[str],
    confidence: float = 0.95,
    n_boot: int = N_BOOT,
    seed: int = BOOT_SEED,
) -> Attribution:
    """Shapley values, shares, main/total effects and pairwise interactions of a subset table
    (replications x 2^k, columns by mask), each with a joint-bootstrap interval."""
    groups = tuple(groups)
    k = len(groups)
    _check_k(k)
    if len(set(groups)) != k:
        raise ValueRangeError(f"factor groups must be distinct: {groups}")
    if not 0.0 < confidence < 1.0:
        raise ValueRangeError(f"confidence must be in (0, 1), got {confidence}")
    v = np.asarray(table, dtype=float)
    if v.ndim != 2 or v.shape[1] != 1 << k or v.shape[0] < 2:
        raise ValueRangeError(f"need a (n >= 2) x {1 << k} table, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueRangeError("the subset table holds a non-finite outcome")
    n = v.shape[0]
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    means = np.vstack([v.mean(axis=0), counts @ v / n])  # row 0: the sample itself

    full = (1 << k) - 1
    w_phi = shapley_matrix(k)
    w_int = interaction_matrix(k)
    w_main, w_tot = effect_matrices(k)
    total = means[:, full] - means[:, 0]
    phi = means @ w_phi
    with np.errstate(divide="ignore", invalid="ignore"):
        share = phi / total[:, None]
    a = (1.0 - confidence) / 2.0

    def iv(x: np.ndarray) -> Interval:
        boot = x[1:]
        boot = boot[np.isfinite(boot)]
        if boot.size < 0.9 * n_boot:
            return Interval(float(x[0]), math.nan, math.nan)
        lo, hi = np.quantile(boot, [a, 1.0 - a])
        return Interval(float(x[0]), float(lo), float(hi))

    main, tot, inter = means @ w_main, means @ w_tot, means @ w_int
    return Attribution(
        groups=groups,
        n=n,
        confidence=confidence,
        observed=iv(means[:, 0]),
        designed=iv(means[:, full]),
        total=iv(total),
        shapley={g: iv(phi[:, i]) for i, g in enumerate(groups)},
        share={g: iv(share[:, i]) for i, g in enumerate(groups)},
        main={g: iv(main[:, i]) for i, g in enumerate(groups)},
        total_effect={g: iv(tot[:, i]) for i, g in enumerate(groups)},
        interaction={
            (groups[i], groups[j]): iv(inter[:, p]) for p, (i, j) in enumerate(pairs_of(k))
        },
        subset_means={subset_of(m, groups): float(means[0, m]) for m in range(1 << k)},
    )


def replications_needed(a: Attribution, target: float, n_max: int, growth: float = 1.15) -> int:
    """How many replications should bring every share's half-width under `target`: half-widths
    shrink as 1/sqrt(n), so n * (widest / target)^2, with a margin; at most n_max."""
    widest = a.max_share_half_width
    if widest <= target:
        return a.n
    if not math.isfinite(widest):
        return min(n_max, 2 * a.n)
    need = math.ceil(a.n * (widest / target) ** 2 * growth)
    return int(min(n_max, max(need, a.n + 10)))
