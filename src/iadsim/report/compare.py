"""A comparison written out: compare.json, compare.csv and the tornado chart (PNG)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from iadsim.io.outputs import write_csv, write_json


def write_report(report: dict, out: str | Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    js, cs = out / "compare.json", out / "compare.csv"
    write_json(report, js)
    rows = report["differences"]
    cols = [
        "variant",
        "label",
        "metric",
        "kind",
        "n",
        "base_mean",
        "variant_mean",
        "diff",
        "lo",
        "hi",
        "changed",
    ]
    write_csv(cols, ([r[c] for c in cols] for r in rows), cs)
    rs = write_reason_shifts(report.get("reason_shifts", []), out / "compare_reasons.csv")
    return [js, cs, rs]


def write_reason_shifts(rows: list[dict], path: Path, keys: list[str] | None = None) -> Path:
    """The paired shifts of reason shares (analysis.reason_shift) as CSV."""
    cols = (keys or ["variant"]) + [
        "unit",
        "reason",
        "n",
        "base_share",
        "variant_share",
        "shift",
        "lo",
        "hi",
    ]
    return write_csv(cols, ([r[c] for c in cols] for r in rows), path)


def tornado(report: dict, metric: str, path: str | Path) -> Path:
    """Horizontal bars of each factor group's paired effect on `metric` with its 95% CI,
    largest effect on top."""
    from iadsim.report.figures import pyplot, save_png

    plt = pyplot()

    rows = [r for r in report["differences"] if r["metric"] == metric]
    rows.sort(key=lambda r: abs(r["diff"]) if math.isfinite(r["diff"]) else -1)
    labels = [_short(r["label"]) for r in rows]
    diffs = np.array([r["diff"] for r in rows], float)
    lo = np.array([r["lo"] for r in rows], float)
    hi = np.array([r["hi"] for r in rows], float)
    fig, ax = plt.subplots(figsize=(9, 1.6 + 0.5 * max(1, len(rows))))
    colors = ["tab:red" if d > 0 else "tab:blue" for d in diffs]
    y = np.arange(len(rows))
    ax.barh(y, diffs, color=colors, alpha=0.8)
    ax.errorbar(diffs, y, xerr=[diffs - lo, hi - diffs], fmt="none", ecolor="black", capsize=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels)
    ax.set_xlabel(f"change in {metric} vs base (paired, 95% CI)")
    ax.set_title(
        f"{report['scenario']}: effect of each factor group\n"
        f"paired differences, N={report['n']} replications, notional",
        fontsize=10,
    )
    fig.tight_layout()
    return save_png(fig, path)


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
