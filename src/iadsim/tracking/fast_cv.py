"""The `Tracker` in its CV / polar / GNN configuration, compiled with numba and run over a
whole sequence of scans in one call: the engine's Kalman mode runs about 1500 scans of a
handful of tracks per Caracas replication, where numpy's per-call overhead (a few
microseconds per small array operation, a few hundred operations per scan) dominated.

Same algorithm, step for step, as `Tracker.step` with `motion="cv"`, `measurement="polar"`,
`association="gnn"`, M-of-N confirmation and deletion after K misses: predict every track;
associate the confirmed tracks with all plots, then the tentative tracks with the plots left
(global nearest neighbour: Mahalanobis distance under the EKF innovation covariance, a miss
costs `gate`, solved by a port of SciPy's `linear_sum_assignment`, Crouse's shortest
augmenting path with the same tie rules); Joseph-form update; confirmation; deletion; new
tentative tracks on unused plots. Sums of products run in another order than numpy's BLAS, so
states agree with `Tracker` to rounding (1e-12 relative), and every discrete result (which
plot each track takes, confirmations, deletions, ids) is the same: the tests run both over the
Caracas case study and compare.

numba is an optional dependency (the `fast` extra); `available()` says whether it is there,
and the engine falls back to `Tracker` otherwise (same tracks, about 4x the cost).
"""

from __future__ import annotations

import math
import sys

import numpy as np

from iadsim.tracking import fast_ekf, fast_gnn, fast_linalg
from iadsim.tracking.fast_ekf import _birth, _innovation, _measure, _predict, _update
from iadsim.tracking.fast_gnn import gnn

JITTED = (
    "_associate", "_associate_scan", "_grow2", "_new_tracks", "_grow_tracks",
    "_confirm_and_delete", "_report", "run_scans",
)  # fmt: skip
"""The functions compiled here, callees first, after those of `fast_linalg`, `fast_gnn` and
`fast_ekf`. numba is imported, and they are wrapped, on the first call of `available()`:
importing the engine does not pay numba's import time."""
INLINED = ("_associate_scan", "_new_tracks", "_grow_tracks", "_confirm_and_delete", "_report")
"""The parts of `run_scans` (written apart to keep functions short), compiled into it: as
calls, once per look, they cost a few percent of the tracker's time."""
_STATE: list[bool] = []


def available() -> bool:
    """Whether the compiled tracker can run (numba is installed); on the first call, import
    numba and wrap the functions of `fast_linalg`, `fast_gnn`, `fast_ekf` and this module
    (compiled on first use, cached on disk). A wrapped function replaces the plain one in
    its module and in every module after it that imported it by name."""
    if not _STATE:
        try:
            from numba import njit
        except ImportError:  # pragma: no cover - exercised only where the extra is missing
            _STATE.append(False)
            return False
        jit = njit(cache=True, nogil=True)
        inline = njit(cache=True, nogil=True, inline="always")
        modules = (fast_linalg, fast_gnn, fast_ekf, sys.modules[__name__])
        for i, module in enumerate(modules):
            for name in module.JITTED:
                plain = getattr(module, name)
                wrapped = (inline if name in getattr(module, "INLINED", ()) else jit)(plain)
                for user in modules[i:]:
                    if getattr(user, name, None) is plain:
                        setattr(user, name, wrapped)
        _STATE.append(True)
    return _STATE[0]


_INF = math.inf


def _associate(sel, zsel, z, tz, used, xs, ps, hits, misses, truth, sensor, r, floor, gate):
    """GNN of tracks `sel` with plots `zsel`, then the update of every assigned track."""
    nt, nm = sel.size, zsel.size
    zp = np.empty((nt, 3))
    r_eff = np.empty((nt, 3, 3))
    jac = np.empty((nt, 3, 3))
    pht = np.empty((nt, 6, 3))
    s_inv = np.empty((nt, 3, 3))
    dist = np.empty((nt, nm))
    nu = np.empty(3)
    for a in range(nt):
        t = sel[a]
        _measure(xs[t], ps[t], sensor, r, floor, zp[a], jac[a], pht[a], s_inv[a], r_eff[a])
        for b in range(nm):
            _innovation(z[zsel[b]], zp[a], nu)
            d2 = 0.0
            for i in range(3):
                for j in range(3):
                    d2 += nu[i] * s_inv[a, i, j] * nu[j]
            dist[a, b] = math.sqrt(max(d2, 0.0))
    assign = gnn(dist, gate)
    for a in range(nt):
        b = assign[a]
        if b < 0:
            continue
        t, mi = sel[a], zsel[b]
        used[mi] = True
        _innovation(z[mi], zp[a], nu)
        _update(xs[t], ps[t], nu, s_inv[a], pht[a], jac[a], r_eff[a])
        hits[t] += 1
        misses[t] = 0
        truth[t] = tz[mi]


