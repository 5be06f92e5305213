"""Reduce one replication to a JSON-ready summary: per aircraft, per unit, reason counts."""

from __future__ import annotations

import math
from collections import Counter

from iadsim._version import __version__
from iadsim.engine.events import EventKind
from iadsim.engine.replication import ReplicationResult
from iadsim.io.outputs import json_ready
from iadsim.scenario import Scenario


def replication_summary(scenario: Scenario, result: ReplicationResult, *, tracker: str) -> dict:
    """The summary.json content of a single run, with the readiness table (prior and
    posterior per component, side by side), and every setting that changes the outputs: the
    validated scenario and catalog (`scenario_hash`), the seed and the tracker."""
    from iadsim.analysis.montecarlo import scenario_hash

    ledger = result.ledger.table().to_pylist()
    reasons = Counter(row["reason"] for row in ledger if row["stage"] != "killed")
    # a pair counts under every reason that blocked it: these counts sum to more than the pairs
    blocking = Counter(r for row in ledger if row["reasons"] for r in row["reasons"].split(";"))
    return json_ready(
        {
            "iadsim_version": __version__,
            "scenario": scenario.spec.scenario,
            "scenario_file": scenario.path.name,
            "start_utc": scenario.spec.start_utc.isoformat(),
            "scenario_hash": scenario_hash(scenario),
            "seed": result.seed,
            "tracker": tracker,
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
                {
                    k: row[k]
                    for k in ("aircraft", "unit", "stage", "reason", "reasons", "stopped_at_s")
                }
                for row in ledger
            ],
            "decoys": result.decoys,
            "decoy_totals": decoy_totals(scenario, result),
            "reason_counts": dict(sorted(reasons.items())),
            "blocking_reason_counts": dict(sorted(blocking.items())),
            "component_states": result.states,
            "destroyed_at_s": result.destroyed_at,
            "readiness": readiness_table(scenario),
        }
    )


def decoy_totals(scenario: Scenario, result: ReplicationResult) -> dict:
    """What the raid's decoys drew: how many flew (released before the run ended), how many
    the defence detected, engaged (a missile launched at them) and shot down, and how many
    missiles it fired at them (the LAUNCH events' salvo sizes)."""
    ids = {r["aircraft"] for r in result.decoys}
    end_s = scenario.spec.duration_s or math.inf  # no duration: the run lasts the raid
    flew, missiles = set(), 0
    for t, kind, aircraft, *_, value in result.events.rows():
        if aircraft not in ids:
            continue
        if kind == EventKind.AIRCRAFT_START and t <= end_s:
            flew.add(aircraft)
        elif kind == EventKind.LAUNCH:
            missiles += int(value)
    return {
        "decoys": len(ids),
        "launched": len(flew),
        "detected": sum(r["detected"] for r in result.decoys),
        "engaged": sum(r["engaged"] for r in result.decoys),
        "killed": sum(r["killed"] for r in result.decoys),
        "missiles_fired": missiles,
    }


def readiness_table(scenario: Scenario) -> list[dict]:
    """Per component: what its readiness was derived from, and the prior and posterior state
    probabilities side by side (the posterior is what every replication samples)."""
    from iadsim.engine.world import component_distributions

    spec = scenario.spec
    rows = []
    for unit in spec.units:
        for comp in unit.components:
            cid = f"{unit.id}/{comp.id}"
            prior, post, basis = component_distributions(
                comp, cid, spec.observations, spec.start_utc
            )
            rows.append(
                {
                    "component": cid,
                    "basis": basis,
                    "observations": sum(o.component == cid for o in spec.observations),
                    "prior": {k: round(v, 6) for k, v in prior.as_dict().items()},
                    "posterior": {k: round(v, 6) for k, v in post.as_dict().items()},
                    "availability_prior": round(prior.availability, 6),
                    "availability_posterior": round(post.availability, 6),
                }
            )
    return rows
