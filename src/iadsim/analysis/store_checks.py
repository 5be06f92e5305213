"""Checks made before a results store is opened or written: the file is a healthy iadsim
store (a regular file, the SQLite header, the iadsim application id or, for stores made before
it, the iadsim tables; `PRAGMA quick_check`), or it is refused with an error naming it and what
to do (another --out, or --force, which moves it aside as NAME.bad-TIME). An empty file is
refused like a truncated one: iadsim creates a store under a temporary name and renames it only
once its tables exist, so an empty file at the store's name is never one of iadsim's.

SQLite and file-system errors (disk full, read-only, I/O) are reported as what they are.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from iadsim.analysis.records import TABLES
from iadsim.errors import OutputError
from iadsim.io.outdir import describe_os_error

STORE_NAME = "results.sqlite"
APPLICATION_ID = 0x1AD5113  # PRAGMA application_id of an iadsim store ("IADSIM")
SQLITE_HEADER = b"SQLite format 3\x00"


def store_path(out: str | Path) -> Path:
    """The store file inside an output directory (a path ending in .sqlite is used as is)."""
    out = Path(out)
    return out if out.suffix == ".sqlite" else out / STORE_NAME


def _refuse(path: Path, what: str, force_helps: bool = True) -> OutputError:
    return OutputError(f"{path}: {what}", ("out", "force") if force_helps else ("out",))


def open_checks(path: Path) -> None:
    """Refuse a file that is not a healthy iadsim store (see the module docstring)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{path}: cannot open the store: {describe_os_error(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: is a directory, not a results store", ("out",))
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{path}: is not a regular file", ("out",))
    if st.st_size == 0:  # iadsim renames a store into place only once its tables exist
        raise _refuse(path, "an empty file (0 bytes), not a results store (truncated?)")
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
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # (a schema whose names are not UTF-8 fails in SQLite's message, as UnicodeDecodeError)
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
    """`force` (--force): keep a bad store as NAME.bad-TIME (with its -wal/-shm), free the name."""
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
            f"{exc.filename or path}: cannot {doing}: {describe_os_error(exc)}", ("out",)
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


def _foreign(path: Path) -> bool:
    """True for another application's SQLite database (never moved aside, never written)."""
    try:
        open_checks(path)
    except OutputError as exc:
        return "another application" in str(exc)
    return False
