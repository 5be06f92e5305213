"""A sweep written out: the table (CSV and Parquet) and its plot (PNG)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from iadsim.analysis.sweep import Param


def write_sweep(
    table: pa.Table,
    params: list[Param],
    out: Path,
    title: str = "",
    metrics: tuple[str, ...] = ("mean_killed", "p_any_killed"),
) -> list[Path]:
    """sweep.csv, sweep.parquet and sweep.png (of `metrics`, the first one the heat map's)
    under `out`; returns the paths written."""
    write_table(table, out)
    return [
        out / "sweep.csv",
        out / "sweep.parquet",
        plot_sweep(table, params, out / "sweep.png", title, metrics),
    ]


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
    from iadsim.report.figures import pyplot, save_png

    plt = pyplot()

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
    return save_png(fig, path)
