"""The command post's air picture in the engine's Kalman mode: the confirmed tracks of the radars
that reach it, delayed by the network, fused by `iadsim.tracking.FusionCenter`.

Each radar sends its whole confirmed-track list after every look it processes
(`engine.kalman_tracks.TrackReports`); a report leaves only while the radar works (not
destroyed, broken, or silent under emission control) and a path to the command post exists at
its time of validity, and it arrives one path latency later. At each of the unit's decision
times the command post holds, per source, the newest report that has arrived (if it is not
older than `stale_after_s`), and fuses: local tracks predicted (CV) to that time, associated
into system tracks with stable numbers, covariance intersection. Aircraft `a` is in the picture
("firm at the command post") when a system track whose most precise contributor follows `a`
has a horizontal position std sqrt((P_ee + P_nn)/2) within `MAX_POS_STD_PICTURE_M`.

`cp_picture` calls `FusionCenter` only at the decision times where a local track is new to the
picture (the only times association, and so numbering, can change); at every other time the
system tracks keep their members, and the fused estimates at all times are computed in one
batched covariance intersection. `tests/engine/test_fusion_in_engine.py` checks it against
the definition written plainly (a `FusionCenter` that receives the newest report of each
source and fuses at every decision time, about 0.2 ms per time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engine.kalman_tracks import MAX_POS_STD_CUE_M, TrackReports
from iadsim.tracking import FusionCenter, FusionConfig
from iadsim.tracking.fusion import _cv_batch, covariance_intersection

FUSION_CONFIG = FusionConfig(q=50.0, gate=5.0, stale_after_s=20.0)
"""Notional: CV prediction with the radars' process noise (50 m^2/s^3); a local track joins a
system track within 5 sigma; a source's report older than 20 s (two early-warning scans) is
forgotten."""
MAX_POS_STD_PICTURE_M = MAX_POS_STD_CUE_M
"""Notional: a fused track can cue a launcher when its horizontal position std is under this
(the same cue basket as a search radar's own firm track)."""


@dataclass(frozen=True)
class Feed:
    """One source's reports as a command post receives them: report indices into `reports`,
    their time of validity and time of arrival (look time + path latency at that time)."""

    source: int  # component index
    reports: TrackReports
    rep: np.ndarray  # (R,) indices of the delivered reports
    t_valid: np.ndarray  # (R,)
    t_arrive: np.ndarray  # (R,)


def make_feed(
    source: int,
    reports: TrackReports,
    look_times: np.ndarray,
    sent: np.ndarray,
    path_ok: np.ndarray,
    latency_s: np.ndarray,
) -> Feed:
    """The reports of one source that reach the command post. `sent` (the radar works and
    radiates), `path_ok` and `latency_s` are given per report (R,), at its look."""
    rep = np.flatnonzero(sent & path_ok)
    tv = look_times[reports.look[rep]]
    return Feed(int(source), reports, rep, tv, tv + latency_s[rep])


@dataclass
class CpPicture:
    """A command post's air picture at its decision times.

    `firm` (A, T): a system track of sufficient quality follows aircraft a at time t. System
    tracks in long format: `g_t` (time index), `g_sys` (system track number), `g_truth`
    (aircraft followed by the most precise contributor, -1 for clutter), `g_std_h` (fused
    horizontal position std, m), `g_n_sources`. Contributions (one per local track and time):
    `c_group` (index into the g_ arrays), `c_source`, `c_std_h` (the local track's own
    horizontal std predicted to that time). `fusion_calls`: how often FusionCenter fused;
    `sources`: the component indices of every feed. `g_x` (G, 6): each system track's fused
    state (ENU x, vx, y, vy, z, vz) at its time, what the post would display and publish
    (`interop.asterix_run.picture_feeds`, ASTERIX CAT062).
    """

    times: np.ndarray
    firm: np.ndarray
    g_t: np.ndarray
    g_sys: np.ndarray
    g_truth: np.ndarray
    g_std_h: np.ndarray
    g_n_sources: np.ndarray
    c_group: np.ndarray
    c_source: np.ndarray
    c_std_h: np.ndarray
    fusion_calls: int = 0
    sources: tuple[int, ...] = ()
    g_x: np.ndarray | None = None


def _current(feed: Feed, times: np.ndarray, stale_s: float) -> np.ndarray:
    """Per time, the index (into feed.rep) of the newest report arrived and not stale, or -1."""
    if feed.rep.size == 0:
        return np.full(times.size, -1, np.int64)
    order = np.argsort(feed.t_arrive, kind="stable")
    newest = np.maximum.accumulate(order)  # reports are in look order: newest = largest index
    n = np.searchsorted(feed.t_arrive[order], times, side="right")
    cur = np.where(n > 0, newest[np.maximum(n - 1, 0)], -1)
    fresh = (times - feed.t_valid[np.maximum(cur, 0)]) <= stale_s
    return np.where((cur >= 0) & fresh, cur, -1)


def _contributions(feeds: list[Feed], times: np.ndarray, stale_s: float) -> dict:
    """Every (time, local track) the command post holds, sorted by time, source, local id."""
    parts = []
    for feed in feeds:
        cur = _current(feed, times, stale_s)
        ok = cur >= 0
        if not ok.any():
            continue
        ridx = feed.rep[np.maximum(cur, 0)]
        lo = feed.reports.start[ridx]
        cnt = np.where(ok, feed.reports.start[ridx + 1] - lo, 0)
        total = int(cnt.sum())
        if total == 0:
            continue
        ti = np.repeat(np.arange(times.size), cnt)
        first = np.cumsum(cnt) - cnt
        row = np.repeat(lo, cnt) + (np.arange(total) - np.repeat(first, cnt))
        rep = feed.reports
        parts.append(
            {
                "ti": ti,
                "src": np.full(total, feed.source, np.int64),
                "lid": rep.ids[row],
                "tv": np.repeat(feed.t_valid[np.maximum(cur, 0)], cnt),
                "x": rep.x[row],
                "p": rep.p[row],
                "truth": rep.truth[row],
            }
        )
    if not parts:
        return {
            "ti": np.zeros(0, np.int64),
            "src": np.zeros(0, np.int64),
            "lid": np.zeros(0, np.int64),
            "tv": np.zeros(0),
            "x": np.zeros((0, 6)),
            "p": np.zeros((0, 6, 6)),
            "truth": np.zeros(0, np.int64),
        }
    c = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((c["lid"], c["src"], c["ti"]))
    return {k: v[order] for k, v in c.items()}


def cp_picture(
    feeds: list[Feed],
    times: np.ndarray,
    n_aircraft: int,
    config: FusionConfig = FUSION_CONFIG,
    max_pos_std_m: float = MAX_POS_STD_PICTURE_M,
) -> CpPicture:
    """The command post's picture at `times` (increasing), see the module docstring."""
    times = np.asarray(times, float)
    c = _contributions(feeds, times, config.stale_after_s)
    ti, src, lid = c["ti"], c["src"], c["lid"]
    n = ti.size
    # a local track is new at a time unless the picture held it at the previous time
    by_key = np.lexsort((ti, lid, src))
    ks, kl, kt = src[by_key], lid[by_key], ti[by_key]
    cont = np.zeros(n, bool)
    cont[1:] = (ks[1:] == ks[:-1]) & (kl[1:] == kl[:-1]) & (kt[1:] == kt[:-1] + 1)
    new = np.zeros(n, bool)
    new[by_key] = ~cont
    # FusionCenter numbers the new local tracks, at the times where there are some
    fc = FusionCenter(config, n_dims=3)
    sys = np.full(n, -1, np.int64)
    bounds = np.searchsorted(ti, np.arange(times.size + 1))
    sources = sorted({f.source for f in feeds})
    event_times = np.unique(ti[new])
    for e in event_times.tolist():
        sl = slice(bounds[e], bounds[e + 1])
        e_src, e_lid, e_new = src[sl], lid[sl], new[sl]
        for s in sources:
            mine = e_src == s
            held = fc.lid[fc.src == s]
            gone = held[~np.isin(held, e_lid[mine & ~e_new])]
            if gone.size:
                fc.drop_source_track(s, gone)
            if mine.any():
                rows = np.flatnonzero(mine) + sl.start
                fc.receive(
                    s,
                    float(c["tv"][rows[0]]),
                    lid[rows],
                    c["x"][rows],
                    c["p"][rows],
                    c["truth"][rows],
                )
        fc.fuse(float(times[e]))
        number = {(int(a), int(b)): int(v) for a, b, v in zip(fc.src, fc.lid, fc.sys, strict=True)}
        for j in np.flatnonzero(e_new) + sl.start:
            sys[j] = number[(int(src[j]), int(lid[j]))]
    # a local track keeps its number while the picture holds it
    seg = np.cumsum(~cont) - 1
    sys[by_key] = sys[by_key][~cont][seg]
    pic = _fused(c, sys, times, n_aircraft, config, max_pos_std_m, int(event_times.size))
    pic.sources = tuple(sources)
    return pic


def _fused(
    c: dict,
    sys: np.ndarray,
    times: np.ndarray,
    n_aircraft: int,
    config: FusionConfig,
    max_pos_std_m: float,
    calls: int,
) -> CpPicture:
    """Covariance intersection per (time, system track), all times in one batch."""
    ti = c["ti"]
    firm = np.zeros((n_aircraft, times.size), bool)
    if ti.size == 0:
        e = np.zeros(0, np.int64)
        return CpPicture(times, firm, e, e, e, np.zeros(0), e, e, e, np.zeros(0), calls)
    f, q = _cv_batch(times[ti] - c["tv"], config.q, 3)
    xp = np.einsum("lij,lj->li", f, c["x"])
    pp = f @ c["p"] @ np.swapaxes(f, -1, -2) + q
    code = ti * (int(sys.max()) + 1) + sys
    keys, group = np.unique(code, return_inverse=True)
    xf, pf = covariance_intersection(xp, pp, group, keys.size)
    g_t = keys // (int(sys.max()) + 1)
    g_sys = keys % (int(sys.max()) + 1)
    tr = np.trace(pp, axis1=1, axis2=2)
    order = np.lexsort((tr, group))
    firsts = order[np.unique(group[order], return_index=True)[1]]
    g_truth = c["truth"][firsts]
    g_std = np.sqrt((pf[:, 0, 0] + pf[:, 2, 2]) / 2)
    ok = (g_truth >= 0) & (g_std <= max_pos_std_m)
    firm[g_truth[ok], g_t[ok]] = True
    return CpPicture(
        times,
        firm,
        g_t,
        g_sys,
        g_truth,
        g_std,
        np.bincount(group, minlength=keys.size),
        group,
        c["src"],
        np.sqrt((pp[:, 0, 0] + pp[:, 2, 2]) / 2),
        calls,
        g_x=xf,
    )
