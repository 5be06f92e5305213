"""A chain worked out again after an outcome covers only the decision times from the outcome on
(`Gates.unit_chain(from_s=...)`), and a unit fighting on its own after losing its post has
each of its two chains worked out only over the span of times it reads
(`Gates._with_fallback`). The reference for both is the plain computation: every chain worked
out over the whole night, once, on the state the night ended in. Outcomes only change what
holds from their time on (a component lost at t works before t; a radar gone dark at t looked
before t), so the merged timelines must equal it column for column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iadsim.engine.gates import Gates
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"


@pytest.fixture(scope="module")
def caracas():
    return prepare(CARACAS)


def _whole_night(rep: Replication, chain):
    """The unit's chain over every decision time on the final state, fallback by `np.where`
    over two whole-night chains (no spans, no caches)."""
    gates = rep.gates
    gates._sensor_chains.clear()
    gates._launchers.clear()
    unit, ug = chain.unit, chain.geo
    whole = slice(0, ug.times_s.size)
    post = gates._chain(unit, ug, None, whole)
    cps = unit.role("command")
    if unit.c2_mode == "autonomous" or not cps:
        return post
    cp = rep.world.components[cps[0]]
    post = gates._chain(unit, ug, cp, whole)
    active = gates.fallback_active(unit, ug.times_s, cp)
    if not active.any():
        return post
    own = gates._chain(unit, ug, None, whole, fallback=True)
    pick = active[None, :]
    stage, reason, blocks = (np.where(pick, o, p) for p, o in zip(post[:3], own[:3], strict=True))
    return stage, reason, blocks, {li: np.where(pick, own[3][li], post[3][li]) for li in post[3]}


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
            stage, reason, blocks, ready = _whole_night(rep, chain)
            assert np.array_equal(chain.stage, stage), (seed, chain.unit.id)
            assert np.array_equal(chain.reason, reason), (seed, chain.unit.id)
            assert np.array_equal(chain.blocks, blocks), (seed, chain.unit.id)
            for li in ready:
                assert np.array_equal(chain.ready[li], ready[li]), (seed, chain.unit.id, li)
        cps = [c for c in rep.fight.chains if c.unit.role("command")]
        fallen_back += sum(
            bool(
                rep.gates.fallback_active(
                    c.unit, c.geo.times_s, rep.world.components[c.unit.role("command")[0]]
                ).any()
            )
            for c in cps
        )
    # the seeds exercise both: chains worked out again mid-raid, batteries on their own
    assert len(calls) > 5 and fallen_back > 0


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
    assert np.array_equal(late.blocks, chain.blocks[:, late.k0 :])
    assert np.all(late.candidates >= late.k0)
