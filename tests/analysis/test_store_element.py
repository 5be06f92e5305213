"""The Monte Carlo store keeps the ledger's failing element (schema version 3): the same
names as the ledger of each replication run on its own; `iadsim explain` on the batch names
the element most often behind each reason; an older store reads with no elements (NULL,
never guessed) and is not resumed."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

import pytest

from iadsim.analysis.montecarlo import run_batch
from iadsim.analysis.store import SCHEMA_VERSION, ResultStore
from iadsim.cli import main
from iadsim.engine.rng import replication_seed
from iadsim.engine.run import prepare
from iadsim.errors import ValueRangeError
from tests.builders import aircraft, component, link, make_scenario, unit, write_scenario

N, ROOT = 6, 4


def cut_battery() -> dict:
    """A Buk-class battery whose post hears neither TELAR (both links down, no fallback), so
    its chains stop at `reported` on a named link; the acquisition radar sometimes fails."""
    return make_scenario(
        "element",
        units=[
            unit(
                "BUK",
                "sam-medium-range",
                [
                    component("radar", "acquisition-radar-mr", readiness=0.5),
                    component("cp", "command-post-mr"),
                    component("telar-1", "telar-mr"),
                    component("telar-2", "telar-mr"),
                ],
                fallback={"allowed": False},
            )
        ],
        raid=[
            aircraft("H", "transport-helicopter", [(10.12, -66.0, 500), (10.08, -66.0, 500)]),
            aircraft("F", "strike-fighter", [(10.6, -66.0, 5000), (9.6, -66.0, 5000)]),
        ],
        links=[link("BUK/cp", f"BUK/telar-{i}", id=f"cp-telar-{i}", up=False) for i in (1, 2)],
        duration_s=600,
    )


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("element"), cut_battery())


@pytest.fixture(scope="module")
def prepared(scenario_path):
    return prepare(scenario_path)


@pytest.fixture(scope="module")
def batch(scenario_path, tmp_path_factory):
    """`iadsim mc` of that scenario: N replications, root seed ROOT."""
    out = tmp_path_factory.mktemp("element") / "mc"
    args = ["mc", str(scenario_path), "-n", str(N), "--seed", str(ROOT), "--out", str(out)]
    assert main([*args, "--workers", "1", "--quiet"]) == 0
    return out


def direct_rows(prepared) -> list[dict]:
    rows = []
    for idx in range(N):
        for r in prepared.replicate(replication_seed(ROOT, idx)).ledger.table().to_pylist():
            rows.append({"idx": idx, **r})
    return rows


def test_the_store_keeps_the_ledgers_failing_element(batch, prepared):
    assert int(SCHEMA_VERSION) >= 3
    with ResultStore(batch, writer=False) as store:
        stored = store.table("ledger").to_pylist()
    direct = direct_rows(prepared)
    key = ("idx", "aircraft", "unit", "reason", "element")
    assert sorted(tuple(r[k] for k in key) for r in stored) == sorted(
        tuple(r[k] for k in key) for r in direct
    )
    assert any(r["element"] for r in stored), "some chain broke on a named element"


def test_explain_on_the_batch_names_the_most_frequent_element(batch, prepared, capsys):
    """Counted by hand from the direct ledgers: per (pair, stage, reason), the element named
    most often (ties: first by name) and in how many of those replications."""
    capsys.readouterr()
    assert main(["explain", str(batch), "--json"]) == 0
    pairs = json.loads(capsys.readouterr().out)["pairs"]
    groups: dict[tuple, list] = {}
    for r in direct_rows(prepared):
        groups.setdefault((r["aircraft"], r["unit"], r["stage"], r["reason"]), []).append(r)
    named = 0
    for p in pairs:
        reason = p["reason"] or "NONE"
        rows = groups[(p["aircraft"], p["unit"], p["stage"], reason)]
        counts = Counter(r["element"] for r in rows if r["element"])
        if not counts:
            assert p["element"] is None
            continue
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        assert p["element"] == top[0]
        assert p["element_share"] == pytest.approx(top[1] / len(rows))
        named += 1
    assert named > 0
    assert main(["explain", str(batch)]) == 0
    assert "failing element" in capsys.readouterr().out


def test_an_old_store_reads_without_elements_and_is_not_resumed(prepared, tmp_path):
    out = tmp_path / "mc"
    run_batch(prepared, 2, out, root_seed=ROOT, workers=1, progress=False)
    with sqlite3.connect(out / "results.sqlite") as conn:  # what a version-2 store holds
        conn.execute("ALTER TABLE ledger DROP COLUMN element")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with ResultStore(out, writer=False) as store:
        rows = store.table("ledger").to_pylist()
    assert rows and all(r["element"] is None for r in rows)
    with pytest.raises(ValueRangeError, match="schema version 2"):
        run_batch(prepared, 3, out, root_seed=ROOT, workers=1, resume=True, progress=False)


def test_an_empty_old_store_is_reused_with_the_new_column(prepared, tmp_path):
    out = tmp_path / "mc"
    with ResultStore(out):
        pass
    with sqlite3.connect(out / "results.sqlite") as conn:  # a version-2 store, never filled
        conn.execute("ALTER TABLE ledger DROP COLUMN element")
    run_batch(prepared, 1, out, root_seed=ROOT, workers=1, progress=False)
    with ResultStore(out, writer=False) as store:
        assert len(store.table("ledger")) > 0
