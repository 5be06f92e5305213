"""Statistics over a Monte Carlo store: estimates with 95% confidence intervals, convergence
with N, and kill-chain reason frequencies ("why was nothing shot down?").

Proportions get Wilson score intervals (good coverage even near 0 and 1, where Monte Carlo
proportions of IADS outcomes often sit); every other statistic gets a percentile bootstrap
with a fixed seed, so the same store always gives the same numbers. Everything is computed
in replication-index order: results never depend on the order replications finished.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from iadsim.analysis.metrics import DEFAULT_METRIC, METRICS, metric
from iadsim.analysis.records import TABLES
from iadsim.analysis.store import ResultStore
from iadsim.errors import ValueRangeError

Z95 = 1.959963984540054
BOOTSTRAP_SEED = 20260103
N_BOOT = 2000


def z_value(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2.0))


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n.

    centre = (p + z^2/2n) / (1 + z^2/n), half = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n).
    With n = 0 the interval is the whole [0, 1]."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= k <= n:
        raise ValueRangeError(f"need 0 <= k <= n, got k={k}, n={n}", parameter="k")
    z = Z95 if confidence == 0.95 else z_value(confidence)
    p = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


def bootstrap_ci(
    values, confidence: float = 0.95, n_boot: int = N_BOOT, seed: int = BOOTSTRAP_SEED
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of `values` (deterministic for a seed)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    if n == 1 or np.all(x == x[0]):
        return float(x[0]), float(x[0])
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    chunk = max(1, 4_000_000 // n)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = x[idx].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(means, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


@dataclass(frozen=True)
class Estimate:
    """One outcome metric: its mean over replications and a 95% confidence interval."""

    metric: str
    kind: str  # "proportion" (Wilson) or "mean" (bootstrap)
    n: int
    mean: float
    lo: float
    hi: float

    def as_dict(self) -> dict:
        return asdict(self)


def estimate(metric: str, values, kind: str | None = None) -> Estimate:
    """Mean and 95% CI; 0/1 values (or kind="proportion") use Wilson, others bootstrap."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if kind is None:
        kind = "proportion" if n and np.all((x == 0) | (x == 1)) else "mean"
    if n == 0:
        return Estimate(metric, kind, 0, math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if kind == "proportion":
        lo, hi = wilson_interval(int(round(x.sum())), n)
    else:
        lo, hi = bootstrap_ci(x)
    return Estimate(metric, kind, n, mean, lo, hi)


# ------------------------------------------------------------------ metric extraction

COUNT_METRICS = (
    "killed",
    "damaged",
    "engaged",
    "detected",
    "tracked",
    "reported",
    "launches",
    "destroyed_components",
)
AIRCRAFT_FLAGS = ("detected", "tracked", "reported", "engaged", "killed", "damaged")
MAIN_METRICS = ("p_any_killed", "mean_killed", "mean_engaged")


def metric_vectors(store: ResultStore) -> dict[str, tuple[str, np.ndarray]]:
    """Per-replication values of every outcome metric, in index order: name -> (kind, values).

    Per batch: P(at least one aircraft killed), mean counts of killed/engaged/... aircraft,
    launches and destroyed components, and every metric of the registry (analysis.metrics:
    per weapon class, `mean_sam_launches`, `p_any_sam_launches`, ...). Per aircraft:
    P(detected/tracked/reported/engaged/killed) and the mean time of first detection (over
    replications where it was detected)."""
    reps = store.rows("replications")
    idx = [r["idx"] for r in reps]
    pos = {i: k for k, i in enumerate(idx)}
    n = len(idx)
    cols = {c: np.array([r[c] for r in reps], float) for c in TABLES["replications"]}
    out: dict[str, tuple[str, np.ndarray]] = {}
    out["p_any_killed"] = ("proportion", (cols["killed"] > 0).astype(float) if n else np.zeros(0))
    out["p_all_survived"] = (
        "proportion",
        (cols["killed"] == 0).astype(float) if n else np.zeros(0),
    )
    for c in COUNT_METRICS:
        out[f"mean_{c}"] = ("mean", cols[c] if n else np.zeros(0))
    for m in METRICS.values():
        if m.vector_name not in out:
            out[m.vector_name] = ("proportion" if m.any else "mean", m.values(reps))
    per_ac: dict[str, dict[str, np.ndarray]] = defaultdict(dict)
    for row in store.rows("aircraft"):
        if row["decoy"]:
            continue  # a decoy is not an aircraft of the raid (summary.json counts it apart)
        i, ac = row["idx"], row["aircraft"]
        d = per_ac[ac]
        if not d:
            for f in AIRCRAFT_FLAGS:
                d[f] = np.full(n, np.nan)
            d["first_detected_s"] = np.full(n, np.nan)
        for f in AIRCRAFT_FLAGS:
            d[f][pos[i]] = row[f]
        if row["first_detected_s"] is not None:
            d["first_detected_s"][pos[i]] = row["first_detected_s"]
    for ac, d in per_ac.items():
        for f in AIRCRAFT_FLAGS:
            out[f"{ac}.p_{f}"] = ("proportion", d[f])
        out[f"{ac}.first_detected_s"] = ("mean", d["first_detected_s"])
    return out


def summarize(store: ResultStore) -> list[Estimate]:
    """Mean and 95% CI of every outcome metric of a store."""
    return [estimate(name, v, kind) for name, (kind, v) in metric_vectors(store).items()]


def checkpoints(n: int) -> list[int]:
    """1-2-5 steps from 10 up to n, always ending with n."""
    pts, base = [], 10
    while base <= n:
        for m in (1, 2, 5):
            if base * m < n:
                pts.append(base * m)
        base *= 10
    pts.append(n)
    return sorted(set(p for p in pts if p >= 1))


def convergence(store: ResultStore, metrics: tuple[str, ...] = MAIN_METRICS) -> list[dict]:
    """Running estimates of the main metrics over the first k replications (index order):
    one row per (k, metric) with mean, CI and half-width, to judge whether N is enough."""
    vecs = metric_vectors(store)
    n = len(next(iter(vecs.values()))[1]) if vecs else 0
    rows = []
    for k in checkpoints(n) if n else []:
        for m in metrics:
            if m not in vecs:
                continue
            kind, v = vecs[m]
            e = estimate(m, v[:k], kind)
            rows.append(
                {
                    "n": k,
                    "metric": m,
                    "mean": e.mean,
                    "lo": e.lo,
                    "hi": e.hi,
                    "half_width": (e.hi - e.lo) / 2.0,
                }
            )
    return rows


def reason_frequencies(store: ResultStore) -> list[dict]:
    """For each (aircraft, unit): how often its kill chain stopped at each (stage, reason),
    over all replications, with a Wilson interval; sorted by pair then frequency.

    This answers "why was nothing shot down?" with numbers: e.g. HELO-1 x S300-BN stopped at
    `reported` for LINK_DOWN in 87% of replications. `element` is the failing element the
    ledger named most often for that row (ties: the first by name; None where none was
    named), in `element_count` of its `count` replications."""
    n = store.count()
    counts: Counter = Counter()
    elements: dict[tuple, Counter] = {}
    for row in store.rows("ledger"):
        key = (row["aircraft"], row["unit"], row["stage"], row["reason"])
        counts[key] += 1
        if row["element"] is not None:
            elements.setdefault(key, Counter())[row["element"]] += 1
    rows = []
    for (ac, unit, stage, reason), k in counts.items():
        lo, hi = wilson_interval(k, n)
        named = elements.get((ac, unit, stage, reason))
        top = min(named.items(), key=lambda kv: (-kv[1], kv[0])) if named else (None, 0)
        rows.append(
            {
                "aircraft": ac,
                "unit": unit,
                "stage": stage,
                "reason": reason,
                "count": k,
                "fraction": k / n,
                "lo": lo,
                "hi": hi,
                "element": top[0],
                "element_count": top[1],
            }
        )
    rows.sort(key=lambda r: (r["aircraft"], r["unit"], -r["count"], r["stage"], r["reason"]))
    return rows


def reason_totals(store: ResultStore) -> list[dict]:
    """How often each reason stopped a chain, over all (aircraft, unit) pairs: `share`, the
    share of pair-replications whose headline reason (the first in the gate order) it was
    (kills are reason NONE; these shares sum to 100%); `blocking_share`, the share in which
    it was among the reasons blocking the chain where it stopped (ledger `reasons`: a pair
    counts under each reason that blocked it, so these shares sum to more than 100%)."""
    counts: Counter = Counter()
    blocking: Counter = Counter()
    total = 0
    for row in store.rows("ledger"):
        counts[row["reason"]] += 1
        rs = row["reasons"].split(";") if row["reasons"] else [row["reason"]]
        blocking.update(set(rs))
        total += 1
    return [
        {
            "reason": r,
            "count": counts[r],
            "share": counts[r] / total if total else math.nan,
            "blocking_count": blocking[r],
            "blocking_share": blocking[r] / total if total else math.nan,
        }
        for r in sorted(set(counts) | set(blocking), key=lambda r: (-counts[r], -blocking[r], r))
    ]


def paired_difference(base, variant, metric: str = "", kind: str = "mean") -> dict:
    """Mean of variant - base over replications with the same seed (common random numbers),
    with a percentile bootstrap 95% CI of that mean, and how many replications changed."""
    b = np.asarray(base, float)
    v = np.asarray(variant, float)
    ok = np.isfinite(b) & np.isfinite(v)
    d = v[ok] - b[ok]
    if len(d) == 0:
        return {
            "metric": metric,
            "kind": kind,
            "n": 0,
            "base_mean": math.nan,
            "variant_mean": math.nan,
            "diff": math.nan,
            "lo": math.nan,
            "hi": math.nan,
            "changed": 0,
        }
    lo, hi = bootstrap_ci(d)
    return {
        "metric": metric,
        "kind": kind,
        "n": int(len(d)),
        "base_mean": float(b[ok].mean()),
        "variant_mean": float(v[ok].mean()),
        "diff": float(d.mean()),
        "lo": lo,
        "hi": hi,
        "changed": int(np.count_nonzero(d)),
    }


def before_crest(store: ResultStore, crest_s: Mapping[str, float]) -> list[Estimate]:
    """Per aircraft with a crest time (analysis.crest): the share of replications in which a
    defence radar held a firm track on it before it crossed its crest (never tracked counts
    as not), `<aircraft>.p_radar_track_before_crest`, with its Wilson interval. None where the
    store predates the column (schema < 5)."""
    n = store.count()
    if n == 0 or "first_radar_track_s" not in store._have("aircraft"):
        return []
    hits: dict[str, int] = dict.fromkeys(crest_s, 0)
    for row in store.rows("aircraft"):
        ac, t = row["aircraft"], row["first_radar_track_s"]
        if ac in hits:
            hits[ac] += int(t is not None and t < crest_s[ac])
    out = []
    for ac, k in hits.items():
        v = np.zeros(n)
        v[:k] = 1.0
        out.append(estimate(f"{ac}.p_radar_track_before_crest", v, "proportion"))
    return out


def batch_report(
    store: ResultStore,
    headline: str = DEFAULT_METRIC,
    crest_s: Mapping[str, float] | None = None,
) -> dict:
    """Everything above, JSON-ready: estimates, convergence (the main metrics and the
    `headline` metric of the registry, `--metric`), reasons; with `crest_s` (each aircraft's
    crest time, analysis.crest) whether a radar tracked it before the crest."""
    meta = store.meta()
    chosen = metric(headline)
    kind, values = metric_vectors(store)[chosen.vector_name]
    main = MAIN_METRICS + tuple(m for m in (chosen.vector_name,) if m not in MAIN_METRICS)
    return {
        "scenario": meta.get("scenario"),
        "root_seed": int(meta["root_seed"]) if "root_seed" in meta else None,
        "variant": meta.get("variant", ""),
        "n": store.count(),
        "notional": True,
        "estimates": [e.as_dict() for e in summarize(store)]
        + [e.as_dict() for e in before_crest(store, crest_s or {})],
        "crest_s": dict(crest_s or {}),
        "headline": {
            **estimate(chosen.vector_name, values, kind).as_dict(),
            "metric": chosen.name,
            "meaning": chosen.meaning,
        },
        "convergence": convergence(store, main),
        "reasons": reason_frequencies(store),
        "reason_totals": reason_totals(store),
    }
