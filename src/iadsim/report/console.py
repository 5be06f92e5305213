"""Console tables (rich) for a run summary and for the kill-chain ledger, aircraft by aircraft."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

YES, NO = "[green]yes[/]", "[dim]no[/]"


def _yn(v: bool) -> str:
    return YES if v else NO


def print_run_summary(summary: dict, console: Console | None = None) -> None:
    """Per aircraft: detected, tracked, engaged, killed; then per unit where the chain stopped."""
    console = console or Console()
    console.print(
        f"[bold]{summary['scenario']}[/]  seed {summary['seed']}  (all parameters notional)"
    )
    t = Table(title="Attacking aircraft")
    for col in ("aircraft", "type", "detected", "tracked", "reported", "engaged", "killed"):
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
    console.print(t)
    print_ledger(summary["ledger"], console)
    tot = summary["totals"]
    console.print(
        f"{tot['aircraft']} aircraft: {tot['detected']} detected, {tot['tracked']} tracked, "
        f"{tot['engaged']} engaged, {tot['killed']} killed."
    )


def print_ledger(rows: list[dict], console: Console | None = None) -> None:
    """The kill-chain ledger as one table per aircraft: each unit's furthest stage and reason."""
    console = console or Console()
    by_aircraft: dict[str, list[dict]] = {}
    for row in rows:
        by_aircraft.setdefault(row["aircraft"], []).append(row)
    for aircraft, items in by_aircraft.items():
        t = Table(title=f"Kill chain against {aircraft}", title_justify="left")
        t.add_column("unit")
        t.add_column("furthest stage")
        t.add_column("stopped because")
        t.add_column("at (s)", justify="right")
        for row in items:
            reason = "" if row["stage"] == "killed" else row["reason"]
            at = row.get("stopped_at_s")
            t.add_row(
                row["unit"],
                row["stage"],
                f"[red]{reason}[/]" if reason else "[green]killed[/]",
                "" if at is None else f"{at:.0f}",
            )
        console.print(t)
