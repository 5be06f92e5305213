"""Read any iadsim output directory for the report, the web app and the exports.

A directory is one of: a run (`iadsim run`: events.parquet, ledger.parquet, summary.json),
a Monte Carlo batch (`iadsim mc`: results.sqlite, summary.json), a comparison
(`iadsim compare`: compare.json) or an attribution (`attribution.json`, from
`iadsim attribute --json DIR/attribution.json`). Each may hold `scene.json` (written by
`run` and `mc`); without it a scenario file can be given to draw the map.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from iadsim.errors import InputError, Problem
from iadsim.io.outputs import json_ready
from iadsim.killchain import Stage

STAGES = [s.label for s in Stage if s != Stage.NONE]


@dataclass
class OutputDir:
    """What a directory holds, as plain JSON-ready data."""

    path: Path
    kind: str  # run | mc | compare | attribute
    scene: dict | None = None
    summary: dict = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    ledger: list[dict] = field(default_factory=list)  # run: pairs; mc: per-pair reason shares
    funnel: list[dict] = field(default_factory=list)  # stage -> pairs reaching it
    compare: dict | None = None
    attribution: dict | None = None


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            Problem(str(path), getattr(exc, "lineno", None), None, "", f"corrupt JSON: {exc}")
        ) from None


def kind_of(path: Path) -> str:
    """Which kind of output directory `path` is; refuses anything else."""
    if not path.is_dir():
        raise InputError(Problem(str(path), None, None, "", "not a directory"))
    if (path / "events.parquet").is_file():
        return "run"
    if (path / "results.sqlite").is_file():
        return "mc"
    if (path / "compare.json").is_file():
        return "compare"
    if (path / "attribution.json").is_file():
        return "attribute"
    raise InputError(
        Problem(
            str(path),
            None,
            None,
            "",
            "not an iadsim output directory (no events.parquet, results.sqlite, compare.json "
            "or attribution.json)",
        )
    )


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
    if out.kind == "run":
        from iadsim.io.outputs import read_run_dir

        events, ledger, out.summary = read_run_dir(path)
        out.events = json_ready(events.to_pylist())
        out.ledger = json_ready(ledger.to_pylist())
        out.funnel = funnel_of([r["stage_index"] for r in out.ledger])
    elif out.kind == "mc":
        from iadsim.analysis.store import ResultStore

        with ResultStore(path) as store:
            out.ledger = json_ready(mc_pair_shares(store))
            out.funnel = funnel_of([r[4] for r in store.rows("ledger")])
        if (path / "summary.json").is_file():
            out.summary = _json(path / "summary.json")
        else:
            with ResultStore(path) as store:
                from iadsim.analysis.stats import batch_report

                out.summary = json_ready(batch_report(store))
    if (path / "compare.json").is_file():
        out.compare = _json(path / "compare.json")
    if (path / "attribution.json").is_file():
        out.attribution = _json(path / "attribution.json")
    if (path / "scene.json").is_file():
        out.scene = _json(path / "scene.json")
    elif scenario is not None:
        from iadsim.engine.world import build_world
        from iadsim.report.scene import build_scene
        from iadsim.scenario import load_scenario

        out.scene = build_scene(build_world(load_scenario(scenario)))
    return out


def reason_counts(rows: list[dict]) -> Counter:
    """How many pairs stopped for each reason (kills excluded)."""
    return Counter(r["reason"] for r in rows if r.get("stage") != "killed" and r.get("reason"))
