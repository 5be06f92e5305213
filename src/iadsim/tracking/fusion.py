"""Command-post fusion: local tracks from many sources, delayed, fused into one air picture.

Local tracks arrive as reports (source, local id, time of validity, state, covariance). At a
fusion time every stored local track is predicted (constant velocity) to that time; local
tracks new to the picture are associated with system tracks (GNN on the Mahalanobis distance of
the state difference, at most one local track per source in a system track) or open a new
system track; each system track is the covariance intersection of its local tracks. System
track numbers stay with a system track as long as any local track holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from iadsim.errors import ValueRangeError
from iadsim.tracking.models import pos_index, state_dim


@dataclass(frozen=True)
class FusionConfig:
    """Settings of a fusion centre (SI units; gate in Mahalanobis distance on the position)."""

    q: float = 10.0
    gate: float = 5.0
    stale_after_s: float = 20.0

    def __post_init__(self) -> None:
        """Refuse settings outside their domain."""
        for name in ("q", "gate", "stale_after_s"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ValueRangeError(f"FusionConfig.{name} must be finite and > 0, got {v!r}")


@dataclass
class AirPicture:
    """Fused system tracks at one time: number, state, covariance, contributing sources, truth."""

    time: float
    ids: np.ndarray
    x: np.ndarray
    p: np.ndarray
    n_sources: np.ndarray
    truth_ids: np.ndarray

    def __len__(self) -> int:
        """Number of system tracks."""
        return int(self.ids.size)

    def firm_track_for(self, truth_id: int, max_pos_std_m: float | None = None) -> int | None:
        """System track number following `truth_id` with position std <= max, else None."""
        sel = np.flatnonzero(self.truth_ids == truth_id)
        if sel.size == 0:
            return None
        n = self.x.shape[1] // 2
        pos = pos_index(n)
        std = np.sqrt(np.trace(self.p[sel][:, pos][:, :, pos], axis1=1, axis2=2) / n)
        best = int(np.argmin(std))
        if max_pos_std_m is not None and std[best] > max_pos_std_m:
            return None
        return int(self.ids[sel[best]])


def _cv_batch(dt: np.ndarray, q: float, n_dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row constant-velocity F and Q (L, D, D) for intervals dt (L,)."""
    d = state_dim(n_dims)
    n = dt.size
    f = np.broadcast_to(np.eye(d), (n, d, d)).copy()
    qm = np.zeros((n, d, d))
    a = np.abs(dt)
    for i in range(n_dims):
        p, v = 2 * i, 2 * i + 1
        f[:, p, v] = dt
        qm[:, p, p] = q * a**3 / 3
        qm[:, p, v] = qm[:, v, p] = q * a**2 / 2
        qm[:, v, v] = q * a
    return f, qm


