"""Counterfactuals: the base scenario and what-if variants run with common random numbers.

Replication i of every variant uses the same seed, and the engine keys each random stream by
name (engine/rng.py), so variant and base differ only by what the variant changed: paired
differences have far smaller confidence intervals than two independent batches would.

Each factor group (one `--set`, possibly several assignments joined by ';') is one variant;
the tornado chart ranks the groups by their effect on one metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iadsim.analysis.montecarlo import StoredBatch, run_stores
from iadsim.analysis.reason_shift import reason_shift
from iadsim.analysis.runner import Runner
from iadsim.analysis.stats import metric_vectors, paired_difference
from iadsim.analysis.store import ResultStore
from iadsim.analysis.store_checks import store_path
from iadsim.analysis.variants import Assignment, label_of, make_variant
from iadsim.engine.run import Prepared, prepare, prepare_variant
from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario, load_scenario

COMPARE_METRICS = (
    "p_any_killed",
    "mean_killed",
    "mean_engaged",
    "mean_launches",
    "mean_reported",
    "mean_tracked",
    "mean_detected",
)


@dataclass(frozen=True)
class Variant:
    name: str  # directory name: base, v1, v2...
    label: str  # the --set text
    assignments: tuple[Assignment, ...]
    scenario: Scenario


def build_variants(
    scenario: Scenario | str | Path,
    groups: list[list[Assignment]],
    names: list[str] | None = None,
) -> list[Variant]:
    """Base plus one variant per group, all validated before anything runs. `names` (one per
    group, e.g. from --name) name the variants; by default v1, v2, ..."""
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    names = check_names(names or [], len(groups))
    out = [Variant("base", "base", (), base)]
    for k, group in enumerate(groups, 1):
        name = names[k - 1] if names else f"v{k}"
        out.append(Variant(name, label_of(group), tuple(group), make_variant(base, group)))
    return out


def check_names(names: list[str], n_groups: int) -> list[str]:
    """Variant names: as many as --set groups, distinct, usable as directory names."""
    import re

    def bad(msg: str) -> InputError:
        return InputError(Problem("<command line>", None, None, "--name", msg))

    if not names:
        return []
    if len(names) != n_groups:
        raise bad(f"give one --name per --set ({len(names)} names for {n_groups} variants)")
    for nm in names:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}", nm) or nm == "base":
            raise bad(f"{nm!r}: use letters, digits and _ . + - (not 'base')")
    if len(set(names)) != len(names):
        raise bad("variant names must be distinct")
    return names


def run_variants(
    variants: list[Variant],
    n: int,
    out: str | Path,
    runner: Runner,
    *,
    base: Prepared | None = None,
    **batch: Any,
) -> dict[str, Path]:
    """Run every variant's batch (same seeds) into OUT/<name>/results.sqlite, all on one pool
    (`batch`: root_seed, resume, progress as in `montecarlo.run_stores`).

    `base`: the base scenario already prepared (its tracker is kept); variants that change no
    geometry reuse its geometry."""
    out = Path(out)
    base = base if base is not None else prepare(variants[0].scenario)
    batches = [
        StoredBatch(
            v.name, base if k == 0 else prepare_variant(base, v.scenario), out / v.name, v.label
        )
        for k, v in enumerate(variants)
    ]
    what = f"compare: {len(variants)} variants x {n} replications"
    run_stores(batches, n, runner, what=what, **batch)
    return {v.name: store_path(out / v.name) for v in variants}


def paired_table(base: ResultStore, other: ResultStore, metrics=None) -> list[dict]:
    """Paired differences (variant - base) of each metric over common replication indices."""
    bi = [r["idx"] for r in base.rows("replications")]
    oi = [r["idx"] for r in other.rows("replications")]
    common = sorted(set(bi) & set(oi))
    bpos = {i: k for k, i in enumerate(bi)}
    opos = {i: k for k, i in enumerate(oi)}
    bv, ov = metric_vectors(base), metric_vectors(other)
    names = [m for m in (metrics or bv) if m in bv and m in ov]
    rows = []
    for m in names:
        kind, b = bv[m]
        _, o = ov[m]
        rows.append(
            paired_difference(b[[bpos[i] for i in common]], o[[opos[i] for i in common]], m, kind)
        )
    return rows


def compare_report(variants: list[Variant], paths: dict[str, Path], metrics=None) -> dict:
    """JSON-ready comparison: per variant, its label and paired differences against base."""
    stores = {name: ResultStore(p) for name, p in paths.items()}
    try:
        base = stores["base"]
        rows, shifts = [], []
        for v in variants[1:]:
            for r in paired_table(base, stores[v.name], metrics):
                rows.append({"variant": v.name, "label": v.label, **r})
            for r in reason_shift(base, stores[v.name]):
                shifts.append({"variant": v.name, **r})
        return {
            "scenario": variants[0].scenario.spec.scenario,
            "n": base.count(),
            "root_seed": int(base.meta().get("root_seed", 0)),
            "notional": True,
            "variants": [{"name": v.name, "label": v.label} for v in variants],
            "differences": rows,
            "reason_shifts": shifts,
        }
    finally:
        for s in stores.values():
            s.close()
