"""A Monte Carlo batch directory, complete or refused: what `iadsim mc` and
`iadsim.run_many(store=DIR)` write, and what `iadsim explain` and `iadsim report` read.

OUT/results.sqlite (the store), OUT/summary.json (statistics of replications 0..n-1),
OUT/scene.json (the map's scene, when given) and OUT/manifest.json, written last: it vouches
for the summary and the replications it was computed from (`check_batch_dir`).
"""

from __future__ import annotations

from pathlib import Path

from iadsim.analysis.montecarlo import BatchOutcome, StoredBatch, run_stores
from iadsim.analysis.runner import ProgressFn, Runner
from iadsim.analysis.store import ResultStore
from iadsim.analysis.store_checks import (
    STORE_NAME,
    _foreign,
    _os_errors,
    move_aside,
    open_checks,
    store_path,
)
from iadsim.engine.run import Prepared
from iadsim.errors import InputError, OutputError, Problem


def prepare_store(out: str | Path, force: bool = False) -> Path | None:
    """Before a batch does any work: refuse an output that cannot hold a store (a file in the
    way, a read-only parent, a corrupt or foreign store), or with `force` move a corrupt store
    aside; returns the backup's path if one was made."""
    from iadsim.io.outdir import check_target

    out = Path(out)
    if out.suffix == ".sqlite":
        raise OutputError(
            f"{out}: the output is a directory (the store is written as DIR/{STORE_NAME}), "
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


def write_batch_dir(
    prepared: Prepared,
    n: int,
    out: str | Path,
    runner: Runner,
    *,
    root_seed: int = 1,
    resume: bool = False,
    progress: ProgressFn | None = None,
    scene: dict | None = None,
    metric: str = "killed",
) -> tuple[BatchOutcome, dict]:
    """Run (or complete, with `resume`) replications 0..n-1 into OUT's store, then write the
    summary of those n, the scene if given, and the manifest last. Returns the batch's outcome
    and the summary (its `headline`: the registry's `metric`, analysis.metrics)."""
    from iadsim.analysis.crest import crest_times
    from iadsim.analysis.stats import batch_report
    from iadsim.io.outdir import fs_errors
    from iadsim.io.outputs import write_json

    out = Path(out)
    outcome = run_stores(
        [StoredBatch(0, prepared, out)],
        n,
        runner,
        root_seed=root_seed,
        resume=resume,
        progress=progress,
    )[0]
    # the summary covers replications 0..n-1, even when the store holds more (resume with -n)
    with ResultStore(outcome.store, writer=False, limit=n) as store:
        report = batch_report(store, metric, crest_times(prepared, climbing_only=True))
    with fs_errors(out, "write the summary"):
        write_json(report, out / "summary.json")
        if scene is not None:
            write_json(scene, out / "scene.json")
    commit_batch_dir(out, n)
    return outcome, report
