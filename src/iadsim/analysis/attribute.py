"""`iadsim attribute`: which defence condition explains how much of the outcome.

For every subset of factor groups set "as designed" (analysis.factors) the scenario is run with
the same replication seeds (common random numbers). Each subset is one Monte Carlo batch kept
in its own results store (OUT/subsets/<name>/results.sqlite, analysis.store), so an
interrupted attribution resumes like `mc --resume` and every subset can be read back with the
usual tools. One pool of worker processes serves all subsets; the prepared scenarios (which
share one geometry) are shipped to each worker once.

Replications are added in rounds until every group's share of designed - observed has a
bootstrap interval half-width under the target (default 3 points) or the cap is reached;
analysis.attribution does the arithmetic.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from iadsim.analysis.attribution import Attribution, analyse, replications_needed, subset_of
from iadsim.analysis.factors import active_groups, as_designed, canonical
from iadsim.analysis.montecarlo import _exit_when_orphaned, batch_identity, run_one
from iadsim.analysis.store import ResultStore, store_path
from iadsim.engine.rng import replication_seed
from iadsim.engine.run import Prepared, prepare, prepare_variant
from iadsim.errors import InputError, Problem
from iadsim.io.outputs import write_json
from iadsim.scenario import Scenario

METRICS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "killed": lambda killed, engaged: killed,
    "any_killed": lambda killed, engaged: (killed > 0).astype(float),
    "engaged": lambda killed, engaged: engaged,
    "any_engaged": lambda killed, engaged: (engaged > 0).astype(float),
}
"""Outcome per replication from a store's replications table: aircraft killed / engaged, or
whether any was."""

DEFAULT_TARGET = 0.03
DEFAULT_N_MIN = 20
DEFAULT_N_MAX = 400


@dataclass(frozen=True)
class AttributionRun:
    """An attribution and how it was reached."""

    attribution: Attribution
    metric: str
    target: float
    rounds: tuple[int, ...]  # replications per subset after each round
    wall_s: float
    out: Path
    reached_target: bool

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "target_half_width": self.target,
            "reached_target": self.reached_target,
            "rounds": list(self.rounds),
            "wall_s": self.wall_s,
            **self.attribution.to_dict(),
        }


def subset_name(mask: int, groups: tuple[str, ...]) -> str:
    s = sorted(subset_of(mask, groups))
    return f"s{mask:03d}-" + ("+".join(s) if s else "observed")


class _Subsets:
    """The 2^k prepared variants of a scenario (one geometry shared) and their stores."""

    def __init__(self, base: Prepared, groups: tuple[str, ...], out: Path, root_seed: int):
        self.groups, self.out, self.root_seed = groups, out, root_seed
        self.masks = list(range(1 << len(groups)))
        self.prepared: dict[int, Prepared] = {}
        for m in self.masks:
            variant = as_designed(base.scenario, subset_of(m, groups)) if m else base.scenario
            self.prepared[m] = prepare_variant(base, variant) if m else base
        self.paths = {m: store_path(out / "subsets" / subset_name(m, groups)) for m in self.masks}

    def bind(self, resume: bool) -> dict[int, set[int]]:
        """Bind every store to its variant (refusing foreign or unasked-for data)."""
        done = {}
        for m in self.masks:
            label = "attribute as designed: " + (
                ",".join(sorted(subset_of(m, self.groups))) or "none"
            )
            ident = batch_identity(self.prepared[m].scenario, self.root_seed, label)
            with ResultStore(self.paths[m]) as store:
                store.bind(ident, resume=resume)
                done[m] = store.done()
        return done

    def table(self, metric: str, n: int) -> np.ndarray:
        """(n x 2^k) outcomes of replications 0..n-1."""
        cols = []
        for m in self.masks:
            with ResultStore(self.paths[m], writer=False) as store:
                rows = store.rows("replications", "WHERE idx < ?", (n,))
            if len(rows) != n:
                raise RuntimeError(f"subset {m} holds {len(rows)} of {n} replications")
            killed = np.array([r[8] for r in rows], float)
            engaged = np.array([r[7] for r in rows], float)
            cols.append(METRICS[metric](killed, engaged))
        return np.stack(cols, axis=1)


_WORKER: dict[int, Prepared] | None = None


def _init_worker(blob: bytes) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = pickle.loads(blob)
    _exit_when_orphaned(os.getppid())  # a killed parent leaves no worker behind


def _task(mask: int, idx: int, seed: int) -> tuple[int, dict]:
    assert _WORKER is not None, "worker not initialized"
    return mask, run_one(_WORKER[mask], idx, seed)


def _run_round(
    subsets: _Subsets,
    todo: list[tuple[int, int, int]],
    workers: int,
    blob: bytes | None,
    advance: Callable[[int], None],
) -> None:
    """Run (mask, idx, seed) tasks, storing each record in its subset's store as it ends.

    The pool lives inside the stores' lifetime (its forked workers inherit the stores' lock
    files, so it is shut down before the stores close and release their locks)."""
    stores = {m: ResultStore(p) for m, p in subsets.paths.items()}
    pool = None
    if blob is not None and todo:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(blob,))
    try:
        if pool is None:
            for m, idx, seed in todo:
                stores[m].append(run_one(subsets.prepared[m], idx, seed))
                advance(1)
            return
        pending = iter(todo)
        inflight = set()
        for task in pending:
            inflight.add(pool.submit(_task, *task))
            if len(inflight) >= 4 * workers:
                break
        try:
            while inflight:
                finished, inflight = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in finished:
                    m, record = fut.result()
                    stores[m].append(record)
                    advance(1)
                    nxt = next(pending, None)
                    if nxt is not None:
                        inflight.add(pool.submit(_task, *nxt))
        except BaseException:
            for fut in inflight:
                fut.cancel()
            raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        for s in stores.values():
            s.close()


def run_attribution(
    scenario: Scenario | Prepared | str | Path,
    out: str | Path,
    groups: Sequence[str] | None = None,
    *,
    metric: str = "killed",
    root_seed: int = 1,
    workers: int = 1,
    target: float = DEFAULT_TARGET,
    n_min: int = DEFAULT_N_MIN,
    n_max: int = DEFAULT_N_MAX,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> AttributionRun:
    """Attribute designed - observed of `metric` over the factor groups (default: every
    defence condition that changes something in the scenario), adding replications until
    every share's interval half-width is under `target` or n_max replications per subset.

    `progress(done, total)` is called as replications finish (total grows between rounds).
    Writes OUT/attribution.json; the subset stores stay in OUT/subsets/."""
    t0 = time.perf_counter()
    if metric not in METRICS:
        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--metric",
                f"unknown metric {metric!r}; one of: {', '.join(sorted(METRICS))}",
            )
        )
    if not (2 <= n_min <= n_max):
        raise InputError(
            Problem("<command line>", None, None, "-n", f"need 2 <= n <= n-max, got {n_min}")
        )
    if workers < 1:
        raise InputError(Problem("<command line>", None, None, "--workers", "need at least 1"))
    base = scenario if isinstance(scenario, Prepared) else prepare(scenario)
    names = active_groups(base.scenario, None if groups is None else canonical(groups))
    if not names:
        raise InputError(
            Problem(
                str(base.scenario.path),
                None,
                None,
                "--groups",
                "no chosen factor group changes anything in this scenario: nothing to attribute",
            )
        )
    out = Path(out)
    subsets = _Subsets(base, tuple(names), out, root_seed)
    done = subsets.bind(resume)
    k = len(names)
    n, rounds = n_min, []
    total_planned = n * (1 << k)
    finished = sum(len({i for i in d if i < n}) for d in done.values())
    report = progress or (lambda d, t: None)
    report(finished, total_planned)

    def advance(step: int) -> None:
        nonlocal finished
        finished += step
        report(finished, total_planned)

    blob = None
    if workers > 1:
        blob = pickle.dumps(subsets.prepared, protocol=pickle.HIGHEST_PROTOCOL)
    while True:
        todo = [
            (m, i, replication_seed(root_seed, i))
            for i in range(n)
            for m in subsets.masks
            if i not in done[m]
        ]
        _run_round(subsets, todo, workers, blob, advance)
        for m, i, _ in todo:
            done[m].add(i)
        a = analyse(subsets.table(metric, n), names)
        rounds.append(n)
        reached = a.max_share_half_width <= target
        # the first round's widest half-width is a rough guide (few replications): a 15%
        # margin; later ones rest on many replications and overshoot less with 5%
        nxt = replications_needed(a, target, n_max, growth=1.15 if len(rounds) == 1 else 1.05)
        if reached or nxt <= n:
            break
        total_planned += (nxt - n) * (1 << k)
        finished = sum(len({i for i in d if i < nxt}) for d in done.values())
        n = nxt
    result = AttributionRun(
        a, metric, target, tuple(rounds), time.perf_counter() - t0, out, reached
    )
    write_json(result.to_dict(), out / "attribution.json")
    return result


def shares_add_up(a: Attribution) -> bool:
    """Efficiency: the Shapley values sum to the total difference (no term adjusted)."""
    return bool(
        math.isclose(math.fsum(a.shapley[g].mean for g in a.groups), a.total.mean, abs_tol=1e-9)
    )
