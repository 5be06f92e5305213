"""MTBF/MTTR failure timelines: statistics against the exponential model, fixed seed."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.engine.rng import RngStreams
from iadsim.errors import ValueRangeError
from iadsim.network.failures import Reliability, apply_timeline, sample_outages, sample_timeline
from iadsim.network.graph import C2Network


def test_timeline_statistics_match_mtbf_mttr() -> None:
    rel = Reliability(mtbf_s=3600.0, mttr_s=600.0)
    duration = 3600.0 * 4000  # ~ 3400 cycles
    out = np.array(sample_outages(np.random.default_rng(7), rel, duration))
    starts, ends = out[:, 0], out[:, 1]
    assert np.all(np.diff(starts) > 0) and np.all(ends > starts) and ends[-1] <= duration
    downs = (ends - starts)[:-1]  # the last may be cut by the end of the scenario
    ups = starts - np.concatenate(([0.0], ends[:-1]))
    n = len(downs)
    # tolerance: 4 standard errors of an exponential mean (sd = mean / sqrt(n))
    assert downs.mean() == pytest.approx(600.0, rel=4 / np.sqrt(n))
    assert ups.mean() == pytest.approx(3600.0, rel=4 / np.sqrt(n))
    unavail = (ends - starts).sum() / duration
    assert unavail == pytest.approx(1 - rel.availability, abs=0.01)


def test_start_states_and_short_duration() -> None:
    rel = Reliability(100.0, 10.0)
    rng = np.random.default_rng(1)
    down_first = sample_outages(rng, rel, 50.0, start_up=False)
    assert down_first[0][0] == 0.0
    assert sample_outages(rng, rel, 0.0) == []
    # stationary start: fraction starting down ~ 1 - availability
    starts_down = [sample_outages(rng, rel, 1.0, None)[:1] for _ in range(4000)]
    frac = np.mean([bool(s) and s[0][0] == 0.0 for s in starts_down])
    assert frac == pytest.approx(10 / 110, abs=0.015)
    with pytest.raises(ValueRangeError):
        Reliability(0.0, 1.0)


def test_per_element_streams_are_stable_and_applied() -> None:
    rels = {"c1": Reliability(500.0, 50.0), "V": Reliability(800.0, 100.0)}
    a = sample_timeline(rels, 5000.0, RngStreams(3).stream)
    more = dict(rels, zz=Reliability(10.0, 1.0))
    b = sample_timeline(more, 5000.0, RngStreams(3).stream)
    assert a["c1"] == b["c1"] and a["V"] == b["V"]  # adding an element shifts nobody
    g = sample_timeline(rels, 5000.0, np.random.default_rng(0))
    assert set(g) == {"c1", "V"}
    net = C2Network()
    net.add_node("A", "radar")
    net.add_node("V", "relay")
    net.add_link("c1", "A", "V", "cable", 0.1)
    apply_timeline(net, a)
    for s, e in a["c1"]:
        assert not net.path("A", "V", (s + e) / 2).ok
