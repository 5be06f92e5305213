"""Attribution for people: a console table (rich) and a figure (matplotlib) of what each
defence condition explains, with intervals, and of how the conditions interact."""

from __future__ import annotations

import math
from pathlib import Path

from iadsim.analysis.attribution import Attribution, Interval


def _iv(x: Interval, pct: bool = False) -> str:
    if not math.isfinite(x.mean):
        return "-"
    if pct:
        return f"{100 * x.mean:.0f}% [{100 * x.lo:.0f}, {100 * x.hi:.0f}]"
    return f"{x.mean:+.2f} [{x.lo:+.2f}, {x.hi:+.2f}]"


def attribution_table(a: Attribution, metric: str = "killed", title: str | None = None):
    """A rich Table: Shapley value and share, fix alone, break alone; then the interactions."""
    from rich.table import Table

    pct = int(round(a.confidence * 100))
    t = Table(
        title=title
        or (
            f"What explains the outcome ({metric})? observed {a.observed.mean:.2f}, as designed "
            f"{a.designed.mean:.2f}, difference {_iv(a.total)}; {a.n} replications per subset, "
            f"{pct}% bootstrap intervals. Shapley shares: a fair division of a joint effect, "
            "not the share of the cause (see the causes per night below)"
        )
    )
    for col in ("defence condition", "Shapley value", "share", "fix alone", "break alone"):
        t.add_column(col, justify="left" if col == "defence condition" else "right")
    for g in a.ranked():
        t.add_row(
            g, _iv(a.shapley[g]), _iv(a.share[g], pct=True), _iv(a.main[g]), _iv(a.total_effect[g])
        )
    t.add_section()
    t.add_row(
        "sum",
        f"{sum(a.shapley[g].mean for g in a.groups):+.2f}",
        "100%",
        f"{sum(a.main[g].mean for g in a.groups):+.2f}",
        f"{sum(a.total_effect[g].mean for g in a.groups):+.2f}",
    )
    return t


def interaction_table(a: Attribution):
    """A rich Table of pairwise Shapley interaction indices, largest first."""
    from rich.table import Table

    t = Table(title="Pairwise interactions (Shapley interaction index; > 0: needed together)")
    t.add_column("pair")
    t.add_column("interaction", justify="right")
    for (g, h), iv in sorted(a.interaction.items(), key=lambda kv: -abs(kv[1].mean)):
        t.add_row(f"{g} x {h}", _iv(iv))
    return t


def _pct(d: dict) -> str:
    return f"{100 * d['p']:.0f}% [{100 * d['lo']:.0f}, {100 * d['hi']:.0f}]"


def causes_tables(c: dict) -> list:
    """Rich Tables of one scope's causes (analysis.butfor `CausesPerCase.to_dict()`): per
    condition how often it was a but-for cause and how often necessary, then how often each
    family of minimal sufficient sets held, each with a Wilson 95% interval."""
    from rich.table import Table

    unit = "nights" if c["scope"] == "night" else "aircraft-nights"
    gap = c["cases_with_gap"]
    t = Table(
        title=f"Causes per {c['scope']} ({c['metric']}): of {c['cases']} {unit}, {gap} where "
        "the designed outcome differs from the observed one; Wilson 95% intervals"
    )
    for col in ("defence condition", "but-for cause", "necessary"):
        t.add_column(col, justify="left" if col == "defence condition" else "right")
    for g in c["groups"]:
        t.add_row(g, _pct(c["but_for"][g]), _pct(c["necessary"][g]))
    t.add_section()
    t.add_row("no but-for cause at all", _pct(c["no_but_for_cause"]), "")
    s = Table(
        title=f"Minimal sets of conditions whose restoration recovers the designed outcome "
        f"(per {c['scope']}; '|': either set suffices)"
    )
    s.add_column("minimal sufficient sets")
    s.add_column(f"share of {unit} with a gap", justify="right")
    for r in c["structures"]:
        s.add_row(r["name"], _pct(r))
    return [t, s]


def print_attribution(a: Attribution, console, metric: str = "killed", causes=None) -> None:
    """The Shapley table, the interactions and (given the run's `causes`, per scope) the
    but-for causes and minimal sufficient sets."""
    console.print(attribution_table(a, metric))
    if len(a.groups) > 1:
        console.print(interaction_table(a))
    for c in (causes or {}).values():
        for t in causes_tables(c.to_dict() if hasattr(c, "to_dict") else c):
            console.print(t)


def attribution_figure(a: Attribution, path: str | Path, metric: str = "killed") -> Path:
    """Two panels: Shapley values with fix-alone and break-alone effects (with intervals),
    and the matrix of pairwise interaction indices."""
    from iadsim.report.figures import pyplot, save_png

    plt = pyplot()
    import numpy as np

    groups = a.ranked()[::-1]
    k = len(groups)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 1.8 + 0.55 * k), width_ratios=[3, 2])
    y = np.arange(k)
    for off, (label, d, color) in zip(
        (-0.25, 0.0, 0.25),
        (
            ("fix alone", a.main, "tab:green"),
            ("Shapley value", a.shapley, "tab:blue"),
            ("break alone", a.total_effect, "tab:red"),
        ),
        strict=True,
    ):
        m = np.array([d[g].mean for g in groups])
        lo = np.array([d[g].lo for g in groups])
        hi = np.array([d[g].hi for g in groups])
        ax.barh(y + off, m, height=0.24, color=color, alpha=0.85, label=label)
        ax.errorbar(m, y + off, xerr=[m - lo, hi - m], fmt="none", ecolor="black", capsize=2)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, groups)
    ax.set_xlabel(f"change in {metric} when the condition is as designed")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        f"observed {a.observed.mean:.2f}, as designed {a.designed.mean:.2f} "
        f"(N={a.n} per subset, {int(round(100 * a.confidence))}% CI)",
        fontsize=10,
    )
    order = a.ranked()
    mat = np.full((k, k), np.nan)
    for (g, h), iv in a.interaction.items():
        i, j = order.index(g), order.index(h)
        mat[i, j] = mat[j, i] = iv.mean
    lim = np.nanmax(np.abs(mat)) if k > 1 and np.isfinite(mat).any() else 1.0
    im = ax2.imshow(mat, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax2.set_xticks(range(k), order, rotation=45, ha="right")
    ax2.set_yticks(range(k), order)
    for i in range(k):
        for j in range(k):
            if i != j and math.isfinite(mat[i, j]):
                ax2.text(j, i, f"{mat[i, j]:+.2f}", ha="center", va="center", fontsize=8)
    fig.colorbar(im, ax=ax2, shrink=0.8, label="interaction index")
    ax2.set_title("pairwise interactions", fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)
