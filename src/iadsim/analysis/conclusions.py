"""The case study's conclusions, each a statement about the mean of a per-replication number,
and how sure we are that it holds when one notional number moves.

A conclusion is `E[x] < threshold` or `E[x] >= threshold`, where x (one of `STATISTICS`) is
computed for each replication from the outcomes `Outcomes` keeps (aircraft shot down as
written, with the connection restored and with every defence condition as designed; kills by
the SAM batteries and by the other shooters). Ratios are written as linear statements so
that one mean and one interval decide them: "MANPADS make most of the kills" is
E[other - SAM] >= 0. Which
conclusions are tested, with which thresholds, is not code: it is the conclusions file beside
the scenario (analysis.conclusions_file), fixed before the results, with its history.

`anchored_estimate` gives the mean of x with one number moved from a few replications, anchored
on the many replications of the nominal scenario (the attribution's): the mean at the range end
is mean_N(x_nominal) + mean_m(x_end - x_nominal) over the first m replications, which share their
seeds (common random numbers). When the number changes nothing in most replications, the paired
differences are mostly zero and the estimate is nearly as precise as the nominal one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from iadsim.analysis.stats import Z95
from iadsim.errors import ValueRangeError

HOLDS, FAILS, UNDECIDED = "holds", "fails", "undecided"


@dataclass(frozen=True)
class Outcomes:
    """Per replication (same seeds in every field): aircraft shot down as written, with the
    connection restored, with every defence condition as designed; and, as written, the
    aircraft shot down by the SAM batteries and by every other shooter."""

    killed: np.ndarray
    connection: np.ndarray
    designed: np.ndarray
    sam_kills: np.ndarray
    other_kills: np.ndarray
    n_aircraft: int

    def __len__(self) -> int:
        return len(self.killed)

    def __getitem__(self, replications: slice) -> Outcomes:
        """Some of the replications (a slice), every field alike."""
        return Outcomes(
            *(getattr(self, f)[replications] for f in OUTCOME_FIELDS), n_aircraft=self.n_aircraft
        )

    def then(self, more: Outcomes) -> Outcomes:
        """These replications followed by `more`."""
        return Outcomes(
            *(np.concatenate([getattr(self, f), getattr(more, f)]) for f in OUTCOME_FIELDS),
            n_aircraft=self.n_aircraft,
        )


OUTCOME_FIELDS = ("killed", "connection", "designed", "sam_kills", "other_kills")


@dataclass(frozen=True)
class Estimate:
    """A mean and its 95% interval; `floor` is the half-width the nominal replications alone
    leave (what no number of paired replications at a range end can remove)."""

    mean: float
    lo: float
    hi: float
    n: int  # replications behind the paired part (or the whole, for the nominal)
    floor: float = 0.0

    def as_dict(self) -> dict:
        return {"mean": self.mean, "lo": self.lo, "hi": self.hi, "n": self.n}


def plain_estimate(x: np.ndarray) -> Estimate:
    """Mean and normal-approximation 95% interval of x."""
    x = np.asarray(x, float)
    n = len(x)
    half = Z95 * math.sqrt(float(np.var(x, ddof=1)) / n) if n > 1 else math.inf
    m = float(x.mean())
    return Estimate(m, m - half, m + half, n, half)


def anchored_estimate(nominal: np.ndarray, end: np.ndarray) -> Estimate:
    """Mean of x at a range end from m replications `end`, paired with the first m of the N
    nominal replications: A + B with A = mean_N(nominal), B = mean_m(end - nominal[:m]).

    Var(A + B) = s_x^2 / N + s_d^2 / m + 2 cov(x, d) / N (replications are independent, so
    only the first m nominal ones covary with the differences); a normal-approximation 95%
    interval. With m = N it is the plain estimate of `end`."""
    x = np.asarray(nominal, float)
    e = np.asarray(end, float)
    n_all, m = len(x), len(e)
    if not 1 < m <= n_all:
        raise ValueRangeError(
            f"need 2 <= m <= N paired replications, got m={m}, N={n_all}", parameter="end"
        )
    d = e - x[:m]
    mean = float(x.mean() + d.mean())
    var = (
        float(np.var(x, ddof=1)) / n_all
        + float(np.var(d, ddof=1)) / m
        + 2.0 * float(np.cov(x[:m], d, ddof=1)[0, 1]) / n_all
    )
    half = Z95 * math.sqrt(max(var, 0.0))
    floor = Z95 * math.sqrt(float(np.var(x, ddof=1)) / n_all)
    return Estimate(mean, mean - half, mean + half, m, floor)


@dataclass(frozen=True)
class Conclusion:
    """`text` holds when the mean of `statistic` is below (`below=True`) or at least
    `threshold`."""

    key: str
    text: str
    statistic: Callable[[Outcomes], np.ndarray]
    threshold: float
    below: bool
    unit: str  # what the statistic's value means, for the reader
    reads: tuple[int, ...]  # the runs it reads: 0 as written, 1 connection restored, 2 designed
    bounds: tuple[float, float] = (-math.inf, math.inf)  # where the mean can lie at all

    def estimate(self, nominal: Outcomes, end: Outcomes | None = None) -> Estimate:
        """The mean of the statistic: nominal alone, or at a range end anchored on it; the
        estimate and its interval clipped to where the mean can lie (a count's mean is not
        negative, though the anchored sum can be when the paired changes are negative)."""
        x = self.statistic(nominal)
        e = plain_estimate(x) if end is None else anchored_estimate(x, self.statistic(end))
        lo, hi = self.bounds

        def clip(v: float) -> float:
            return min(max(v, lo), hi)

        return replace(e, mean=clip(e.mean), lo=clip(e.lo), hi=clip(e.hi))

    def could_decide(self, e: Estimate) -> bool:
        """Whether more paired replications at the end could decide an undecided verdict:
        not when the threshold lies within the nominal replications' own half-width."""
        return abs(e.mean - self.threshold) > e.floor

    def verdict(self, lo: float, hi: float) -> str:
        """holds / fails when the whole interval is on one side of the threshold."""
        if self.below:
            return HOLDS if hi < self.threshold else FAILS if lo >= self.threshold else UNDECIDED
        return HOLDS if lo >= self.threshold else FAILS if hi < self.threshold else UNDECIDED


@dataclass(frozen=True)
class Statistic:
    """A per-replication number a conclusion can be about: how it is computed from
    `Outcomes`, what its value means, which runs it reads (0 as written, 1 connection
    restored, 2 designed) and where its mean can lie."""

    fn: Callable[[Outcomes], np.ndarray]
    unit: str
    reads: tuple[int, ...]
    bounds: tuple[float, float] = (-math.inf, math.inf)


STATISTICS: dict[str, Statistic] = {
    "sam_kills": Statistic(
        lambda o: o.sam_kills,
        "aircraft shot down by the SAM batteries per raid",
        (0,),
        (0.0, math.inf),
    ),
    "connection_gain": Statistic(
        lambda o: o.connection - o.killed,
        "aircraft shot down, connection restored minus as written",
        (0, 1),
    ),
    "designed_share": Statistic(
        lambda o: o.designed / o.n_aircraft,
        "share of the raid shot down as designed",
        (2,),
        (0.0, 1.0),
    ),
    "manpads_minus_sam": Statistic(
        lambda o: o.other_kills - o.sam_kills,
        "MANPADS kills minus SAM kills per raid",
        (0,),
    ),
}
"""The statistics a conclusions file (analysis.conclusions_file) may name. The conclusions
themselves, their thresholds and their history live in NAME.conclusions.yaml beside the
scenario, written before the results."""
