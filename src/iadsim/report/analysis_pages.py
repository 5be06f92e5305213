"""The report sections of batch analyses, rendered from Jinja2 templates: Monte Carlo
estimates (one chart per kind of quantity), mc readiness, a comparison (variants side by
side, paired intervals, reason shifts), a sweep (the response curve), an attribution
(shares, fix/break alone, interactions, subsets) and an uncertainty analysis (Morris or
Sobol indices as a tornado). Each function takes an `OutputDir` and returns safe HTML."""

from __future__ import annotations

from markupsafe import Markup

from iadsim.report import charts, fmt
from iadsim.report.rundir import OutputDir
from iadsim.report.templating import render, render_table
from iadsim.scenario.readiness import READINESS_STATES

KILLED = "KILLED"
"""The one name of a chain that reached a kill, wherever the report shows a reason."""

QUANTITY_TITLE = {
    "share": "Shares of replications",
    "count": "Counts per replication (means)",
    "seconds": "Times (seconds after the start, means)",
}


def reason_label(stage: str | None, reason: str | None) -> str:
    """A chain's reason as the report names it: KILLED for a kill (whatever the source wrote:
    NONE, '' or KILLED), else the reason code."""
    if stage == "killed" or reason in (None, "", "NONE", KILLED):
        return KILLED
    return str(reason)


def _reason(code: str) -> Markup:
    cls = "killed" if code == KILLED else "reason"
    return Markup('<span class="{}">{}</span>').format(cls, code)


def _scene_order(d: OutputDir, key: str) -> dict[str, int]:
    """Position of each aircraft or unit id in the scenario (scene.json), for sorting."""
    items = (d.scene or {}).get("aircraft" if key == "aircraft" else "units", [])
    return {it["id"]: i for i, it in enumerate(items)}


def montecarlo(d: OutputDir) -> Markup:
    """Estimates grouped by kind of quantity (shares in %, counts, seconds), one chart each;
    reason totals; per-pair stops in scenario order."""
    charts_ = []
    est = d.summary.get("estimates", [])
    for q in ("share", "count", "seconds"):
        items = [e for e in est if fmt.quantity(e["metric"], e["kind"]) == q]
        if not items:
            continue
        kind = "proportion" if q == "share" else "mean"
        svg = charts.intervals_svg(
            [(e["metric"], e["mean"], e["lo"], e["hi"]) for e in items],
            show=fmt.percent if q == "share" else lambda v: fmt.number(v, 2),
            axis=(0.0, 1.0) if q == "share" else None,
        )
        rows = [[e["metric"], fmt.estimate(e["mean"], e["lo"], e["hi"], kind)] for e in items]
        charts_.append({"title": QUANTITY_TITLE[q], "svg": Markup(svg), "rows": rows})
    totals = [
        [_reason(reason_label(None, r["reason"])), r["count"], fmt.percent(r["share"])]
        + [fmt.percent(r["blocking_share"]) if "blocking_share" in r else ""]
        for r in d.summary.get("reason_totals", [])
    ]
    ac, un = _scene_order(d, "aircraft"), _scene_order(d, "unit")
    ledger = sorted(
        d.ledger,
        key=lambda r: (ac.get(r["aircraft"], len(ac)), un.get(r["unit"], len(un)), -r["share"]),
    )
    pairs = [
        [
            r["aircraft"],
            r["unit"],
            r["stage"],
            _reason(reason_label(r["stage"], r["reason"])),
            fmt.estimate(r["share"], r["lo"], r["hi"], "proportion"),
            "" if not r.get("element") else f"{r['element']} ({fmt.percent(r['element_share'])})",
        ]
        for r in ledger
    ]
    return render(
        "montecarlo.html.j2",
        n=d.summary.get("n"),
        seed=d.summary.get("root_seed"),
        charts=charts_,
        totals=totals,
        pairs=pairs,
    )


def mc_readiness(d: OutputDir) -> Markup:
    """Per component, in scenario order: the share of replications starting in each
    readiness state, and the share in which it was destroyed."""
    order = {
        c["id"]: i
        for i, c in enumerate(c for u in (d.scene or {}).get("units", []) for c in u["components"])
    }
    rows = [
        [c["component"]]
        + [fmt.percent(c["states"][s]) for s in READINESS_STATES]
        + [fmt.percent(c["destroyed"])]
        for c in sorted(d.components, key=lambda c: order.get(c["component"], len(order)))
    ]
    head = ["component"] + [s.replace("_", " ") for s in READINESS_STATES] + ["destroyed"]
    note = Markup('<p class="note">share of the replications in each state at the start.</p>')
    return render_table(head, rows) + note


