"""Read any iadsim output directory for the report, the web app and the exports.

A directory is one of: a run (`iadsim run`: events.parquet, ledger.parquet, summary.json),
a Monte Carlo batch (`iadsim mc`: results.sqlite, summary.json), a comparison
(`iadsim compare`: compare.json), a sweep (`iadsim sweep`: sweep.parquet,
sweep_reasons.csv), an attribution (`iadsim attribute --out DIR`: attribution.json) or an
uncertainty analysis (`iadsim uncertainty`: sensitivity.json). Each may hold `scene.json`
(written by `run` and `mc`); without it a scenario file can be given to draw the map.

Every directory is read as the set its `manifest.json` lists (`iadsim.io.outdir`): a file
missing or changed, a directory that mixes two runs' files, a JSON file put there after the
outputs were written, or a directory without a manifest (interrupted, or written by an iadsim
before manifests) is refused with the path and what to do; nothing is half-read.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from iadsim.errors import InputError, Problem
from iadsim.io.outdir import MANIFEST
from iadsim.io.outputs import json_ready
from iadsim.killchain import Stage

STAGES = [s.label for s in Stage if s != Stage.NONE]


@dataclass
class OutputDir:
    """What a directory holds, as plain JSON-ready data."""

    path: Path
    kind: str  # run | mc | compare | sweep | attribute | uncertainty
    scene: dict | None = None
    summary: dict = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    ledger: list[dict] = field(default_factory=list)  # run: pairs; mc: per-pair reason shares
    funnel: list[dict] = field(default_factory=list)  # stage -> pairs reaching it
    compare: dict | None = None
    attribution: dict | None = None
    sweep: dict | None = None  # {"params": [...], "points": [rows], "reasons": [rows]}
    sensitivity: dict | None = None
    components: list[dict] = field(default_factory=list)  # mc: per component, state shares

    @property
    def scenario(self) -> str | None:
        """The scenario's name as its outputs record it (None where they do not)."""
        for source in (
            self.summary,
            self.compare,
            self.attribution,
            self.sweep,
            self.sensitivity,
            self.scene,
        ):
            if source and source.get("scenario"):
                return str(source["scenario"])
        return None


def _refuse(where: Path, message: str) -> InputError:
    """A refusal naming the file or directory at fault (exit 2, no traceback)."""
    return InputError(Problem(str(where), None, None, "", message))


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            Problem(str(path), getattr(exc, "lineno", None), None, "", f"corrupt JSON: {exc}")
        ) from None


READABLE = ("run", "mc", "compare", "sweep", "attribute", "uncertainty")
"""The kinds of output directory the report, the web app and the exports read."""

COMPANIONS = ("compare.json", "attribution.json", "scene.json")
"""JSON files read from a directory of any kind when its manifest lists them."""


def _manifest_kind(path: Path) -> str | None:
    """The kind `path/manifest.json` declares, or None where there is no readable one."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    return kind if isinstance(kind, str) else None


def kind_of(path: Path) -> str:
    """Which kind of output directory `path` is (its manifest says, else the files it holds);
    refuses anything else. Whether the directory is complete is `check_set`'s job."""
    if not path.is_dir():
        raise _refuse(path, "not a directory")
    declared = _manifest_kind(path)
    if declared in READABLE:
        return declared
    if declared is not None:
        raise _refuse(
            path / MANIFEST,
            f"this directory holds {declared!r} outputs; the report, the web app and the "
            f"exports read {', '.join(READABLE)} directories",
        )
    if (path / "events.parquet").is_file():
        return "run"
    if (path / "results.sqlite").is_file():
        if not (path / "summary.json").is_file():
            raise _refuse(
                path,
                "a store of replications without its summary and manifest: one what-if's "
                "store inside a compare, sweep or attribute directory (read the directory "
                "above), or an interrupted mc (run it again with --resume)",
            )
        return "mc"
    if (path / "compare.json").is_file():
        return "compare"
    if (path / "attribution.json").is_file():
        return "attribute"
    if (path / "sweep.parquet").is_file():
        return "sweep"
    if (path / "sensitivity.json").is_file():
        return "uncertainty"
    raise _refuse(
        path,
        "not an iadsim output directory (no events.parquet, results.sqlite, compare.json, "
        "sweep.parquet, attribution.json or sensitivity.json)",
    )


def check_set(path: Path, kind: str) -> dict:
    """Check that `path` holds the complete set its manifest lists and return the manifest;
    refuses (exit 2, the path and what to do) a directory without one."""
    from iadsim.io.outdir import check_manifest

    if kind == "mc":
        from iadsim.analysis.batch_dir import check_batch_dir

        manifest = check_batch_dir(path)
    else:
        again = {
            "run": "iadsim run",
            "compare": "iadsim compare (--resume keeps the finished replications)",
            "sweep": "iadsim sweep (--resume keeps the finished replications)",
            "attribute": "iadsim attribute --out DIR (--resume keeps the finished replications)",
            "uncertainty": "iadsim uncertainty",
        }[kind]
        manifest = check_manifest(path, kind=kind, hint=again)
    listed = manifest.get("files", {})
    for name in COMPANIONS:
        if (path / name).is_file() and name not in listed:
            raise _refuse(
                path / name,
                f"not listed in {path / MANIFEST}: put there after the outputs were written "
                "(by another command?); move it out, or write it into a directory of its own",
            )
    return manifest


