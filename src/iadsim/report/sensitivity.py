"""Global sensitivity for people: a table (CSV and console) and a bar figure of each uncertain
number's Morris or Sobol index."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iadsim.analysis.uncertainty import Sensitivity
from iadsim.io import outputs


def write_csv(results: list[Sensitivity], ranges: dict[str, str], path: str | Path) -> Path:
    """One row per (outcome, uncertain number): its range and every index."""
    keys = list(results[0].index)
    rows = (
        [res.outcome, row["parameter"], ranges.get(row["parameter"], "")]
        + [f"{row[k]:.6g}" for k in keys]
        for res in results
        for row in res.rows()
    )
    return outputs.write_csv(["outcome", "parameter", "range", *keys], rows, Path(path))


def console_table(s: Sensitivity):
    from rich.table import Table

    t = Table(title=f"{s.method} sensitivity of {s.outcome} ({s.n_sets} parameter sets)")
    t.add_column("uncertain number")
    for k in s.index:
        t.add_column(k, justify="right")
    order = np.argsort(-s.index[_main(s)])
    for i in order:
        t.add_row(s.names[i], *(f"{v[i]:.3f}" for v in s.index.values()))
    return t


def _main(s: Sensitivity) -> str:
    return "mu_star" if s.method == "morris" else "ST"


def sensitivity_figure(results: list[Sensitivity], path: str | Path) -> Path:
    """Horizontal bars per outcome: Morris mu* (with its interval) or Sobol S1 and ST."""
    from iadsim.report.figures import pyplot, save_png

    plt = pyplot()

    k = len(results[0].names)
    fig, axes = plt.subplots(
        1, len(results), figsize=(6 * len(results), 1.5 + 0.4 * k), squeeze=False
    )
    for ax, s in zip(axes[0], results, strict=True):
        key = _main(s)
        order = np.argsort(s.index[key])
        y = np.arange(k)
        names = [s.names[i] for i in order]
        if s.method == "morris":
            m, c = s.index["mu_star"][order], s.index["mu_star_conf"][order]
            ax.barh(y, m, xerr=c, color="tab:blue", alpha=0.85, capsize=2)
            ax.set_xlabel(f"Morris mu* of {s.outcome} (over the plausible range)")
        else:
            ax.barh(y - 0.2, s.index["S1"][order], height=0.4, label="first order S1")
            ax.barh(y + 0.2, s.index["ST"][order], height=0.4, label="total ST")
            ax.legend(fontsize=8)
            ax.set_xlabel(f"Sobol index of {s.outcome}")
        ax.set_yticks(y, names, fontsize=8)
        ax.set_title(f"{s.outcome}: {s.n_sets} parameter sets", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)