def covariance_intersection(
    x: np.ndarray, p: np.ndarray, group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fast covariance intersection per group: weights w_i ~ 1/trace(P_i), information form.

    The trackers' covariances are symmetric positive definite with a bounded condition number
    at their source, degenerate geometry included (`tracking.noise`: a target over the radar,
    at zero speed), so none needs repair here; the fused one is symmetrised (its inverse is
    symmetric only to rounding)."""
    info = np.linalg.inv(p)
    w = 1.0 / np.trace(p, axis1=1, axis2=2)
    wsum = np.bincount(group, weights=w, minlength=n_groups)
    w = w / wsum[group]
    yi = np.einsum("l,lij,lj->li", w, info, x)
    yy = info * w[:, None, None]
    info_f = np.zeros((n_groups,) + p.shape[1:])
    vec_f = np.zeros((n_groups, x.shape[1]))
    np.add.at(info_f, group, yy)
    np.add.at(vec_f, group, yi)
    p_f = np.linalg.inv(info_f)
    p_f = 0.5 * (p_f + np.swapaxes(p_f, -1, -2))
    return np.einsum("gij,gj->gi", p_f, vec_f), p_f


class FusionCenter:
    """Track-to-track association and covariance-intersection fusion with stable track numbers."""

    def __init__(self, config: FusionConfig | None = None, n_dims: int = 3):
        self.config = config or FusionConfig()
        self.n_dims = n_dims
        self.d = d = state_dim(n_dims)
        self._pos = pos_index(n_dims)
        self.src = np.zeros(0, dtype=np.int64)
        self.lid = np.zeros(0, dtype=np.int64)
        self.t = np.zeros(0)
        self.x = np.zeros((0, d))
        self.p = np.zeros((0, d, d))
        self.truth = np.zeros(0, dtype=np.int64)
        self.sys = np.zeros(0, dtype=np.int64)
        self._next_sys = 1

    def receive(
        self,
        source: int,
        t: float,
        ids: np.ndarray,
        x: np.ndarray,
        p: np.ndarray,
        truth_ids: np.ndarray | None = None,
    ) -> None:
        """Store a report of local tracks (ids, states (L, D), covariances (L, D, D)) valid at t."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        x = np.asarray(x, dtype=float).reshape(ids.size, self.d)
        p = np.asarray(p, dtype=float).reshape(ids.size, self.d, self.d)
        if not (np.isfinite(t) and np.isfinite(x).all() and np.isfinite(p).all()):
            raise ValueRangeError(f"track report from source {source} contains NaN or inf")
        truth = (
            np.full(ids.size, -1, dtype=np.int64)
            if truth_ids is None
            else np.asarray(truth_ids, dtype=np.int64).reshape(ids.size)
        )
        src = np.full(ids.size, int(source), dtype=np.int64)
        allsrc = np.concatenate([self.src, src])
        alllid = np.concatenate([self.lid, ids])
        allt = np.concatenate([self.t, np.full(ids.size, float(t))])
        sys = np.concatenate([self.sys, np.full(ids.size, -1, dtype=np.int64)])
        order = np.lexsort((allt, alllid, allsrc))
        s_src, s_lid = allsrc[order], alllid[order]
        last = np.ones(order.size, dtype=bool)
        last[:-1] = (s_src[1:] != s_src[:-1]) | (s_lid[1:] != s_lid[:-1])
        # the newest report per (source, local id) wins; it inherits the stored system number
        first = np.ones(order.size, dtype=bool)
        first[1:] = last[:-1]
        grp = np.cumsum(first) - 1
        sys_s = sys[order]
        inherited = np.full(grp[-1] + 1 if grp.size else 0, -1, dtype=np.int64)
        np.maximum.at(inherited, grp, sys_s)
        keep = order[last]
        self.src, self.lid, self.t = allsrc[keep], alllid[keep], allt[keep]
        self.x = np.concatenate([self.x, x])[keep]
        self.p = np.concatenate([self.p, p])[keep]
        self.truth = np.concatenate([self.truth, truth])[keep]
        self.sys = inherited[grp[last]]

    def drop_source_track(self, source: int, ids: np.ndarray) -> None:
        """Forget local tracks the source reports as deleted."""
        gone = (self.src == source) & np.isin(self.lid, np.asarray(ids, dtype=np.int64))
        self._keep(~gone)

    def _keep(self, keep: np.ndarray) -> None:
        """Keep only the rows where keep is True."""
        for name in ("src", "lid", "t", "x", "p", "truth", "sys"):
            setattr(self, name, getattr(self, name)[keep])

    def fuse(self, t: float) -> AirPicture:
        """Predict stored local tracks to t, associate the new ones, and fuse per system track."""
        cfg = self.config
        self._keep((t - self.t) <= cfg.stale_after_s)
        dt = t - self.t
        if np.any(dt < 0):
            self._keep(dt >= 0)
            dt = t - self.t
        f, q = _cv_batch(dt, cfg.q, self.n_dims)
        xp = np.einsum("lij,lj->li", f, self.x)
        pp = f @ self.p @ np.swapaxes(f, -1, -2) + q
        for source in np.unique(self.src[self.sys < 0]):
            self._associate_source(int(source), xp, pp)
        if self.sys.size == 0:
            d = self.d
            return AirPicture(
                t,
                np.zeros(0, dtype=np.int64),
                np.zeros((0, d)),
                np.zeros((0, d, d)),
                np.zeros(0, dtype=np.int64),
                np.zeros(0, dtype=np.int64),
            )
        ids, group = np.unique(self.sys, return_inverse=True)
        xf, pf = covariance_intersection(xp, pp, group, ids.size)
        n_src = np.bincount(group, minlength=ids.size)
        # truth of the most precise contributor
        tr = np.trace(pp, axis1=1, axis2=2)
        order = np.lexsort((tr, group))
        firsts = order[np.unique(group[order], return_index=True)[1]]
        return AirPicture(float(t), ids, xf, pf, n_src, self.truth[firsts])

    def _associate_source(self, source: int, xp: np.ndarray, pp: np.ndarray) -> None:
        """Give the unnumbered local tracks of one source a system number (existing or new)."""
        new = np.flatnonzero((self.src == source) & (self.sys < 0))
        numbered = np.flatnonzero(self.sys >= 0)
        assign = np.full(new.size, -1, dtype=np.int64)
        if numbered.size:
            ids, group = np.unique(self.sys[numbered], return_inverse=True)
            xs, ps = covariance_intersection(xp[numbered], pp[numbered], group, ids.size)
            taken = np.zeros(ids.size, dtype=bool)
            taken[group[self.src[numbered] == source]] = True
            pos = self._pos
            diff = xp[new][:, None, pos] - xs[None, :, pos]
            s = pp[new][:, None][:, :, pos][:, :, :, pos] + ps[None][:, :, pos][:, :, :, pos]
            d2 = np.einsum("nmi,nmij,nmj->nm", diff, np.linalg.inv(s), diff)
            dist = np.sqrt(np.maximum(d2, 0.0))
            g = self.config.gate
            valid = (dist < g) & ~taken[None, :]
            cost = np.full((new.size, ids.size + new.size), np.inf)
            cost[:, : ids.size] = np.where(valid, dist, np.inf)
            cost[np.arange(new.size), ids.size + np.arange(new.size)] = g
            r, c = linear_sum_assignment(cost)
            hit = c < ids.size
            assign[r[hit]] = ids[c[hit]]
        fresh = assign < 0
        assign[fresh] = np.arange(self._next_sys, self._next_sys + int(fresh.sum()))
        self._next_sys += int(fresh.sum())
        self.sys[new] = assign
