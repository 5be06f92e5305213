"""Causes per night, not only shares: but-for causes and minimal sufficient sets, from the
attribution's common-random-number runs (analysis.attribute: every subset of the factor
groups set "as designed", on the same seeds).

For one case (a night, or one aircraft in one night) let y(S) be its outcome when the groups
in S are restored and the others left as observed; y(empty) is the night as it was, y(N) the
night as designed. Where y(N) != y(empty) (a gap):
- a group is a **but-for cause** when restoring it alone changes the outcome:
  y({i}) != y(empty);
- a group is **necessary** (to the designed outcome) when leaving it alone unrestored loses
  it: y(N - {i}) != y(N);
- a **minimal sufficient set** is a set S with y(S) = y(N) none of whose proper subsets has
  it: the smallest restorations that recover the designed outcome. A case's family of
  minimal sets is its causal structure: {{c, m}} means "both had to be restored", {{c}, {m}}
  "either one sufficed".
Two independent sufficient causes (a post in storage and its radio set failed: each alone
stops the chain) give: neither a but-for cause, both necessary, the pair the one minimal set.

Over cases, each proportion carries a Wilson 95% interval (analysis.stats). With cases per
aircraft the aircraft of one night are not independent draws, so those intervals are too
narrow by the within-night correlation; the per-night figures do not have that problem.
The Shapley shares (analysis.attribution) stay beside these: a fair division of a joint
effect, not "the share of the cause".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from iadsim.analysis.attribution import subset_of
from iadsim.analysis.metrics import WEAPON_CLASSES
from iadsim.analysis.metrics import metric as registry_metric
from iadsim.analysis.stats import wilson_interval
from iadsim.analysis.store import ResultStore
from iadsim.errors import InputError, Problem

SCOPES = ("night", "aircraft")


def case_causes(v: np.ndarray, k: int) -> tuple[int, int, tuple[int, ...]]:
    """For one case's subset outcomes `v` (2^k, by bit mask): (but-for mask, necessary mask,
    minimal sufficient set masks, smallest first). Empty where there is no gap."""
    full = (1 << k) - 1
    if v[full] == v[0]:
        return 0, 0, ()
    but_for = sum(1 << i for i in range(k) if v[1 << i] != v[0])
    necessary = sum(1 << i for i in range(k) if v[full ^ (1 << i)] != v[full])
    sufficient = [m for m in range(1, full + 1) if v[m] == v[full]]
    sufficient.sort(key=lambda m: (m.bit_count(), m))
    minimal: list[int] = []
    for m in sufficient:
        if not any(s & m == s for s in minimal):  # no sufficient proper subset
            minimal.append(m)
    return but_for, necessary, tuple(minimal)


def aircraft_outcome(metric: str) -> str | None:
    """The `aircraft` table column that gives a metric per aircraft (as whether it holds),
    or None where the metric exists only per night (kills by class)."""
    col = registry_metric(metric).column
    if col in ("killed", "engaged"):
        return col
    if col == "launches":
        return "launches"  # any missile fired at it
    for c in WEAPON_CLASSES:
        if col in (f"{c}_launches", f"{c}_engagements"):
            return f"{c}_missiles"
    return None


def _aircraft_values(rows, column: str) -> dict[tuple[int, str], float]:
    out = {}
    for r in rows:
        if r["decoy"]:
            continue
        if column == "launches":
            val = sum((r[f"{c}_missiles"] or 0) for c in WEAPON_CLASSES)
        else:
            val = r[column] or 0
        out[(int(r["idx"]), r["aircraft"])] = float(val > 0)
    return out


def case_table(
    out: Path, groups: tuple[str, ...], metric: str, n: int, scope: str
) -> tuple[list[tuple[int, str]], np.ndarray]:
    """(cases, V): the cases (replication index, aircraft or "" for a night) and their
    outcomes V (cases x 2^k) in every subset store under OUT/subsets."""
    from iadsim.analysis.attribute import subset_name

    cols: list[dict] = []
    for m in range(1 << len(groups)):
        path = out / "subsets" / subset_name(m, groups)
        with ResultStore(path, writer=False) as store:
            if scope == "night":
                rows = store.rows("replications", "WHERE idx < ?", (n,))
                vals = registry_metric(metric).values(rows)
                col = {(int(r["idx"]), ""): float(x) for r, x in zip(rows, vals, strict=True)}
            else:
                column = aircraft_outcome(metric)
                if column is None:
                    raise InputError(
                        Problem(
                            str(path), None, None, "metric", f"{metric} has no per-aircraft form"
                        )
                    )
                col = _aircraft_values(store.rows("aircraft", "WHERE idx < ?", (n,)), column)
        cols.append(col)
    cases = sorted(set(cols[0]).intersection(*cols[1:]))
    if len({int(i) for i, _ in cases}) != n:
        raise InputError(Problem(str(out), None, None, "", f"holds fewer than {n} replications"))
    return cases, np.array([[c[key] for c in cols] for key in cases], float)


@dataclass(frozen=True)
class Proportion:
    """k of n cases, with a Wilson 95% interval."""

    k: int
    n: int

    @property
    def p(self) -> float:
        return self.k / self.n if self.n else float("nan")

    def to_dict(self) -> dict:
        lo, hi = wilson_interval(self.k, self.n)
        return {"count": self.k, "cases": self.n, "p": self.p, "lo": lo, "hi": hi}


@dataclass(frozen=True)
class CausesPerCase:
    """But-for causes and minimal sufficient sets over the cases of one scope."""

    groups: tuple[str, ...]
    metric: str
    scope: str  # "night" or "aircraft"
    n_cases: int
    n_gap: int  # cases whose designed outcome differs from the observed one
    but_for: dict[str, Proportion]  # of the gap cases
    necessary: dict[str, Proportion]
    minimal_sets: dict[tuple[str, ...], Proportion]  # how often each set is minimal
    structures: dict[tuple[tuple[str, ...], ...], Proportion]  # each case's family of sets
    none_but_for: Proportion  # gap cases with no but-for cause at all (overdetermined)

    def to_dict(self) -> dict[str, Any]:
        def name(s: tuple[str, ...]) -> str:
            return "+".join(s)

        return {
            "metric": self.metric,
            "scope": self.scope,
            "groups": list(self.groups),
            "cases": self.n_cases,
            "cases_with_gap": self.n_gap,
            "but_for": {g: p.to_dict() for g, p in self.but_for.items()},
            "necessary": {g: p.to_dict() for g, p in self.necessary.items()},
            "no_but_for_cause": self.none_but_for.to_dict(),
            "minimal_sets": [
                {"set": list(s), "name": name(s), **p.to_dict()}
                for s, p in sorted(self.minimal_sets.items(), key=lambda kv: -kv[1].k)
            ],
            "structures": [
                {
                    "minimal_sets": [list(s) for s in fam],
                    "name": " | ".join(name(s) for s in fam),
                    **p.to_dict(),
                }
                for fam, p in sorted(self.structures.items(), key=lambda kv: -kv[1].k)
            ],
        }

    def rows(self) -> list[dict]:
        """Flat rows for a CSV: one per (kind, what)."""
        out = []
        for kind, table in (("but_for", self.but_for), ("necessary", self.necessary)):
            out += [{"kind": kind, "what": g, **p.to_dict()} for g, p in table.items()]
        d = self.to_dict()
        out.append({"kind": "no_but_for_cause", "what": "", **d["no_but_for_cause"]})
        for r in d["minimal_sets"]:
            out.append({"kind": "minimal_set", "what": r["name"], **_stats(r)})
        for r in d["structures"]:
            out.append({"kind": "structure", "what": r["name"], **_stats(r)})
        return [{"metric": self.metric, "scope": self.scope, **r} for r in out]


def _stats(r: dict) -> dict:
    return {k: r[k] for k in ("count", "cases", "p", "lo", "hi")}


def analyse_cases(v: np.ndarray, groups: tuple[str, ...], metric: str, scope: str):
    """`CausesPerCase` of a table V (cases x 2^k) of subset outcomes."""
    k = len(groups)
    names = [tuple(sorted(subset_of(m, groups))) for m in range(1 << k)]
    bf, nec = Counter(), Counter()
    sets: Counter = Counter()
    fams: Counter = Counter()
    gap = none = 0
    for row in v:
        b, nmask, minimal = case_causes(row, k)
        if not minimal:
            continue
        gap += 1
        none += b == 0
        for i, g in enumerate(groups):
            bf[g] += bool(b >> i & 1)
            nec[g] += bool(nmask >> i & 1)
        for m in minimal:
            sets[names[m]] += 1
        fams[tuple(names[m] for m in minimal)] += 1
    return CausesPerCase(
        groups,
        metric,
        scope,
        len(v),
        gap,
        {g: Proportion(bf[g], gap) for g in groups},
        {g: Proportion(nec[g], gap) for g in groups},
        {s: Proportion(c, gap) for s, c in sets.items()},
        {f: Proportion(c, gap) for f, c in fams.items()},
        Proportion(none, gap),
    )


def causes_per_night(
    run_or_out: Any, metric: str | None = None, scope: str = "night", n: int | None = None
) -> CausesPerCase:
    """But-for causes and minimal sufficient sets of an attribution (an `AttributionRun`,
    or its output directory with attribution.json), per night or per aircraft (`scope`);
    `metric` defaults to the attribution's. Reads the subset stores; runs nothing."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, got {scope!r}")
    if isinstance(run_or_out, (str, Path)):
        import json

        out = Path(run_or_out)
        data = json.loads((out / "attribution.json").read_text(encoding="utf-8"))
        groups, n_done, default = tuple(data["groups"]), int(data["n_replications"]), data["metric"]
    else:
        out, a = Path(run_or_out.out), run_or_out.attribution
        groups, n_done, default = a.groups, a.n, run_or_out.metric
    metric = metric or default
    _, v = case_table(out, groups, metric, n or n_done, scope)
    return analyse_cases(v, groups, metric, scope)


