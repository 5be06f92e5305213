"""The attribution table (rich): Shapley shares, one-at-a-time and leave-one-out effects."""

from __future__ import annotations

import math
from typing import Any

from iadsim.analysis.attribution import Attribution


def render_table(a: Attribution, title: str | None = None) -> Any:
    """A rich Table of the attribution (Shapley share, one-at-a-time, leave-one-out)."""
    from rich.table import Table

    pct = int(round(a.confidence * 100))
    t = Table(
        title=title
        or (
            f"Attribution of designed - observed = {a.total} "
            f"({len(a.seeds)} replications, {pct}% CI, {a.ci_method})"
        )
    )
    t.add_column("factor group")
    t.add_column("Shapley", justify="right")
    t.add_column(f"{pct}% CI", justify="right")
    t.add_column("share", justify="right")
    t.add_column("fix alone", justify="right")
    t.add_column("break alone", justify="right")
    for e in sorted(a.effects, key=lambda e: -abs(e.shapley.mean)):
        t.add_row(
            e.group,
            f"{e.shapley.mean:+.4f}",
            f"[{e.shapley.lo:+.4f}, {e.shapley.hi:+.4f}]",
            "-" if math.isnan(e.share) else f"{e.share:.1%}",
            f"{e.one_at_a_time.mean:+.4f}",
            f"{e.leave_one_out.mean:+.4f}",
        )
    t.add_section()
    t.add_row(
        "total",
        f"{a.total.mean:+.4f}",
        f"[{a.total.lo:+.4f}, {a.total.hi:+.4f}]",
        "100.0%" if a.total.mean != 0 else "-",
        f"{sum(e.one_at_a_time.mean for e in a.effects):+.4f}",
        f"{sum(e.leave_one_out.mean for e in a.effects):+.4f}",
    )
    return t


def format_text(a: Attribution) -> str:
    """The attribution table rendered as plain text (no colour)."""
    from rich.console import Console

    console = Console(width=110, record=True, color_system=None, force_terminal=False)
    with console.capture() as cap:
        console.print(render_table(a))
    return cap.get()
