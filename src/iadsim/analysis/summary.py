"""Reduce one replication to a JSON-ready summary: per aircraft, per unit, reason counts."""

from __future__ import annotations

from collections import Counter

from iadsim import __version__
from iadsim.engine.replication import ReplicationResult
from iadsim.scenario import Scenario


def replication_summary(scenario: Scenario, result: ReplicationResult) -> dict:
    """The summary.json content of a single run."""
    ledger = result.ledger.table().to_pylist()
    reasons = Counter(row["reason"] for row in ledger if row["stage"] != "killed")
    return {
        "iadsim_version": __version__,
        "scenario": scenario.spec.scenario,
        "scenario_file": scenario.path.name,
        "start_utc": scenario.spec.start_utc.isoformat(),
        "seed": result.seed,
        "notional": True,
        "aircraft": result.aircraft,
        "totals": {
            "aircraft": len(result.aircraft),
            "detected": sum(r["detected"] for r in result.aircraft),
            "tracked": sum(r["tracked"] for r in result.aircraft),
            "engaged": sum(r["engaged"] for r in result.aircraft),
            "killed": sum(r["killed"] for r in result.aircraft),
        },
        "ledger": [
            {k: _finite(row[k]) for k in ("aircraft", "unit", "stage", "reason", "stopped_at_s")}
            for row in ledger
        ],
        "reason_counts": dict(sorted(reasons.items())),
        "component_states": result.states,
        "destroyed_at_s": result.destroyed_at,
    }


def _finite(value):
    """NaN becomes None so the JSON stays standard."""
    return None if isinstance(value, float) and value != value else value
