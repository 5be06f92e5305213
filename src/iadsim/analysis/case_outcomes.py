"""The case study's outcome summaries of a store: what a batch did (per aircraft and per
weapon class, with intervals), where its chains broke, and a what-if's paired change from
the scenario as written (analysis.case_study)."""

from __future__ import annotations

import numpy as np

from iadsim.analysis.metrics import METRICS, WEAPON_CLASSES
from iadsim.analysis.stats import estimate, paired_difference, reason_frequencies, wilson_interval
from iadsim.analysis.store import ResultStore

SAM_METRIC = "sam_launches"
"""The SAMs' own question ("why did the long- and medium-range SAMs not fire?") is asked of
this metric; "why was no aircraft lost?" of aircraft shot down (`killed`)."""


def outcome_summary(store: ResultStore) -> dict:
    """Per batch and per aircraft: P(detected/tracked/reported/engaged/killed) and counts."""
    reps = store.rows("replications")
    n = len(reps)
    killed = np.array([r["killed"] for r in reps], float)
    engaged = np.array([r["engaged"] for r in reps], float)

    def prop(x: np.ndarray) -> dict:
        k = int(x.sum())
        lo, hi = wilson_interval(k, n)
        return {"p": k / n, "lo": lo, "hi": hi}

    per_ac: dict[str, dict[str, list]] = {}
    for row in store.rows("aircraft"):
        flags = ("detected", "tracked", "engaged", "killed")
        d = per_ac.setdefault(row["aircraft"], {f: [] for f in flags})
        for f in flags:
            d[f].append(row[f])
    e = estimate("killed", killed, "mean")

    def mean(col: str) -> dict:
        x = METRICS[col].values(reps)
        m = estimate(col, x, "mean")
        return {"mean": m.mean, "lo": m.lo, "hi": m.hi}

    classes = {
        c: {
            "launches": mean(f"{c}_launches"),
            "any_launch": prop(METRICS[f"any_{c}_launches"].values(reps)),
            "engagements": mean(f"{c}_engagements"),
            "kills": mean(f"{c}_kills"),
        }
        for c in WEAPON_CLASSES
    }
    return {
        "classes": classes,
        "n": n,
        "mean_killed": {"mean": e.mean, "lo": e.lo, "hi": e.hi},
        "p_any_killed": prop(killed > 0),
        "p_any_engaged": prop(engaged > 0),
        "aircraft": {
            ac: {f: prop(np.array(v, float)) for f, v in d.items()} for ac, d in per_ac.items()
        },
    }


def where_chains_broke(store: ResultStore, top: int = 2) -> dict[str, dict[str, list[dict]]]:
    """Per aircraft and defending unit: the most frequent (stage, reason) endings."""
    out: dict[str, dict[str, list[dict]]] = {}
    for r in reason_frequencies(store):
        rows = out.setdefault(r["aircraft"], {}).setdefault(r["unit"], [])
        if len(rows) < top:
            rows.append({k: r[k] for k in ("stage", "reason", "fraction", "lo", "hi")})
    return out


def paired_outcomes(base: ResultStore, other: ResultStore) -> dict:
    b = {r["idx"]: r for r in base.rows("replications")}
    o = {r["idx"]: r for r in other.rows("replications")}
    common = sorted(set(b) & set(o))
    out = {}
    for name, col, f in (
        ("p_any_engaged", "engaged", lambda x: float(x > 0)),
        ("p_any_killed", "killed", lambda x: float(x > 0)),
        ("mean_killed", "killed", float),
        ("mean_sam_launches", SAM_METRIC, float),
        ("p_any_sam_launch", SAM_METRIC, lambda x: float(x > 0)),
    ):
        bv = np.array([f(b[i][col]) for i in common])
        ov = np.array([f(o[i][col]) for i in common])
        out[name] = paired_difference(bv, ov, name)
    return out
