"""Console tables (rich) for a run summary and for the kill-chain ledger, aircraft by aircraft."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from iadsim.report.fit import print_table

YES, NO = "[green]yes[/]", "[dim]no[/]"
FAILING = "element"  # the ledger's failing element (engine.culprits)
FAILING_HEADER = "failing element"
"""Ledger column naming the link, set or generator behind a link or node reason (when present)."""


def _yn(v: bool) -> str:
    return YES if v else NO


def print_run_summary(summary: dict, console: Console | None = None) -> None:
    """Per aircraft: detected, tracked, engaged, killed; then per unit where the chain stopped."""
    console = console or Console()
    console.print(
        f"[bold]{summary['scenario']}[/]  seed {summary['seed']}  (all parameters notional)"
    )
    t = Table(
        title="Attacking aircraft",
        caption="det detected, trk tracked, rep reported to C2, eng engaged",
    )
    for col in ("aircraft", "type", "det", "trk", "rep", "eng", "killed"):
        t.add_column(col)
    for row in summary["aircraft"]:
        killed = _yn(row["killed"])
        if row["killed"]:
            killed += f" at {row['killed_at_s']:.0f} s"
        t.add_row(
            row["aircraft"],
            row["type"],
            _yn(row["detected"]),
            _yn(row["tracked"]),
            _yn(row["reported"]),
            _yn(row["engaged"]),
            killed,
        )
    print_table(console, t, keep=("aircraft", "type"))
    if summary.get("readiness"):
        print_readiness(summary["readiness"], console)
    print_ledger(summary["ledger"], console)
    tot = summary["totals"]
    console.print(
        f"{tot['aircraft']} aircraft: {tot['detected']} detected, {tot['tracked']} tracked, "
        f"{tot['engaged']} engaged, {tot['killed']} killed."
    )


_STATE_ABBR = (
    ("operational", "O"),
    ("degraded", "D"),
    ("not_mission_capable", "N"),
    ("in_storage", "S"),
)


def print_readiness(rows: list[dict], console: Console | None = None) -> None:
    """Per component: prior and posterior state probabilities (% O D N S) side by side, for
    the components whose readiness comes from a model or evidence (not a declared state)."""
    console = console or Console()
    shown = [r for r in rows if r["basis"] not in ("declared", "direct")]
    if not shown:
        return
    t = Table(title="Readiness, % operational degraded NMC storage (posterior is sampled)")
    t.add_column("component", no_wrap=True)
    t.add_column("obs", justify="right")
    t.add_column("prior O D N S", no_wrap=True)
    t.add_column("posterior", no_wrap=True)
    t.add_column("works", justify="right", no_wrap=True)

    def fmt(p: dict) -> str:
        return " ".join(f"{100 * p[k]:2.0f}" for k, _ in _STATE_ABBR)

    for r in shown:
        t.add_row(
            r["component"],
            str(r["observations"]),
            fmt(r["prior"]),
            fmt(r["posterior"]),
            f"{100 * r['availability_prior']:.0f}->{100 * r['availability_posterior']:.0f}%",
        )
    print_table(console, t, keep=("component", "prior O D N S", "posterior", "works"))


def print_ledger(rows: list[dict], console: Console | None = None) -> None:
    """The kill-chain ledger as one table per aircraft: each unit's furthest stage and reason."""
    console = console or Console()
    if not rows:
        console.print("no weapon units in this scenario: no kill chains to explain")
        return
    by_aircraft: dict[str, list[dict]] = {}
    for row in rows:
        by_aircraft.setdefault(row["aircraft"], []).append(row)
    for aircraft, items in by_aircraft.items():
        t = Table(title=f"Kill chain against {aircraft}", title_justify="left")
        t.add_column("unit")
        t.add_column("furthest stage")
        t.add_column("stopped because")
        t.add_column("at (s)", justify="right")
        # the failing element (which link, set or generator) where the ledger names one
        failing = any(row.get(FAILING) for row in items)
        if failing:
            t.add_column("failing element")
        # every other reason that blocked the chain at that gate (ledger `reasons`)
        others = {id(row): also_blocking(row) for row in items}
        also = any(others.values())
        if also:
            t.add_column("also blocking")
        for row in items:
            reason = "" if row["stage"] == "killed" else row["reason"]
            at = row.get("stopped_at_s")
            cells = [
                row["unit"],
                row["stage"],
                f"[red]{reason}[/]" if reason else "[green]killed[/]",
                "" if at is None else f"{at:.0f}",
            ]
            t.add_row(
                *cells,
                *([row.get(FAILING) or ""] if failing else []),
                *([others[id(row)]] if also else []),
            )
        print_table(
            console,
            t,
            keep=("unit", "furthest stage", "stopped because", "at (s)", "failing element"),
        )
    if any(row.get("reasons") and ";" in row["reasons"] for row in rows):
        console.print(
            "[dim]'stopped because' is the first blocking reason in the gate order "
            "(docs/reasons.md); 'also blocking': every other reason that blocked the chain "
            "at the same gate, with its failing element.[/]"
        )


