"""`Sensing.track_changes` (per sensor over all aircraft at once, the end of each aircraft's
looks found by search) against the rule written out: each sensor's looks masked at the
aircraft's end, the first detection, and each change of the firm track in the masked
timeline (a track held at the end is dropped at the next look). On Caracas replications,
with the ends as the fight left them and cut short."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iadsim.engine.events import EventKind
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"


def _reference(sensing, until_s):
    A = len(until_s)
    detected, tracked = np.zeros(A, bool), np.zeros(A, bool)
    first_det = np.full(A, np.inf)
    changes: list[list[tuple]] = [[] for _ in range(A)]
    for si, st in sensing.sensors.items():
        comp = sensing.world.components[si]
        for a in range(A):
            before = st.geo.times_s <= until_s[a]
            d, firm = st.detected[a] & before, st.firm[a] & before
            if d.any():
                detected[a] = True
                first_det[a] = min(first_det[a], float(st.geo.times_s[np.argmax(d)]))
            tracked[a] |= bool(firm.any())
            prev = False
            for k, now in enumerate(firm.tolist()):
                if now != prev:
                    kind = EventKind.TRACK_FIRM if now else EventKind.TRACK_LOST
                    changes[a].append((float(st.geo.times_s[k]), kind, comp.unit, comp.id))
                prev = now
    return detected, first_det, tracked, changes


@pytest.fixture(scope="module")
def caracas():
    return prepare(CARACAS)


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("cut", [1.0, 0.4])
def test_track_changes_follow_the_rule(caracas, seed, cut):
    rep = Replication(caracas.geometry, seed)
    rep.run()
    fight = rep.fight
    ends = np.array(
        [min(fight.out_time[a], ac.route.end_s) for a, ac in enumerate(rep.world.aircraft)]
    )
    ends = ends * cut
    got = rep.sensing.track_changes(ends)
    want = _reference(rep.sensing, ends)
    for g, w in zip(got[:3], want[:3], strict=True):
        np.testing.assert_array_equal(g, w)
    assert got[3] == want[3]
    assert sum(len(c) for c in got[3]) > 20  # tracks are made and lost


def test_an_end_just_before_a_change(caracas):
    """Each aircraft's end falls on the look just before one of its tracks changes: that
    change is after the end (not counted), and a track held then is dropped there."""
    rep = Replication(caracas.geometry, 1)
    rep.run()
    ends = np.array([ac.route.end_s for ac in rep.world.aircraft])
    for st in rep.sensing.sensors.values():
        for a in range(len(ends)):
            ks = np.flatnonzero(np.diff(st.firm[a].astype(np.int8)))
            if ks.size and ends[a] == rep.world.aircraft[a].route.end_s:
                ends[a] = st.geo.times_s[ks[0]]  # the look before the change at ks[0] + 1
    got, want = rep.sensing.track_changes(ends), _reference(rep.sensing, ends)
    assert got[3] == want[3]
    for g, w in zip(got[:3], want[:3], strict=True):
        np.testing.assert_array_equal(g, w)
