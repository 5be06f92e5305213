"""Shoot-look-shoot timing by hand; magazine and reload; launch decisions."""

import pytest

from iadsim.engagement.doctrine import Doctrine, FireMode, LaunchBlock
from iadsim.engagement.magazine import Magazine, MagazineState
from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason

SLS = Doctrine(FireMode.SHOOT_LOOK_SHOOT, salvo_size=2, max_salvos=2, assessment_delay_s=5.0)


def test_look_again_after_the_kill_assessment():
    # a salvo that reaches the target at 123 s is assessed at 128 s; a salvo unit at once
    assert SLS.look_again_s(123.0) == 128.0
    assert Doctrine(FireMode.SALVO, assessment_delay_s=5.0).look_again_s(123.0) == 123.0


def test_salvos_allowed():
    assert SLS.salvos_allowed == 2
    assert Doctrine(FireMode.SALVO, max_salvos=5).salvos_allowed == 1
    assert Doctrine().salvos_allowed == float("inf")  # until the target is down


def test_doctrine_of_a_catalog_unit_type():
    from iadsim.scenario.catalog import default_catalog

    catalog = default_catalog()
    name, utype = next(iter(catalog.units.items()))
    d = Doctrine.of(utype)
    assert (d.mode, d.salvo_size, d.assessment_delay_s) == (
        FireMode(utype.doctrine),
        utype.salvo,
        utype.assessment_delay_s,
    ), name


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
    m = Magazine(capacity=4, ready=3, reserve=4, reload_time_s=300.0)
    d0 = SLS.decide(0.0, m)
    assert d0.allowed and d0.n_missiles == 2 and d0.block is LaunchBlock.NONE
    m.launch(0.0, 2)
    short = SLS.decide(1.0, m, salvos_fired=1)
    assert short.n_missiles == 1  # a short magazine fires what it has
    m.launch(3.0, 1)  # rails empty at 3 s -> reload done at 303 s
    rel = SLS.decide(30.0, m, salvos_fired=1)
    assert rel.block is LaunchBlock.RELOADING and not rel.allowed
    assert rel.block.reason is Reason.NO_MISSILES
    assert SLS.decide(303.0, m, salvos_fired=1).n_missiles == 2
    done = SLS.decide(400.0, m, salvos_fired=2)
    assert done.block is LaunchBlock.SALVOS_EXHAUSTED and done.block.reason is Reason.MISSED
    empty = Magazine(capacity=2, ready=0)
    assert SLS.decide(0.0, empty).block is LaunchBlock.NO_MISSILES


def test_bad_inputs_refused():
    with pytest.raises(ValueRangeError):
        Doctrine(salvo_size=0)
    with pytest.raises(ValueRangeError):
        Doctrine(max_salvos=0)
    with pytest.raises(ValueRangeError):
        Magazine(capacity=2, ready=3)
    with pytest.raises(ValueRangeError):
        Magazine(capacity=2, ready=1).launch(0.0, -1)
