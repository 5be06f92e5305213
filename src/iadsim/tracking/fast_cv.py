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

import numpy as np

from iadsim.tracking import fast_gnn, fast_linalg
from iadsim.tracking.fast_gnn import gnn
from iadsim.tracking.fast_linalg import _inv3, _matmul, _scaled_noise
from iadsim.tracking.models import MIN_RANGE_M

_JITTED = (
    "_measure", "_innovation", "_update", "_associate", "_grow2", "_predict",
    "_confirm_and_delete", "_birth", "_grow_tracks", "_report", "run_scans",
)  # fmt: skip
"""The functions compiled here, callees first, after those of `fast_linalg` and `fast_gnn`.
numba is imported, and they are wrapped, on the first call of `available()`: importing the
engine does not pay numba's import time."""
_INLINED = ("_predict", "_confirm_and_delete", "_birth", "_grow_tracks", "_report")
"""The parts of `run_scans` (written apart to keep functions short), inlined into it when
compiled: as calls, once per look, they cost a few percent of the tracker's time."""
_STATE: list[bool] = []


def available() -> bool:
    """Whether the compiled tracker can run (numba is installed); on the first call, import
    numba and wrap the functions of this module, `fast_linalg` and `fast_gnn` (compiled on
    first use, cached on disk)."""
    if not _STATE:
        try:
            from numba import njit
        except ImportError:  # pragma: no cover - exercised only where the extra is missing
            _STATE.append(False)
            return False
        jit = njit(cache=True, nogil=True)
        g = globals()
        for module in (fast_linalg, fast_gnn):  # their names imported here are rebound too
            for name in module.JITTED:
                setattr(module, name, jit(getattr(module, name)))
                if name in g:
                    g[name] = getattr(module, name)
        inline = njit(cache=True, nogil=True, inline="always")
        for name in _JITTED:
            g[name] = (inline if name in _INLINED else jit)(g[name])
        _STATE.append(True)
    return _STATE[0]


_INF = math.inf
_TWO_PI = 2.0 * math.pi


def _measure(x, p, sensor, r, floor, zp, jac, pht, s_inv, r_eff):
    """EKF polar prediction of one track: z, Jacobian (3x3 on position), P H^T, S^-1, and the
    polar noise with its eigenvalues in metres floored (`noise.update_noise`)."""
    e = x[0] - sensor[0]
    n = x[2] - sensor[1]
    u = x[4] - sensor[2]
    rho_t = math.hypot(e, n)
    zp[0] = math.hypot(rho_t, u)
    zp[1] = math.atan2(e, n)
    zp[2] = math.atan2(u, rho_t)
    rho2 = max(e * e + n * n, MIN_RANGE_M**2)
    rho = math.sqrt(rho2)
    r2 = max(rho2 + u * u, MIN_RANGE_M**2)
    rr = math.sqrt(r2)
    jac[0, 0], jac[0, 1], jac[0, 2] = e / rr, n / rr, u / rr
    jac[1, 0], jac[1, 1], jac[1, 2] = n / rho2, -e / rho2, 0.0
    jac[2, 0] = -e * u / (r2 * rho)
    jac[2, 1] = -n * u / (r2 * rho)
    jac[2, 2] = rho / r2
    d = np.array([1.0, rho, rr])
    _scaled_noise(r, d, floor, r_eff)
    for i in range(3):
        for j in range(3):
            r_eff[i, j] = r_eff[i, j] / (d[i] * d[j])
    pht[:, :] = _matmul(p[:, ::2], jac.T)  # P H^T: H is J on the position columns
    _inv3(_matmul(jac, pht[::2, :]) + r_eff, s_inv)


def _innovation(z, zp, nu):
    nu[0] = z[0] - zp[0]
    a = z[1] - zp[1]
    nu[1] = ((a + math.pi) % _TWO_PI) - math.pi
    nu[2] = z[2] - zp[2]


def _update(x, p, nu, s_inv, pht, jac, r):
    """Joseph-form update of one track in place, symmetrised:
    P = (I - K H) P (I - K H)^T + K R K^T with H the Jacobian on the position columns."""
    k = _matmul(pht, s_inv)
    for row in range(6):
        acc = 0.0
        for c in range(3):
            acc += k[row, c] * nu[c]
        x[row] += acc
    kj = _matmul(k, jac)  # (K H)[row, 2kk] = (K J)[row, kk]
    ikh = np.zeros((6, 6))
    for row in range(6):
        ikh[row, row] = 1.0
        for kk in range(3):
            ikh[row, 2 * kk] -= kj[row, kk]
    out = _matmul(_matmul(ikh, p), ikh.T) + _matmul(_matmul(k, r), k.T)
    for a in range(6):
        for b in range(6):
            p[a, b] = 0.5 * (out[a, b] + out[b, a])


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


