"""Historical vignettes: small scenarios with a public outcome, run many times, and the
model's distribution set beside the record (scenarios/vignettes/, docs/vignettes.md).

Each vignette `NAME.yaml` has a `NAME.record.yaml` beside it: what the public record says
(aircraft lost, missiles launched, whether the raid was detected) and its sources. Nothing is
tuned to agree: the comparison says where the model and the record differ.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from iadsim.analysis.montecarlo import run_batch
from iadsim.analysis.runner import ProgressFn
from iadsim.analysis.stats import reason_totals, wilson_interval
from iadsim.analysis.store import ResultStore
from iadsim.engine.run import prepare
from iadsim.errors import InputError, Problem
from iadsim.scenario.yaml_loader import load_yaml

VIGNETTE_DIR = Path("scenarios") / "vignettes"


def record_path(scenario: Path) -> Path:
    return scenario.with_name(scenario.stem + ".record.yaml")


def load_record(scenario: Path) -> dict:
    """The public record of a vignette (outcome and sources), checked for its fields."""
    path = record_path(scenario)
    data, _ = load_yaml(path)
    need = {"event", "outcome", "sources"}
    if not isinstance(data, dict) or not need <= set(data) or not data["sources"]:
        raise InputError(
            Problem(str(path), 1, 1, "", f"a vignette record needs {', '.join(sorted(need))}")
        )
    return data


def vignettes(directory: Path = VIGNETTE_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if not p.name.endswith(".record.yaml"))


def run_vignette(
    scenario: Path,
    n: int,
    out: Path,
    *,
    workers: int = 1,
    seed: int = 1,
    progress: ProgressFn | None = None,
) -> dict:
    """Run a vignette n times; its outcome distribution beside its record."""
    scenario = Path(scenario)
    record = load_record(scenario)
    prepared = prepare(scenario)
    dest = Path(out) / scenario.stem
    run_batch(
        prepared,
        n,
        dest,
        root_seed=seed,
        workers=workers,
        resume=True,
        progress=progress,
        what=f"vignette {scenario.stem}",
    )
    with ResultStore(dest / "results.sqlite", writer=False) as store:
        reps = store.rows("replications", "WHERE idx < ?", (n,))
        totals = reason_totals(store)
    killed = np.array([r["killed"] for r in reps])
    launches = np.array([r["launches"] for r in reps])
    detected = np.array([r["detected"] for r in reps])
    n_ac = reps[0]["n_aircraft"] if reps else 0

    def prop(mask: np.ndarray) -> dict:
        k = int(mask.sum())
        lo, hi = wilson_interval(k, len(mask))
        return {"p": k / len(mask), "lo": lo, "hi": hi}

    rec = record["outcome"]
    counts = Counter(int(x) for x in launches)
    return {
        "scenario": str(scenario),
        "name": prepared.scenario.spec.scenario,
        "event": record["event"],
        "sources": list(record["sources"]),
        "record": rec,
        "n": len(reps),
        "aircraft": n_ac,
        "p_any_lost": prop(killed > 0),
        "mean_lost": float(killed.mean()),
        "p_record_lost": prop(killed == rec.get("aircraft_lost", -1)),
        "p_any_detected": prop(detected > 0),
        "launches": {str(k): counts[k] / len(reps) for k in sorted(counts)},
        "mean_launches": float(launches.mean()),
        "p_record_launches": prop(launches == rec.get("missiles_launched", -1)),
        "reasons": totals[:4],
    }
