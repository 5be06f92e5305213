"""GOSPA against hand computations and Stone Soup's GOSPAMetric; breaks, swaps, time to track."""

import numpy as np
import pytest

from iadsim.tracking.metrics import gospa_over_time, truth_track_stats


def _one_time(tracks, truths, c, p):
    tracks = np.asarray(tracks, dtype=float).reshape(-1, 2)
    truths = np.asarray(truths, dtype=float).reshape(-1, 2)
    return gospa_over_time(
        np.zeros(len(tracks)),
        np.arange(len(tracks)),
        tracks,
        np.zeros(len(truths)),
        np.arange(len(truths)),
        truths,
        c=c,
        p=p,
    )


def test_gospa_hand_values():
    # one pair 3-4-5 apart
    assert _one_time([[3, 4]], [[0, 0]], c=10, p=1).distance[0] == pytest.approx(5.0)
    # one missed truth costs c^p / 2
    assert _one_time([[3, 4]], [[0, 0], [100, 0]], c=10, p=1).distance[0] == pytest.approx(10.0)
    # a pair beyond c counts as one missed plus one false: (c^p/2 * 2)^(1/p) = c
    assert _one_time([[50, 0]], [[0, 0]], c=10, p=2).distance[0] == pytest.approx(10.0)
    # p = 2: sqrt(3^2 + 4^2 + c^2/2) with one false track
    g = _one_time([[3, 0], [0, 4], [500, 500]], [[0, 0], [0, 0]], c=6, p=2)
    assert g.distance[0] == pytest.approx(np.sqrt(9 + 16 + 18))
    assert g.localisation[0] == pytest.approx(25.0)
    assert g.false[0] == pytest.approx(18.0)
    # empty sets
    assert _one_time(np.zeros((0, 2)), [[0, 0]], c=4, p=1).distance[0] == pytest.approx(2.0)
    assert _one_time([[0, 0]], np.zeros((0, 2)), c=4, p=1).distance[0] == pytest.approx(2.0)


def test_gospa_matches_stonesoup_on_random_sets():
    pytest.importorskip("stonesoup")
    import datetime

    from stonesoup.measures import Euclidean
    from stonesoup.metricgenerator.ospametric import GOSPAMetric
    from stonesoup.types.state import State

    rng = np.random.default_rng(5)
    epoch = datetime.datetime(2026, 1, 1)
    for c, p in [(5.0, 1.0), (3.0, 2.0), (8.0, 1.5)]:
        gen = GOSPAMetric(c=c, p=p, measure=Euclidean(mapping=[0, 1]))
        for _ in range(20):
            a = rng.uniform(0, 10, (rng.integers(0, 6), 2))
            b = rng.uniform(0, 10, (rng.integers(1, 6), 2))
            sa = [State(v.reshape(2, 1), timestamp=epoch) for v in a]
            sb = [State(v.reshape(2, 1), timestamp=epoch) for v in b]
            ref, _ = gen.compute_gospa_metric(sa, sb)
            ours = _one_time(a, b, c, p)
            assert ours.distance[0] == pytest.approx(ref.value["distance"], rel=1e-12, abs=1e-12)


def test_breaks_swaps_time_to_firm_track():
    # truth 7 seen at t=0..5: unassigned, track 1, track 1, none, track 2, track 2
    t = np.arange(6.0)
    truth = np.full(6, 7)
    track = np.array([-1, 1, 1, -1, 2, 2])
    s = truth_track_stats(t, truth, track)
    assert s.truth_ids.tolist() == [7]
    assert s.breaks.tolist() == [1]
    assert s.id_swaps.tolist() == [1]
    assert s.time_to_firm_track.tolist() == [1.0]
    # track 1 only firm from t=2
    s = truth_track_stats(t, truth, track, confirmed_at={1: 2.0, 2: 4.0})
    assert s.time_to_firm_track.tolist() == [2.0]
    # never tracked
    s = truth_track_stats(t, truth, np.full(6, -1))
    assert np.isnan(s.time_to_firm_track[0]) and s.breaks[0] == 0