def minimal_sets_words(c: CausesPerCase, top: int = 3) -> list[str]:
    """Plain sentences for the most frequent structures: 'in 58% [51, 65] of the nights
    with a gap, connectivity and maintenance both had to be restored'."""
    unit = "nights" if c.scope == "night" else "aircraft-nights"
    out = []
    for r in c.to_dict()["structures"][:top]:
        fam = r["minimal_sets"]
        if len(fam) == 1 and len(fam[0]) == 2:
            what = f"both {fam[0][0]} and {fam[0][1]} had to be restored"
        elif len(fam) == 1 and len(fam[0]) > 2:
            what = ", ".join(fam[0]) + " all had to be restored"
        elif len(fam) == 1:
            what = f"restoring {fam[0][0]} alone sufficed, and nothing less"
        elif all(len(s) == 1 for s in fam):
            what = "any one of " + ", ".join(s[0] for s in fam) + " sufficed"
        else:
            what = "any of these sets sufficed: " + "; ".join(" + ".join(s) for s in fam)
        pct = f"{100 * r['p']:.0f}% [{100 * r['lo']:.0f}, {100 * r['hi']:.0f}]"
        out.append(f"in {pct} of the {unit} with a gap, {what}")
    return out


def causes_of(out: Path, groups: tuple[str, ...], metric: str, n: int) -> dict[str, CausesPerCase]:
    """Per scope (night; aircraft where the metric has a per-aircraft form) the causes of
    an attribution's first n replications (what `run_attribution` writes beside it)."""
    scopes = SCOPES if aircraft_outcome(metric) is not None else ("night",)
    return {
        s: analyse_cases(case_table(out, groups, metric, n, s)[1], groups, metric, s)
        for s in scopes
    }


def write_causes_csv(causes: dict[str, CausesPerCase], path: Path) -> Path:
    """The causes as one CSV (kind, what, count, cases, p, lo, hi per scope)."""
    import csv

    rows = [r for c in causes.values() for r in c.rows()]
    cols = ["metric", "scope", "kind", "what", "count", "cases", "p", "lo", "hi"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    return path