def also_blocking(row: dict) -> str:
    """The ledger row's blocking reasons after the headline, each with its element:
    'IN_STORAGE (SAM/cp), JAMMED'."""
    reasons = (row.get("reasons") or "").split(";")
    elements = (row.get("elements") or "").split(";")
    elements += [""] * (len(reasons) - len(elements))
    return ", ".join(
        f"{r} ({e})" if e else r for r, e in zip(reasons[1:], elements[1:], strict=True) if r
    )


def print_catalog(cat, console: Console | None = None) -> None:
    """Components, missiles, units and aircraft of a catalog, one table each."""
    console = console or Console()
    console.print("[bold]iadsim catalog[/] (every figure notional; see each entry's source)")
    t = Table(title="Components")
    for col in ("type", "kind", "description"):
        t.add_column(col)
    for key, c in cat.components.items():
        t.add_row(key, str(c.kind), c.description)
    print_table(console, t, keep=("type", "kind"))
    t = Table(title="Missiles")
    for col in ("type", "range km", "altitude m", "Pk heli/fixed", "description"):
        t.add_column(col)
    for key, m in cat.weapons.items():
        t.add_row(
            key,
            f"{m.min_range_m / 1e3:g}-{m.max_range_m / 1e3:g}",
            f"{m.min_altitude_m:g}-{m.max_altitude_m:g}",
            f"{m.pk.get('helicopter', 0):g}/{m.pk.get('fixed_wing', 0):g}",
            m.description,
        )
    print_table(console, t, keep=("type", "range km", "altitude m", "Pk heli/fixed"))
    t = Table(title="Units")
    for col in ("type", "description"):
        t.add_column(col)
    for key, u in cat.units.items():
        t.add_row(key, u.description)
    print_table(console, t, keep=("type",))
    t = Table(title="Aircraft")
    for col in ("type", "category", "RCS nose/beam/tail dBsm", "description"):
        t.add_column(col)
    for key, a in cat.aircraft.items():
        r = a.rcs_dbsm
        t.add_row(key, a.category, f"{r.nose:g}/{r.beam:g}/{r.tail:g}", a.description)
    print_table(console, t, keep=("type", "category", "RCS nose/beam/tail dBsm"))


def print_pair_shares(rows: list[dict], n: int, console: Console | None = None) -> None:
    """A Monte Carlo ledger: per aircraft, for each unit, every (stage, reason) its chain
    stopped at, with the share of the `n` replications and a 95% Wilson interval."""
    console = console or Console()
    if not rows:
        console.print("no weapon units in this batch: no kill chains to explain")
        return
    by_aircraft: dict[str, list[dict]] = {}
    for row in rows:
        by_aircraft.setdefault(row["aircraft"], []).append(row)
    for aircraft, items in by_aircraft.items():
        t = Table(title=f"Kill chain against {aircraft}, {n} replications", title_justify="left")
        for col in ("unit", "furthest stage", "stopped because", "share", "95% CI"):
            t.add_column(col, justify="right" if col in ("share", "95% CI") else "left")
        # the failing element named most often for that reason, and in how many of them
        failing = any(row.get(FAILING) for row in items)
        if failing:
            t.add_column(FAILING_HEADER)
        last = None
        for row in items:
            reason = "[green]killed[/]" if row["stage"] == "killed" else f"[red]{row['reason']}[/]"
            el = row.get(FAILING)
            named = f"{el} ({100 * row['element_share']:.0f}%)" if el else ""
            t.add_row(
                row["unit"] if row["unit"] != last else "",
                row["stage"],
                reason,
                f"{100 * row['share']:.0f}%",
                f"[{100 * row['lo']:.0f}, {100 * row['hi']:.0f}]",
                *([named] if failing else []),
            )
            last = row["unit"]
        print_table(
            console,
            t,
            keep=("unit", "furthest stage", "stopped because", "share", "95% CI", FAILING_HEADER),
        )
