"""The public Python API: load a scenario, run it once or many times, compare what-ifs.

    import iadsim
    scenario = iadsim.load("scenarios/caracas-2026-01-03.yaml")
    run = iadsim.run(scenario, seed=1)            # one replication
    run.ledger                                    # pyarrow tables: events, ledger, aircraft
    batch = iadsim.run_many(scenario, 50, workers=2)
    batch.ledger.to_pandas()                      # with the [notebook] extra (pandas)
    cmp = iadsim.compare(scenario, ["network.links.*.up=true"], n=50)

Built on the engine's entry points (`engine.run.prepare`), the batch runner
(`analysis.runner`, `analysis.montecarlo`) and the comparison of variants
(`analysis.compare`); the command line calls the same code. Tables are Arrow (pyarrow);
`.to_pandas()` needs pandas.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa

from iadsim.analysis.records import FLAGS, RECORD_SCHEMAS, TABLES
from iadsim.engine.replication import ReplicationResult
from iadsim.engine.run import Prepared
from iadsim.engine.world import World
from iadsim.scenario import Scenario, load_scenario

ScenarioLike = Scenario | Prepared | str | Path
"""A scenario file path, a loaded Scenario, or a Prepared one (geometry already computed)."""


def _column_type(name: str) -> pa.DataType:
    return RECORD_SCHEMAS["aircraft"].field(name).type


SCHEMAS = RECORD_SCHEMAS
"""Arrow schemas of the per-replication tables (`analysis.records`: the results store's)."""


def load(path: str | Path) -> Scenario:
    """Load and validate a scenario file, or a bundled scenario by name ('caracas',
    'tutorial'); raises `iadsim.errors.ScenarioError` with FILE:LINE:COL problems on bad
    input."""
    from iadsim.bundled import resolve

    return load_scenario(resolve(str(path)))


def prepare(scenario: ScenarioLike, tracker: str | None = None) -> Prepared:
    """Precompute a scenario's seed-independent geometry once, to run it many times.

    `tracker`: "mofn" (M-of-N detections, the default) or "kalman" (the Kalman tracker);
    None keeps a Prepared scenario's own tracker."""
    from iadsim.engine.run import prepare as prepare_geometry

    if isinstance(scenario, Prepared):
        if tracker is None or tracker == scenario.tracker:
            return scenario
        scenario = scenario.scenario
    if isinstance(scenario, str | Path):
        scenario = load(scenario)
    return prepare_geometry(scenario, tracker=tracker or "mofn")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "to_pandas() needs pandas: pip install 'iadsim[notebook]' (or pip install pandas)"
        ) from None
    return pandas


class Frames(NamedTuple):
    """pandas DataFrames of a run's tables."""

    events: Any
    ledger: Any
    aircraft: Any


def _stages_ordered(frame: Any) -> Any:
    """A DataFrame's `stage` column as an ordered categorical, in kill-chain order."""
    from iadsim.killchain import Stage

    pandas = _pandas()
    if "stage" in frame.columns:
        order = [s.label for s in Stage]  # none, in_envelope, ..., killed
        frame["stage"] = pandas.Categorical(frame["stage"], categories=order, ordered=True)
    return frame


@dataclass(frozen=True)
class Run:
    """One replication: its event log, kill-chain ledger and per-aircraft outcome.

    From `iadsim.run` it holds the engine's result and world; from `iadsim.open(DIR)` the
    tables read back from the directory (`saved`: its summary.json) and no scenario (None:
    the directory names the scenario file, not where it was)."""

    scenario: Scenario | None
    seed: int
    tracker: str | None
    result: ReplicationResult | None = field(repr=False)
    world: World | None = field(repr=False)
    saved: dict | None = field(default=None, repr=False)

    @property
    def scenario_name(self) -> str:
        """The scenario's name."""
        if self.scenario is not None:
            return self.scenario.spec.scenario
        return str((self.saved or {}).get("scenario", ""))

    @cached_property
    def events(self) -> pa.Table:
        """Every event in time order (time_s, kind, aircraft, unit, component, detail, value)
        with the aircraft's and the unit's positions: the table `iadsim run` writes."""
        from iadsim.report.positions import with_nulls, with_positions

        return with_nulls(with_positions(self.result.events.table(), self.world))

    @cached_property
    def ledger(self) -> pa.Table:
        """Per (aircraft, weapon unit): the furthest kill-chain stage, when each stage was
        reached and why the chain stopped: the table `iadsim run` writes."""
        from iadsim.report.positions import with_nulls

        return with_nulls(self.result.ledger.table())

    @cached_property
    def aircraft(self) -> pa.Table:
        """Per attacking aircraft: detected, tracked, reported, engaged, killed (and when)."""
        return aircraft_table(self.result.aircraft)

    @property
    def states(self) -> dict[str, str]:
        """The readiness state each component was drawn in for this replication."""
        if self.result is None:
            return dict((self.saved or {}).get("component_states", {}))
        return dict(self.result.states)

    def summary(self) -> dict:
        """The content of `iadsim run`'s summary.json (JSON-ready)."""
        if self.result is None:
            return dict(self.saved or {})
        from iadsim.analysis.summary import replication_summary

        return replication_summary(self.scenario, self.result, tracker=self.tracker)

    def __repr__(self) -> str:
        killed = sum(bool(k) for k in self.aircraft.column("killed").to_pylist())
        return (
            f"Run(scenario={self.scenario_name!r}, seed={self.seed}, "
            f"tracker={self.tracker!r}, aircraft={self.aircraft.num_rows}, killed={killed})"
        )

    def _repr_html_(self) -> str:
        from iadsim.display import run_html

        return run_html(self)

    def to_pandas(self) -> Frames:
        """The events, ledger and aircraft tables as pandas DataFrames (the ledger's `stage`
        an ordered categorical, in kill-chain order)."""
        _pandas()
        return Frames(
            self.events.to_pandas(),
            _stages_ordered(self.ledger.to_pandas()),
            self.aircraft.to_pandas(),
        )


