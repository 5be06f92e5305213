"""MANPADS chain: lock-on geometry by hand, reasons, draw discipline."""

import numpy as np
import pytest

from iadsim.engagement.manpads import (
    engage,
    lock_probability,
    lock_range_m,
    notional_igla_class,
    scatter_teams,
)
from iadsim.killchain import Reason, Stage

IGLA = notional_igla_class()


def test_lock_range_by_hand():
    tail, head = IGLA.lock_range_tail_m, IGLA.lock_range_tail_m * IGLA.head_on_lock_fraction
    np.testing.assert_allclose(lock_range_m(IGLA, [np.pi, 0.0]), [tail, head])
    np.testing.assert_allclose(lock_range_m(IGLA, np.pi, ir_signature_factor=4.0), 2 * tail)
    # p_lock_max inside half the lock range, half of it at 3/4, zero at the lock range
    p = lock_probability(IGLA, [1000.0, 0.75 * tail, tail, 2 * tail], np.pi)
    np.testing.assert_allclose(p, [IGLA.p_lock_max, 0.5 * IGLA.p_lock_max, 0.0, 0.0])
    assert lock_probability(IGLA, 2000.0, 0.0) < lock_probability(IGLA, 2000.0, np.pi)


def _pass(speed=60.0, alt=100.0, x0=8000.0, dt=1.0):
    """A helicopter flying straight over the team from +x to -x."""
    t = np.arange(0.0, 2 * x0 / speed, dt)
    x = x0 - speed * t
    p = np.column_stack([x, np.zeros_like(x), np.full_like(x, alt)])
    v = np.tile([-speed, 0.0, 0.0], (len(t), 1))
    return t, p, v


def test_reasons_before_launch():
    t, p, v = _pass()
    rng = np.random.default_rng(0)
    masked = engage(rng, IGLA, "transport-helicopter", t, p, v, np.zeros(len(t), bool), 3000.0)
    assert (masked.stage, masked.reason) == (Stage.NONE, Reason.TERRAIN_MASKED)
    unseen = engage(rng, IGLA, "transport-helicopter", t, p, v, np.ones(len(t), bool), 50.0)
    assert (unseen.stage, unseen.reason) == (Stage.NONE, Reason.NOT_DETECTED)
    high = engage(
        rng, IGLA, "transport-helicopter", t, p + [0, 0, 5000.0], v, np.ones(len(t), bool), 8000.0
    )
    assert (high.stage, high.reason) == (Stage.DETECTED, Reason.OUTSIDE_ALTITUDE)
    # seen at 3 km (t = 83.3 s) but masked again at 90 s, before the 10 s reaction time
    brief = engage(rng, IGLA, "transport-helicopter", t, p, v, t < 90.0, 3000.0)
    assert (brief.stage, brief.reason) == (Stage.DETECTED, Reason.CREW_NOT_READY)


def test_suppressed_crew_never_fires_and_willing_crew_sometimes_kills():
    t, p, v = _pass()
    vis = np.ones(len(t), bool)
    res = [
        engage(
            np.random.default_rng(s),
            IGLA,
            "transport-helicopter",
            t,
            p,
            v,
            vis,
            3000.0,
            willingness=0.0,
        )
        for s in range(50)
    ]
    assert all(r.reason in (Reason.CREW_SUPPRESSED, Reason.NOT_TRACKED) for r in res)
    assert any(r.reason is Reason.CREW_SUPPRESSED for r in res)
    assert not any(r.killed for r in res)
    res = [
        engage(np.random.default_rng(s), IGLA, "transport-helicopter", t, p, v, vis, 3000.0)
        for s in range(200)
    ]
    kills = [r for r in res if r.killed]
    assert kills and len(kills) < len(res)
    for r in kills:
        assert r.stage is Stage.KILLED and r.reason is Reason.NONE
        assert r.acquired_s + IGLA.reaction_time_s <= r.locked_s == r.launch_s < r.intercept_s
    assert all(r.reason in (Reason.NONE, Reason.MISSED, Reason.NOT_TRACKED) for r in res)


def test_draws_exactly_t_plus_two_uniforms():
    t, p, v = _pass()
    for vis in (np.zeros(len(t), bool), np.ones(len(t), bool)):
        a, b = np.random.default_rng(5), np.random.default_rng(5)
        engage(a, IGLA, "transport-helicopter", t, p, v, vis, 3000.0)
        b.random(len(t) + 2)
        assert a.random() == b.random()


def test_scatter_teams_density():
    rng = np.random.default_rng(2)
    counts = [len(scatter_teams(rng, [0.0, 0.0], 5000.0, 0.2)) for _ in range(400)]
    mean = 0.2 * np.pi * 25.0
    assert np.mean(counts) == pytest.approx(mean, abs=4 * np.sqrt(mean / 400))
    pts = scatter_teams(rng, [1000.0, -500.0], 2000.0, 5.0)
    assert (np.hypot(pts[:, 0] - 1000.0, pts[:, 1] + 500.0) <= 2000.0).all()
