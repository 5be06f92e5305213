"""The record of a replication: one schema, from which everything else is derived.

`RECORD_SCHEMAS` gives the Arrow schema of each per-replication table. The ledger's is the
engine's own (`engine.ledger.LEDGER_SCHEMA`, the ledger.parquet of `iadsim run`) with the
replication index in front; from these schemas come the results store's tables and columns
(`store.TABLES`, its SQL types), the Arrow types of the Python API's `Batch` tables and
`record_of`, which reduces a replication to rows in that column order.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import pyarrow as pa

from iadsim.analysis.metrics import (
    CLASS_COLUMNS,
    FIRE_KINDS,
    WEAPON_CLASSES,
    class_counts,
    component_classes,
)
from iadsim.engine.ledger import LEDGER_SCHEMA
from iadsim.engine.replication import ReplicationResult
from iadsim.engine.run import Prepared

FLAGS = ("detected", "tracked", "reported", "engaged", "killed", "damaged")
"""Per aircraft: how far its kill chain went in at least one unit, and whether it was hit and
not lost (`damaged`: flew on or aborted, engine/guns.py) (stored as 0/1)."""

_IDX = pa.field("idx", pa.int64())

RECORD_SCHEMAS: dict[str, pa.Schema] = {
    "replications": pa.schema(
        [_IDX, ("seed", pa.int64()), ("wall_s", pa.float64()), ("n_aircraft", pa.int64())]
        + [(f, pa.int64()) for f in FLAGS]
        + [("launches", pa.int64()), ("destroyed_components", pa.int64())]
        + [(c, pa.int64()) for c in CLASS_COLUMNS]  # per weapon class (analysis.metrics)
    ),
    "aircraft": pa.schema(
        [_IDX, ("aircraft", pa.string()), ("type", pa.string())]
        + [(f, pa.int64()) for f in FLAGS]
        + [("first_detected_s", pa.float64()), ("killed_at_s", pa.float64())]
        + [("first_radar_track_s", pa.float64())]  # first firm track by a defence radar
        + [(f"{c}_missiles", pa.int64()) for c in WEAPON_CLASSES]  # fired at it, by class
        + [("decoy", pa.int64())]  # 1: a decoy (missiles spent on it, not an aircraft lost)
    ),
    "ledger": pa.schema(
        [_IDX]
        + [f.with_type(pa.int64()) if pa.types.is_integer(f.type) else f for f in LEDGER_SCHEMA]
    ),
    "components": pa.schema(
        [_IDX, ("component", pa.string()), ("state", pa.string()), ("destroyed_at_s", pa.float64())]
    ),
}
"""Arrow schema of each table of a batch (results store, API), in column order."""

TABLES: dict[str, tuple[str, ...]] = {t: tuple(s.names) for t, s in RECORD_SCHEMAS.items()}
"""Column names of each table."""


def sql_type(t: pa.DataType) -> str:
    """The SQLite column type of an Arrow type."""
    if pa.types.is_floating(t):
        return "REAL"
    return "TEXT" if pa.types.is_string(t) else "INTEGER"


def record_of(
    idx: int,
    seed: int,
    result: ReplicationResult,
    wall_s: float,
    *,
    classes: Mapping[str, str],
    radars: frozenset[str] = frozenset(),
) -> dict:
    """A replication reduced to plain rows for the store (small and cheap to pickle);
    `classes`: component (UNIT/COMPONENT) -> weapon class (`metrics.component_classes`);
    `radars`: the defence's radar components (their firm tracks are `first_radar_track_s`)."""
    ac = result.aircraft
    events = result.events.rows()
    rep = {
        "idx": idx,
        "seed": seed,
        "wall_s": wall_s,
        "n_aircraft": len(ac),
        **{f: sum(bool(r[f]) for r in ac) for f in FLAGS},
        "launches": sum(1 for row in events if row[1] in FIRE_KINDS),  # a gun's burst is one
        "destroyed_components": len(result.destroyed_at),
        **class_counts(events, classes, {r["aircraft"] for r in ac}),
    }
    first_track, missiles = _per_aircraft(events, classes, radars)
    aircraft = [
        (idx, r["aircraft"], r.get("type"), *(int(bool(r[f])) for f in FLAGS))
        + (r.get("first_detected_s"), r.get("killed_at_s"), first_track.get(r["aircraft"]))
        + tuple(missiles.get((r["aircraft"], c), 0) for c in WEAPON_CLASSES)
        + (int(is_decoy),)
        for rows, is_decoy in ((ac, False), (result.decoys, True))
        for r in rows
    ]
    lt = result.ledger.table()
    cols = [lt.column(c).to_pylist() for c in TABLES["ledger"][1:]]
    ledger = [
        (idx, *(None if isinstance(v, float) and v != v else v for v in row))
        for row in zip(*cols, strict=True)
    ]
    components = [
        (idx, cid, state, result.destroyed_at.get(cid)) for cid, state in result.states.items()
    ]
    return {"replication": rep, "aircraft": aircraft, "ledger": ledger, "components": components}


def _per_aircraft(
    events: list[tuple], classes: Mapping[str, str], radars: frozenset[str]
) -> tuple[dict[str, float], dict[tuple[str, str], int]]:
    """Per aircraft, from the event rows (time_s, kind, aircraft, unit, component, detail,
    value): the first firm track by a defence radar, and what each weapon class fired at it
    (missiles: a launch's value; guns: bursts, `metrics.FIRE_KINDS`)."""
    first: dict[str, float] = {}
    missiles: dict[tuple[str, str], int] = {}
    for t, kind, ac, _unit, comp, _detail, value in events:
        if kind == "track_firm" and comp in radars:
            first[ac] = min(first.get(ac, t), t)
        elif kind in FIRE_KINDS and comp in classes:
            key = (ac, classes[comp])  # a launch counts its missiles, a gun its bursts
            missiles[key] = missiles.get(key, 0) + (int(value or 1) if kind == "launch" else 1)
    return first, missiles


def radar_components(prepared: Prepared) -> frozenset[str]:
    """The defence's radars as the event log names them (UNIT/COMPONENT)."""
    return frozenset(c.id for c in prepared.geometry.world.components if c.is_radar)


def run_one(prepared: Prepared, idx: int, seed: int) -> dict:
    """Run and record one replication. The record's `replication` row carries `wall_s` (stored)
    and `cpu_s`, the CPU time of this thread (not stored: what the benchmarks compare between
    backends, since wall time depends on what else the machine runs)."""
    t0, c0 = time.perf_counter(), time.thread_time()
    result = prepared.replicate(seed)
    classes = component_classes(prepared.scenario)
    radars = radar_components(prepared)
    rec = record_of(idx, seed, result, time.perf_counter() - t0, classes=classes, radars=radars)
    rec["replication"]["cpu_s"] = time.thread_time() - c0
    return rec
