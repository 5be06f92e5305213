"""Uncertainty in the notional numbers: an outer loop over parameter sets, an inner loop of
replications, and what the outcomes owe to each uncertain number.

- `run_sets(model, values, ...)`: for each parameter set (a row of values for the model's
  uncertain numbers) the scenario and optional what-if variants run the same replication seeds
  (common random numbers inside a set and across sets). Sets run on the batch runner
  (analysis.runner), one set per job; a set that changes nothing the geometry reads reuses
  the nominal geometry; finished sets can be kept on disk (`keep`) so a run resumes.
- `morris(...)` (screening, many parameters: r trajectories of D+1 sets) and `sobol(...)`
  (first-order and total Sobol indices, N(D+2) sets) via SALib, on the unit cube mapped
  through each number's quantile function, so indices are about the plausible ranges.
- `oat_rows(model)`: each number at the low and high ends of its range, the others nominal
  (analysis.robustness runs them to see which conclusions survive each plausible range).
- `two_level_interval(d)`: a mean over (set, replication) with an interval that resamples sets
  and replications within them, so counterfactual intervals include parameter uncertainty.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from iadsim.analysis.factors import as_designed
from iadsim.analysis.runner import ProgressFn, Runner, Tally
from iadsim.analysis.uncertain_model import UncertainModel
from iadsim.analysis.variants import Assignment, make_variant
from iadsim.engine.guns import sightlines_of
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


def evaluate_set(ctx: dict, job: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Runner work: one parameter set (values, columns): the base case (column 0) and each
    what-if (columns 1..), on replications first..first+n-1; `columns` says which to run (the
    others are NaN)."""
    values, columns = job
    model: UncertainModel = ctx["model"]
    base: Prepared = ctx["base"]
    n_cols = 1 + len(ctx["whatifs"])
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
    dask: Any = None,
    base: Prepared | None = None,
    progress: ProgressFn | None = None,
    first: int = 0,
    columns: Sequence[tuple[bool, ...]] | None = None,
    keep: Path | None = None,
    what: str = "",
) -> SetOutcomes:
    """Run every parameter set (rows of `values`) on replications first..first+n-1 (the same
    seeds in every set). `columns`, one tuple per row, says which of the base case and the
    what-ifs to run in that row; the others come back NaN (a caller that knows their results
    already, from an identical scenario, fills them in). `keep`: a directory where each
    finished set is kept (`SetKeeper`), so a run interrupted and started again reuses them."""
    values = np.atleast_2d(np.asarray(values, float))
    if values.shape[1] != len(model.numbers):
        raise ValueRangeError(
            f"need {len(model.numbers)} values per set, got {values.shape[1]}", parameter="values"
        )
    base = base or prepare(model.nominal_scenario())
    # the ledger's units: weapon units, then gun sites of their own (engine.replication)
    sight = sightlines_of(base.geometry)
    guns = tuple(site.id for site in sight.sites) if sight is not None else ()
    units = tuple(u.id for u in base.geometry.world.units if u.role("launcher")) + guns
    ctx = {
        "model": model,
        "base": base,
        "n": n,
        "first": first,
        "root_seed": root_seed,
        "whatifs": tuple(whatifs),
        "units": units,
    }
    rows = [tuple(float(x) for x in row) for row in values]
    if columns is not None and len(columns) != len(rows):
        raise ValueRangeError(
            f"need one column plan per set, got {len(columns)} for {len(rows)}",
            parameter="columns",
        )
    n_cols = 1 + len(whatifs)
    jobs = [
        (row, (True,) * n_cols if columns is None else tuple(columns[k]))
        for k, row in enumerate(rows)
    ]
    keeper = SetKeeper(keep, ctx) if keep is not None else None
    out: list = [keeper.get(job) if keeper else None for job in jobs]
    cost = [n * sum(job[1]) for job in jobs]
    what = what or f"{len(rows)} parameter sets x {n} replications"
    kept = sum(c for c, o in zip(cost, out, strict=True) if o is not None)
    tally = Tally(progress, sum(cost), what, done=kept)

    def finished(results: list[tuple[int, tuple[np.ndarray, np.ndarray]]]) -> None:
        for k, res in results:
            out[todo[k]] = res
            if keeper is not None:
                keeper.put(jobs[todo[k]], res)
            tally.add(cost[todo[k]])

    todo = [k for k, o in enumerate(out) if o is None]
    with Runner(workers, dask) as runner:
        runner.map(evaluate_set, ctx, [jobs[k] for k in todo], finished, max_chunk=1)
    return SetOutcomes(
        values=values,
        killed=np.stack([o[0] for o in out]),
        unit_kills=np.stack([o[1] for o in out]),
        units=units,
        whatifs=tuple(w.name for w in whatifs),
    )


class SetKeeper:
    """Finished parameter sets kept as OUT/sets/<key>.npz, the key a hash of everything the
    set's result depends on (the nominal scenario, the values, the what-ifs, the columns run,
    the replications and the root seed): a set found there is the same set, seed for seed."""

    def __init__(self, directory: Path, ctx: dict):
        from iadsim.analysis.montecarlo import scenario_hash

        self.dir = Path(directory) / "sets"
        whatifs = [(w.name, w.groups, [a.text for a in w.assignments]) for w in ctx["whatifs"]]
        self.context = json.dumps(
            [scenario_hash(ctx["base"].scenario), ctx["n"], ctx["first"], ctx["root_seed"], whatifs]
        )

    def _path(self, job: tuple) -> Path:
        key = hashlib.sha256(json.dumps([self.context, job[0], job[1]]).encode()).hexdigest()
        return self.dir / f"{key[:32]}.npz"

    def get(self, job: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        path = self._path(job)
        if not path.is_file():
            return None
        try:
            with np.load(path) as z:
                return z["killed"], z["unit_kills"]
        except (OSError, ValueError, KeyError):
            return None  # a damaged file: the set runs again

    def put(self, job: tuple, result: tuple[np.ndarray, np.ndarray]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self._path(job)
        tmp = path.with_suffix(f".tmp-{os.getpid()}.npz")
        np.savez(tmp, killed=result[0], unit_kills=result[1])
        os.replace(tmp, path)


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

    def analyse(y: np.ndarray) -> dict:
        return analyze.analyze(problem, x, y, num_levels=levels, seed=seed)

    return _indices("morris", model, x, analyse, run_sets(model, to_values(model, x), n, **run))


def sobol(
    model: UncertainModel, base_n: int, n: int, *, seed: int = 1, **run
) -> tuple[Sensitivity, Sensitivity, SetOutcomes]:
    """First-order and total Sobol indices (Saltelli/Jansen estimators, SALib)."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    problem = _problem(model)
    x = sample.sample(problem, base_n, calc_second_order=False, seed=seed)

    def analyse(y: np.ndarray) -> dict:
        return analyze.analyze(problem, y, calc_second_order=False, seed=seed)

    return _indices("sobol", model, x, analyse, run_sets(model, to_values(model, x), n, **run))


INDICES = {
    "morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}
"""The indices kept of each SALib method's result."""


def _indices(
    method: str, model: UncertainModel, x: np.ndarray, analyse, sets: SetOutcomes
) -> tuple[Sensitivity, Sensitivity, SetOutcomes]:
    """The method's indices (SALib's `analyse(y)`) for both outcomes of the sets run at x."""
    out = []
    for name, y in (("mean_killed", sets.mean()), ("p_any_killed", sets.p_any())):
        si = analyse(y)
        idx = {k: np.asarray(si[k], float) for k in INDICES[method]}
        out.append(Sensitivity(method, name, tuple(model.names), idx, len(x)))
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
