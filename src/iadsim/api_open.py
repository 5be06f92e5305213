"""`iadsim.open(DIR)`: any iadsim output directory read back into the objects the API
returns: a run directory as a `Run`, an mc directory as a `Batch`, a compare directory as a
`Comparison`, and a sweep, attribute or uncertainty directory as a `Study` (what the
command wrote, as plain data). The directory is checked as the report checks it (its
manifest: the complete set or a refusal naming the file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from iadsim.api import SCHEMAS, Batch, Comparison, Run, aircraft_table


@dataclass(frozen=True)
class Study:
    """A sweep, attribution or uncertainty directory: `report` holds what the command wrote
    (sweep: params, metrics, points, reasons; attribute: attribution.json; uncertainty:
    sensitivity.json)."""

    kind: str
    scenario_name: str
    report: dict = field(repr=False)
    path: Path

    def _repr_html_(self) -> str:
        from iadsim.display import study_html

        return study_html(self)


def _scenario_from(path_text: str | None):
    """The scenario at `path_text` if the file is still there (else None)."""
    if not path_text or not Path(path_text).is_file():
        return None
    from iadsim.scenario import load_scenario

    return load_scenario(path_text)


def open_dir(path: str | Path) -> Run | Batch | Comparison | Study:
    """Read the output directory `path` (see the module docstring)."""
    from iadsim.report.rundir import check_set, kind_of, load_output_dir

    path = Path(path)
    kind = kind_of(path)
    if kind == "run":
        return _open_run(path, check_set(path, kind))
    if kind == "mc":
        return _open_batch(path, check_set(path, kind))
    d = load_output_dir(path)
    if kind == "compare":
        report = d.compare or {}
        diffs = report.get("differences") or []
        table = (
            pa.Table.from_pylist(diffs)
            if diffs
            else pa.table({"variant": pa.array([], pa.string())})
        )
        return Comparison(report, table, path)
    report = {"sweep": d.sweep, "attribute": d.attribution, "uncertainty": d.sensitivity}[kind]
    return Study(kind, d.scenario or "", dict(report or {}), path)


def _open_run(path: Path, manifest: dict) -> Run:
    from iadsim.io.outputs import read_run_dir
    from iadsim.report.positions import with_nulls

    events, ledger, summary = read_run_dir(path)
    run = Run(
        None,  # summary.json names the scenario file, not where it was: not reloaded
        int(summary.get("seed", 0)),
        summary.get("tracker"),
        None,
        None,
        saved=summary,
    )
    # the cached tables, as `iadsim.run` computes them (a frozen dataclass keeps its cache
    # in the instance dict, as functools.cached_property does)
    run.__dict__.update(
        events=with_nulls(events),
        ledger=with_nulls(ledger),
        aircraft=aircraft_table(summary.get("aircraft", [])),
    )
    return run


def _open_batch(path: Path, manifest: dict) -> Batch:
    import json

    from iadsim.analysis.store import ResultStore

    n = int(manifest["replications"])
    summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    with ResultStore(path, writer=False, limit=n) as store:
        meta = store.meta()
        tables = {
            name: store.table(name).cast(schema) if store.count() else schema.empty_table()
            for name, schema in SCHEMAS.items()
        }
    return Batch(
        _scenario_from(meta.get("scenario_file")),
        n,
        int(summary.get("root_seed", meta.get("root_seed", 1))),
        **tables,
        store=path,
        scenario_name=str(summary.get("scenario") or meta.get("scenario", "")),
    )
