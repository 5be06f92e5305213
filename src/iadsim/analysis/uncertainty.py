"""Uncertainty in the notional numbers: an outer loop over parameter sets, an inner loop of
replications, and what the outcomes owe to each uncertain number.

- `run_sets(model, values, ...)`: for each parameter set (a row of values for the model's
  uncertain numbers) the scenario and optional what-if variants run the same replication seeds
  (common random numbers inside a set and across sets). Sets run in a pool of workers; a set
  that changes nothing the geometry reads (engine.run.geometry_key) reuses the nominal geometry.
- `morris(...)` (screening, many parameters: r trajectories of D+1 sets) and `sobol(...)`
  (first-order and total Sobol indices, N(D+2) sets) via SALib, on the unit cube mapped
  through each number's quantile function, so indices are about the plausible ranges.
- `oat_rows(model)`: each number at the low and high ends of its range, the others nominal
  (analysis.robustness runs them to see which conclusions survive each plausible range).
- `two_level_interval(d)`: a mean over (set, replication) with an interval that resamples sets
  and replications within them, so counterfactual intervals include parameter uncertainty.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from iadsim.analysis.factors import as_designed
from iadsim.analysis.montecarlo import _exit_when_orphaned
from iadsim.analysis.uncertain_model import UncertainModel
from iadsim.analysis.variants import Assignment, make_variant
from iadsim.engine.rng import replication_seed
from iadsim.engine.run import Prepared, prepare, prepare_variant
from iadsim.errors import ValueRangeError
from iadsim.scenario import Scenario


@dataclass(frozen=True)
class WhatIf:
    """A what-if applied to every parameter set: factor groups as designed and/or --set."""

    name: str
    groups: tuple[str, ...] = ()
    assignments: tuple[Assignment, ...] = ()

    def apply(self, scenario: Scenario) -> Scenario:
        out = as_designed(scenario, self.groups) if self.groups else scenario
        return make_variant(out, list(self.assignments)) if self.assignments else out


@dataclass(frozen=True)
class SetOutcomes:
    """Per parameter set and replication: aircraft killed (base, then each what-if) and kills
    per defending unit in the base case."""

    values: np.ndarray  # (J, D)
    killed: np.ndarray  # (J, 1 + n_whatifs, n)
    unit_kills: np.ndarray  # (J, n, n_units) base case
    units: tuple[str, ...]
    whatifs: tuple[str, ...]

    def mean(self, what: str = "base") -> np.ndarray:
        """Mean aircraft killed per set."""
        return self.killed[:, self._col(what)].mean(axis=1)

    def p_any(self, what: str = "base") -> np.ndarray:
        return (self.killed[:, self._col(what)] > 0).mean(axis=1)

    def _col(self, what: str) -> int:
        return 0 if what == "base" else 1 + self.whatifs.index(what)


_W: dict | None = None


def _init(blob: bytes) -> None:
    global _W
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _W = pickle.loads(blob)
    _exit_when_orphaned(os.getppid())


def _one_set(job: tuple[tuple[float, ...], tuple[bool, ...] | None]):
    assert _W is not None
    return _evaluate(_W, *job)


def _evaluate(
    ctx: dict, values, columns: tuple[bool, ...] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Run one parameter set: the base case (column 0) and each what-if (columns 1..), on
    replications first..first+n-1; `columns` says which to run (the others are NaN)."""
    model: UncertainModel = ctx["model"]
    base: Prepared = ctx["base"]
    n_cols = 1 + len(ctx["whatifs"])
    columns = columns or (True,) * n_cols
    seeds = [
        replication_seed(ctx["root_seed"], i) for i in range(ctx["first"], ctx["first"] + ctx["n"])
    ]
    units = ctx["units"]
    killed = np.full((n_cols, len(seeds)), np.nan)
    unit_kills = np.full((len(seeds), len(units)), np.nan)
    if not any(columns):
        return killed, unit_kills
    scenario = model.scenario_at(list(values))
    prepared = prepare_variant(base, scenario)  # a new geometry only where the set needs one
    if columns[0]:
        unit_kills[:] = 0.0
        for r, seed in enumerate(seeds):
            res = prepared.replicate(seed)
            killed[0, r] = sum(bool(a["killed"]) for a in res.aircraft)
            t = res.ledger.table()
            stages = t.column("stage").to_pylist()
            for u, st in zip(t.column("unit").to_pylist(), stages, strict=True):
                if st == "killed":
                    unit_kills[r, units.index(u)] += 1
    for w, whatif in enumerate(ctx["whatifs"], 1):
        if not columns[w]:
            continue
        # the what-if shares this set's catalog: its geometry is this set's where it can be
        vp = prepare_variant(prepared, whatif.apply(scenario))
        for r, seed in enumerate(seeds):
            killed[w, r] = sum(bool(a["killed"]) for a in vp.replicate(seed).aircraft)
    return killed, unit_kills


