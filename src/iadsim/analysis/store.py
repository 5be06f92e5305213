"""The results store of a Monte Carlo batch: one SQLite file in write-ahead-log mode.

Each finished replication is written in a single transaction (its row in `replications`
plus its rows in `aircraft`, `ledger` and `components`), so a batch killed at any moment,
even by SIGKILL, leaves either the whole replication or none of it. `replications.idx` is the
primary key: a replication can never be stored twice, and `--resume` runs exactly the
indices that are missing.

Opening checks the file before anything is written (`open_checks`): a regular file, the SQLite
header, the iadsim application id (`PRAGMA application_id`) or, for stores made before it, the
iadsim tables; `PRAGMA quick_check`. A corrupt, foreign or unreadable file is refused with an
error naming it and what to do (another --out, or --force, which moves it aside as
NAME.bad-TIME and starts a new store); iadsim never writes into a database it did not make.
A writer holds an exclusive lock (`NAME.lock`, flock) for as long as it is open, so two
`mc --resume` on one store cannot both write: the second is refused. SQLite and file-system
errors (disk full, read-only, I/O) are reported as what they are.

The store remembers what it was made from (`meta`: a hash of the validated scenario, the
catalog and the variant settings, and the root seed) and refuses to be resumed with anything
else.

Schema versions: 1 (the first), 2 (per-stage first times in `ledger`), 3 (the failing
`element` in `ledger`). A store of an older version is read with the columns it lacks as
NULL (its failing elements are unknown, never guessed); it is never resumed, since its
replications would not match new ones (refused with the versions named).

Tables
------
meta(key, value)
replications(idx, seed, wall_s, n_aircraft, detected, tracked, reported, engaged, killed,
             launches, destroyed_components)
aircraft(idx, aircraft, type, detected, tracked, reported, engaged, killed,
         first_detected_s, killed_at_s)
ledger(idx, aircraft, unit, stage, stage_index, reason, stopped_at_s,
       t_in_envelope_s, ..., t_killed_s,   first time each stage was reached (NULL: never)
       element)                            the failing element (engine.culprits; NULL: none)
components(idx, component, state, destroyed_at_s)
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from iadsim.errors import InputError, OutputError, Problem
from iadsim.io.outdir import describe_os_error

try:  # POSIX advisory locks; where missing (Windows) the store is not locked
    import fcntl
except ImportError:  # pragma: no cover - not on the platforms iadsim is tested on
    fcntl = None
from iadsim.killchain import Stage

STORE_NAME = "results.sqlite"
SCHEMA_VERSION = "3"  # 2: per-stage first times in `ledger`; 3: its failing `element`
APPLICATION_ID = 0x1AD5113  # PRAGMA application_id of an iadsim store ("IADSIM")
SQLITE_HEADER = b"SQLite format 3\x00"

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
    element TEXT,
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
    (
        "idx",
        "aircraft",
        "unit",
        "stage",
        "stage_index",
        "reason",
        "stopped_at_s",
    )
    + STAGE_TIME_COLUMNS
    + ("element",)
)
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


def _refuse(path: Path, what: str, force_helps: bool = True) -> OutputError:
    todo = "choose another --out"
    if force_helps:
        todo += ", or pass --force to move it aside (kept as a backup) and start a new store"
    return OutputError(f"{path}: {what}; {todo}")


def open_checks(path: Path) -> None:
    """Refuse a file that is not a healthy iadsim store (see the module docstring)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{path}: cannot open the store: {describe_os_error(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: is a directory, not a results store; choose another --out")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{path}: is not a regular file; choose another --out")
    if st.st_size == 0:
        return  # created and killed before its first write
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the store: {describe_os_error(exc)}") from None
    if header != SQLITE_HEADER:
        raise _refuse(path, "not an SQLite database (corrupt, or another kind of file)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30.0)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if app_id != APPLICATION_ID and not (app_id == 0 and _looks_like_ours(conn, tables)):
                if tables:
                    raise _refuse(
                        path,
                        "an SQLite database of another application (tables: "
                        + ", ".join(sorted(tables)[:6])
                        + "); iadsim does not write into it",
                        force_helps=False,
                    )
            check = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _refuse(path, f"corrupt results store ({exc})") from None
    if check != [("ok",)]:
        raise _refuse(path, f"corrupt results store (quick_check: {check[0][0]})")


def _looks_like_ours(conn: sqlite3.Connection, tables: set[str]) -> bool:
    """A store made before the application id: iadsim's tables and schema_version."""
    if not set(TABLES) | {"meta"} <= tables:
        return False
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return row is not None


def move_aside(path: Path) -> Path:
    """--force: keep a bad store as NAME.bad-TIME (with its -wal/-shm) and free the name."""
    backup = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%dT%H%M%S')}")
    with _os_errors(path, "move the old store aside"):
        os.rename(path, backup)
        for side in ("-wal", "-shm"):
            extra = path.with_name(path.name + side)
            if extra.exists():
                os.rename(extra, backup.with_name(backup.name + side))
    return backup


@contextmanager
def _os_errors(path: Path, doing: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise OutputError(
            f"{exc.filename or path}: cannot {doing}: {describe_os_error(exc)}; "
            "choose another --out"
        ) from None


@contextmanager
def sql_errors(path: Path, doing: str) -> Iterator[None]:
    """SQLite errors as what they are: the disk is full, read-only, corrupt, locked."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc)
        low = text.lower()
        if "disk is full" in low or getattr(exc, "sqlite_errorcode", None) == 13:
            what = "the disk is full"
        elif "readonly" in low or "read-only" in low:
            what = "read-only (file system or file permissions)"
        elif "disk i/o" in low:
            what = "input/output error on the disk"
        elif "locked" in low or "busy" in low:
            what = "locked by another process"
        elif isinstance(exc, sqlite3.DatabaseError) and "malformed" in low:
            raise _refuse(path, f"corrupt results store ({text})") from None
        else:
            what = text
        raise OutputError(f"{path}: cannot {doing}: {what}") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot {doing}: {describe_os_error(exc)}") from None


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
            return
        with _os_errors(self.path.parent, "create the output directory"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            with sql_errors(self.path, "open the store"):
                self.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
                self.conn.execute("PRAGMA journal_mode=WAL")
                # NORMAL in WAL mode: a committed transaction survives the death of the
                # process (SIGKILL); only an OS crash / power loss can lose the last commits.
                self.conn.execute("PRAGMA synchronous=NORMAL")
                self.conn.executescript(_DDL)
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                self._upgrade_if_empty()
        except BaseException:
            self._unlock()
            raise

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
                    "store; wait for it to finish, or choose another --out"
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
        """Write one replication record (from `montecarlo.record_of`) atomically."""
        with self._transaction("store a replication") as c:
            c.execute(
                _insert("replications"), [record["replication"][k] for k in REPLICATION_COLUMNS]
            )
            for table in ("aircraft", "ledger", "components"):
                rows = record[table]
                if rows:
                    c.executemany(_insert(table), rows)

    def append_many(self, records: list[dict]) -> None:
        """Write several replication records in one transaction (all of them or none): what
        the parallel backends use for the replications that finished together."""
        if not records:
            return
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            c.executemany(
                _insert("replications"),
                [[r["replication"][k] for k in REPLICATION_COLUMNS] for r in records],
            )
            for table in ("aircraft", "ledger", "components"):
                rows = [row for r in records for row in r[table]]
                if rows:
                    c.executemany(_insert(table), rows)
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

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
                r[0] for r in self.conn.execute(f"SELECT idx FROM replications {where}", params)
            }

    def _have(self, table: str) -> set[str]:
        """The columns the file's table has (an older store lacks the newer ones)."""
        with sql_errors(self.path, "read the store"):
            return {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}

    def rows(self, table: str, where: str = "", params: tuple = ()) -> list[tuple]:
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
        data = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
        return pa.table(data) if rows else pa.table({c: pa.array([], pa.null()) for c in cols})


_IDENTITY_KEYS = ("scenario_hash", "root_seed", "variant")


def _foreign(path: Path) -> bool:
    """True for another application's SQLite database (never moved aside, never written)."""
    try:
        open_checks(path)
    except OutputError as exc:
        return "another application" in str(exc)
    return False


def _insert(table: str) -> str:
    cols = TABLES[table]
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def dumps_identity(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def prepare_store(out: str | Path, force: bool = False) -> Path | None:
    """Before a batch does any work: refuse an output that cannot hold a store (a file in the
    way, a read-only parent, a corrupt or foreign store), or with `force` move a corrupt store
    aside; returns the backup's path if one was made."""
    from iadsim.io.outdir import check_target

    out = Path(out)
    if out.suffix == ".sqlite":
        raise OutputError(
            f"{out}: --out names the output directory (the store is OUT/{STORE_NAME}), "
            "not the store file; give a directory"
        )
    check_target(out, BATCH_FILES)
    path = store_path(out)
    try:
        open_checks(path)
    except OutputError:
        if not (force and path.is_file()) or _foreign(path):
            raise
        return move_aside(path)
    return None


BATCH_FILES = (f"{STORE_NAME}*", "summary.json", "scene.json", "manifest.json")
"""What a batch directory holds: the store (with its -wal, -shm, .lock), the summary, the
manifest (written last: the summary it vouches for and the replications it covers)."""


def commit_batch_dir(out: str | Path, n: int) -> dict:
    """Write the batch directory's manifest last: summary.json as written, replications
    0..n-1 as the store holds them now."""
    from iadsim.io.outdir import write_manifest

    with ResultStore(out, writer=False, limit=n) as store:
        meta, stored = store.meta(), store.count()
    extra = {"replications": n, "stored": stored, "root_seed": meta.get("root_seed")}
    extra["scenario_hash"] = meta.get("scenario_hash")
    with _os_errors(Path(out), "write the manifest"):
        return write_manifest(Path(out), "mc", extra)


def check_batch_dir(out: str | Path) -> dict:
    """For readers of a batch directory: the manifest is there, the summary is the one it
    lists, and the store holds every replication the summary was computed from."""
    from iadsim.io.outdir import check_manifest

    out = Path(out)
    manifest = check_manifest(
        out,
        kind="mc",
        hint="an interrupted mc? run it again with --resume: finished replications are kept",
    )
    n = int(manifest.get("replications", 0))
    with ResultStore(out, writer=False, limit=n) as store:
        have = store.count()
        meta = store.meta()
    if have != n or meta.get("scenario_hash") != manifest.get("scenario_hash"):
        raise InputError(
            Problem(
                str(store_path(out)),
                None,
                None,
                "",
                f"the store holds {have} of the {n} replications the summary was computed from"
                " (or another batch); run the mc again with --resume",
            )
        )
    return manifest
