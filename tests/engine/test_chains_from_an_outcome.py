"""A chain worked out again after an outcome covers only the decision times from the outcome on
(`Gates.unit_chain(from_s=...)`), and a unit fighting on its own after losing its post has
each of its two chains worked out only over the span of times it reads
(`Gates._with_fallback`). The reference for both is the plain computation: every chain worked
out over the whole night, once, on the state the night ended in. Outcomes only change what
holds from their time on (a component lost at t works before t; a radar gone dark at t looked
before t), so the merged timelines must equal it column for column; and that is why the
ledger's reasons can be worked out after the fight, at the columns it reads (`Gates.explain`),
by a second code path whose stages must equal the fight's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iadsim.engine.gates import Gates
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare
from iadsim.killchain import Stage

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"


@pytest.fixture(scope="module")
def caracas():
    return prepare(CARACAS)


def _whole_night(rep: Replication, chain):
    """The unit's (stage, ready) over every decision time on the final state, fallback by
    `np.where` over two whole-night chains (no spans, no caches)."""
    gates = rep.gates
    gates.search._stages.clear()
    gates._launchers.clear()
    unit, ug = chain.unit, chain.geo
    whole = slice(0, ug.times_s.size)
    cp = gates._post(unit)
    if cp is None:
        return gates._chain(unit, ug, None, whole)
    post = gates._chain(unit, ug, cp, whole)
    active = gates.fallback_active(unit, ug.times_s, cp)
    if not active.any():
        return post
    own = gates._chain(unit, ug, None, whole, fallback=True)
    pick = active[None, :]
    stage = np.where(pick, own[0], post[0])
    return stage, {li: np.where(pick, own[1][li], post[1][li]) for li in post[1]}


def test_chains_worked_out_from_each_outcome_equal_the_whole_night_on_its_final_state(
    caracas, monkeypatch
):
    calls: list[float] = []
    unit_chain = Gates.unit_chain

    def recorded(self, unit, ug, from_s=None):
        if from_s is not None:
            calls.append(from_s)
        return unit_chain(self, unit, ug, from_s)

    monkeypatch.setattr(Gates, "unit_chain", recorded)
    fallen_back = 0
    for seed in range(12):
        rep = Replication(caracas.geometry, seed)
        rep.run()
        for chain in rep.fight.chains:
            stage, ready = _whole_night(rep, chain)
            assert np.array_equal(chain.stage, stage), (seed, chain.unit.id)
            for li in ready:
                assert np.array_equal(chain.ready[li], ready[li]), (seed, chain.unit.id, li)
            cp = rep.gates._post(chain.unit)
            if cp is not None:
                fallen_back += bool(
                    rep.gates.fallback_active(chain.unit, chain.geo.times_s, cp).any()
                )
    # the seeds exercise both: chains worked out again mid-raid, batteries on their own
    assert len(calls) > 5 and fallen_back > 0


def test_the_reasons_worked_out_after_the_fight_agree_with_its_chains(caracas):
    """`Gates.explain` works out a chain's stage again with its reasons, at some columns
    only: its stages equal the fight's there, and its reasons equal those of the whole
    night at the same columns (each column is worked out on its own)."""
    rng = np.random.default_rng(7)
    for seed in (2, 5, 9):
        rep = Replication(caracas.geometry, seed)
        rep.run()
        for chain in rep.fight.chains:
            K = chain.geo.times_s.size
            every = np.arange(K)
            stage, reason, blocks = rep.gates.explain(chain.unit, chain.geo, every)
            assert np.array_equal(stage, chain.stage), (seed, chain.unit.id)
            # a chain stopped short of fire control has a reason; one there has none
            at_fc = stage == Stage.FIRE_CONTROL
            assert not reason[at_fc].any() and not blocks[at_fc].any()
            held = (stage >= 0) & ~at_fc
            assert np.all((blocks[held] >> reason[held].astype(np.int64)) & 1)
            cols = np.unique(rng.integers(0, K, 25))
            s2, r2, b2 = rep.gates.explain(chain.unit, chain.geo, cols)
            assert np.array_equal(s2, stage[:, cols])
            assert np.array_equal(r2, reason[:, cols]) and np.array_equal(b2, blocks[:, cols])


def test_a_chain_from_an_outcome_covers_the_times_from_then_on(caracas):
    rep = Replication(caracas.geometry, 3)
    rep.run()
    chain = rep.fight.chains[0]
    times = chain.geo.times_s
    t = float(times[len(times) // 2]) - 0.5
    late = rep.gates.unit_chain(chain.unit, chain.geo, from_s=t)
    k0 = int(np.searchsorted(times, t))
    assert late.k0 <= k0 and late.stage.shape[1] == times.size - late.k0
    assert np.array_equal(late.stage, chain.stage[:, late.k0 :])
    for li, ready in late.ready.items():
        assert np.array_equal(ready, chain.ready[li][:, late.k0 :])
    assert np.all(late.candidates >= late.k0)
