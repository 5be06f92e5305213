"""How a what-if moves the reasons kill chains end: per defending unit, the share of aircraft
whose chain with that unit ended on each reason (or was a kill), and its paired shift between
two batches run with the same seeds.

Per replication i and unit u, share[i, u, r] = (aircraft whose chain with u ended on r) /
(aircraft). The shift of a variant is the mean over common replications of
share_variant[i] - share_base[i], with a percentile bootstrap interval of that paired mean
(analysis.stats.paired_difference): "restoring the links moves 40% [35, 45] of the S-300's
chains from LINK_DOWN to NOT_DETECTED".
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from iadsim.analysis.stats import paired_difference
from iadsim.analysis.store import ResultStore

KILLED = "KILLED"


def reason_shares(store: ResultStore) -> tuple[list[int], dict[tuple[str, str], np.ndarray]]:
    """Replication indices and, per (unit, reason), the share of aircraft per replication."""
    idx = [r["idx"] for r in store.rows("replications")]
    pos = {i: k for k, i in enumerate(idx)}
    counts: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(len(idx)))
    aircraft: dict[str, set] = defaultdict(set)
    for row in store.rows("ledger"):
        i, ac, unit = row["idx"], row["aircraft"], row["unit"]
        label = KILLED if row["stage"] == "killed" else row["reason"]
        counts[(unit, label)][pos[i]] += 1
        aircraft[unit].add(ac)
    return idx, {k: v / len(aircraft[k[0]]) for k, v in counts.items()}


def reason_shift(base: ResultStore, variant: ResultStore, min_share: float = 0.01) -> list[dict]:
    """Paired shift of every (unit, reason) share whose base or variant mean reaches
    min_share; sorted by unit, then by the size of the shift."""
    bi, bs = reason_shares(base)
    vi, vs = reason_shares(variant)
    common = sorted(set(bi) & set(vi))
    bpos = {i: k for k, i in enumerate(bi)}
    vpos = {i: k for k, i in enumerate(vi)}
    rows = []
    for key in sorted(set(bs) | set(vs)):
        b = bs.get(key, np.zeros(len(bi)))[[bpos[i] for i in common]]
        v = vs.get(key, np.zeros(len(vi)))[[vpos[i] for i in common]]
        if not common or max(b.mean(), v.mean()) < min_share:
            continue
        d = paired_difference(b, v, f"{key[0]}:{key[1]}", "share")
        rows.append(
            {
                "unit": key[0],
                "reason": key[1],
                "n": d["n"],
                "base_share": d["base_mean"],
                "variant_share": d["variant_mean"],
                "shift": d["diff"],
                "lo": d["lo"],
                "hi": d["hi"],
            }
        )
    rows.sort(key=lambda r: (r["unit"], -abs(r["shift"])))
    return rows