def aircraft_table(rows: list[dict]) -> pa.Table:
    """Per-aircraft rows (as a replication reports them) as the API's aircraft table."""
    columns = [c for c in TABLES["aircraft"] if c != "idx"]
    return pa.table({c: pa.array([r.get(c) for r in rows], _aircraft_type(c)) for c in columns})


def _aircraft_type(column: str) -> pa.DataType:
    if column in FLAGS:  # detected, tracked, reported, engaged, killed, damaged
        return pa.bool_()
    return _column_type(column)


def run(scenario: ScenarioLike, seed: int = 1, tracker: str | None = None) -> Run:
    """Run one replication of `scenario` with `seed` (same seed, same outputs byte for byte)."""
    prepared = prepare(scenario, tracker)
    result = prepared.replicate(int(seed))
    return Run(prepared.scenario, int(seed), prepared.tracker, result, prepared.geometry.world)


class BatchFrames(NamedTuple):
    """pandas DataFrames of a batch's tables."""

    replications: Any
    aircraft: Any
    ledger: Any
    components: Any


@dataclass(frozen=True)
class Batch:
    """Replications 0..n-1 of a scenario, one row per replication (and per aircraft, per
    ledger pair, per component), ordered by replication index `idx`.

    Replication i uses seed `engine.rng.replication_seed(root_seed, i)` whatever the number of
    workers, so the tables do not depend on how the batch was run (`wall_s` aside)."""

    scenario: Scenario | None  # None: opened from a directory whose scenario file has moved
    n: int
    root_seed: int
    replications: pa.Table
    aircraft: pa.Table
    ledger: pa.Table
    components: pa.Table
    store: Path | None = None

    scenario_name: str = ""

    def __post_init__(self) -> None:
        if self.scenario is not None and not self.scenario_name:
            object.__setattr__(self, "scenario_name", self.scenario.spec.scenario)

    def __repr__(self) -> str:
        store = f", store={str(self.store)!r}" if self.store is not None else ""
        return (
            f"Batch(scenario={self.scenario_name!r}, n={self.n}, root_seed={self.root_seed}{store})"
        )

    def _repr_html_(self) -> str:
        from iadsim.display import batch_html

        return batch_html(self)

    def to_pandas(self) -> BatchFrames:
        """The four tables as pandas DataFrames (the ledger's `stage` an ordered
        categorical, in kill-chain order)."""
        _pandas()
        return BatchFrames(
            self.replications.to_pandas(),
            self.aircraft.to_pandas(),
            _stages_ordered(self.ledger.to_pandas()),
            self.components.to_pandas(),
        )


def _tables_of(records: list[dict]) -> dict[str, pa.Table]:
    """Store records (`montecarlo.record_of`) as Arrow tables, ordered by replication index."""
    records = sorted(records, key=lambda r: r["replication"]["idx"])
    rows: dict[str, list] = {
        "replications": [
            tuple(r["replication"][c] for c in TABLES["replications"]) for r in records
        ]
    }
    for table in ("aircraft", "ledger", "components"):
        # the results store's order: by replication, then by the next two columns (NULL first)
        rows[table] = sorted(
            (row for r in records for row in r[table]),
            key=lambda row: tuple((v is not None, v if v is not None else "") for v in row[:3]),
        )
    return {
        name: pa.table(
            [pa.array([row[i] for row in rows[name]], f.type) for i, f in enumerate(schema)],
            schema=schema,
        )
        for name, schema in SCHEMAS.items()
    }


