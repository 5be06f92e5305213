"""`iadsim.open(DIR)` reads each kind of output directory back into the API's objects;
bundled names load; results show themselves in notebooks."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

import iadsim
from iadsim.cli import main
from tests.builders import TUTORIAL


def test_a_run_directory_opens_as_the_run_the_api_returns(tutorial_run_dir):
    run = iadsim.open(tutorial_run_dir)
    again = iadsim.run(TUTORIAL, seed=3)  # the fixture's seed
    assert isinstance(run, iadsim.Run) and run.seed == 3
    assert run.scenario_name == "tutorial" and run.scenario is None  # its path is not kept
    assert run.events.to_pylist() == again.events.to_pylist()
    assert run.ledger.to_pylist() == again.ledger.to_pylist()
    assert run.aircraft.equals(again.aircraft)
    assert run.states == again.states
    assert repr(run) == repr(again)  # summary.json records the tracker
    assert "<table" in run._repr_html_()


def test_an_mc_directory_opens_as_the_batch_run_many_returns(tutorial_mc_dir):
    batch = iadsim.open(tutorial_mc_dir)
    again = iadsim.run_many(TUTORIAL, 8)  # the fixture: 8 replications, root seed 1
    assert isinstance(batch, iadsim.Batch) and batch.n == 8 and batch.root_seed == 1
    for name in ("aircraft", "ledger", "components"):
        assert getattr(batch, name).equals(getattr(again, name)), name
    cols = [c for c in batch.replications.column_names if c != "wall_s"]
    assert batch.replications.select(cols).equals(again.replications.select(cols))
    assert batch.scenario is not None  # the store records the scenario file's path
    assert "Batch(scenario='tutorial', n=8" in repr(batch)
    assert "<table" in batch._repr_html_()


def test_compare_sweep_attribute_and_uncertainty_directories_open(tmp_path):
    t = str(TUTORIAL)
    cmp_dir, sweep_dir, attr_dir = tmp_path / "c", tmp_path / "s", tmp_path / "a"
    argv = ["compare", t, "-n", "2", "--set", "units.SAM.c2_mode=autonomous", "--quiet"]
    assert main([*argv, "--out", str(cmp_dir)]) == 0
    c = iadsim.open(cmp_dir)
    assert isinstance(c, iadsim.Comparison) and c.out == cmp_dir
    import json

    written = json.loads((cmp_dir / "compare.json").read_text())
    assert c.report == written and c.differences.num_rows == len(written["differences"])
    assert "variants=['v1']" in repr(c) and "<table" in c._repr_html_()

    argv = ["sweep", t, "-n", "2", "--param", "raid.0.start_s=0:30:2", "--quiet"]
    assert main([*argv, "--out", str(sweep_dir)]) == 0
    s = iadsim.open(sweep_dir)
    assert isinstance(s, iadsim.Study) and s.kind == "sweep" and s.scenario_name == "tutorial"
    points = pq.read_table(sweep_dir / "sweep.parquet").to_pylist()
    assert [p["point"] for p in s.report["points"]] == [p["point"] for p in points]

    argv = ["attribute", t, "-n", "2", "--n-max", "2", "--groups", "crews", "--quiet"]
    assert main([*argv, "--out", str(attr_dir)]) == 0
    a = iadsim.open(attr_dir)
    assert a.kind == "attribute" and a.scenario_name == "tutorial"
    assert a.report["effects"] == json.loads((attr_dir / "attribution.json").read_text())["effects"]


def test_bundled_names_load_and_run():
    s = iadsim.load("tutorial")
    assert s.spec.scenario == "tutorial"
    assert repr(s).startswith("Scenario('tutorial', file='tutorial.yaml', units=2, aircraft=2")
    assert "<table>" in s._repr_html_()
    assert iadsim.run("tutorial", seed=3).ledger.num_rows >= 1


def test_stages_are_an_ordered_categorical():
    pytest.importorskip("pandas")
    frames = iadsim.run(TUTORIAL, seed=3).to_pandas()
    stage = frames.ledger["stage"]
    assert stage.cat.ordered and list(stage.cat.categories)[:3] == [
        "none",
        "in_envelope",
        "line_of_sight",
    ]
    assert list(stage.cat.categories)[-1] == "killed"


def test_help_lists_the_api():
    import pydoc

    text = pydoc.render_doc(iadsim, renderer=pydoc.plaintext)
    for name in ("load(path)", "run(scenario, seed)", "run_many", "compare", "open(directory)"):
        assert name in text
