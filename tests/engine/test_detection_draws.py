"""sensing.detection_draws: one stream per sensor-aircraft pair, Pd checked once per array."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from iadsim.engine.rng import RngStreams
from iadsim.engine.sensing import detection_draws
from iadsim.errors import ValueRangeError

WORLD = SimpleNamespace(aircraft=[SimpleNamespace(id=f"ac{i}") for i in range(3)])


def test_draws_are_the_pairs_streams_against_pd_and_pd_is_checked_once():
    pd = np.array([[0.5, 0.9, 0.1, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.3, 0.7, 0.2]])
    got = detection_draws(WORLD, "r1", pd, RngStreams(7))
    # by hand: the pair's own fresh stream against its Pd; the row with Pd 0 draws nothing
    for a in (0, 2):
        u = RngStreams(7).stream(f"sensor:r1:detect:ac{a}").random(4)
        np.testing.assert_array_equal(got[a], u < pd[a])
    assert not got[1].any()
    # the geometry's array is kept (read-only from then on): the same draws again
    assert not pd.flags.writeable
    np.testing.assert_array_equal(detection_draws(WORLD, "r1", pd, RngStreams(7)), got)


@pytest.mark.parametrize("bad", [1.2, -0.1, np.nan])
def test_pd_outside_zero_one_is_refused(bad):
    pd = np.full((3, 4), 0.5)
    pd[2, 1] = bad
    with pytest.raises(ValueRangeError):
        detection_draws(WORLD, "r1", pd, RngStreams(7))
    with pytest.raises(ValueRangeError):  # and again: a refused array is not kept
        detection_draws(WORLD, "r1", pd, RngStreams(7))


def test_a_kept_pd_goes_with_its_array():
    """The check is kept by a weak reference: an array no longer used leaves no entry (a
    geometry redrawn in every replication must not pile up)."""
    from iadsim.engine import sensing

    pd = np.full((3, 4), 0.5)
    detection_draws(WORLD, "r1", pd, RngStreams(7))
    key = id(pd)
    assert sensing._CHECKED[key][0]() is pd
    del pd
    assert key not in sensing._CHECKED
