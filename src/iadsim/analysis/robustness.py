"""Which conclusions survive each notional number's plausible range (one number at a time).

Each uncertain number is set to the low and to the high end of its range, the others at their
nominal values; at each end the base case and the what-ifs the conclusions need run on the
first m replication seeds, and each conclusion's mean is anchored on the N nominal
replications (analysis.conclusions.anchored_estimate). Ends where some conclusion is
undecided (its interval straddles the threshold) get more replications, doubling up to m_max.

Two savings, both exact:
- a (set, what-if) whose scenario and catalog are identical to the nominal one's (a range
  end equal to the nominal value, or a what-if that sets the number's mechanism as designed
  anyway) is not run: its replications are the nominal ones, seed for seed;
- the nominal replications come from the attribution's stores; the nominal set is run on the
  first m_min seeds only to check that they are the same replications (they must be).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from iadsim.analysis.conclusions import OUTCOME_FIELDS, UNDECIDED, Conclusion, Outcomes
from iadsim.analysis.runner import ProgressFn
from iadsim.analysis.store import ResultStore
from iadsim.analysis.uncertain_model import UncertainModel
from iadsim.analysis.uncertainty import SetOutcomes, WhatIf, oat_rows, run_sets
from iadsim.engine.run import Prepared
from iadsim.errors import IadsimError, InputError, Problem, ValueRangeError
from iadsim.scenario import Scenario


class ReplayError(IadsimError):
    """The nominal set did not replay the stored replications (a store of another build)."""


WHATIFS = ("connection restored", "all as designed")
"""The what-ifs the conclusions read, in the order Outcomes expects them after the base case."""


def outcomes_from_stores(
    observed: ResultStore,
    connection: ResultStore,
    designed: ResultStore,
    sam_units: Sequence[str],
    n_aircraft: int,
    n: int,
) -> Outcomes:
    """The nominal Outcomes of replications 0..n-1 from three Monte Carlo stores of the same
    seeds (the attribution's observed, connectivity-as-designed and all-as-designed subsets;
    a store may hold more replications, from an earlier run in the same directory)."""

    def killed(store: ResultStore) -> np.ndarray:
        rows = store.rows("replications", "WHERE idx < ?", (n,))
        if [r["idx"] for r in rows] != list(range(n)):
            raise InputError(
                Problem(
                    str(store.path), None, None, "", f"replications 0..{n - 1} are not all stored"
                )
            )
        return np.array([r["killed"] for r in rows], float)

    base = killed(observed)
    sam, other = np.zeros(n), np.zeros(n)
    for row in observed.rows("ledger", "WHERE stage = ? AND idx < ?", ("killed", n)):
        (sam if row["unit"] in sam_units else other)[row["idx"]] += 1
    return Outcomes(base, killed(connection), killed(designed), sam, other, n_aircraft)


def fingerprint(scenario: Scenario) -> str:
    """What a run depends on: the scenario's data, its catalog and where it lives."""
    h = hashlib.sha256(scenario.spec.model_dump_json().encode())
    h.update(scenario.catalog.model_dump_json().encode())
    h.update(str(scenario.path).encode())
    return h.hexdigest()


def column_plan(model: UncertainModel, rows: np.ndarray, whatifs: Sequence[WhatIf]) -> list:
    """For each row (row 0 nominal): which of base + what-ifs differ from the nominal set's
    (and must run). The nominal row runs everything (the identity check)."""
    prints = []
    for row in rows:
        sc = model.scenario_at([float(x) for x in row])
        prints.append([fingerprint(sc)] + [fingerprint(w.apply(sc)) for w in whatifs])
    nominal = prints[0]
    plan = [tuple(True for _ in nominal)]
    plan += [tuple(p != q for p, q in zip(pr, nominal, strict=True)) for pr in prints[1:]]
    return plan


def _outcomes(
    sets: SetOutcomes, j: int, sam_idx: list[int], nominal: Outcomes, first: int
) -> Outcomes:
    """Row j of a run as Outcomes, the columns not run filled with the nominal replications
    of the same seeds."""
    ref = nominal[first : first + sets.killed.shape[2]]
    k = sets.killed[j]
    uk = sets.unit_kills[j]
    ran = ~np.isnan(k[:, 0])
    sam = uk[:, sam_idx].sum(axis=1) if ran[0] else ref.sam_kills
    other = uk.sum(axis=1) - sam if ran[0] else ref.other_kills
    pick = [k[c] if ran[c] else getattr(ref, f) for c, f in enumerate(OUTCOME_FIELDS[:3])]
    return Outcomes(*pick, sam, other, n_aircraft=nominal.n_aircraft)