def run_many(
    scenario: ScenarioLike,
    n: int,
    *,
    seed: int = 1,
    workers: int = 1,
    tracker: str | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    dask: Any = None,
    progress: Any = None,
) -> Batch:
    """Run `n` replications (root seed `seed`) on `workers` local processes (or a Dask
    cluster: an address, "local" or a `distributed.Client`) and return their tables.

    Kept in memory unless `store` names an output directory: then it becomes what `iadsim mc`
    writes (each replication stored as it finishes, `resume=True` completing an interrupted
    batch; then the summary, the map's scene and the manifest), which `iadsim explain DIR`
    and `iadsim report DIR` read. `progress(done, total, what)` is called as replications
    finish. A bad argument raises `iadsim.errors.ValueRangeError` naming it."""
    from iadsim.analysis.batch_dir import write_batch_dir
    from iadsim.analysis.montecarlo import run_records
    from iadsim.analysis.runner import Runner
    from iadsim.analysis.store import ResultStore

    prepared = prepare(scenario, tracker)
    with Runner(workers, dask) as runner:
        if store is None:
            records = run_records(prepared, n, runner, root_seed=seed, progress=progress)
            return Batch(prepared.scenario, n, seed, **_tables_of(records))
        from iadsim.report.scene import build_scene

        outcome, _ = write_batch_dir(
            prepared,
            n,
            store,
            runner,
            root_seed=seed,
            resume=resume,
            progress=progress,
            scene=build_scene(prepared.geometry.world),
        )
    with ResultStore(outcome.store, writer=False, limit=n) as results:
        tables = {name: results.table(name).cast(schema) for name, schema in SCHEMAS.items()}
    return Batch(prepared.scenario, n, seed, **tables, store=outcome.store)


@dataclass(frozen=True)
class Comparison:
    """Variants run against the base with common random numbers: the report (as written to
    compare.json) and its paired differences as a table (variant - base, with 95% CI)."""

    report: dict = field(repr=False)
    differences: pa.Table = field(repr=False)
    out: Path | None = None

    def __repr__(self) -> str:
        names = [v["name"] for v in self.report.get("variants", []) if v["name"] != "base"]
        return (
            f"Comparison(scenario={self.report.get('scenario')!r}, variants={names}, "
            f"n={self.report.get('n')}, out={None if self.out is None else str(self.out)!r})"
        )

    def _repr_html_(self) -> str:
        from iadsim.display import comparison_html

        return comparison_html(self)


def compare(
    scenario: ScenarioLike,
    changes: Sequence[str | Sequence[str]],
    n: int = 100,
    *,
    seed: int = 1,
    workers: int = 1,
    tracker: str | None = None,
    out: str | Path | None = None,
    metrics: Sequence[str] | None = None,
    resume: bool = False,
    dask: Any = None,
    progress: Any = None,
) -> Comparison:
    """Compare the base scenario with one variant per item of `changes`.

    Each item is a factor group, like one `iadsim compare --set`: "PATH=VALUE", several joined
    by ';', or a list of "PATH=VALUE". Every variant runs replications 0..n-1 with the base's
    seeds, all on one pool. A Prepared scenario is not prepared again (variants that change no
    geometry reuse its geometry) and its tracker is kept unless `tracker` says otherwise. The
    batches are stored under `out` if given (`resume=True` completes an interrupted
    comparison), else in a temporary directory that is removed afterwards."""
    from iadsim.analysis.compare import build_variants, compare_report, run_variants
    from iadsim.analysis.runner import Runner
    from iadsim.analysis.variants import parse_assignment, parse_group

    base = prepare(scenario, tracker)
    groups = [
        parse_group(c) if isinstance(c, str) else [parse_assignment(a) for a in c] for c in changes
    ]
    variants = build_variants(base.scenario, groups)
    with tempfile.TemporaryDirectory(prefix="iadsim-compare-") as tmp:
        where = Path(out) if out is not None else Path(tmp)
        with Runner(workers, dask) as runner:
            paths = run_variants(
                variants,
                n,
                where,
                runner,
                base=base,
                root_seed=seed,
                resume=resume,
                progress=progress,
            )
        report = compare_report(variants, paths, metrics)
    differences = pa.Table.from_pylist(report["differences"]) if report["differences"] else None
    if differences is None:
        differences = pa.table({"variant": pa.array([], pa.string())})
    return Comparison(report, differences, Path(out) if out is not None else None)
