"""A network built again after a component is lost, as a copy of the one before with the
components destroyed since (`replication_network(previous=...)`), keeping the answers of the
pairs out of their reach, answers every path question as a network built from scratch."""

from pathlib import Path

import numpy as np

import iadsim.engine.replication as replication
from iadsim.engine import c2
from iadsim.engine.run import prepare
from iadsim.network.kinds import MessageKind

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"

KINDS = (None, MessageKind.TRACK_REPORT, MessageKind.TARGET_DESIGNATION)


def _same_answers(world, got: c2.Connectivity, want: c2.Connectivity) -> None:
    # the answers the copy kept from the network before (the pairs out of reach of the
    # components destroyed since), on the time grids they were asked on
    for a, b, kind, grid in list(got._cache):
        times = np.frombuffer(grid, dtype=float)
        g, w = got.status(a, b, times, kind), want.status(a, b, times, kind)
        np.testing.assert_array_equal(g.latency_s, w.latency_s)
        np.testing.assert_array_equal(g.code, w.code)
    times = np.arange(0.0, world.duration_s, 7.0)
    ids = [c.id for c in world.components]
    for a in ids:
        for b in ids:
            for kind in KINDS:
                g, w = got.status(a, b, times, kind), want.status(a, b, times, kind)
                np.testing.assert_array_equal(g.latency_s, w.latency_s)
                np.testing.assert_array_equal(g.code, w.code)
                if a != b:
                    assert got.culprit(a, b, 1800.0, kind) == want.culprit(a, b, 1800.0, kind)


def test_copied_network_answers_as_a_fresh_build(monkeypatch):
    prepared = prepare(CARACAS)
    copies = []
    original = replication.replication_network
    with_destroyed = c2.Connectivity.with_destroyed

    def counted(self, more, built_from):
        new = with_destroyed(self, more, built_from)
        copies.append(len(new._cache))
        return new

    def checked(world, equipment, outages, jam_windows=None, previous=None):
        got = original(world, equipment, outages, jam_windows, previous=previous)
        if previous is not None:
            _same_answers(world, got, original(world, equipment, outages, jam_windows))
        return got

    monkeypatch.setattr(c2.Connectivity, "with_destroyed", counted)
    monkeypatch.setattr(replication, "replication_network", checked)
    for seed in range(4):
        prepared.replicate(seed)
    assert any(copies)  # the case the test is about happened: answers kept by a copy