def _predict(xs, ps, n, dt, q, f, qm, xn, fp):
    """CV prediction of tracks 0..n-1 over `dt` in place, as `kalman.predict`: x = F x,
    P = F P F^T + Q (white-noise acceleration of intensity `q`), symmetrised. `f` and `qm`
    are scratch 6x6 matrices whose off-diagonal blocks are overwritten here."""
    adt = abs(dt)
    b00, b01, b11 = adt**3 / 3 * q, adt**2 / 2 * q, adt * q
    for ax in range(3):
        f[2 * ax, 2 * ax + 1] = dt
        qm[2 * ax, 2 * ax] = b00
        qm[2 * ax, 2 * ax + 1] = b01
        qm[2 * ax + 1, 2 * ax] = b01
        qm[2 * ax + 1, 2 * ax + 1] = b11
    for i in range(n):
        for a in range(6):
            acc = 0.0
            for c in range(6):
                acc += f[a, c] * xs[i, c]
            xn[a] = acc
        xs[i] = xn
        for a in range(6):
            for b in range(6):
                acc = 0.0
                for c in range(6):
                    acc += f[a, c] * ps[i, c, b]
                fp[a, b] = acc
        for a in range(6):
            for b in range(6):
                acc = 0.0
                for c in range(6):
                    acc += fp[a, c] * f[b, c]
                ps[i, a, b] = acc + qm[a, b]
        for a in range(6):  # symmetrised, as kalman.predict
            for b in range(a + 1, 6):
                ps[i, a, b] = ps[i, b, a] = 0.5 * (ps[i, a, b] + ps[i, b, a])


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


def _birth(zm, sensor, r, floor_var, init_vel_var, x, p, jj, mm, ppos):
    """A new track's state `x` and covariance `p` (written in place) from one polar plot
    `zm`: position at the plot, velocity zero with variance `init_vel_var`, position
    covariance E M' E^T (`noise.birth_covariance`). `jj`, `mm`, `ppos`: 3x3 scratch."""
    rg, az, el = zm[0], zm[1], zm[2]
    rho = rg * math.cos(el)
    x[:] = 0.0
    x[0] = sensor[0] + rho * math.sin(az)
    x[2] = sensor[1] + rho * math.cos(az)
    x[4] = sensor[2] + rg * math.sin(el)
    rj = max(rg, MIN_RANGE_M)
    sa, ca, se, ce = math.sin(az), math.cos(az), math.sin(el), math.cos(el)
    # E M' E^T (`noise.birth_covariance`): E the range/azimuth/elevation directions
    jj[0, 0], jj[0, 1], jj[0, 2] = ce * sa, ca, -se * sa
    jj[1, 0], jj[1, 1], jj[1, 2] = ce * ca, -sa, -se * ca
    jj[2, 0], jj[2, 1], jj[2, 2] = se, 0.0, ce
    _scaled_noise(r, np.array([1.0, rj * ce, rj]), floor_var, mm)
    for a in range(3):
        for b in range(3):
            acc = 0.0
            for c in range(3):
                acc2 = 0.0
                for d in range(3):
                    acc2 += jj[a, d] * mm[d, c]
                acc += acc2 * jj[b, c]
            ppos[a, b] = acc
    p[:, :] = 0.0
    for a in range(3):
        for b in range(3):
            p[2 * a, 2 * b] = 0.5 * (ppos[a, b] + ppos[b, a])
        p[2 * a + 1, 2 * a + 1] = init_vel_var


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
    cap = 16
    xs = np.zeros((cap, 6))
    ps = np.zeros((cap, 6, 6))
    ids = np.zeros(cap, np.int64)
    conf = np.zeros(cap, np.bool_)
    hits = np.zeros(cap, np.int64)
    misses = np.zeros(cap, np.int64)
    age = np.zeros(cap, np.int64)
    truth = np.zeros(cap, np.int64)
    n = 0
    next_id = 1
    rep_look = np.zeros(2 * looks.size + 2, np.int64)  # a report per look, a break per stretch
    rep_count = np.zeros(2 * looks.size + 2, np.int64)
    n_rep = 0
    rcap = 64
    r_ids = np.zeros(rcap, np.int64)
    r_x = np.zeros((rcap, 6))
    r_p = np.zeros((rcap, 6, 6))
    r_truth = np.zeros(rcap, np.int64)
    n_rows = 0
    prev = -2
    offset = -id_stride
    t_prev = 0.0
    started = False
    f = np.eye(6)
    qm = np.zeros((6, 6))
    xn = np.empty(6)
    fp = np.empty((6, 6))
    jj = np.empty((3, 3))
    ppos = np.empty((3, 3))
    mm = np.empty((3, 3))
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
                sel, free, z, tz, used, xs, ps, hits, misses, truth, sensor, r, floor_var,
                init_gate,
            )  # fmt: skip
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
        firm,
        rep_look[:n_rep].copy(),
        rep_count[:n_rep].copy(),
        r_ids[:n_rows].copy(),
        r_x[:n_rows].copy(),
        r_p[:n_rows].copy(),
        r_truth[:n_rows].copy(),
    )


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
