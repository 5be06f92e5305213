"""All-or-nothing output directories: a reader sees the complete old outputs or the complete new
ones, never a mix.

A command writes its files into a fresh temporary sibling of the target (`.NAME.new-PID-XXXX`,
same parent, so the same file system), then `manifest.json` last (what was written: names,
sizes, SHA-256, kind), then swaps the directory into place: an atomic exchange of the two
directory entries (Linux renameat2 RENAME_EXCHANGE) where the kernel offers it, else two
renames. A run killed at any moment, or whose last write fails, leaves the old directory as it
was; the temporary sibling is removed on failure, or on the next write into the same target
if the process was killed.

Readers call `check_manifest(directory)`: every file the manifest lists must be there with its
size and hash, so a directory assembled from two runs is refused.

Usage (the API other writers build on)::

    with output_dir(out, kind="run", legacy=("events.parquet", ...)) as tmp:
        write_parquet(table, tmp / "events.parquet")
        write_json(summary, tmp / "summary.json")
    # here `out` holds exactly those files and manifest.json

An existing `out` is replaced only if iadsim wrote it (it has a manifest.json, or holds only the
`legacy` names, or is empty): `--out .` never deletes someone's files. Every file-system
failure becomes an `OutputError` that says what it is (read-only file system, not a directory,
disk full, permission denied), which the CLI prints with exit 2.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from fnmatch import fnmatch
from pathlib import Path

from iadsim._version import __version__
from iadsim.errors import InputError, OutputError, Problem

MANIFEST = "manifest.json"

DERIVED = ("report.html", "raid.kmz", "raid.kml", "raid.czml", "raid.txt.acmi")
"""Files that `iadsim report` and `iadsim export` write into an output directory after it was
written: never listed in a manifest (a writer that updates its directory in place, like
`compare` or `mc`, would otherwise list an old report.html that the next report replaces)."""

_WHAT = {
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EEXIST: "already exists",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.ENOENT: "no such file or directory",
    errno.ENAMETOOLONG: "file name too long",
    errno.EIO: "input/output error",
}


def describe_os_error(exc: OSError) -> str:
    """A plain name for a file-system error ("read-only file system", "the disk is full")."""
    what = _WHAT.get(exc.errno or 0)
    return what or (exc.strerror or str(exc))


@contextmanager
def fs_errors(path: Path | str, doing: str, todo: tuple[str, ...] = ("out",)) -> Iterator[None]:
    """Turn an OSError raised inside the block into an OutputError naming the path and cause."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or path
        raise OutputError(f"{where}: cannot {doing}: {describe_os_error(exc)}", todo) from None


def file_mode() -> int:
    """The mode every output file gets: 0666 minus the process umask (0644 with umask 022)."""
    return 0o666 & ~_umask()


def _umask() -> int:
    try:  # read without changing it (os.umask would, briefly, for every thread)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _is_ours(directory: Path, legacy: Iterable[str]) -> bool:
    names = {p.name for p in directory.iterdir()}
    legacy = (*legacy, *DERIVED)  # a reader's report or export there is ours too
    return MANIFEST in names or all(any(fnmatch(n, pat) for pat in legacy) for n in names)


