"""The results store of a Monte Carlo batch: one SQLite file in write-ahead-log mode.

Each finished replication is written in a single transaction (its row in `replications`
plus its rows in `aircraft`, `ledger` and `components`), so a batch killed at any moment,
even by SIGKILL, leaves either the whole replication or none of it. `replications.idx` is the
primary key: a replication can never be stored twice, and `--resume` runs exactly the
indices that are missing.

The store remembers what it was made from (`meta`: a hash of the validated scenario, the
catalog and the variant settings, and the root seed) and refuses to be resumed with anything
else.

Tables
------
meta(key, value)
replications(idx, seed, wall_s, n_aircraft, detected, tracked, reported, engaged, killed,
             launches, destroyed_components)
aircraft(idx, aircraft, type, detected, tracked, reported, engaged, killed,
         first_detected_s, killed_at_s)
ledger(idx, aircraft, unit, stage, stage_index, reason, stopped_at_s,
       t_in_envelope_s, ..., t_killed_s)   first time each stage was reached (NULL: never)
components(idx, component, state, destroyed_at_s)
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow as pa

from iadsim.errors import InputError, Problem
from iadsim.killchain import Stage

STORE_NAME = "results.sqlite"
SCHEMA_VERSION = "2"  # 2: per-stage first times in `ledger`

STAGE_TIME_COLUMNS = tuple(f"t_{s.label}_s" for s in Stage if s != Stage.NONE)
"""Per ledger pair: the first time (s) each kill-chain stage was reached, NULL if never."""

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS replications (
    idx INTEGER PRIMARY KEY, seed INTEGER NOT NULL, wall_s REAL,
    n_aircraft INTEGER, detected INTEGER, tracked INTEGER, reported INTEGER,
    engaged INTEGER, killed INTEGER, launches INTEGER, destroyed_components INTEGER
);
CREATE TABLE IF NOT EXISTS aircraft (
    idx INTEGER NOT NULL, aircraft TEXT NOT NULL, type TEXT,
    detected INTEGER, tracked INTEGER, reported INTEGER, engaged INTEGER, killed INTEGER,
    first_detected_s REAL, killed_at_s REAL,
    PRIMARY KEY (idx, aircraft)
);
CREATE TABLE IF NOT EXISTS ledger (
    idx INTEGER NOT NULL, aircraft TEXT NOT NULL, unit TEXT NOT NULL,
    stage TEXT, stage_index INTEGER, reason TEXT, stopped_at_s REAL,
    {stage_times},
    PRIMARY KEY (idx, aircraft, unit)
);
CREATE TABLE IF NOT EXISTS components (
    idx INTEGER NOT NULL, component TEXT NOT NULL, state TEXT, destroyed_at_s REAL,
    PRIMARY KEY (idx, component)
);
""".replace("{stage_times}", ", ".join(f"{c} REAL" for c in STAGE_TIME_COLUMNS))

REPLICATION_COLUMNS = (
    "idx",
    "seed",
    "wall_s",
    "n_aircraft",
    "detected",
    "tracked",
    "reported",
    "engaged",
    "killed",
    "launches",
    "destroyed_components",
)
AIRCRAFT_COLUMNS = (
    "idx",
    "aircraft",
    "type",
    "detected",
    "tracked",
    "reported",
    "engaged",
    "killed",
    "first_detected_s",
    "killed_at_s",
)
LEDGER_COLUMNS = (
    "idx",
    "aircraft",
    "unit",
    "stage",
    "stage_index",
    "reason",
    "stopped_at_s",
) + STAGE_TIME_COLUMNS
COMPONENT_COLUMNS = ("idx", "component", "state", "destroyed_at_s")
TABLES = {
    "replications": REPLICATION_COLUMNS,
    "aircraft": AIRCRAFT_COLUMNS,
    "ledger": LEDGER_COLUMNS,
    "components": COMPONENT_COLUMNS,
}


def store_path(out: str | Path) -> Path:
    """The store file inside an output directory (a path ending in .sqlite is used as is)."""
    out = Path(out)
    return out if out.suffix == ".sqlite" else out / STORE_NAME


class ResultStore:
    """Append-only store of replication records (see the module docstring for the tables)."""

    def __init__(self, path: str | Path):
        self.path = store_path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a committed transaction survives the death of the process
        # (SIGKILL); only an OS crash / power loss can lose the last few commits.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_DDL)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- metadata --------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    def bind(self, identity: dict[str, str], resume: bool) -> None:
        """Record what this store is made from, or check it against what it was made from.

        A fresh store takes `identity`. A store that already holds replications is refused
        unless `resume` is true and its identity is the same (same scenario hash, same root
        seed, same variant settings)."""
        have = self.meta()
        n_done = self.count()
        if have and n_done and not resume:
            raise InputError(
                Problem(
                    str(self.path),
                    None,
                    None,
                    "--out",
                    f"already holds {n_done} replications of {have.get('scenario', '?')!r} "
                    "(root seed " + have.get("root_seed", "?") + "); pass --resume to complete "
                    "that batch, or choose another --out directory",
                )
            )
        if n_done and have.get("schema_version", "1") != SCHEMA_VERSION:
            raise InputError(
                Problem(
                    str(self.path),
                    None,
                    None,
                    "--resume",
                    f"this store has schema version {have.get('schema_version', '1')}, this "
                    f"iadsim writes version {SCHEMA_VERSION}; use another --out",
                )
            )
        if have and n_done:  # an empty store (killed before its first replication) is reused
            diffs = [
                f"{k}: store has {have.get(k)!r}, this run has {v!r}"
                for k, v in identity.items()
                if k in _IDENTITY_KEYS and have.get(k) != v
            ]
            if diffs:
                raise InputError(
                    Problem(
                        str(self.path),
                        None,
                        None,
                        "--resume",
                        "this store was made from a different scenario or root seed, refusing "
                        "to mix the two batches (" + "; ".join(diffs) + "); use another --out",
                    )
                )
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            for k, v in identity.items():
                c.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (k, str(v)))
            c.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    # -- writing ---------------------------------------------------------------------------
    def append(self, record: dict) -> None:
        """Write one replication record (from `montecarlo.record_of`) atomically."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            c.execute(
                _insert("replications"), [record["replication"][k] for k in REPLICATION_COLUMNS]
            )
            for table in ("aircraft", "ledger", "components"):
                rows = record[table]
                if rows:
                    c.executemany(_insert(table), rows)
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    # -- reading ---------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0])

    def done(self) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT idx FROM replications")}

    def rows(self, table: str, where: str = "", params: tuple = ()) -> list[tuple]:
        cols = ", ".join(TABLES[table])
        order = ", ".join(TABLES[table][:3] if table != "replications" else ("idx",))
        sql = f"SELECT {cols} FROM {table} {where} ORDER BY {order}"
        return self.conn.execute(sql, params).fetchall()

    def table(self, name: str, limit_idx: int | None = None) -> pa.Table:
        """A whole table as pyarrow, ordered by replication index (optionally idx < limit)."""
        where, params = ("WHERE idx < ?", (limit_idx,)) if limit_idx is not None else ("", ())
        rows = self.rows(name, where, params)
        cols = TABLES[name]
        data = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
        return pa.table(data) if rows else pa.table({c: pa.array([], pa.null()) for c in cols})


_IDENTITY_KEYS = ("scenario_hash", "root_seed", "variant")


def _insert(table: str) -> str:
    cols = TABLES[table]
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def dumps_identity(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
