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

from iadsim.analysis.metrics import CLASS_COLUMNS, class_counts, component_classes
from iadsim.engine.ledger import LEDGER_SCHEMA
from iadsim.engine.replication import ReplicationResult
from iadsim.engine.run import Prepared

FLAGS = ("detected", "tracked", "reported", "engaged", "killed")
"""Per aircraft: how far its kill chain went in at least one unit (stored as 0/1)."""

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
) -> dict:
    """A replication reduced to plain rows for the store (small and cheap to pickle);
    `classes`: component (UNIT/COMPONENT) -> weapon class (`metrics.component_classes`)."""
    ac = result.aircraft
    events = result.events.rows()
    rep = {
        "idx": idx,
        "seed": seed,
        "wall_s": wall_s,
        "n_aircraft": len(ac),
        **{f: sum(bool(r[f]) for r in ac) for f in FLAGS},
        "launches": sum(1 for row in events if row[1] == "launch"),
        "destroyed_components": len(result.destroyed_at),
        **class_counts(events, classes, {r["aircraft"] for r in ac}),
    }
    aircraft = [
        (idx, r["aircraft"], r.get("type"), *(int(bool(r[f])) for f in FLAGS))
        + (r.get("first_detected_s"), r.get("killed_at_s"))
        for r in ac
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


def run_one(prepared: Prepared, idx: int, seed: int) -> dict:
    """Run and record one replication. The record's `replication` row carries `wall_s` (stored)
    and `cpu_s`, the CPU time of this thread (not stored: what the benchmarks compare between
    backends, since wall time depends on what else the machine runs)."""
    t0, c0 = time.perf_counter(), time.thread_time()
    result = prepared.replicate(seed)
    classes = component_classes(prepared.scenario)
    rec = record_of(idx, seed, result, time.perf_counter() - t0, classes=classes)
    rec["replication"]["cpu_s"] = time.thread_time() - c0
    return rec
