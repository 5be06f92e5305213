"""Envelope geometry by hand."""

import numpy as np
import pytest

from iadsim.engagement.envelope import (
    Envelope,
    EnvelopeCode,
    code_reasons,
    crossing_offset_m,
)
from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason

ENV = Envelope(min_range_m=1000.0, max_range_m=40000.0, min_altitude_m=25.0, max_altitude_m=25000.0)


def test_contains_codes_by_hand():
    r = [500.0, 2000.0, 50000.0, 2000.0, 2000.0, 1000.0, 40000.0]
    h = [100.0, 100.0, 100.0, 10.0, 30000.0, 25.0, 25000.0]
    inside, code = ENV.contains(r, h)
    assert inside.tolist() == [False, True, False, False, False, True, True]
    assert code.tolist() == [
        EnvelopeCode.TOO_CLOSE,
        EnvelopeCode.INSIDE,
        EnvelopeCode.TOO_FAR,
        EnvelopeCode.TOO_LOW,
        EnvelopeCode.TOO_HIGH,
        EnvelopeCode.INSIDE,
        EnvelopeCode.INSIDE,
    ]
    reasons = code_reasons(code).tolist()
    assert reasons == [
        Reason.OUT_OF_RANGE,
        Reason.NONE,
        Reason.OUT_OF_RANGE,
        Reason.OUTSIDE_ALTITUDE,
        Reason.OUTSIDE_ALTITUDE,
        Reason.NONE,
        Reason.NONE,
    ]


def test_range_is_tested_before_altitude_and_broadcasts():
    inside, code = ENV.contains(np.array([[50000.0], [2000.0]]), np.array([10.0, 100.0]))
    assert inside.shape == (2, 2)
    assert code[0].tolist() == [EnvelopeCode.TOO_FAR, EnvelopeCode.TOO_FAR]
    assert code[1].tolist() == [EnvelopeCode.TOO_LOW, EnvelopeCode.INSIDE]
    assert EnvelopeCode.TOO_LOW.reason is Reason.OUTSIDE_ALTITUDE


def test_speed_and_offset_limits():
    env = Envelope(
        1000.0, 40000.0, 25.0, 25000.0, max_target_speed_mps=1000.0, max_offset_m=20000.0
    )
    inside, code = env.contains(
        [5000.0, 5000.0, 5000.0],
        [100.0] * 3,
        speed_mps=[900.0, 1200.0, 100.0],
        offset_m=[0.0, 0.0, 25000.0],
    )
    assert inside.tolist() == [True, False, False]
    assert code.tolist() == [EnvelopeCode.INSIDE, EnvelopeCode.TOO_FAST, EnvelopeCode.OFFSET]
    # limits not given are not tested
    assert ENV.contains(5000.0, 100.0, speed_mps=5000.0, offset_m=1e6)[0]


def test_crossing_offset_by_hand():
    p = np.array([[10000.0, 0.0, 500.0], [3000.0, 4000.0, 0.0], [3000.0, 4000.0, 0.0]])
    v = np.array([[0.0, 200.0, 0.0], [-250.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    # straight at the launcher -> 0; hovering -> horizontal distance
    off = crossing_offset_m(p, v)
    np.testing.assert_allclose(off, [10000.0, 4000.0, 5000.0])
    assert crossing_offset_m([5000.0, 0.0, 0.0], [-100.0, 0.0, 0.0]) == pytest.approx(0.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(min_range_m=5.0, max_range_m=5.0, min_altitude_m=0.0, max_altitude_m=1.0),
        dict(min_range_m=-1.0, max_range_m=5.0, min_altitude_m=0.0, max_altitude_m=1.0),
        dict(min_range_m=0.0, max_range_m=5.0, min_altitude_m=2.0, max_altitude_m=1.0),
        dict(
            min_range_m=0.0,
            max_range_m=5.0,
            min_altitude_m=0.0,
            max_altitude_m=1.0,
            max_target_speed_mps=0.0,
        ),
    ],
)
def test_bad_envelopes_refused(kwargs):
    with pytest.raises(ValueRangeError):
        Envelope(**kwargs)
