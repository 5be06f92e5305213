"""Rich display in notebooks: the `_repr_html_` of runs, batches, comparisons and opened
studies (a Scenario draws its own: the scenario layer cannot import this one), as small
HTML tables (the report's table macro, numbers formatted as the report formats them)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from iadsim.report import fmt
from iadsim.report.templating import render_table


def _card(title: str, facts: list[tuple[str, Any]], *tables: Markup) -> str:
    head = Markup("<b>{}</b>").format(title)
    items = Markup(" &middot; ").join(Markup("{}: {}").format(k, v) for k, v in facts)
    return str(Markup("<div>{}<br>{}{}</div>").format(head, items, Markup("").join(tables)))


def run_html(r) -> str:
    """A run: per aircraft, how far the defence got."""
    cols = ["aircraft", "type", "detected", "tracked", "reported", "engaged", "killed"]
    rows = [[row[c] for c in cols] for row in r.aircraft.select(cols).to_pylist()]
    facts = [("seed", r.seed), ("tracker", r.tracker or "not recorded")]
    return _card(f"Run of {r.scenario_name}", facts, render_table(cols, rows))


def batch_html(b) -> str:
    """A batch: the share of replications with any kill and the mean per replication."""
    import numpy as np

    reps = b.replications
    rows = []
    for c in ("detected", "tracked", "reported", "engaged", "killed", "launches"):
        if c in reps.column_names and reps.num_rows:
            x = np.asarray(reps.column(c).to_numpy(zero_copy_only=False), float)
            rows.append([c, fmt.number(float(x.mean()), 2), fmt.percent(float((x > 0).mean()))])
    table = render_table(["per replication", "mean", "share with any"], rows)
    facts = [("replications", b.n), ("root seed", b.root_seed)]
    return _card(f"Batch of {b.scenario_name}", facts, table)


def comparison_html(c) -> str:
    """A comparison: each variant's paired difference on the headline outcomes."""
    rows = [
        [
            r["variant"],
            r["metric"],
            fmt.interval(r["lo"], r["hi"], r.get("kind", "mean"), True),
        ]
        for r in c.report.get("differences", [])
        if r["metric"] in ("mean_killed", "p_any_killed")
    ]
    facts = [("replications per variant", c.report.get("n"))]
    name = c.report.get("scenario", "")
    return _card(
        f"Comparison of {name}", facts, render_table(["variant", "outcome", "change (95%)"], rows)
    )


def study_html(s) -> str:
    """An opened sweep, attribution or uncertainty directory: what it holds."""
    facts = [("kind", s.kind), ("directory", str(s.path))]
    keys = Markup(", ").join(escape(k) for k in s.report)
    return _card(f"{s.kind.capitalize()} of {s.scenario_name}", facts, Markup("<br>") + keys)
