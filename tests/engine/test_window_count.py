"""sensing.window_count against a plain loop over the last n looks."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.engine.sensing import window_count


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("looks", [0, 1, 3, 40])
def test_window_count_counts_the_last_n_looks(n, looks):
    x = np.random.default_rng(n * 100 + looks).random((4, looks)) < 0.4
    expect = np.array(
        [[int(x[a, max(0, k - n + 1) : k + 1].sum()) for k in range(looks)] for a in range(4)]
    ).reshape(4, looks)
    got = window_count(x, n)
    assert got.shape == x.shape
    np.testing.assert_array_equal(got, expect)
    # from a running count the caller already has (left as it was)
    running = np.cumsum(x, axis=1, dtype=np.int32)
    kept = running.copy()
    np.testing.assert_array_equal(window_count(x, n, running), expect)
    np.testing.assert_array_equal(running, kept)
