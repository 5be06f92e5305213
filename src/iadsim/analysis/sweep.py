"""Parameter sweeps: `--param PATH=START:STOP:STEPS` over a full grid, every point run with the
same seeds (common random numbers), written as a table (CSV and Parquet) and a plot (PNG)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from iadsim.analysis.montecarlo import StoredBatch, run_stores
from iadsim.analysis.reason_shift import reason_shift
from iadsim.analysis.runner import Runner
from iadsim.analysis.stats import estimate, metric_vectors
from iadsim.analysis.store import ResultStore
from iadsim.analysis.store_checks import store_path
from iadsim.analysis.variants import Assignment, make_variant
from iadsim.engine.run import Prepared, prepare, prepare_variant
from iadsim.errors import InputError, Problem
from iadsim.limits import MAX_SWEEP_POINTS
from iadsim.scenario import Scenario

SWEEP_METRICS = ("p_any_killed", "mean_killed", "mean_engaged", "mean_launches", "mean_detected")


@dataclass(frozen=True)
class Param:
    path: str
    values: tuple


def parse_param(text: str) -> Param:
    """`PATH=START:STOP:STEPS` (STEPS >= 1 evenly spaced values, ends included) or
    `PATH=V1,V2,...` (an explicit list of values)."""
    from iadsim.analysis.variants import parse_value

    def bad(msg: str) -> InputError:
        return InputError(Problem("<command line>", None, None, "--param", f"{text!r}: {msg}"))

    if "=" not in text:
        raise bad("expected PATH=START:STOP:STEPS")
    path, spec = (s.strip() for s in text.split("=", 1))
    if "," in spec:
        return Param(path, tuple(parse_value(v.strip()) for v in spec.split(",")))
    parts = spec.split(":")
    if len(parts) != 3:
        raise bad("expected START:STOP:STEPS (e.g. 0:1:5) or a list V1,V2,...")
    try:
        start, stop = float(parts[0]), float(parts[1])
        steps = int(parts[2])
    except ValueError:
        raise bad("START and STOP must be numbers and STEPS an integer") from None
    if steps < 1:
        raise bad("STEPS must be at least 1")
    if steps > MAX_SWEEP_POINTS:
        raise bad(f"STEPS must be at most {MAX_SWEEP_POINTS:,} (limits.MAX_SWEEP_POINTS)")
    if not (np.isfinite(start) and np.isfinite(stop)):
        raise bad("START and STOP must be finite numbers")
    vals = np.linspace(start, stop, steps) if steps > 1 else np.array([start])
    integral = all(p.strip().lstrip("-").isdigit() for p in parts[:2]) and np.allclose(
        vals, np.round(vals)
    )
    values = (
        tuple(int(round(v)) for v in vals) if integral else tuple(round(float(v), 12) for v in vals)
    )
    return Param(path, values)


def grid(params: list[Param]) -> list[tuple]:
    """Every combination of the parameters' values (refused above limits.MAX_SWEEP_POINTS)."""
    size = math.prod(len(p.values) for p in params)
    if size > MAX_SWEEP_POINTS:
        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--param",
                f"the grid has {size:,} points, more than the limit of {MAX_SWEEP_POINTS:,} "
                "(limits.MAX_SWEEP_POINTS, docs/limits.md)",
            )
        )
    return list(itertools.product(*(p.values for p in params)))


def run_sweep(
    scenario: Prepared | Scenario | str | Path,
    params: list[Param],
    n: int,
    out: str | Path,
    runner: Runner,
    metrics: tuple[str, ...] = (),
    **batch: Any,
) -> pa.Table:
    """Run every grid point (validated first) into OUT/points/ on one pool and return the
    table (`report.sweep.write_sweep` writes it and its plot): SWEEP_METRICS and `metrics`
    (metric_vectors names, e.g. a registry metric's `vector_name`); `batch`: root_seed,
    resume, progress as in `montecarlo.run_stores`."""
    base_prepared = scenario if isinstance(scenario, Prepared) else prepare(scenario)
    base = base_prepared.scenario
    out = Path(out)
    points = grid(params)
    labels = ["; ".join(f"{p.path}={v}" for p, v in zip(params, pt, strict=True)) for pt in points]
    batches = []
    for k, (point, label) in enumerate(zip(points, labels, strict=True)):
        assigns = [
            Assignment(p.path, v, f"{p.path}={v}") for p, v in zip(params, point, strict=True)
        ]
        prepared = prepare_variant(base_prepared, make_variant(base, assigns))
        batches.append(StoredBatch(f"p{k:03d}", prepared, out / "points" / f"p{k:03d}", label))
    run_stores(batches, n, runner, what=f"sweep: {len(points)} points x {n} replications", **batch)
    rows = []
    for b, point in zip(batches, points, strict=True):
        with ResultStore(b.out, writer=False, limit=n) as store:
            vecs = metric_vectors(store)
        row = {"point": b.key}
        row.update({p.path: v for p, v in zip(params, point, strict=True)})
        row["n"] = n
        for m in SWEEP_METRICS + tuple(x for x in metrics if x not in SWEEP_METRICS):
            kind, v = vecs[m]
            e = estimate(m, v, kind)
            row[m], row[f"{m}_lo"], row[f"{m}_hi"] = e.mean, e.lo, e.hi
        rows.append(row)
    return pa.Table.from_pylist(rows)


def reason_shifts(out: str | Path, table: pa.Table, params: list[Param]) -> list[dict]:
    """Per grid point after the first: the paired shift of every unit's reason shares against
    the first point (same seeds), read from the points' stores."""
    out = Path(out)
    rows = table.to_pylist()
    shifts = []
    with ResultStore(store_path(out / "points" / rows[0]["point"]), writer=False) as first:
        for row in rows[1:]:
            label = "; ".join(f"{p.path}={row[p.path]}" for p in params)
            with ResultStore(store_path(out / "points" / row["point"]), writer=False) as store:
                for r in reason_shift(first, store):
                    shifts.append({"point": row["point"], "values": label, **r})
    return shifts
