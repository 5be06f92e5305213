"""Console tables (rich) for batches: Monte Carlo statistics and what-if comparisons."""

from __future__ import annotations

import math

from iadsim.report.fit import print_table


def fmt(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:.{digits}f}"


def _per_unit_reasons(report: dict):
    """Per defending unit: how its kill chains ended, over all aircraft and replications."""
    from collections import defaultdict

    from rich.table import Table

    share: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    aircraft: dict[str, set] = defaultdict(set)
    for r in report["reasons"]:
        label = "killed" if r["stage"] == "killed" else f"{r['reason']} (at {r['stage']})"
        share[r["unit"]][label] += r["fraction"]
        aircraft[r["unit"]].add(r["aircraft"])
    t = Table(title="Per defending unit: how its kill chains ended (all aircraft, top 4)")
    for col in ("unit", "outcome of the chain", "share"):
        t.add_column(col, justify="right" if col == "share" else "left")
    for unit in sorted(share):
        n = len(aircraft[unit])
        top = sorted(share[unit].items(), key=lambda kv: -kv[1])[:4]
        for i, (label, total) in enumerate(top):
            t.add_row(unit if i == 0 else "", label, f"{100 * total / n:.1f}%")
    return t


def print_batch_report(report: dict, console, pairs_hint: str | None = None) -> None:
    """Estimates, convergence, per-unit outcomes and, unless `pairs_hint` says where to read
    them instead (the command that prints them), the top reasons per (aircraft, unit) pair."""
    from rich.table import Table

    t = Table(
        title=f"{report['scenario']}: {report['n']} replications, root seed "
        f"{report['root_seed']} (95% CI: Wilson for proportions, bootstrap otherwise; notional)"
    )
    for col in ("metric", "mean", "95% CI", "method"):
        t.add_column(col, justify="left" if col in ("metric", "method") else "right")
    for e in report["estimates"]:
        t.add_row(
            e["metric"],
            fmt(e["mean"]),
            f"[{fmt(e['lo'])}, {fmt(e['hi'])}]",
            "Wilson" if e["kind"] == "proportion" else "bootstrap",
        )
    print_table(console, t, keep=("metric", "mean", "95% CI", "method"))

    t = Table(title="Convergence with N (running estimates, index order)")
    for col in ("N", "metric", "estimate", "95% CI", "half-width"):
        t.add_column(col, justify="right")
    for r in report["convergence"]:
        t.add_row(
            str(r["n"]),
            r["metric"],
            fmt(r["mean"]),
            f"[{fmt(r['lo'])}, {fmt(r['hi'])}]",
            fmt(r["half_width"]),
        )
    print_table(console, t, keep=("N", "metric", "estimate", "95% CI", "half-width"))

    print_table(console, _per_unit_reasons(report), keep=("unit", "outcome of the chain", "share"))
    if pairs_hint:
        console.print(f"Where and why each (aircraft, unit) chain stopped: {pairs_hint}")
        return

    t = Table(
        title="Why was it not shot down? Where each (aircraft, unit) kill chain stopped, "
        "share of replications (top 3 per pair)"
    )
    for col in ("aircraft", "unit", "stage", "reason", "share", "95% CI"):
        t.add_column(col, justify="right" if col in ("share", "95% CI") else "left")
    shown: dict[tuple, int] = {}
    for r in report["reasons"]:
        key = (r["aircraft"], r["unit"])
        if shown.get(key, 0) >= 3:
            continue
        first = key not in shown
        shown[key] = shown.get(key, 0) + 1
        t.add_row(
            r["aircraft"] if first else "",
            r["unit"] if first else "",
            r["stage"],
            r["reason"],
            f"{100 * r['fraction']:.1f}%",
            f"[{100 * r['lo']:.1f}, {100 * r['hi']:.1f}]",
        )
    print_table(console, t, keep=("aircraft", "unit", "stage", "reason", "share", "95% CI"))


def print_compare(report: dict, console, metrics=None) -> None:
    from rich.table import Table

    from iadsim.analysis.compare import COMPARE_METRICS

    metrics = metrics or COMPARE_METRICS
    for v in report["variants"][1:]:
        rows = [
            r
            for r in report["differences"]
            if r["variant"] == v["name"]
            and (r["metric"] in metrics or r["metric"].endswith(".p_killed"))
        ]
        t = Table(title=f"{v['name']}: {v['label']}  vs base (paired, same seeds, N={report['n']})")
        for col in ("metric", "base", "variant", "difference", "95% CI", "reps changed"):
            t.add_column(col, justify="left" if col == "metric" else "right")
        for r in rows:
            sig = r["lo"] > 0 or r["hi"] < 0
            diff = f"{r['diff']:+.3f}" if math.isfinite(r["diff"]) else "-"
            t.add_row(
                r["metric"],
                fmt(r["base_mean"]),
                fmt(r["variant_mean"]),
                f"[bold]{diff}[/]" if sig else diff,
                f"[{fmt(r['lo'])}, {fmt(r['hi'])}]",
                str(r["changed"]),
            )
        print_table(console, t, keep=("metric", "difference", "95% CI"))


def print_reason_shifts(report: dict, console, top: int = 8) -> None:
    """Per variant and defending unit: how the reasons its kill chains ended moved (paired,
    same seeds), largest shifts first."""
    from collections import defaultdict

    from rich.table import Table

    by: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in report.get("reason_shifts", []):
        by[(r["variant"], r["unit"])].append(r)
    for variant in [v["name"] for v in report["variants"][1:]]:
        t = Table(title=f"{variant}: where the kill chains now end, per unit (share of aircraft)")
        for col in ("unit", "reason", "base", "variant", "shift", "95% CI"):
            t.add_column(col, justify="left" if col in ("unit", "reason") else "right")
        for (v, unit), rows in sorted(by.items()):
            if v != variant:
                continue
            shown = [r for r in rows if r["shift"] != 0][:top]
            for i, r in enumerate(shown):
                sig = r["lo"] > 0 or r["hi"] < 0
                shift = f"{100 * r['shift']:+.1f}"
                t.add_row(
                    unit if i == 0 else "",
                    r["reason"],
                    f"{100 * r['base_share']:.1f}%",
                    f"{100 * r['variant_share']:.1f}%",
                    f"[bold]{shift}[/]" if sig else shift,
                    f"[{100 * r['lo']:+.1f}, {100 * r['hi']:+.1f}]",
                )
        if t.row_count:
            print_table(console, t, keep=("unit", "reason", "shift"))
