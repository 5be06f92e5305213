"""Tracking metrics: GOSPA over time (Stone Soup's GOSPAMetric, alpha = 2), breaks, swaps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from iadsim.errors import ValueRangeError


@dataclass
class GospaResult:
    """GOSPA per time, and the truth -> track assignment (track -1 if none within c) per time."""

    times: np.ndarray
    distance: np.ndarray
    localisation: np.ndarray
    missed: np.ndarray
    false: np.ndarray
    assign_t: np.ndarray
    assign_truth: np.ndarray
    assign_track: np.ndarray


def _groups(t: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order of rows by time and, per entry of `times`, the [start, stop) slice into that order."""
    order = np.argsort(t, kind="stable")
    ts = t[order]
    return order, np.searchsorted(ts, times, "left"), np.searchsorted(ts, times, "right")


def gospa_over_time(
    track_t: np.ndarray,
    track_ids: np.ndarray,
    track_pos: np.ndarray,
    truth_t: np.ndarray,
    truth_ids: np.ndarray,
    truth_pos: np.ndarray,
    c: float,
    p: float = 1.0,
) -> GospaResult:
    """GOSPA (alpha=2, cut-off c, order p) at every time where a track or a truth exists.

    Inputs are long-format rows: time, object id and position (K, n) per state. Distances are
    Euclidean on the positions given (pass only the position components).
    """
    if not (c > 0 and np.isfinite(c)) or not (1 <= p < np.inf):
        raise ValueRangeError(f"GOSPA needs c > 0 and 1 <= p < inf, got c={c!r}, p={p!r}")
    track_t = np.asarray(track_t, dtype=float)
    truth_t = np.asarray(truth_t, dtype=float)
    track_pos = np.asarray(track_pos, dtype=float)
    truth_pos = np.asarray(truth_pos, dtype=float)
    n_dim = max(track_pos.shape[-1] if track_pos.ndim == 2 else 1, truth_pos.shape[-1])
    track_pos = track_pos.reshape(track_t.size, n_dim)
    truth_pos = truth_pos.reshape(truth_t.size, n_dim)
    times = np.unique(np.concatenate([track_t, truth_t]))
    o_tr, a_tr, b_tr = _groups(track_t, times)
    o_gt, a_gt, b_gt = _groups(truth_t, times)
    xs, xids = track_pos[o_tr], np.asarray(track_ids)[o_tr]
    ys, yids = truth_pos[o_gt], np.asarray(truth_ids)[o_gt]
    n_t = times.size
    loc = np.zeros(n_t)
    missed = np.zeros(n_t)
    false = np.zeros(n_t)
    half = c**p / 2.0
    at, atr, atk = [], [], []
    for i in range(n_t):
        x = xs[a_tr[i] : b_tr[i]]
        y = ys[a_gt[i] : b_gt[i]]
        m, n = y.shape[0], x.shape[0]
        tk = np.full(m, -1, dtype=np.int64)
        if m and n:
            diff = y[:, None, :] - x[None, :, :]
            dist = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
            cost = np.minimum(dist, c) ** p
            ri, ci = linear_sum_assignment(cost)
            ok = dist[ri, ci] < c
            loc[i] = cost[ri[ok], ci[ok]].sum()
            k = int(ok.sum())
            tk[ri[ok]] = xids[a_tr[i] + ci[ok]]
        else:
            k = 0
        missed[i] = half * (m - k)
        false[i] = half * (n - k)
        at.append(np.full(m, times[i]))
        atr.append(yids[a_gt[i] : b_gt[i]])
        atk.append(tk)
    dist = (loc + missed + false) ** (1.0 / p)
    return GospaResult(
        times, dist, loc, missed, false, _cat(at, float), _cat(atr, np.int64), _cat(atk, np.int64)
    )


def _cat(v: list, dt: type) -> np.ndarray:
    """Concatenate a list of arrays, or an empty array of dtype dt."""
    return np.concatenate(v) if v else np.zeros(0, dtype=dt)


@dataclass
class TruthTrackStats:
    """Per truth id: track breaks, ID swaps, seconds to its first firm track (nan: never)."""

    truth_ids: np.ndarray
    breaks: np.ndarray
    id_swaps: np.ndarray
    time_to_firm_track: np.ndarray


def truth_track_stats(
    assign_t: np.ndarray,
    assign_truth: np.ndarray,
    assign_track: np.ndarray,
    confirmed_at: dict[int, float] | None = None,
) -> TruthTrackStats:
    """Breaks (assigned -> unassigned), ID swaps (track id changes) and time to first firm track.

    Rows are (time, truth id, track id or -1) as in GospaResult. A track counts as firm from
    its `confirmed_at` time (all assigned tracks are firm when `confirmed_at` is None).
    """
    t = np.asarray(assign_t, dtype=float)
    tr = np.asarray(assign_truth, dtype=np.int64)
    tk = np.asarray(assign_track, dtype=np.int64)
    order = np.lexsort((t, tr))
    t, tr, tk = t[order], tr[order], tk[order]
    uniq, start = np.unique(tr, return_index=True)
    seg = np.repeat(np.arange(uniq.size), np.diff(np.append(start, tr.size)))
    same = np.zeros(tr.size, dtype=bool)
    same[1:] = seg[1:] == seg[:-1]
    prev = np.roll(tk, 1)
    brk = same & (prev >= 0) & (tk < 0)
    assigned_idx = np.flatnonzero(tk >= 0)
    a_seg, a_tk = seg[assigned_idx], tk[assigned_idx]
    sw = np.zeros(a_tk.size, dtype=bool)
    sw[1:] = (a_seg[1:] == a_seg[:-1]) & (a_tk[1:] != a_tk[:-1])
    breaks = np.bincount(seg[brk], minlength=uniq.size)
    swaps = np.bincount(a_seg[sw], minlength=uniq.size)
    if confirmed_at is None:
        firm = tk >= 0
    else:
        ca = np.array([confirmed_at.get(int(k), np.inf) if k >= 0 else np.inf for k in tk])
        firm = (tk >= 0) & (t >= ca)
    first_t = t[start]
    ttf = np.full(uniq.size, np.nan)
    fi = np.flatnonzero(firm)
    if fi.size:
        fs = seg[fi]
        firsts = np.unique(fs, return_index=True)
        ttf[firsts[0]] = t[fi[firsts[1]]] - first_t[firsts[0]]
    return TruthTrackStats(uniq, breaks, swaps, ttf)