def _grow2(a, cap):
    out = np.empty((cap,) + a.shape[1:], a.dtype)
    out[: a.shape[0]] = a
    return out


def _confirm_and_delete(
    n, conf_before, xs, ps, ids, conf, hits, misses, age, truth, confirm_m, confirm_n,
    delete_misses,
):  # fmt: skip
    """M-of-N confirmation, then deletion (a confirmed track after `delete_misses` misses, a
    tentative one that can no longer reach M hits in N looks), compacting the surviving
    tracks to the front in their order. Returns how many are left."""
    keep = 0
    for i in range(n):
        if not conf_before[i] and hits[i] >= confirm_m and age[i] + 1 <= confirm_n:
            conf[i] = True
        dele = conf_before[i] and misses[i] >= delete_misses
        if not conf[i] and hits[i] + confirm_n - (age[i] + 1) < confirm_m:
            dele = True
        if not dele:
            if keep != i:
                xs[keep] = xs[i]
                ps[keep] = ps[i]
                ids[keep], conf[keep], hits[keep] = ids[i], conf[i], hits[i]
                misses[keep], age[keep], truth[keep] = misses[i], age[i], truth[i]
            keep += 1
    return keep


def _new_tracks(cap):
    """Empty track arrays of `cap` rows: state, covariance, id, confirmed, hits, misses,
    age (looks since birth), truth (the aircraft of the plot last taken, -1 none)."""
    return (
        np.zeros((cap, 6)), np.zeros((cap, 6, 6)), np.zeros(cap, np.int64),
        np.zeros(cap, np.bool_), np.zeros(cap, np.int64), np.zeros(cap, np.int64),
        np.zeros(cap, np.int64), np.zeros(cap, np.int64),
    )  # fmt: skip


def _grow_tracks(xs, ps, ids, conf, hits, misses, age, truth, cap):
    """The track arrays copied into arrays of `cap` rows."""
    return (
        _grow2(xs, cap), _grow2(ps, cap), _grow2(ids, cap), _grow2(conf, cap),
        _grow2(hits, cap), _grow2(misses, cap), _grow2(age, cap), _grow2(truth, cap),
    )  # fmt: skip


def _report(
    n, k, conf, ids, xs, ps, truth, offset, max_var, firm, r_ids, r_x, r_p, r_truth, n_rows
):  # fmt: skip
    """Append look `k`'s report rows (the confirmed tracks) to the report arrays, growing
    them as needed, and mark firm the aircraft of confirmed tracks whose horizontal position
    variance is at most `max_var`. Returns the report arrays, the row count and this look's
    row count."""
    cnt = 0
    for i in range(n):
        if not conf[i]:
            continue
        if n_rows == r_ids.size:
            rcap = 2 * r_ids.size
            r_ids, r_x, r_p = _grow2(r_ids, rcap), _grow2(r_x, rcap), _grow2(r_p, rcap)
            r_truth = _grow2(r_truth, rcap)
        r_ids[n_rows] = ids[i] + offset
        r_x[n_rows] = xs[i]
        r_p[n_rows] = ps[i]
        r_truth[n_rows] = truth[i]
        n_rows += 1
        cnt += 1
        if truth[i] >= 0 and ps[i, 0, 0] + ps[i, 2, 2] <= max_var:
            firm[truth[i], k] = True
    return r_ids, r_x, r_p, r_truth, n_rows, cnt


def _associate_scan(
    n, z, tz, conf, xs, ps, hits, misses, truth, sensor, r, floor_var, gate, init_gate
):  # fmt: skip
    """One look's association: the confirmed tracks with all plots, then the tentative ones
    with the plots left, each assigned track updated. Returns the plots taken and which
    tracks were confirmed before the look."""
    m = z.shape[0]
    used = np.zeros(m, np.bool_)
    conf_before = conf[:n].copy()
    sel = np.flatnonzero(conf_before)
    if sel.size and m:
        _associate(
            sel, np.arange(m), z, tz, used, xs, ps, hits, misses, truth, sensor, r, floor_var,
            gate,
        )  # fmt: skip
    sel = np.flatnonzero(~conf_before)
    free = np.flatnonzero(~used)
    if sel.size and free.size:
        _associate(
            sel, free, z, tz, used, xs, ps, hits, misses, truth, sensor, r, floor_var, init_gate
        )  # fmt: skip
    return used, conf_before


