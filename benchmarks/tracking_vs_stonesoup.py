"""Benchmark: iadsim's batched GNN tracker against Stone Soup on the same generated data.

Both trackers use the same configuration (linear Kalman, CV, Mahalanobis gate, GNN 2-D
assignment, two-point initiator, covariance-trace deleters); the confirmed tracks are checked
state for state and GOSPA (c=100 m, p=1) is computed by iadsim's own code for both. The last
line printed is `speedup=<x> speedup_100=<y> gospa_ratio=<z>`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from iadsim.tracking.metrics import gospa_over_time
from iadsim.tracking.tracker import Tracker

# the Stone Soup reference and the generated data are test helpers (tests/tracking/): they are
# not part of the iadsim package, so the repository root goes on the path to import them
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.tracking.simdata import CVScenario, make_cv_scenario  # noqa: E402
from tests.tracking.stonesoup_ref import (  # noqa: E402
    GNNSettings,
    run_stonesoup,
    stonesoup_gospa,
    stonesoup_track_arrays,
)

GOSPA_C, GOSPA_P = 100.0, 1.0


def run_iadsim(scn: CVScenario, s: GNNSettings, n_scans: int) -> tuple[Tracker, float]:
    """Run iadsim's tracker over the first n_scans scans; return it and the seconds taken."""
    tr = Tracker(s.tracker_config(scn.q, record_history=True), n_dims=2)
    t0 = time.perf_counter()
    for k in range(n_scans):
        z, ids = scn.scans[k]
        tr.step(scn.times[k], z, scn.r, truth_ids=ids)
    return tr, time.perf_counter() - t0


def _gospa(scn: CVScenario, t: np.ndarray, ids: np.ndarray, pos: np.ndarray, n: int) -> float:
    """Mean GOSPA over the first n scans for track rows (t, ids, positions)."""
    n_t = scn.truth.shape[1]
    g = gospa_over_time(
        t,
        ids,
        pos,
        np.repeat(scn.times[:n], n_t),
        np.tile(np.arange(n_t), n),
        scn.truth[:n].reshape(-1, 4)[:, [0, 2]],
        c=GOSPA_C,
        p=GOSPA_P,
    )
    return float(g.distance.mean())


def case(
    n_targets: int,
    n_scans: int,
    clutter: float,
    seed: int,
    repeats: int = 3,
    stonesoup_metric: bool = False,
) -> dict:
    """Time both trackers on one generated scenario; check they agree; return the numbers."""
    scn = make_cv_scenario(n_targets, n_scans, clutter, seed=seed)
    s = GNNSettings()
    runs = [run_iadsim(scn, s, n_scans) for _ in range(repeats)]
    ours_s = float(np.median([r[1] for r in runs]))
    tr = runs[0][0]
    ss = run_stonesoup(scn, s, n_scans)
    hist = tr.history().confirmed_only()
    theirs = stonesoup_track_arrays(ss)
    mine = []
    for i in np.unique(hist.ids):
        m = hist.ids == i
        mine.append((hist.t[m], hist.x[m]))
    mine.sort(key=lambda a: (a[0][0], a[1][0, 0], a[1][0, 2]))
    same = len(mine) == len(theirs) and all(
        ta.shape == tb.shape and np.allclose(ta, tb) and np.allclose(xa, xb, rtol=1e-9, atol=1e-6)
        for (ta, xa), (tb, xb) in zip(mine, theirs, strict=False)
    )
    g_ours = _gospa(scn, hist.t, hist.ids, hist.x[:, [0, 2]], n_scans)
    ss_t = np.concatenate([a[0] for a in theirs]) if theirs else np.zeros(0)
    ss_x = np.concatenate([a[1] for a in theirs]) if theirs else np.zeros((0, 4))
    ss_id = (
        np.concatenate([np.full(a[0].size, i) for i, a in enumerate(theirs)])
        if theirs
        else np.zeros(0, dtype=int)
    )
    if stonesoup_metric:  # Stone Soup's own GOSPAMetric on its own tracks
        g_ss = float(stonesoup_gospa(ss, c=GOSPA_C, p=GOSPA_P)[1].mean())
    else:  # iadsim's GOSPA code on Stone Soup's tracks (its metric is slow at this size)
        g_ss = _gospa(scn, ss_t, ss_id, ss_x[:, [0, 2]], n_scans)
    out = dict(
        targets=n_targets,
        scans=n_scans,
        clutter=clutter,
        ours_s=ours_s,
        stonesoup_s=ss.seconds,
        speedup=ss.seconds / ours_s,
        tracks=len(mine),
        same_tracks=same,
        gospa_ours=g_ours,
        gospa_stonesoup=g_ss,
    )
    print(
        f"{n_targets} targets / {n_scans} scans / {clutter:g} false alarms per scan: "
        f"iadsim {ours_s * 1e3:.1f} ms (median of {repeats}), Stone Soup {ss.seconds:.2f} s, "
        f"ratio {out['speedup']:.0f}; confirmed tracks {len(mine)} "
        f"(same state for state: {same}); mean GOSPA iadsim {g_ours:.4f} "
        f"Stone Soup {g_ss:.4f} ({'GOSPAMetric' if stonesoup_metric else 'iadsim code'})",
        flush=True,
    )
    return out


def main() -> int:
    """Run both cases and print the summary line last."""
    small = case(20, 200, 5.0, seed=1, stonesoup_metric=True)
    big = case(100, 200, 25.0, seed=2)
    ratio = small["gospa_ours"] / small["gospa_stonesoup"]
    print(
        f"speedup={small['speedup']:.1f} speedup_100={big['speedup']:.1f} gospa_ratio={ratio:.4f}"
    )
    return 0 if small["same_tracks"] and big["same_tracks"] else 1


if __name__ == "__main__":
    sys.exit(main())