def shift_rows(rows: list[dict], lead: tuple[str, ...]) -> list[list]:
    """Reason-shift rows whose share or interval moves: the `lead` columns, the reason, the
    two shares and the paired shift with its interval."""
    out = []
    for r in rows:
        if max(abs(r["shift"]), abs(r["lo"]), abs(r["hi"])) <= fmt.ZERO:
            continue
        shift = fmt.percent(r["shift"], True)
        iv = fmt.interval(r["lo"], r["hi"], "proportion", True)
        out.append(
            [r[k] for k in lead]
            + [_reason(reason_label(None, r["reason"])), fmt.percent(r["base_share"])]
            + [fmt.percent(r["variant_share"]), f"{shift} ({iv})"]
        )
    return out


def compare(d: OutputDir) -> Markup:
    """Variants side by side with paired differences, the tornado, the reason shifts."""
    c = d.compare or {}
    variants = [v for v in c.get("variants", []) if v["name"] != "base"]
    diffs = c.get("differences", [])
    metrics = list(dict.fromkeys(r["metric"] for r in diffs))
    by = {(r["metric"], r["variant"]): r for r in diffs}
    side_head = ["outcome", "base"] + [v["name"] for v in variants]
    side_rows = []
    for m in metrics:
        first = next(r for r in diffs if r["metric"] == m)
        kind = first.get("kind", "mean")
        base = (
            fmt.percent(first["base_mean"])
            if kind == "proportion"
            else fmt.number(first["base_mean"], 2)
        )
        cells = []
        for v in variants:
            r = by.get((m, v["name"]))
            if r is None:
                cells.append("")
                continue
            value = (
                fmt.percent(r["variant_mean"])
                if kind == "proportion"
                else fmt.number(r["variant_mean"], 2)
            )
            diff = (
                fmt.percent(r["diff"], True)
                if kind == "proportion"
                else fmt.number(r["diff"], 2, True)
            )
            cells.append(f"{value} ({diff}; {fmt.interval(r['lo'], r['hi'], kind, True)})")
        side_rows.append([m, base] + cells)
    tornado = charts.tornado_svg(
        [
            (r["variant"], r["diff"], r["lo"], r["hi"])
            for r in diffs
            if r["metric"] == "mean_killed" and None not in (r["diff"], r["lo"], r["hi"])
        ],
        show=lambda v: fmt.number(v, 2, True),
    )
    shifts = shift_rows(c.get("reason_shifts", []), ("variant", "unit"))
    return render(
        "compare.html.j2",
        n=c.get("n"),
        variants=[[v["name"], v["label"]] for v in variants],
        side_head=side_head,
        side_rows=side_rows,
        tornado=Markup(tornado),
        shifts=shifts,
    )


def sweep(d: OutputDir) -> Markup:
    """The response curve (shares on one chart, counts on another) over the first swept
    parameter, every point's estimates, and the reason shifts along the grid."""
    sw = d.sweep or {}
    points, params, metrics = sw.get("points", []), sw.get("params", []), sw.get("metrics", [])
    if len(params) == 1:
        xs, x_label = [float(p[params[0]]) for p in points], params[0]
    else:  # several parameters: the curve runs over the grid points in order
        xs, x_label = [float(i) for i in range(len(points))], "grid point (see the table)"
    curves = []
    for q, title in (("share", "Shares of replications"), ("count", "Means per replication")):
        ms = [m for m in metrics if (q == "share") == m.startswith("p_")]
        if not ms:
            continue
        series = [
            (
                m,
                [p[m] for p in points],
                [p[f"{m}_lo"] for p in points],
                [p[f"{m}_hi"] for p in points],
            )
            for m in ms
        ]
        svg = charts.curve_svg(
            xs,
            series,
            x_label,
            show=fmt.percent if q == "share" else lambda v: fmt.number(v, 1),
            axis=(0.0, 1.0) if q == "share" else None,
        )
        curves.append({"title": f"{title} against {x_label}", "svg": Markup(svg)})
    head = ["point", *params, "n", *metrics]
    rows = [
        [p["point"], *[f"{p[k]:g}" for k in params], p["n"]]
        + [
            fmt.estimate(
                p[m], p[f"{m}_lo"], p[f"{m}_hi"], "proportion" if m.startswith("p_") else "mean"
            )
            for m in metrics
        ]
        for p in points
    ]
    shifts = shift_rows(sw.get("reasons", []), ("point", "values", "unit"))
    return render(
        "sweep.html.j2",
        npoints=len(points),
        n=points[0]["n"] if points else 0,
        params=params,
        curves=curves,
        head=head,
        rows=rows,
        shifts=shifts,
    )
