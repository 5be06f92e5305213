"""The event queue: time order, insertion order on ties, the end time, and no event in the
past."""

import math

import pytest

from iadsim.engine.scheduler import EventQueue, PastEventError


def test_events_fire_in_time_order_ties_in_insertion_order():
    q = EventQueue()
    fired = []
    for t, name in [(5.0, "c"), (1.0, "a"), (5.0, "d"), (2.0, "b")]:
        q.schedule(t, fired.append, name)
    q.run(10.0)
    assert fired == ["a", "b", "c", "d"]
    assert q.now_s == 5.0 and len(q) == 0


def test_run_stops_at_the_end_time_and_keeps_later_events():
    q = EventQueue()
    fired = []
    q.schedule(3.0, fired.append, 3.0)
    q.schedule(3.5, fired.append, 3.5)
    q.run(3.0)
    assert fired == [3.0] and len(q) == 1


def test_a_handler_may_schedule_now_and_later():
    q = EventQueue()
    fired = []

    def first():
        fired.append(("first", q.now_s))
        q.schedule(q.now_s, lambda: fired.append(("same time", q.now_s)))
        q.schedule(q.now_s + 2.0, lambda: fired.append(("later", q.now_s)))

    q.schedule(1.0, first)
    q.run(100.0)
    assert fired == [("first", 1.0), ("same time", 1.0), ("later", 3.0)]


@pytest.mark.parametrize("when", [4.999, -1.0, math.nan])
def test_an_event_in_the_past_is_refused(when):
    q = EventQueue()
    errors = []

    def at_five():
        try:
            q.schedule(when, lambda: None)
        except PastEventError as err:
            errors.append(str(err))

    q.schedule(5.0, at_five)
    q.run(10.0)
    assert len(errors) == 1 and "before the present t = 5.0 s" in errors[0]
    assert len(q) == 0  # nothing was queued
