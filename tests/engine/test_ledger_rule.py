"""The ledger's rule against a plain reference: a further stage replaces the record, at the
same stage the later (or equal-time) reason wins, a timeline fold never overrides an
event-loop record at its stage, and each stage's first time is the earliest that reached it.
Event-loop observations are kept per pair and folded into the arrays when read: reading in
between, or not, must give the same ledger."""

from __future__ import annotations

import math

import numpy as np

from iadsim.engine.ledger import Ledger
from iadsim.killchain import BIT, REASON_CODE, Reason, Stage

REASONS = [Reason.CREW_SUPPRESSED, Reason.NODE_DESTROYED, Reason.NOT_ASSIGNED, Reason.MISSED]
STAGES = [Stage.FIRE_CONTROL, Stage.ASSIGNED, Stage.LAUNCHED, Stage.INTERCEPTED]


def reference(events, n_a, n_u):
    """Each observation merged as it comes, in plain Python."""
    rec = {
        (a, u): (-1, REASON_CODE[Reason.OUT_OF_RANGE], math.nan, 0)
        for a in range(n_a)
        for u in range(n_u)
    }
    first = {(a, u): [math.inf] * len(Stage) for a in range(n_a) for u in range(n_u)}
    for a, u, stage, reason, t in events:
        stage, code = int(stage), REASON_CODE[reason]
        cur = rec[(a, u)]
        if stage > cur[0] or (stage == cur[0] and not t < cur[2]):
            rec[(a, u)] = (stage, code, t, int(BIT[code]))
        for s in range(1, stage + 1):
            first[(a, u)][s] = min(first[(a, u)][s], t)
    return rec, first


def test_observations_folded_when_read_follow_the_rule():
    rng = np.random.default_rng(2)
    for _ in range(30):
        n_a, n_u = 3, 4
        events = []
        t = 0.0
        for _ in range(60):
            t += float(rng.choice([0.0, 0.5, 2.0]))  # equal times happen
            events.append(
                (
                    int(rng.integers(n_a)),
                    int(rng.integers(n_u)),
                    STAGES[int(rng.integers(len(STAGES)))],
                    REASONS[int(rng.integers(len(REASONS)))],
                    t,
                )
            )
        rec, first = reference(events, n_a, n_u)
        for read_between in (False, True):
            ledger = Ledger([f"a{i}" for i in range(n_a)], [f"u{j}" for j in range(n_u)])
            for i, e in enumerate(events):
                ledger.observe(*e)
                if read_between and i % 7 == 0:
                    ledger.stage.sum()  # a read folds what was kept so far
            for (a, u), (stage, code, time_s, mask) in rec.items():
                assert ledger.stage[a, u] == stage
                assert ledger.reason[a, u] == code
                assert (math.isnan(time_s) and math.isnan(ledger.time[a, u])) or ledger.time[
                    a, u
                ] == time_s
                assert ledger.blocks[a, u] == (mask | int(BIT[code]) if stage >= 0 else 0)
                np.testing.assert_array_equal(ledger.first[a, u], first[(a, u)])


def test_a_timeline_fold_does_not_override_an_event_at_its_stage():
    ledger = Ledger(["a0"], ["u0"])
    ledger.observe(0, 0, Stage.FIRE_CONTROL, Reason.CREW_SUPPRESSED, 10.0)
    times = np.array([0.0, 5.0, 20.0])
    stage = np.array([[int(Stage.REPORTED), int(Stage.FIRE_CONTROL), int(Stage.FIRE_CONTROL)]])
    reason = np.full((1, 3), REASON_CODE[Reason.NOT_ASSIGNED], np.int8)
    ledger.observe_timeline(0, times, stage.astype(np.int8), reason)
    assert ledger.reason[0, 0] == REASON_CODE[Reason.CREW_SUPPRESSED]  # weak: kept
    assert ledger.time[0, 0] == 10.0
    assert ledger.first[0, 0, int(Stage.FIRE_CONTROL)] == 5.0  # the fold reached it earlier
    assert ledger.first[0, 0, int(Stage.REPORTED)] == 0.0
