"""The public Python API (`iadsim.load/run/run_many/compare`) against the command line and
the engine: same scenario and seed, same tables; batches that do not depend on the workers."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

import iadsim
from iadsim.cli import main
from iadsim.engine.rng import replication_seed
from tests.builders import (
    CARACAS,
    TUTORIAL,
    aircraft,
    make_scenario,
    sam_battery,
    write_scenario,
)

API = {"load", "run", "run_many", "compare", "prepare", "Run", "Batch", "Comparison"}


def test_all_lists_the_api_and_every_name_resolves():
    assert API <= set(iadsim.__all__)
    for name in iadsim.__all__:
        assert getattr(iadsim, name) is not None, name
    with pytest.raises(AttributeError):
        iadsim.no_such_thing  # noqa: B018


def test_import_iadsim_loads_no_heavy_module():
    """`import iadsim` and `iadsim --version` stay light: the API is imported on first use."""
    code = (
        "import sys, iadsim; from iadsim.cli import build_parser; "
        "print(sorted(m for m in ('numpy', 'pyarrow', 'scipy', 'pydantic', 'iadsim.api',"
        " 'iadsim.engine', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_run_gives_the_tables_iadsim_run_writes(tmp_path, tutorial_prepared):
    out = tmp_path / "run"
    assert main(["run", str(TUTORIAL), "--seed", "4", "--out", str(out), "--quiet"]) == 0
    run = iadsim.run(tutorial_prepared, seed=4)
    assert run.seed == 4 and run.tracker == "mofn"
    assert run.events.equals(pq.read_table(out / "events.parquet"))
    assert run.ledger.equals(pq.read_table(out / "ledger.parquet"))
    summary = json.loads((out / "summary.json").read_text())
    assert run.aircraft.to_pylist() == [
        {k: r.get(k) for k in run.aircraft.column_names} for r in summary["aircraft"]
    ]
    assert iadsim.run(TUTORIAL, seed=4).ledger.equals(run.ledger)  # from a path, same answer
    assert "killed=" in repr(run)


def test_load_refuses_bad_input_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TUTORIAL.read_text().replace("type: sam-medium-range", "type: sam-xx"))
    with pytest.raises(iadsim.ScenarioError) as info:
        iadsim.load(bad)
    (p,) = [p for p in info.value.problems if "sam-xx" in p.message]
    assert p.file == str(bad) and p.line is not None


def test_run_many_rows_are_the_single_runs_of_their_seeds(tutorial_prepared):
    batch = iadsim.run_many(tutorial_prepared, 4, seed=9)
    assert batch.replications.column("idx").to_pylist() == [0, 1, 2, 3]
    assert batch.store is None
    for i in range(4):
        single = iadsim.run(tutorial_prepared, seed=replication_seed(9, i))
        killed = {
            r["aircraft"]: bool(r["killed"]) for r in batch.aircraft.to_pylist() if r["idx"] == i
        }
        assert killed == {r["aircraft"]: r["killed"] for r in single.aircraft.to_pylist()}
        keys = ("aircraft", "unit", "stage", "reason")
        ledger = {tuple(r[k] for k in keys) for r in batch.ledger.to_pylist() if r["idx"] == i}
        assert ledger == {tuple(r[k] for k in keys) for r in single.ledger.to_pylist()}
    killed = batch.replications.column("killed").to_pylist()
    per_aircraft = batch.aircraft.to_pylist()
    assert killed == [sum(r["killed"] for r in per_aircraft if r["idx"] == i) for i in range(4)]


def test_run_many_same_tables_whatever_the_workers_and_a_store_only_when_asked(
    tmp_path, monkeypatch, tutorial_prepared
):
    monkeypatch.chdir(tmp_path)
    one = iadsim.run_many(tutorial_prepared, 5, seed=2)
    two = iadsim.run_many(tutorial_prepared, 5, seed=2, workers=2)
    assert list(tmp_path.iterdir()) == []  # nothing written
    stored = iadsim.run_many(tutorial_prepared, 5, seed=2, store=tmp_path / "mc")
    assert stored.store == tmp_path / "mc" / "results.sqlite" and stored.store.exists()
    for other in (two, stored):
        for name in ("aircraft", "ledger", "components"):
            assert getattr(other, name).equals(getattr(one, name)), name
        assert other.replications.drop(["wall_s"]).equals(one.replications.drop(["wall_s"]))


def test_to_pandas(tutorial_prepared):
    pytest.importorskip("pandas")
    frames = iadsim.run(tutorial_prepared, seed=1).to_pandas()
    assert list(frames.ledger.columns[:3]) == ["aircraft", "unit", "stage"]
    assert len(frames.events) > 0
    batch = iadsim.run_many(tutorial_prepared, 2).to_pandas()
    assert sorted(batch.replications["idx"]) == [0, 1]


def test_compare_pairs_variants_with_the_base(tmp_path):
    spec = make_scenario(
        "tiny-api",
        duration_s=400,
        units=[sam_battery("SAM", at=(10.0, -66.0, 0))],
        raid=[
            aircraft("F1", "ew-aircraft", [(10.6, -66.0, 5000), (9.4, -66.0, 5000)], jamming=False)
        ],
    )
    path = write_scenario(tmp_path, spec)
    cmp = iadsim.compare(
        path,
        ["description=only words change", ["units.SAM.readiness=in_storage"]],
        n=4,
        out=tmp_path / "cmp",
    )
    assert [v["name"] for v in cmp.report["variants"]] == ["base", "v1", "v2"]
    rows = {(r["variant"], r["metric"]): r for r in cmp.differences.to_pylist()}
    assert rows[("v1", "mean_killed")]["diff"] == 0  # common random numbers
    stored = rows[("v2", "mean_engaged")]
    assert stored["variant_mean"] == 0 and stored["base_mean"] > 0
    assert (tmp_path / "cmp" / "v2" / "results.sqlite").exists()


def test_the_caracas_scenario_loads_by_path():
    assert iadsim.load(CARACAS).spec.scenario.startswith("caracas")


def test_run_many_with_a_store_writes_what_explain_and_report_read(tmp_path, capsys):
    """Issue 23.4: `iadsim.run_many(s, 20, store=DIR)` writes a complete, manifest-checked
    batch directory, and the commands that read `iadsim mc`'s directories read it."""
    from iadsim.analysis.batch_dir import check_batch_dir

    out = tmp_path / "mc"
    batch = iadsim.run_many(iadsim.load(TUTORIAL), 20, store=out)
    assert check_batch_dir(out)["replications"] == 20
    assert batch.replications.num_rows == 20
    assert main(["explain", str(out), "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained["pairs"]
    assert main(["report", str(out), "--out", str(tmp_path / "page.html")]) == 0
    assert "<html" in (tmp_path / "page.html").read_text().lower()


def test_api_refusals_name_the_api_argument(tutorial_prepared, tmp_path):
    from iadsim.errors import ValueRangeError

    with pytest.raises(ValueRangeError, match=r"^workers: ") as err:
        iadsim.run_many(tutorial_prepared, 2, workers=0)
    assert "--" not in str(err.value)
    with pytest.raises(ValueRangeError, match=r"^n: "):
        iadsim.run_many(tutorial_prepared, 0, store=tmp_path / "x")


def test_compare_keeps_a_prepared_scenario_and_its_tracker(tutorial_prepared, tmp_path):
    """The base of `compare` on a Prepared is that Prepared (tracker included): its stored
    replications are run_many's of the same Prepared, which differ from the default tracker's."""
    kalman = iadsim.prepare(tutorial_prepared, tracker="kalman")
    cmp = iadsim.compare(kalman, ["description=words"], n=3, out=tmp_path / "c")
    from iadsim.analysis.store import ResultStore

    with ResultStore(tmp_path / "c" / "base", writer=False) as store:
        stored = store.table("ledger")
    ref = iadsim.run_many(kalman, 3).ledger
    assert stored.drop(["idx"]).to_pylist() == ref.drop(["idx"]).to_pylist()
    assert cmp.report["n"] == 3