def _remove_stale(parent: Path, name: str) -> None:
    """Temporary siblings left by a killed writer (their process is gone)."""
    for p in parent.glob(f".{name}.new-*"):
        try:
            pid = int(p.name[len(name) + 6 :].split("-")[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_target(out: str | Path, legacy: Iterable[str] = ()) -> None:
    """Refuse, before any work, an output path that cannot become an iadsim output directory:
    a file in the way, a directory of someone else's files, a read-only or unwritable parent."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory (remove the file)", ("out",))
    if out.is_dir():
        with fs_errors(out, "read the existing output directory"):
            if not _is_ours(out, tuple(legacy)):
                raise OutputError(
                    f"{out}: exists and holds files iadsim did not write", ("out", "empty")
                )
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{parent}: is not a directory", ("out",))
    try:
        read_only = bool(os.statvfs(parent).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): the write itself will say
        read_only = False
    if read_only:
        raise OutputError(f"{parent}: cannot write the outputs: read-only file system", ("out",))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{parent}: cannot write the outputs: permission denied", ("out",))


@contextmanager
def output_dir(out: str | Path, kind: str, legacy: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a temporary directory to write into; on success commit it as `out` atomically.

    `kind` is recorded in the manifest ("run", "compare", ...); `legacy` lists the file names
    (or glob patterns) an older iadsim wrote there without a manifest (such a directory may
    be replaced)."""
    out = Path(out)
    check_target(out, legacy)
    parent = out.parent
    with fs_errors(parent, "create the output directory"):
        parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(parent, out.name)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-{os.getpid()}-", dir=parent))
    try:
        with fs_errors(out, "write the outputs"):
            os.chmod(tmp, 0o777 & ~_umask())
            yield tmp
            write_manifest(tmp, kind)
            _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old outputs
        return
    # no atomic exchange: for an instant `out` is missing (a reader sees "missing", not a mix)
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_manifest(directory: Path, kind: str, extra: dict | None = None) -> dict:
    """Write `manifest.json` (last) listing every regular file of `directory` except those
    whose name starts with "results.sqlite" (a store is checked by its own identity) and the
    `DERIVED` files readers add later."""
    from iadsim.io.outputs import write_json

    files = {
        p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(Path(directory).iterdir())
        if p.is_file()
        and p.name != MANIFEST
        and p.name not in DERIVED
        and not p.name.startswith((".", "results.sqlite"))
    }
    manifest = {"kind": kind, "iadsim_version": __version__, "files": files, **(extra or {})}
    write_json(manifest, Path(directory) / MANIFEST)
    return manifest


def retire_manifest(directory: str | Path, stale: Iterable[str] = ()) -> None:
    """For a command that rewrites its report files in place, next to stores it keeps (`mc`,
    `compare`, `sweep`, `attribute`, `uncertainty`, `case-study`), before it writes them:
    remove `manifest.json` first (until the new one is written a reader is told the directory
    is incomplete, instead of reading old and new files together), then the old top-level
    files matching the `stale` patterns, so that the manifest written last lists this run's
    files only (a one-point sweep leaves no reason shifts of an earlier grid behind)."""
    directory = Path(directory)
    if not directory.is_dir():
        return
    with fs_errors(directory, "replace the previous outputs"):
        (directory / MANIFEST).unlink(missing_ok=True)
        for p in directory.iterdir():
            if p.is_file() and not p.is_symlink() and any(fnmatch(p.name, s) for s in stale):
                p.unlink()


def check_manifest(directory: str | Path, kind: str | None = None, hint: str = "") -> dict:
    """Read `manifest.json` and check that the directory holds exactly the set it lists.

    `hint` is appended to every refusal: what the reader's user should do about it (e.g.
    "run it again with --resume")."""
    directory = Path(directory)
    path = directory / MANIFEST
    suffix = f" ({hint})" if hint else ""

    def refuse(message: str, where: Path = path) -> InputError:
        return InputError(Problem(str(where), None, None, "", message + suffix))

    if not directory.is_dir():
        raise refuse("not a directory", directory)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise refuse(
            "missing: not a complete iadsim output directory (interrupted, written by hand, "
            "or by an iadsim before output manifests); write it again"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refuse(f"unreadable manifest: {exc}") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise refuse("not an iadsim manifest (no 'files' mapping)")
    if kind is not None and manifest.get("kind") != kind:
        raise refuse(f"this directory holds {manifest.get('kind')!r} outputs, not {kind!r}")
    for name, info in files.items():
        p = directory / str(name)
        try:
            ok = (
                isinstance(info, dict)
                and p.stat().st_size == info.get("bytes")
                and _sha256(p) == info.get("sha256")
            )
        except OSError:
            ok = False
        if not ok:
            raise refuse(
                f"missing, or not the file {MANIFEST} lists (the directory mixes outputs of "
                "different runs, or a file was changed after it was written); write the "
                "directory again",
                p,
            )
    return manifest
