"""The metric registry and the per-weapon-class counts (analysis.metrics), checked against
hand-made event logs and, on real replications, against the ledger (a second record of the
same fight) and the record's own totals."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from iadsim.analysis.metrics import (
    CLASS_COLUMNS,
    METRICS,
    class_counts,
    component_classes,
    metric,
    units_of_class,
    weapon_class,
)
from iadsim.analysis.records import RECORD_SCHEMAS, run_one
from iadsim.errors import ValueRangeError

LATER = ("launched", "intercepted", "killed")


def test_weapon_class_comes_from_the_catalog_type(caracas_prepared):
    cat = caracas_prepared.scenario.catalog
    assert weapon_class(cat.components["manpads-team"], cat.weapons) == "manpads"
    assert weapon_class(cat.components["telar-vm"], cat.weapons) == "sam"
    assert weapon_class(cat.components["telar-mr"], cat.weapons) == "sam"
    assert weapon_class(cat.components["early-warning-radar"], cat.weapons) is None
    gun = SimpleNamespace(gun=SimpleNamespace(rate_rpm=2000), launcher=None)
    assert weapon_class(gun, cat.weapons) == "gun"
    sc = caracas_prepared.scenario
    assert units_of_class(sc, "sam") == ["S300-BN", "BUK-BTY"]
    assert units_of_class(sc, "manpads") == ["MANPADS-TIUNA", "MANPADS-CARLOTA", "MANPADS-GUAIRA"]
    assert component_classes(sc)["S300-BN/telar-1"] == "sam"


def test_class_counts_by_hand():
    classes = {"S/l1": "sam", "S/l2": "sam", "M/t": "manpads", "G/g": "gun"}
    events = [
        (1.0, "launch", "A", "S", "S/l1", "", 2.0),
        (2.0, "launch", "A", "S", "S/l2", "", 1.0),  # same aircraft: one engagement
        (3.0, "launch", "B", "M", "M/t", "", 1.0),
        (4.0, "kill", "B", "M", "M/t", "", 0.3),
        (5.0, "launch", "D", "S", "S/l1", "", 1.0),  # a decoy: a launch, not an aircraft
        (6.0, "kill", "D", "S", "S/l1", "", 0.7),
        (7.0, "launch", "C", "G", "G/g", "", 1.0),
        (8.0, "miss", "C", "G", "G/g", "", 0.1),
        (9.0, "launch", "C", "X", "X/radar", "", 1.0),  # not a weapon of a class
    ]
    got = class_counts(events, classes, {"A", "B", "C"})
    assert got == {
        "sam_launches": 3,
        "sam_engagements": 1,
        "sam_kills": 0,
        "manpads_launches": 1,
        "manpads_engagements": 1,
        "manpads_kills": 1,
        "gun_launches": 1,
        "gun_engagements": 1,
        "gun_kills": 0,
    }
    assert tuple(got) == CLASS_COLUMNS


@pytest.mark.parametrize("which", ["tutorial_prepared", "caracas_prepared"])
def test_classes_add_up_and_agree_with_the_ledger(which, request):
    prepared = request.getfixturevalue(which)
    sams = set(units_of_class(prepared.scenario, "sam"))
    manpads = set(units_of_class(prepared.scenario, "manpads"))
    seen = dict.fromkeys(CLASS_COLUMNS, 0)
    for i in range(8):
        rec = run_one(prepared, i, 100 + i)
        rep = rec["replication"]
        for c in CLASS_COLUMNS:
            seen[c] += rep[c]
        launches = rep["sam_launches"] + rep["manpads_launches"] + rep["gun_launches"]
        assert launches == rep["launches"]
        assert rep["sam_kills"] + rep["manpads_kills"] + rep["gun_kills"] == rep["killed"]
        # the ledger: aircraft whose chain with a unit of the class reached `launched`
        cols = RECORD_SCHEMAS["ledger"].names
        a, u, s = cols.index("aircraft"), cols.index("unit"), cols.index("stage")
        for units, kind in ((sams, "sam"), (manpads, "manpads")):
            engaged = {r[a] for r in rec["ledger"] if r[u] in units and r[s] in LATER}
            assert rep[f"{kind}_engagements"] == len(engaged)
    assert seen["sam_launches"] + seen["manpads_launches"] > 0  # the test saw some fire


def test_registry_names_and_values():
    assert metric("sam_launches").vector_name == "mean_sam_launches"
    assert metric("any_sam_launches").vector_name == "p_any_sam_launches"
    rows = [{"sam_launches": 0}, {"sam_launches": 3}, {"sam_launches": None}]
    # NULL: a store older than the column; unknown, never read as zero
    assert np.array_equal(METRICS["sam_launches"].values(rows), [0.0, 3.0, np.nan], equal_nan=True)
    assert np.array_equal(
        METRICS["any_sam_launches"].values(rows), [0.0, 1.0, np.nan], equal_nan=True
    )
    with pytest.raises(ValueRangeError) as err:
        metric("sam_launch")
    assert err.value.parameter == "metric"


def test_metric_vectors_carry_every_registry_metric(tutorial_prepared, tmp_path):
    from iadsim.analysis.montecarlo import run_batch
    from iadsim.analysis.stats import batch_report, metric_vectors
    from iadsim.analysis.store import ResultStore

    run_batch(tutorial_prepared, 6, tmp_path / "b", root_seed=2, workers=1, progress=False)
    with ResultStore(tmp_path / "b", writer=False) as store:
        vecs = metric_vectors(store)
        rows = store.rows("replications")
        report = batch_report(store, "sam_launches")
    for m in METRICS.values():
        assert m.vector_name in vecs
    assert np.array_equal(vecs["mean_sam_launches"][1], [r["sam_launches"] for r in rows])
    assert report["headline"]["metric"] == "sam_launches"
    assert report["headline"]["mean"] == pytest.approx(np.mean([r["sam_launches"] for r in rows]))


def test_cli_refuses_an_unknown_metric():
    out = subprocess.run(
        [sys.executable, "-m", "iadsim", "attribute", "tutorial", "--metric", "sam_launch"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "--metric" in out.stderr and "sam_launches" in out.stderr
