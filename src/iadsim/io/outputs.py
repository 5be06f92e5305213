"""Write a run's outputs atomically: a file is either the old one or the complete new one.

Each file is written to a temporary name in the same directory and renamed over the target,
so an interrupted or failed run never leaves a truncated events.parquet behind; the set of
files of a directory is made all-or-nothing by `iadsim.io.outdir.output_dir`. Every file gets
mode 0666 minus the umask (0644 with the usual umask 022).
"""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from iadsim.errors import InputError, Problem
from iadsim.io.outdir import check_manifest, file_mode


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, file_mode())  # mkstemp makes 0600; outputs are 0666 minus the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write a table as Parquet, deterministically (no timestamps, fixed options)."""
    _atomic(
        path, lambda tmp: pq.write_table(table, tmp, compression="zstd", write_statistics=False)
    )


def json_ready(x: Any) -> Any:
    """NaN and infinities become None (recursively) so the JSON stays standard."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: json_ready(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_ready(v) for v in x]
    return x


def write_json(data: Any, path: Path) -> None:
    """Write JSON (NaN as null) with sorted keys and a trailing newline, atomically."""

    def w(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(json_ready(data), fh, indent=2, sort_keys=True, allow_nan=False)
            fh.write("\n")

    _atomic(path, w)


def write_csv(header: list[str], rows: Iterable[Iterable[Any]], path: Path) -> Path:
    """Write a CSV table (a header row, then the rows), atomically; returns the path."""

    def w(tmp: str) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            out.writerows(rows)

    _atomic(Path(path), w)
    return Path(path)


def write_bytes(data: bytes, path: Path) -> None:
    """Write bytes atomically (an image, a zip)."""
    _atomic(Path(path), lambda tmp: Path(tmp).write_bytes(data))


def write_text(text: str, path: Path) -> None:
    """Write a text file (HTML, KML, CZML, ACMI) in UTF-8, atomically."""
    _atomic(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


RUN_FILES = (
    "events.parquet",
    "ledger.parquet",
    "summary.json",
    "tracking.json",
    "scene.json",
)
LEDGER_COLUMNS = ("aircraft", "unit", "stage", "reason", "stopped_at_s")
SUMMARY_KEYS = ("scenario", "seed", "aircraft")


def read_run_dir(directory: Path) -> tuple[pa.Table, pa.Table, dict]:
    """Read events, ledger and summary of a run directory, refusing missing or corrupt files,
    a ledger or summary of the wrong shape, and a set of files from different runs."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(
            Problem(str(directory), None, None, "", "not a directory written by `iadsim run`")
        )
    out = []
    for name in ("events.parquet", "ledger.parquet"):
        path = directory / name
        if not path.is_file():
            raise InputError(
                Problem(str(path), None, None, "", "missing: not an iadsim run directory?")
            )
        try:
            out.append(pq.read_table(path))
        except (pa.ArrowException, OSError) as exc:
            raise InputError(
                Problem(str(path), None, None, "", f"corrupt Parquet file: {exc}")
            ) from None
    missing = [c for c in LEDGER_COLUMNS if c not in out[1].column_names]
    if missing:
        raise InputError(
            Problem(
                str(directory / "ledger.parquet"),
                None,
                None,
                "",
                f"not a kill-chain ledger (no column {', '.join(missing)})",
            )
        )
    path = directory / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), None, None, "", "missing summary.json")) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(Problem(str(path), line, None, "", f"corrupt JSON: {exc}")) from None
    except OSError as exc:
        raise InputError(Problem(str(path), None, None, "", f"cannot read: {exc}")) from None
    if not isinstance(summary, dict) or any(k not in summary for k in SUMMARY_KEYS):
        raise InputError(
            Problem(
                str(path),
                1,
                1,
                "",
                "not a run summary (expected a mapping with " + ", ".join(SUMMARY_KEYS) + ")",
            )
        )
    check_manifest(directory, kind="run")
    return out[0], out[1], summary