def run_scans(
    looks, times, lo, hi, z_all, truth_all, r, sensor, q, gate, init_gate,
    confirm_m, confirm_n, delete_misses, init_vel_var, floor_var, max_var, n_air, n_looks,
    id_stride,
):  # fmt: skip
    """Track one radar over its processed looks (a new tracker at each break in `looks`).

    Returns firm (n_air, n_looks) and the reports (look per report, row count per report,
    then per row: track id shifted by `id_stride` per stretch, state, covariance, truth),
    exactly what `engine.kalman_tracks.kalman_firm` builds with `Tracker`."""
    firm = np.zeros((n_air, n_looks), np.bool_)
    xs, ps, ids, conf, hits, misses, age, truth = _new_tracks(16)
    n = 0
    next_id = 1
    rep_look = np.zeros(2 * looks.size + 2, np.int64)  # a report per look, a break per stretch
    rep_count = np.zeros(2 * looks.size + 2, np.int64)
    n_rep = 0
    r_ids, r_x, r_p = np.zeros(64, np.int64), np.zeros((64, 6)), np.zeros((64, 6, 6))
    r_truth = np.zeros(64, np.int64)  # the report rows, grown by _report
    n_rows = 0
    prev = -2
    offset = -id_stride
    t_prev = 0.0
    started = False
    f, qm, fp = np.eye(6), np.zeros((6, 6)), np.empty((6, 6))  # scratch of _predict, _birth
    xn, jj, ppos, mm = np.empty(6), np.empty((3, 3)), np.empty((3, 3)), np.empty((3, 3))
    for jl in range(looks.size):
        k = looks[jl]
        if k != prev + 1:  # a new stretch: a fresh tracker
            if started:
                rep_look[n_rep] = prev + 1
                rep_count[n_rep] = 0
                n_rep += 1
            started = True
            offset += id_stride
            n = 0
            next_id = 1
            t_prev = -_INF
        prev = k
        t = times[k]
        if t_prev != -_INF and n > 0:
            for i in range(n):
                age[i] += 1
            if t - t_prev > 0:
                _predict(xs, ps, n, t - t_prev, q, f, qm, xn, fp)
        t_prev = t
        for i in range(n):
            misses[i] += 1
        z = z_all[lo[jl] : hi[jl]]
        tz = truth_all[lo[jl] : hi[jl]]
        used, conf_before = _associate_scan(
            n, z, tz, conf, xs, ps, hits, misses, truth, sensor, r, floor_var, gate, init_gate
        )
        n = _confirm_and_delete(
            n, conf_before, xs, ps, ids, conf, hits, misses, age, truth, confirm_m, confirm_n,
            delete_misses,
        )  # fmt: skip
        # births on the unused plots
        free = np.flatnonzero(~used)
        if n + free.size > xs.shape[0]:
            xs, ps, ids, conf, hits, misses, age, truth = _grow_tracks(
                xs, ps, ids, conf, hits, misses, age, truth, 2 * (n + free.size)
            )
        for mi in free:
            _birth(z[mi], sensor, r, floor_var, init_vel_var, xs[n], ps[n], jj, mm, ppos)
            ids[n] = next_id
            next_id += 1
            conf[n] = confirm_m <= 1
            hits[n], misses[n], age[n], truth[n] = 1, 0, 0, tz[mi]
            n += 1
        # the report (confirmed tracks) and firm tracks
        rep_look[n_rep] = k
        r_ids, r_x, r_p, r_truth, n_rows, rep_count[n_rep] = _report(
            n, k, conf, ids, xs, ps, truth, offset, max_var, firm, r_ids, r_x, r_p, r_truth,
            n_rows,
        )  # fmt: skip
        n_rep += 1
    if started and prev + 1 < n_looks:
        rep_look[n_rep] = prev + 1
        rep_count[n_rep] = 0
        n_rep += 1
    return (
        firm, rep_look[:n_rep].copy(), rep_count[:n_rep].copy(), r_ids[:n_rows].copy(),
        r_x[:n_rows].copy(), r_p[:n_rows].copy(), r_truth[:n_rows].copy(),
    )  # fmt: skip


def warm_up() -> None:
    """Compile (or load from numba's cache) `run_scans` for the argument types the engine
    passes, so that processes forked later (the local pool's workers) start compiled."""
    if not available():
        return
    run_scans(
        np.zeros(1, np.int64),
        np.zeros(1),
        np.zeros(1, np.int64),
        np.ones(1, np.int64),
        np.array([[1000.0, 0.1, 0.1]]),
        np.zeros(1, np.int64),
        np.eye(3),
        np.zeros(3),
        1.0,
        4.0,
        4.0,
        2,
        3,
        3,
        1.0,
        1.0,
        1.0,
        1,
        1,
        1_000_000,
    )
