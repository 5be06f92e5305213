"""Shoot-look-shoot timing by hand; magazine and reload; launch decisions."""

import numpy as np
import pytest

from iadsim.engagement.doctrine import Doctrine, FireMode, LaunchBlock
from iadsim.engagement.magazine import Magazine, MagazineState
from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason

SLS = Doctrine(
    FireMode.SHOOT_LOOK_SHOOT,
    salvo_size=2,
    max_salvos=2,
    launch_interval_s=3.0,
    assessment_delay_s=5.0,
)


def test_shoot_look_shoot_timing_by_hand():
    # salvo 1 at 100 and 103 s; last missile flies 20 s -> 123 s; assessed at 128 s
    np.testing.assert_allclose(SLS.salvo_launch_times(100.0), [100.0, 103.0])
    assert SLS.next_look_s(103.0, 20.0) == pytest.approx(128.0)
    sched = SLS.schedule(100.0, 20.0)
    assert len(sched) == 2
    np.testing.assert_allclose(sched[0], [100.0, 103.0])
    np.testing.assert_allclose(sched[1], [128.0, 131.0])
    # a different time of flight per salvo
    np.testing.assert_allclose(SLS.schedule(0.0, [10.0, 8.0])[1], [18.0, 21.0])


def test_salvo_mode_fires_once():
    d = Doctrine(FireMode.SALVO, salvo_size=3, max_salvos=5, launch_interval_s=1.0)
    sched = d.schedule(0.0, 15.0)
    assert len(sched) == 1
    np.testing.assert_allclose(sched[0], [0.0, 1.0, 2.0])


def test_engagement_pk_and_expected_missiles_by_hand():
    d = Doctrine(FireMode.SHOOT_LOOK_SHOOT, salvo_size=1, max_salvos=2)
    assert d.engagement_pk(0.5) == pytest.approx(0.75)
    assert d.expected_missiles(0.5) == pytest.approx(1.5)  # always one, a second half the time
    assert d.expected_missiles(0.0) == pytest.approx(2.0)
    assert SLS.expected_missiles(1.0) == pytest.approx(2.0)


def test_magazine_reload_cycle():
    m = Magazine(capacity=4, ready=2, reserve=4, reload_time_s=600.0)
    assert m.state(0.0) is MagazineState.READY
    assert m.launch(0.0, 3) == 2  # fires what it has
    assert m.state(100.0) is MagazineState.RELOADING
    assert m.reload_done_s == pytest.approx(600.0)
    assert m.state(600.0) is MagazineState.READY
    assert (m.ready, m.reserve) == (4, 0)
    assert m.launch(700.0, 4) == 4
    assert m.state(701.0) is MagazineState.EMPTY
    assert MagazineState.EMPTY.reason is Reason.NO_MISSILES


def test_decide_reasons():
    m = Magazine(capacity=4, ready=4, reserve=4, reload_time_s=300.0)
    d0 = SLS.decide(0.0, m)
    assert d0.allowed and d0.n_missiles == 2 and d0.block is LaunchBlock.NONE
    m.launch(0.0, 2)
    m.launch(3.0, 2)  # rails empty at 3 s -> reload done at 303 s
    look = SLS.next_look_s(3.0, 20.0)  # 28 s
    wait = SLS.decide(10.0, m, salvos_fired=1, next_look_s=look)
    assert wait.block is LaunchBlock.ASSESSING and wait.retry_at_s == pytest.approx(28.0)
    assert wait.block.reason is None
    rel = SLS.decide(30.0, m, salvos_fired=1, next_look_s=look)
    assert rel.block is LaunchBlock.RELOADING and rel.retry_at_s == pytest.approx(303.0)
    assert rel.block.reason is Reason.NO_MISSILES
    ok = SLS.decide(303.0, m, salvos_fired=1, next_look_s=look)
    assert ok.n_missiles == 2
    done = SLS.decide(400.0, m, salvos_fired=2)
    assert done.block is LaunchBlock.SALVOS_EXHAUSTED and not done.allowed
    empty = Magazine(capacity=2, ready=0)
    assert SLS.decide(0.0, empty).block is LaunchBlock.NO_MISSILES


def test_bad_inputs_refused():
    with pytest.raises(ValueRangeError):
        Doctrine(salvo_size=0)
    with pytest.raises(ValueRangeError):
        Magazine(capacity=2, ready=3)
    with pytest.raises(ValueRangeError):
        Magazine(capacity=2, ready=1).launch(0.0, -1)
