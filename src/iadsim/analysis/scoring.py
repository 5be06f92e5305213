"""Scoring a case against its record: the model's predictive distribution beside what
happened (`iadsim score`).

Each case is run N times (`prepare(...).replicate(replication_seed(root, i))`); every
replication is reduced to the per-aircraft facts the metrics need (killed, the first firm track
by a defence radar, SAM and MANPADS missiles launched at it). Then, per outcome of the record
(`analysis.history`):

- a count outcome (a value or an inclusive range for one night): P(the record) is the share of
  replications whose metric falls in the range, with its Wilson interval; its log score is
  log((k + 1/2) / (N + 1)) (the Jeffreys estimate, finite when no replication matches);
- a rate outcome (e.g. bombers lost per sortie): the model's rate is the metric summed over all
  replications per the `per` metric summed, with a Jeffreys Beta(K + 1/2, M - K + 1/2) interval;
  the record (count of trials) is scored by its beta-binomial predictive probability (log
  score) and a two-sided predictive tail probability (is the observed count unusual for the
  model?); the observed rate has its Wilson interval (widened over the sources' ranges);
- jointly: the share of replications in which every count outcome holds at once.

"Before the crest" (`detected_before_crest`) compares each aircraft's first firm radar track
with its crest time: the time it passes the highest ground under its ingress (from its start
to its first loiter, or the whole route without one), from the route and the world's DEM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats as sps

from iadsim.analysis.crest import crest_times
from iadsim.analysis.history import Outcome, Record, load_record, record_path
from iadsim.analysis.stats import wilson_interval
from iadsim.engine.run import Prepared, prepare
from iadsim.errors import InputError, Problem


@dataclass(frozen=True)
class CaseRuns:
    """Per replication (rows) and aircraft (columns): what the metrics read."""

    aircraft: list[str]
    killed: np.ndarray  # bool
    first_radar_track_s: np.ndarray  # inf: never firmly tracked by a radar
    launches_sam: np.ndarray  # missiles launched at the aircraft by SAM launchers
    launches_manpads: np.ndarray
    crest_s: np.ndarray  # per aircraft
    decoy: np.ndarray | None = None  # per aircraft: a decoy (not an aircraft lost or sortie)
    damaged: np.ndarray | None = None  # bool: hit and not lost (flew on or aborted)
    launches_gun: np.ndarray | None = None  # gun bursts fired at the aircraft

    @property
    def n(self) -> int:
        return self.killed.shape[0]


def run_case(prepared: Prepared, n: int, root_seed: int = 1, runner=None) -> CaseRuns:
    """Run replications 0..n-1 of a prepared case through the batch runner (`runner`, or this
    process) and keep what the metrics read, from each replication's record
    (analysis.records: per aircraft its kill, first firm radar track and missiles by class)."""
    from iadsim.analysis.montecarlo import run_records
    from iadsim.analysis.records import TABLES
    from iadsim.analysis.runner import Runner

    world = prepared.geometry.world
    ids = [a.id for a in world.aircraft]
    col = {a: i for i, a in enumerate(ids)}
    killed = np.zeros((n, len(ids)), bool)
    first = np.full((n, len(ids)), np.inf)
    sam = np.zeros((n, len(ids)))
    manpads = np.zeros((n, len(ids)))
    damaged = np.zeros((n, len(ids)), bool)
    gun = np.zeros((n, len(ids)))
    names = TABLES["aircraft"]
    if runner is None:
        with Runner(1) as local:
            records = run_records(prepared, n, local, root_seed=root_seed)
    else:
        records = run_records(prepared, n, runner, root_seed=root_seed)
    for i, rec in enumerate(records):
        for values in rec["aircraft"]:
            row = dict(zip(names, values, strict=True))
            a = col[row["aircraft"]]
            killed[i, a] = bool(row["killed"])
            if row["first_radar_track_s"] is not None:
                first[i, a] = row["first_radar_track_s"]
            sam[i, a] = row["sam_missiles"]
            manpads[i, a] = row["manpads_missiles"]
            gun[i, a] = row["gun_missiles"]
            damaged[i, a] = bool(row["damaged"]) and not row["killed"]
    crest = np.array([crest_times(prepared)[a] for a in ids])
    decoy = np.array([bool(a.spec.decoy) for a in world.aircraft])
    return CaseRuns(ids, killed, first, sam, manpads, crest, decoy, damaged, gun)


def _or_zero(x: np.ndarray | None, runs: CaseRuns) -> np.ndarray:
    return np.zeros(runs.killed.shape) if x is None else x


METRICS = {
    "aircraft_lost": lambda r, m: r.killed[:, m].sum(axis=1),
    "sorties": lambda r, m: np.full(r.n, float(m.sum())),
    "launches": lambda r, m: (r.launches_sam + r.launches_manpads)[:, m].sum(axis=1),
    "launches_sam": lambda r, m: r.launches_sam[:, m].sum(axis=1),
    "launches_manpads": lambda r, m: r.launches_manpads[:, m].sum(axis=1),
    "launches_gun": lambda r, m: _or_zero(r.launches_gun, r)[:, m].sum(axis=1),
    "aircraft_damaged": lambda r, m: _or_zero(r.damaged, r)[:, m].sum(axis=1),
    "aircraft_detected": lambda r, m: np.isfinite(r.first_radar_track_s[:, m]).sum(axis=1),
    "detected_before_crest": lambda r, m: (r.first_radar_track_s[:, m] < r.crest_s[None, m]).sum(
        axis=1
    ),
}
"""Model metric of each replication, for the aircraft selected by mask m. Launches count
missiles (guns: bursts); `sorties` is the number of aircraft; `aircraft_detected` counts aircraft
firmly tracked by a defence radar; `detected_before_crest` those so tracked before their crest
time; `aircraft_damaged` those hit and not lost (flew on or aborted: engine/guns.py)."""


def metric_values(runs: CaseRuns, name: str, aircraft: list[str] | None) -> np.ndarray:
    """The metric per replication, over the named aircraft; when None, over the raid's
    aircraft, decoys left out (launches at decoys still count: missiles spent)."""
    mask = np.ones(len(runs.aircraft), bool)
    if aircraft is not None:
        mask = np.isin(np.array(runs.aircraft), aircraft)
    elif runs.decoy is not None and not name.startswith("launches"):
        mask = ~runs.decoy
    return np.asarray(METRICS[name](runs, mask), float)


def _count_row(runs: CaseRuns, o: Outcome) -> tuple[dict, np.ndarray]:
    x = metric_values(runs, o.metric, o.aircraft)
    lo, hi = o.bounds
    holds = (x >= lo) & (x <= hi)
    k, n = int(holds.sum()), runs.n
    plo, phi = wilson_interval(k, n)
    row = {
        "observed": f"{lo}" if lo == hi else f"{lo}-{hi}",
        "predicted_mean": float(x.mean()),
        "p_record": k / n,
        "p_lo": plo,
        "p_hi": phi,
        "log_score": math.log((k + 0.5) / (n + 1.0)),
    }
    return row, holds


def _rate_row(runs: CaseRuns, o: Outcome) -> dict:
    num = float(metric_values(runs, o.metric, o.aircraft).sum())
    den = float(metric_values(runs, o.per, o.aircraft).sum())
    a, b = num + 0.5, max(den - num, 0.0) + 0.5
    rate_lo, rate_hi = sps.beta.ppf([0.025, 0.975], a, b)
    obs = o.observed
    k, m = obs.count, obs.of
    lows, highs = [], []
    for kk in obs.count_range or (k, k):
        for mm in obs.of_range or (m, m):
            lo_, hi_ = wilson_interval(min(kk, mm), mm)
            lows.append(lo_), highs.append(hi_)
    pred = sps.betabinom(m, a, b)
    tail = min(1.0, 2.0 * min(float(pred.cdf(k)), float(pred.sf(k - 1))))
    return {
        "observed": f"{k}/{m}",
        "observed_rate": k / m,
        "observed_lo": min(lows),
        "observed_hi": max(highs),
        "predicted_rate": num / den if den else float("nan"),
        "rate_lo": float(rate_lo),
        "rate_hi": float(rate_hi),
        "model_count": f"{num:g}/{den:g}",
        "p_record": float(pred.pmf(k)),
        "tail_p": tail,
        "log_score": float(pred.logpmf(k)),
    }


def score_runs(runs: CaseRuns, record: Record) -> dict:
    """Each outcome's score and the joint probability of the count outcomes."""
    rows, joint = [], np.ones(runs.n, bool)
    for o in record.outcomes:
        base = {
            "case": record.case,
            "outcome": o.name,
            "description": o.description,
            "kind": o.kind,
            "metric": o.metric or "",
            "confidence": o.confidence,
            "representable": o.representable,
        }
        if not o.representable:
            rows.append({**base, "why": o.why})
        elif o.kind == "count":
            row, holds = _count_row(runs, o)
            joint &= holds
            rows.append({**base, **row})
        else:
            rows.append({**base, **_rate_row(runs, o)})
    counts = [o for o in record.scored() if o.kind == "count"]
    k = int(joint.sum())
    lo, hi = wilson_interval(k, runs.n)
    return {
        "case": record.case,
        "event": record.event,
        "n": runs.n,
        "outcomes": rows,
        "joint": None
        if not counts
        else {
            "outcomes": [o.name for o in counts],
            "p_record": k / runs.n,
            "p_lo": lo,
            "p_hi": hi,
            "log_score": math.log((k + 0.5) / (runs.n + 1.0)),
        },
        "crest_s": dict(zip(runs.aircraft, map(float, runs.crest_s), strict=True)),
    }


