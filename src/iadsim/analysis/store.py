"""The results store of a Monte Carlo batch: one SQLite file in write-ahead-log mode.

Each finished replication is written in a single transaction (its row in `replications`
plus its rows in `aircraft`, `ledger` and `components`), so a batch killed at any moment,
even by SIGKILL, leaves either the whole replication or none of it. `replications.idx` is the
primary key: a replication can never be stored twice, and `--resume` runs exactly the
indices that are missing.

Opening checks the file before anything is written (`store_checks.open_checks`): a corrupt,
foreign, empty or unreadable file is refused with an error naming it and what to do; iadsim
never writes into a database it did not make. A new store is made under a temporary name and
renamed into place once its tables exist. A writer holds an exclusive lock (`NAME.lock`,
flock) for as long as it is open, so two `mc --resume` on one store cannot both write: the
second is refused.

The store remembers what it was made from (`meta`: a hash of the validated scenario, the
catalog and the variant settings, and the root seed) and refuses to be resumed with anything
else.

Schema versions: 1 (the first), 2 (per-stage first times in `ledger`), 3 (the failing
`element` in `ledger`), 4 (launches, engagements and kills per weapon class in
`replications`, analysis.metrics). A store of an older version is read with the columns it lacks as
NULL (its failing elements are unknown, never guessed); it is never resumed, since its
replications would not match new ones (refused with the versions named).

Tables: those of `analysis.records.RECORD_SCHEMAS` (replications, aircraft, ledger,
components; the primary keys below), plus meta(key, value). Rows are read by column name
(`sqlite3.Row`).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from iadsim.analysis.records import RECORD_SCHEMAS, TABLES, sql_type
from iadsim.analysis.store_checks import (
    APPLICATION_ID,
    _foreign,
    _os_errors,
    _refuse,
    move_aside,
    open_checks,
    sql_errors,
    store_path,
)
from iadsim.errors import InputError, OutputError, Problem, ValueRangeError
from iadsim.io.outdir import describe_os_error

try:  # POSIX advisory locks; where missing (Windows) the store is not locked
    import fcntl
except ImportError:  # pragma: no cover - not on the platforms iadsim is tested on
    fcntl = None

SCHEMA_VERSION = "7"  # 2: per-stage first times in `ledger`; 3: its failing `element`;
# 4: per weapon class counts in `replications`; 5: per aircraft, its first firm radar track
# and the missiles fired at it by class, and the decoys as rows flagged `decoy` (`aircraft`);
# 6: `damaged` (hit and not lost, engine/guns.py) in `replications` and `aircraft`
# 7: every blocking reason of a ledger pair and its element (`reasons`, `elements`)

STAGE_TIME_COLUMNS = tuple(c for c in TABLES["ledger"] if c.startswith("t_"))
"""Per ledger pair: the first time (s) each kill-chain stage was reached, NULL if never."""

_KEYS = {
    "replications": ("idx",),
    "aircraft": ("idx", "aircraft"),
    "ledger": ("idx", "aircraft", "unit"),
    "components": ("idx", "component"),
}


def _create_table(table: str) -> str:
    """CREATE TABLE for one record table, its columns and types from its Arrow schema."""
    cols = [
        f"{f.name} {sql_type(f.type)}" + (" NOT NULL" if f.name in _KEYS[table] else "")
        for f in RECORD_SCHEMAS[table]
    ]
    return (
        f"CREATE TABLE IF NOT EXISTS {table} ("
        + ", ".join(cols)
        + f", PRIMARY KEY ({', '.join(_KEYS[table])}));"
    )


_DDL = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n" + "\n".join(
    _create_table(t) for t in TABLES
)


def _strict_text(path: Path):
    """SQLite text as str, or the store refused as corrupt: a cell that is not UTF-8 (a damaged
    file passes SQLite's checks) is an iadsim refusal naming the store, not a decode error
    wherever the cell happens to be read (found by tests/analysis/test_store_fuzz.py)."""

    def decode(raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(path, "corrupt results store (text that is not UTF-8)") from None

    return decode


class ResultStore:
    """Append-only store of replication records (see the module docstring for the tables).

    `writer=False` opens for reading only (no lock, no schema writes). `limit=n` shows only
    replications 0..n-1 (a batch run with -n n on a store that holds more). `force=True`
    moves a corrupt store aside (NAME.bad-TIME) instead of refusing it."""

    def __init__(
        self,
        path: str | Path,
        *,
        writer: bool = True,
        limit: int | None = None,
        force: bool = False,
    ):
        self.path = store_path(path)
        self.limit = limit
        self._lock_fd: int | None = None
        try:
            open_checks(self.path)
        except OutputError:
            if not (force and writer and self.path.is_file()):
                raise
            if _foreign(self.path):
                raise
            move_aside(self.path)
        if not writer:
            if not self.path.is_file():
                raise InputError(Problem(str(self.path), None, None, "", "no results store here"))
            with sql_errors(self.path, "open the store"):
                self.conn = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, timeout=30.0, isolation_level=None
                )
                self.conn.row_factory = sqlite3.Row
                self.conn.text_factory = _strict_text(self.path)
            return
        with _os_errors(self.path.parent, "create the output directory"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            if not self.path.exists():
                self._create()
            with sql_errors(self.path, "open the store"):
                self.conn = self._connect(self.path)
                self._upgrade_if_empty()
        except BaseException:
            self._unlock()
            raise

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.text_factory = _strict_text(path)
        conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a committed transaction survives the death of the process
        # (SIGKILL); only an OS crash / power loss can lose the last commits.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_DDL)
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        return conn

    def _create(self) -> None:
        """A new store: made under a temporary name and renamed once its tables exist, so a
        file at the store's name is always a whole iadsim store (an empty one is refused)."""
        tmp = self.path.with_name(f".{self.path.name}.new-{os.getpid()}")
        with sql_errors(tmp, "create the store"):
            tmp.unlink(missing_ok=True)
            conn = self._connect(tmp)
            conn.execute("PRAGMA journal_mode=DELETE")  # no -wal beside the temporary name
            conn.close()
        with _os_errors(self.path, "create the store"):
            os.replace(tmp, self.path)

    def _upgrade_if_empty(self) -> None:
        """An older store killed before its first replication is reused: its tables get the
        newer columns. One holding replications is left as it is (`bind` refuses it)."""
        if self.conn.execute("SELECT COUNT(*) FROM replications").fetchone()[0]:
            return
        for table, cols in TABLES.items():
            have = self._have(table)
            for c in cols:
                if c not in have:
                    kind = "REAL" if c.endswith("_s") else "TEXT"
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {c} {kind}")

    def _lock(self) -> None:
        lock = self.path.with_name(self.path.name + ".lock")
        with _os_errors(lock, "create the store's lock file"):
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(
                    f"{self.path}: another iadsim process (pid {holder}) is writing this "
                    "store; wait for it to finish",
                    ("out",),
                ) from None
            raise OutputError(f"{lock}: cannot lock: {describe_os_error(exc)}") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            self._unlock()

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

        def refuse(message: str) -> ValueRangeError:
            # in the caller's terms: the API's `resume=True`, the command line's --resume
            return ValueRangeError(f"{self.path}: {message}", parameter="resume")

        if have and n_done and not resume:
            raise refuse(
                f"already holds {n_done} replications of {have.get('scenario', '?')!r} "
                "(root seed " + have.get("root_seed", "?") + "); resume to complete "
                "that batch, or write to another output directory",
            )
        if n_done and have.get("schema_version", "1") != SCHEMA_VERSION:
            raise refuse(
                f"this store has schema version {have.get('schema_version', '1')}, this "
                f"iadsim writes version {SCHEMA_VERSION}; it cannot be resumed: write to "
                "another output directory",
            )
        diffs = [
            f"{k}: store has {have.get(k)!r}, this run has {v!r}"
            for k, v in identity.items()
            if k in _IDENTITY_KEYS and have.get(k) != v
        ]
        if have and n_done and diffs:  # an empty store (killed before its first one) is reused
            raise refuse(
                "this store was made from a different scenario or root seed, refusing "
                "to mix the two batches (" + "; ".join(diffs) + "); write to another output "
                "directory",
            )
        with self._transaction("record the batch identity") as c:
            for k, v in identity.items():
                c.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (k, str(v)))
            c.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    @contextmanager
    def _transaction(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One transaction; on any failure rolled back (if SQLite has not already done so)
        and the cause reported as what it is ("the disk is full", not "cannot rollback")."""
        c = self.conn
        with sql_errors(self.path, doing):
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
                c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:
                    try:
                        c.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise

    # -- writing ---------------------------------------------------------------------------
    def append(self, record: dict) -> None:
        """Write one replication record (from `records.record_of`) atomically."""
        self.append_many([record])

    def append_many(self, records: list[dict]) -> None:
        """Write several replication records in one transaction (all of them or none): what
        the runner hands over for the replications that finished together."""
        if not records:
            return
        with self._transaction("store a replication") as c:
            c.executemany(
                _insert("replications"),
                [[r["replication"][k] for k in TABLES["replications"]] for r in records],
            )
            for table in ("aircraft", "ledger", "components"):
                rows = [row for r in records for row in r[table]]
                if rows:
                    c.executemany(_insert(table), rows)

    # -- reading ---------------------------------------------------------------------------
    def _limited(self, where: str, params: tuple) -> tuple[str, tuple]:
        if self.limit is None:
            return where, params
        if where.strip():
            return f"{where} AND idx < ?", (*params, self.limit)
        return "WHERE idx < ?", (self.limit,)

    def count(self) -> int:
        where, params = self._limited("", ())
        sql = f"SELECT COUNT(*) FROM replications {where}"
        with sql_errors(self.path, "read the store"):
            return int(self.conn.execute(sql, params).fetchone()[0])

    def done(self) -> set[int]:
        where, params = self._limited("", ())
        with sql_errors(self.path, "read the store"):
            return {
                r["idx"] for r in self.conn.execute(f"SELECT idx FROM replications {where}", params)
            }

    def _have(self, table: str) -> set[str]:
        """The columns the file's table has (an older store lacks the newer ones)."""
        with sql_errors(self.path, "read the store"):
            return {r["name"] for r in self.conn.execute(f"PRAGMA table_info({table})")}

    def rows(self, table: str, where: str = "", params: tuple = ()) -> list[sqlite3.Row]:
        """The rows of `table` (read by column name: `row["killed"]`), ordered by replication
        index and key; columns an older store lacks read as NULL."""
        have = self._have(table)
        cols = ", ".join(c if c in have else f"NULL AS {c}" for c in TABLES[table])
        order = ", ".join(TABLES[table][:3] if table != "replications" else ("idx",))
        where, params = self._limited(where, params)
        sql = f"SELECT {cols} FROM {table} {where} ORDER BY {order}"
        with sql_errors(self.path, "read the store"):
            return self.conn.execute(sql, params).fetchall()

    def table(self, name: str, limit_idx: int | None = None) -> pa.Table:
        """A whole table as pyarrow, ordered by replication index (optionally idx < limit)."""
        where, params = ("WHERE idx < ?", (limit_idx,)) if limit_idx is not None else ("", ())
        rows = self.rows(name, where, params)
        cols = TABLES[name]
        data = {c: [r[c] for r in rows] for c in cols}
        return pa.table(data) if rows else pa.table({c: pa.array([], pa.null()) for c in cols})


_IDENTITY_KEYS = ("scenario_hash", "root_seed", "variant")


def _insert(table: str) -> str:
    cols = TABLES[table]
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
