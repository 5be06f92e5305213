"""iadsim's linear Kalman + GNN tracker against Stone Soup configured the same way."""

import numpy as np
import pytest

from iadsim.tracking.metrics import gospa_over_time
from iadsim.tracking.tracker import Tracker
from tests.tracking.simdata import make_cv_scenario
from tests.tracking.stonesoup_ref import (
    GNNSettings,
    run_stonesoup,
    stonesoup_gospa,
    stonesoup_track_arrays,
)


def _ours(scn, settings):
    tr = Tracker(settings.tracker_config(scn.q), n_dims=2)
    per_scan = []
    for k, t in enumerate(scn.times):
        z, ids = scn.scans[k]
        per_scan.append(tr.step(t, z, scn.r, truth_ids=ids))
    return tr, per_scan


@pytest.mark.parametrize("seed,n_targets,n_scans,clutter", [(3, 6, 40, 3.0), (7, 10, 30, 8.0)])
def test_same_confirmed_tracks_state_for_state(seed, n_targets, n_scans, clutter):
    pytest.importorskip("stonesoup")
    scn = make_cv_scenario(n_targets, n_scans, clutter, seed=seed, area_m=4000.0)
    s = GNNSettings()
    tr, per_scan = _ours(scn, s)
    ss = run_stonesoup(scn, s)
    assert [len(c) for c in per_scan] == [len(c) for c in ss.per_scan]
    hist = tr.history().confirmed_only()
    ours = []
    for i in np.unique(hist.ids):
        m = hist.ids == i
        ours.append((hist.t[m], hist.x[m]))
    ours.sort(key=lambda a: (a[0][0], a[1][0, 0], a[1][0, 2]))
    theirs = stonesoup_track_arrays(ss)
    assert len(ours) == len(theirs) > n_targets // 2
    for (ta, xa), (tb, xb) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(ta, tb)
        np.testing.assert_allclose(xa, xb, rtol=1e-9, atol=1e-9)
    # the covariances of the current confirmed tracks too
    ss_now = sorted(ss.per_scan[-1], key=lambda trk: float(trk.state_vector[0, 0]))
    ours_now = per_scan[-1]
    order = np.argsort(ours_now.x[:, 0])
    for j, trk in zip(order, ss_now, strict=True):
        np.testing.assert_allclose(ours_now.p[j], trk.covar, rtol=1e-9, atol=1e-9)


def test_same_gospa_as_stonesoup_metric():
    pytest.importorskip("stonesoup")
    scn = make_cv_scenario(8, 40, 5.0, seed=11, area_m=4000.0)
    s = GNNSettings()
    tr, _ = _ours(scn, s)
    ss = run_stonesoup(scn, s)
    for c, p in [(100.0, 1.0), (50.0, 2.0)]:
        t_ss, d_ss = stonesoup_gospa(ss, c=c, p=p)
        hist = tr.history().confirmed_only()
        n_s, n_t = scn.truth.shape[:2]
        g = gospa_over_time(
            hist.t,
            hist.ids,
            hist.x[:, [0, 2]],
            np.repeat(scn.times, n_t),
            np.tile(np.arange(n_t), n_s),
            scn.truth.reshape(-1, 4)[:, [0, 2]],
            c=c,
            p=p,
        )
        np.testing.assert_allclose(g.times, t_ss)
        np.testing.assert_allclose(g.distance, d_ss, rtol=1e-9, atol=1e-9)