def check_aircraft(record: Record, prepared: Prepared, path: Path) -> None:
    """Every aircraft an outcome names is in the scenario's raid."""
    known = {a.id for a in prepared.geometry.world.aircraft}
    problems = [
        Problem(str(path), None, None, f"outcomes.{i}.aircraft", f"{a!r} is not in the raid")
        for i, o in enumerate(record.outcomes)
        for a in o.aircraft or []
        if a not in known
    ]
    if problems:
        raise InputError(problems)


def score_case(scenario: Path, n: int, root_seed: int = 1, runner=None) -> dict:
    """Load a case and its record, run it n times (on `runner`, or in this process), score
    every outcome."""
    scenario = Path(scenario)
    rpath = record_path(scenario)
    if not rpath.exists():
        raise InputError(Problem(str(rpath), None, None, "", "no record file beside the scenario"))
    record = load_record(rpath)
    prepared = prepare(scenario)
    check_aircraft(record, prepared, rpath)
    result = score_runs(run_case(prepared, n, root_seed, runner), record)
    result["scenario"] = str(scenario)
    result["record_file"] = str(rpath)
    result["cannot_represent"] = list(record.cannot_represent)
    result["sources"] = [s.model_dump(mode="json") for s in record.sources]
    return result


def _score_job(shipped: tuple[int, int], case: Path) -> dict:
    n, root_seed = shipped
    return score_case(case, n, root_seed)


def score_set(cases: list[Path], n: int, root_seed: int = 1, workers: int = 1) -> list[dict]:
    """Score every case, on `workers` processes through the batch runner (the same numbers
    whatever the worker count: each case's seeds depend on the root seed only)."""
    from iadsim.analysis.runner import Runner

    results: list = [None] * len(cases)

    def done(chunk: list) -> None:
        for position, result in chunk:
            results[position] = result

    with Runner(workers) as runner:
        runner.map(_score_job, (n, root_seed), list(cases), done, max_chunk=1)
    return results
