"""Write a run's outputs atomically: a file is either the old one or the complete new one.

Each file is written to a temporary name in the same directory and renamed over the target,
so an interrupted or failed run never leaves a truncated events.parquet behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from iadsim.errors import InputError, Problem


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
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


def read_run_dir(directory: Path) -> tuple[pa.Table, pa.Table, dict]:
    """Read events, ledger and summary of a run directory, refusing missing or corrupt files."""
    directory = Path(directory)
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
    path = directory / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), None, None, "", "missing summary.json")) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(Problem(str(path), line, None, "", f"corrupt JSON: {exc}")) from None
    return out[0], out[1], summary