def funnel_of(stage_indices: list[int]) -> list[dict]:
    """For each stage, how many (aircraft, unit) pairs reached it (and the share)."""
    n = len(stage_indices)
    return [
        {
            "stage": label,
            "pairs": sum(1 for s in stage_indices if s >= k),
            "share": (sum(1 for s in stage_indices if s >= k) / n) if n else None,
        }
        for k, label in enumerate(STAGES, start=1)
    ]


def mc_pair_shares(store) -> list[dict]:
    """Per (aircraft, unit) pair and (stage, reason): the share of replications that stopped
    there, from a Monte Carlo store, and the failing element named most often there with the
    share of those replications naming it; sorted by pair, then most frequent first."""
    from iadsim.analysis.stats import reason_frequencies

    return [
        {
            "aircraft": r["aircraft"],
            "unit": r["unit"],
            "stage": r["stage"],
            "reason": "" if r["stage"] == "killed" else r["reason"],
            "count": r["count"],
            "share": r["fraction"],
            "lo": r["lo"],
            "hi": r["hi"],
            "element": r["element"],
            "element_share": r["element_count"] / r["count"],
        }
        for r in reason_frequencies(store)
    ]


def load_output_dir(path: str | Path, scenario: str | Path | None = None) -> OutputDir:
    """Read a run, mc, compare or attribution directory (see the module docstring)."""
    path = Path(path)
    out = OutputDir(path, kind_of(path))
    manifest = check_set(path, out.kind)  # before anything is read: the complete set or nothing
    if out.kind == "run":
        from iadsim.io.outputs import read_run_dir

        events, ledger, out.summary = read_run_dir(path)
        out.events = json_ready(events.to_pylist())
        out.ledger = json_ready(ledger.to_pylist())
        out.funnel = funnel_of([r["stage_index"] for r in out.ledger])
    elif out.kind == "mc":
        from iadsim.analysis.store import ResultStore

        n = int(manifest["replications"])  # the replications the summary was computed from
        with ResultStore(path, writer=False, limit=n) as store:
            out.ledger = json_ready(mc_pair_shares(store))
            out.funnel = funnel_of([r["stage_index"] for r in store.rows("ledger")])
            out.components = component_shares(store.table("components"))
        out.summary = _json(path / "summary.json")  # listed in the manifest: checked
    elif out.kind == "sweep":
        out.sweep = read_sweep(path)
    elif out.kind == "uncertainty":
        out.sensitivity = _json(path / "sensitivity.json")
    if (path / "compare.json").is_file():
        out.compare = _json(path / "compare.json")
    if (path / "attribution.json").is_file():
        out.attribution = _json(path / "attribution.json")
        out.attribution.setdefault("scenario", _store_scenario(path / "subsets"))
    if (path / "scene.json").is_file():
        out.scene = _json(path / "scene.json")
    elif scenario is not None:
        from iadsim.engine.world import build_world
        from iadsim.report.scene import build_scene
        from iadsim.scenario import load_scenario

        out.scene = build_scene(build_world(load_scenario(scenario)))
    return out


def read_sweep(path: Path) -> dict:
    """A sweep directory's points (one row per grid point: the swept values, n, and each
    metric's mean and interval) and reason shifts, with the scenario its stores record."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    points = pq.read_table(path / "sweep.parquet").to_pylist()
    reasons = []
    if (path / "sweep_reasons.csv").is_file():
        reasons = pcsv.read_csv(path / "sweep_reasons.csv").to_pylist()
    fixed = {"point", "n"}
    params = [
        k
        for k in (points[0] if points else {})
        if k not in fixed and not k.endswith(("_lo", "_hi")) and f"{k}_lo" not in points[0]
    ]
    metrics = [k for k in (points[0] if points else {}) if f"{k}_lo" in points[0]]
    return {
        "params": params,
        "metrics": metrics,
        "points": json_ready(points),
        "reasons": json_ready(reasons),
        "scenario": _store_scenario(path / "points"),
    }


def _store_scenario(folder: Path) -> str | None:
    """The scenario name recorded in the first result store under `folder`, if any."""
    from iadsim.analysis.store import ResultStore

    for store_dir in sorted(p for p in folder.glob("*") if (p / "results.sqlite").is_file()):
        with ResultStore(store_dir, writer=False) as store:
            return store.meta().get("scenario")
    return None


def component_shares(table) -> list[dict]:
    """Per component (in the order the store lists them): the share of replications that
    started in each readiness state and the share in which it was destroyed."""
    from iadsim.scenario.readiness import READINESS_STATES

    rows = table.select(["component", "state", "destroyed_at_s"]).to_pylist()
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["component"], []).append(r)
    out = []
    for comp, rs in by.items():
        n = len(rs)
        states = Counter(r["state"] for r in rs)
        out.append(
            {
                "component": comp,
                "n": n,
                "states": {s: states.get(s, 0) / n for s in READINESS_STATES},
                "destroyed": sum(r["destroyed_at_s"] is not None for r in rs) / n,
            }
        )
    return out


def reason_counts(rows: list[dict]) -> Counter:
    """How many pairs stopped for each reason (kills excluded)."""
    return Counter(r["reason"] for r in rows if r.get("stage") != "killed" and r.get("reason"))