def run_sets(
    model: UncertainModel,
    values: np.ndarray,
    n: int,
    *,
    whatifs: Sequence[WhatIf] = (),
    root_seed: int = 1,
    workers: int = 1,
    base: Prepared | None = None,
    progress: Callable[[int, int], None] | None = None,
    first: int = 0,
    columns: Sequence[tuple[bool, ...]] | None = None,
) -> SetOutcomes:
    """Run every parameter set (rows of `values`) on replications first..first+n-1 (the same
    seeds in every set). `columns`, one tuple per row, says which of the base case and the
    what-ifs to run in that row; the others come back NaN (a caller that knows their results
    already, from an identical scenario, fills them in)."""
    values = np.atleast_2d(np.asarray(values, float))
    if values.shape[1] != len(model.numbers):
        raise ValueRangeError(f"need {len(model.numbers)} values per set, got {values.shape[1]}")
    base = base or prepare(model.nominal_scenario())
    units = tuple(u.id for u in base.geometry.world.units if u.role("launcher"))
    ctx = {
        "model": model,
        "base": base,
        "n": n,
        "first": first,
        "root_seed": root_seed,
        "whatifs": tuple(whatifs),
        "units": units,
    }
    report = progress or (lambda d, t: None)
    rows = [tuple(float(x) for x in row) for row in values]
    if columns is not None and len(columns) != len(rows):
        raise ValueRangeError(f"need one column plan per set, got {len(columns)} for {len(rows)}")
    jobs = [(row, None if columns is None else tuple(columns[k])) for k, row in enumerate(rows)]
    out = []
    report(0, len(rows))
    if workers <= 1:
        for k, job in enumerate(jobs):
            out.append(_evaluate(ctx, *job))
            report(k + 1, len(rows))
    else:
        blob = pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL)
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(blob,)) as pool:
            for k, res in enumerate(pool.map(_one_set, jobs)):
                out.append(res)
                report(k + 1, len(rows))
    return SetOutcomes(
        values=values,
        killed=np.stack([o[0] for o in out]),
        unit_kills=np.stack([o[1] for o in out]),
        units=units,
        whatifs=tuple(w.name for w in whatifs),
    )


def to_values(model: UncertainModel, unit_cube: np.ndarray) -> np.ndarray:
    """Map points of [0, 1]^D through each number's quantile function."""
    return np.array(
        [[num.value(u) for num, u in zip(model.numbers, row, strict=True)] for row in unit_cube],
        float,
    )


def _problem(model: UncertainModel) -> dict:
    d = len(model.numbers)
    if d < 2:
        raise ValueRangeError("global sensitivity needs at least 2 uncertain numbers")
    return {"num_vars": d, "names": model.names, "bounds": [[0.0, 1.0]] * d}


@dataclass(frozen=True)
class Sensitivity:
    """Global sensitivity of one outcome to each uncertain number."""

    method: str
    outcome: str
    names: tuple[str, ...]
    index: dict[str, np.ndarray]  # morris: mu_star, mu_star_conf, sigma; sobol: S1, S1_conf..
    n_sets: int

    def rows(self) -> list[dict]:
        return [
            {"parameter": nm, **{k: float(v[i]) for k, v in self.index.items()}}
            for i, nm in enumerate(self.names)
        ]


def morris(
    model: UncertainModel,
    trajectories: int,
    n: int,
    *,
    levels: int = 4,
    seed: int = 1,
    **run,
) -> tuple[Sensitivity, Sensitivity, SetOutcomes]:
    """Morris elementary effects on mean aircraft killed and P(at least one killed)."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    problem = _problem(model)
    x = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    sets = run_sets(model, to_values(model, x), n, **run)
    out = []
    for name, y in (("mean_killed", sets.mean()), ("p_any_killed", sets.p_any())):
        si = analyze.analyze(problem, x, y, num_levels=levels, seed=seed)
        idx = {k: np.asarray(si[k], float) for k in ("mu_star", "mu_star_conf", "mu", "sigma")}
        out.append(Sensitivity("morris", name, tuple(model.names), idx, len(x)))
    return out[0], out[1], sets


def sobol(
    model: UncertainModel, base_n: int, n: int, *, seed: int = 1, **run
) -> tuple[Sensitivity, Sensitivity, SetOutcomes]:
    """First-order and total Sobol indices (Saltelli/Jansen estimators, SALib)."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    problem = _problem(model)
    x = sample.sample(problem, base_n, calc_second_order=False, seed=seed)
    sets = run_sets(model, to_values(model, x), n, **run)
    out = []
    for name, y in (("mean_killed", sets.mean()), ("p_any_killed", sets.p_any())):
        si = analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        idx = {k: np.asarray(si[k], float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        out.append(Sensitivity("sobol", name, tuple(model.names), idx, len(x)))
    return out[0], out[1], sets


def oat_rows(model: UncertainModel) -> np.ndarray:
    """Parameter sets: nominal, then each number at the low and at the high end of its range
    (row 0 nominal; rows 1 + 2d and 2 + 2d: number d low and high)."""
    nominal = np.array(model.nominal_values, float)
    rows = [nominal]
    for d, num in enumerate(model.numbers):
        lo, hi = num.dist.plausible_range
        for v in (lo, hi):
            row = nominal.copy()
            row[d] = int(round(v)) if num.integer else v
            rows.append(row)
    return np.array(rows)


def latin_hypercube(model: UncertainModel, sets: int, seed: int = 1) -> np.ndarray:
    """`sets` parameter sets spread over the ranges (scipy's Latin hypercube, seeded)."""
    from scipy.stats import qmc

    u = qmc.LatinHypercube(d=len(model.numbers), seed=seed).random(sets)
    return to_values(model, u)


def two_level_interval(
    d: np.ndarray, confidence: float = 0.95, n_boot: int = 2000, seed: int = 20260103
) -> tuple[float, float, float]:
    """Mean of d (sets x replications) and a bootstrap interval resampling sets, then
    replications within each chosen set."""
    d = np.asarray(d, float)
    j, n = d.shape
    rng = np.random.default_rng(seed)
    inner = np.stack(
        [rng.multinomial(n, np.full(n, 1 / n), size=n_boot) @ d[k] / n for k in range(j)], 1
    )
    outer = rng.integers(0, j, size=(n_boot, j))
    boot = np.take_along_axis(inner, outer, axis=1).mean(axis=1)
    a = (1 - confidence) / 2
    lo, hi = np.quantile(boot, [a, 1 - a])
    return float(d.mean()), float(lo), float(hi)


def finite(x: float) -> bool:
    return isinstance(x, float) and math.isfinite(x)
