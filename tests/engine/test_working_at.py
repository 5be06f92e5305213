"""`Equipment.working_at` (one time, plain numbers: the failing-element search and the
sector post ask it once per question) against `Equipment.working` (whole timelines, the
gates' form): the same code at every time, on replications with components in storage,
modelled causes (no power, not deployed, a blanked display) and outages (strikes, ARMs),
asked on a grid and exactly at each cause's and outage's edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"


@pytest.fixture(scope="module")
def caracas():
    return prepare(CARACAS)


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_working_at_one_time_equals_the_timeline(caracas, seed):
    rep = Replication(caracas.geometry, seed)
    rep.run()
    eq, world = rep.equipment, rep.world
    edges = {0.0, world.duration_s}
    for causes in eq.causes.components.values():
        for c in causes:
            edges |= {c.start_s, c.end_s}
    for comp in world.components:
        t_down, _ = eq.outage(comp.id)
        edges.add(t_down)
    finite = [t for t in edges if np.isfinite(t)]
    times = np.unique(
        np.concatenate([np.linspace(0.0, world.duration_s, 97), finite, np.nextafter(finite, -1)])
    )
    differ, stopped = [], 0
    for comp in world.components:
        whole = eq.working(comp.index, times)
        stopped += int((whole != 0).sum())
        for t, code in zip(times.tolist(), whole.tolist(), strict=True):
            if eq.working_at(comp.index, t) != code:
                differ.append((comp.id, t, code, eq.working_at(comp.index, t)))
    assert stopped > 0  # the night has components out: the comparison is not all zeros
    assert differ == []