def _judge(
    conclusions: Sequence[Conclusion],
    nominal: Outcomes,
    end: Outcomes | None,
    ran: tuple[bool, ...] = (),
) -> tuple:
    """Each conclusion's estimate and verdict, and whether more replications at this end
    could decide one that is undecided (it reads a run made here, and the nominal
    replications' own uncertainty does not already straddle its threshold)."""
    est, verdict, more = {}, {}, False
    for c in conclusions:
        e = c.estimate(nominal, end)
        est[c.key] = e.as_dict()
        verdict[c.key] = c.verdict(e.lo, e.hi)
        if verdict[c.key] == UNDECIDED and any(ran[i] for i in c.reads if i < len(ran)):
            more = more or c.could_decide(e)
    return est, verdict, more


def _range_table(model: UncertainModel, rows, plan, judged: dict, m: dict) -> list[dict]:
    """One row per uncertain number: its range and, at each end, the value, replications, which
    runs were made, the estimates and the verdicts."""
    table = []
    for d, (name, num) in enumerate(zip(model.names, model.numbers, strict=True)):
        row = {
            "parameter": name,
            "file": Path(num.file).name,
            "line": num.line,
            "range": num.dist.describe(),
            "why": num.dist.why,
        }
        for side, j in (("low", 1 + 2 * d), ("high", 2 + 2 * d)):
            est, verdict, _ = judged[j]
            row[side] = {
                "value": float(rows[j][d]),
                "m": m[j],
                "ran": [bool(x) for x in plan[j]],  # base, then each what-if; else nominal's
                "estimates": est,
                "verdicts": verdict,
            }
        table.append(row)
    return table


def survive_ranges(
    model: UncertainModel,
    nominal: Outcomes,
    sam_units: Sequence[str],
    whatifs: Sequence[WhatIf],
    *,
    conclusions: Sequence[Conclusion],
    m_min: int,
    m_max: int,
    base: Prepared,
    workers: int = 1,
    root_seed: int = 1,
    progress: ProgressFn | None = None,
    keep: Path | None = None,
) -> dict:
    """Every uncertain number at both ends of its range: each of the `conclusions` (from the
    conclusions file, analysis.conclusions_file) estimated and judged (holds / fails /
    undecided), with more replications where undecided."""
    if [w.name for w in whatifs] != list(WHATIFS):
        raise ValueRangeError(
            f"the conclusions read the what-ifs {WHATIFS}, in that order", parameter="whatifs"
        )
    n_all = len(nominal)
    m_max = min(m_max, n_all)
    m_min = min(m_min, m_max)
    rows = oat_rows(model)
    plan = column_plan(model, rows, whatifs)
    run = dict(
        whatifs=whatifs,
        workers=workers,
        root_seed=root_seed,
        base=base,
        progress=progress,
        keep=keep,
    )
    sets = run_sets(model, rows, m_min, columns=plan, **run)
    units = list(sets.units)
    sam_idx = [units.index(u) for u in sam_units if u in units]
    check = _outcomes(sets, 0, sam_idx, nominal, 0)
    for f in OUTCOME_FIELDS:
        if not np.array_equal(getattr(check, f), getattr(nominal, f)[:m_min]):
            raise ReplayError(
                f"the nominal parameter set does not replay the attribution's replications "
                f"({f} differs): the sensitivity step cannot be anchored on them; the stores in "
                "the output directory were made by another iadsim or scenario: use another output "
                "directory"
            )
    ends: dict[int, Outcomes] = {
        j: _outcomes(sets, j, sam_idx, nominal, 0) for j in range(1, len(rows))
    }
    m = {j: m_min for j in ends}
    while True:
        judged = {j: _judge(conclusions, nominal, ends[j], plan[j]) for j in ends}
        more = [j for j in ends if judged[j][2] and m[j] < m_max]
        if not more:
            break
        first = min(m[j] for j in more)
        more = [j for j in more if m[j] == first]
        nxt = min(m_max, 2 * first)
        what = f"sensitivity: {len(more)} range ends undecided, {first} -> {nxt} replications"
        extra = run_sets(
            model,
            rows[more],
            nxt - first,
            first=first,
            columns=[plan[j] for j in more],
            what=what,
            **run,
        )
        for k, j in enumerate(more):
            ends[j] = ends[j].then(_outcomes(extra, k, sam_idx, nominal, first))
            m[j] = nxt
    nom_est, nom_verdict, _ = _judge(conclusions, nominal, None)
    table = _range_table(model, rows, plan, judged, m)
    return {
        "conclusions": [
            {"key": c.key, "text": c.text, "unit": c.unit, "threshold": c.threshold}
            for c in conclusions
        ],
        "nominal": {"n": n_all, "estimates": nom_est, "verdicts": nom_verdict},
        "m_min": m_min,
        "m_max": m_max,
        "runs": int(sum(m[j] * sum(plan[j]) for j in ends) + m_min * len(plan[0])),
        "table": table,
    }
