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

from iadsim.analysis.montecarlo import run_batch
from iadsim.analysis.stats import metric_vectors, paired_difference
from iadsim.analysis.store import ResultStore, store_path
from iadsim.analysis.variants import Assignment, label_of, make_variant
from iadsim.engine.run import prepare, prepare_variant
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
    scenario: Scenario | str | Path, groups: list[list[Assignment]]
) -> list[Variant]:
    """Base plus one variant per group, all validated before anything runs."""
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    out = [Variant("base", "base", (), base)]
    for k, group in enumerate(groups, 1):
        out.append(Variant(f"v{k}", label_of(group), tuple(group), make_variant(base, group)))
    return out


def run_variants(
    variants: list[Variant],
    n: int,
    out: str | Path,
    *,
    root_seed: int = 1,
    workers: int = 1,
    dask=None,
    resume: bool = False,
    progress=None,
) -> dict[str, Path]:
    """Run every variant's batch (same seeds) into OUT/<name>/results.sqlite.

    `progress`: None, or a bar with rich's Progress interface (one task per variant), stopped
    at the end (`iadsim.report.progress.console_bar`)."""
    from iadsim.analysis.montecarlo import dask_client

    out = Path(out)
    paths = {}
    bar = _bar(progress)
    try:
        ctx = dask_client(dask, workers) if dask is not None else _null()
        with ctx as client:
            base_prepared = None
            for v in variants:
                # variants that change no geometry reuse the base's (seconds saved per variant)
                if base_prepared is None:
                    prepared = base_prepared = prepare(v.scenario)
                else:
                    prepared = prepare_variant(base_prepared, v.scenario)
                run_batch(
                    prepared,
                    n,
                    out / v.name,
                    root_seed=root_seed,
                    workers=workers,
                    dask=client,
                    resume=resume,
                    variant=v.label,
                    progress=bar if bar is not None else False,
                    description=v.name,
                )
                paths[v.name] = store_path(out / v.name)
    finally:
        if bar is not None:
            bar.stop()
    return paths


def paired_table(base: ResultStore, other: ResultStore, metrics=None) -> list[dict]:
    """Paired differences (variant - base) of each metric over common replication indices."""
    bi = [r[0] for r in base.rows("replications")]
    oi = [r[0] for r in other.rows("replications")]
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
        rows = []
        for v in variants[1:]:
            for r in paired_table(base, stores[v.name], metrics):
                rows.append({"variant": v.name, "label": v.label, **r})
        return {
            "scenario": variants[0].scenario.spec.scenario,
            "n": base.count(),
            "root_seed": int(base.meta().get("root_seed", 0)),
            "notional": True,
            "variants": [{"name": v.name, "label": v.label} for v in variants],
            "differences": rows,
        }
    finally:
        for s in stores.values():
            s.close()


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


def _bar(progress):
    """The progress object to report to (rich's Progress interface), or None for none."""
    return None if progress is False or progress is None else progress
