"""Parameter sweeps: `--param PATH=START:STOP:STEPS` over a full grid, every point run with the
same seeds (common random numbers), written as a table (CSV and Parquet) and a plot (PNG)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from iadsim.analysis.compare import _bar, _null
from iadsim.analysis.montecarlo import dask_client, run_batch
from iadsim.analysis.stats import estimate, metric_vectors
from iadsim.analysis.store import ResultStore, store_path
from iadsim.analysis.variants import Assignment, make_variant
from iadsim.engine.run import prepare, prepare_variant
from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario, load_scenario

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
    vals = np.linspace(start, stop, steps) if steps > 1 else np.array([start])
    integral = all(p.strip().lstrip("-").isdigit() for p in parts[:2]) and np.allclose(
        vals, np.round(vals)
    )
    values = (
        tuple(int(round(v)) for v in vals) if integral else tuple(round(float(v), 12) for v in vals)
    )
    return Param(path, values)


def grid(params: list[Param]) -> list[tuple]:
    return list(itertools.product(*(p.values for p in params)))


def run_sweep(
    scenario: Scenario | str | Path,
    params: list[Param],
    n: int,
    out: str | Path,
    *,
    root_seed: int = 1,
    workers: int = 1,
    dask=None,
    resume: bool = False,
    progress=True,
) -> pa.Table:
    """Run every grid point (validated first) and return the table (also written to OUT)."""
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    out = Path(out)
    points = grid(params)
    variants = []
    for point in points:
        assigns = [
            Assignment(p.path, v, f"{p.path}={v}") for p, v in zip(params, point, strict=True)
        ]
        variants.append(make_variant(base, assigns))
    bar = _bar(progress)
    rows = []
    try:
        ctx = dask_client(dask, workers) if dask is not None else _null()
        with ctx as client:
            base_prepared = prepare(base)
            for k, (point, scen) in enumerate(zip(points, variants, strict=True)):
                name = f"p{k:03d}"
                label = "; ".join(f"{p.path}={v}" for p, v in zip(params, point, strict=True))
                run_batch(
                    prepare_variant(base_prepared, scen),
                    n,
                    out / "points" / name,
                    root_seed=root_seed,
                    workers=workers,
                    dask=client,
                    resume=resume,
                    variant=label,
                    progress=bar if bar is not None else False,
                    description=name,
                )
                with ResultStore(store_path(out / "points" / name)) as store:
                    vecs = metric_vectors(store)
                row = {"point": name}
                row.update({p.path: v for p, v in zip(params, point, strict=True)})
                row["n"] = n
                for m in SWEEP_METRICS:
                    kind, v = vecs[m]
                    e = estimate(m, v, kind)
                    row[m], row[f"{m}_lo"], row[f"{m}_hi"] = e.mean, e.lo, e.hi
                rows.append(row)
    finally:
        if bar is not None:
            bar.stop()
    table = pa.Table.from_pylist(rows)
    write_table(table, out)
    plot_sweep(
        table, params, out / "sweep.png", title=f"{base.spec.scenario} (N={n} per point, notional)"
    )
    return table


def write_table(table: pa.Table, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, writer in (("sweep.csv", pacsv.write_csv), ("sweep.parquet", pq.write_table)):
        tmp = out / (name + ".tmp")
        writer(table, tmp)
        tmp.replace(out / name)


def plot_sweep(
    table: pa.Table,
    params: list[Param],
    path: Path,
    title: str = "",
    metrics=("mean_killed", "p_any_killed"),
) -> Path:
    """One parameter: each metric against it with its 95% CI band. Two numeric parameters:
    a heat map of the first metric. More: the metric against the first parameter, one line
    per combination of the others."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = table.to_pydict()
    numeric = all(
        isinstance(v, int | float) and not isinstance(v, bool) for p in params for v in p.values
    )
    if len(params) == 2 and numeric and len(params[0].values) > 1 and len(params[1].values) > 1:
        m = metrics[0]
        xs, ys = params[0].values, params[1].values
        z = np.full((len(ys), len(xs)), math.nan)
        for x, y, v in zip(d[params[0].path], d[params[1].path], d[m], strict=True):
            z[ys.index(y), xs.index(x)] = v
        fig, ax = plt.subplots(figsize=(7, 5))
        im = ax.imshow(
            z,
            origin="lower",
            aspect="auto",
            extent=[min(xs), max(xs), min(ys), max(ys)],
            cmap="viridis",
        )
        fig.colorbar(im, ax=ax, label=m)
        ax.set_xlabel(params[0].path)
        ax.set_ylabel(params[1].path)
    else:
        fig, axes = plt.subplots(
            len(metrics), 1, figsize=(7, 3 * len(metrics)), sharex=True, squeeze=False
        )
        p0 = params[0]
        others = [p.path for p in params[1:]]
        keys = sorted({tuple(d[o][i] for o in others) for i in range(table.num_rows)}, key=str)
        xpos = {v: k for k, v in enumerate(p0.values)}
        for ax, m in zip(axes[:, 0], metrics, strict=True):
            for key in keys:
                idx = [i for i in range(table.num_rows) if tuple(d[o][i] for o in others) == key]
                x = [d[p0.path][i] if numeric else xpos[d[p0.path][i]] for i in idx]
                y = np.array([d[m][i] for i in idx])
                lo = np.array([d[f"{m}_lo"][i] for i in idx])
                hi = np.array([d[f"{m}_hi"][i] for i in idx])
                lab = ", ".join(f"{o}={k}" for o, k in zip(others, key, strict=True)) or None
                ax.plot(x, y, marker="o", label=lab)
                ax.fill_between(x, lo, hi, alpha=0.2)
            ax.set_ylabel(m)
            ax.grid(alpha=0.3)
            if others and len(keys) <= 10:
                ax.legend(fontsize=7)
        if not numeric:
            axes[-1, 0].set_xticks(range(len(p0.values)), [str(v) for v in p0.values])
        axes[-1, 0].set_xlabel(p0.path)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
    return path
