"""Clock times of the report against hand computation."""

from iadsim.report.clock import Clock, utc_offset_h


def test_caracas_local_time_is_utc_minus_4():
    scene = {"start_utc": "2026-01-03T06:00:00+00:00", "origin": {"lon_deg": -66.88}}
    c = Clock(scene)
    assert c.offset_h == -4 and c.zone == "UTC-4"  # -66.88 / 15 = -4.46 -> -4
    assert c.both(700.0) == "02:11:40 (06:11:40Z)"  # 700 s = 11 min 40 s
    assert c.local(-1.0) == "01:59:59"


def test_offset_rounds_half_up_like_the_front_end():
    # JavaScript's Math.round(-4.5) is -4 and Math.round(4.5) is 5
    assert utc_offset_h({"origin": {"lon_deg": -67.5}}) == -4
    assert utc_offset_h({"origin": {"lon_deg": 67.5}}) == 5
    assert utc_offset_h({"origin": {"lon_deg": 0.0}}) == 0
