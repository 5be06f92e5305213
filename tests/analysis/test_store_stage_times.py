"""The Monte Carlo store keeps, per (aircraft, unit) pair, the first time each stage was
reached: the same numbers as the ledger of the same replication run on its own."""

from __future__ import annotations

import math
import sqlite3

import pytest

from iadsim.analysis.montecarlo import run_batch
from iadsim.analysis.store import SCHEMA_VERSION, STAGE_TIME_COLUMNS, ResultStore
from iadsim.engine.rng import replication_seed
from iadsim.errors import ValueRangeError


def test_stage_times_in_store_equal_the_direct_ledger(tutorial_prepared, tmp_path):
    run_batch(tutorial_prepared, 3, tmp_path / "mc", root_seed=4, workers=1, progress=False)
    with ResultStore(tmp_path / "mc") as store:
        stored = store.table("ledger").to_pylist()
    assert len(STAGE_TIME_COLUMNS) == 10
    reached = 0
    for idx in range(3):
        direct = tutorial_prepared.replicate(replication_seed(4, idx)).ledger.table().to_pylist()
        mine = [r for r in stored if r["idx"] == idx]
        assert len(mine) == len(direct)
        for a, b in zip(mine, direct, strict=True):
            assert (a["aircraft"], a["unit"]) == (b["aircraft"], b["unit"])
            for col in STAGE_TIME_COLUMNS:
                if math.isnan(b[col]):
                    assert a[col] is None  # never reached: a real NULL, not NaN
                else:
                    assert a[col] == b[col]
                    reached += 1
    assert reached > 0


def test_an_old_store_is_not_resumed(tutorial_prepared, tmp_path):
    out = tmp_path / "mc"
    run_batch(tutorial_prepared, 1, out, root_seed=4, workers=1, progress=False)
    with sqlite3.connect(out / "results.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert SCHEMA_VERSION != "1"
    with pytest.raises(ValueRangeError, match="schema version 1"):
        run_batch(tutorial_prepared, 2, out, root_seed=4, workers=1, resume=True, progress=False)
