"""Multi-target tracker over stacked arrays: one scan updates every track together.

Pipeline of one `Tracker.step` (the same order as Stone Soup's MultiTargetTracker with a
MultiMeasurementInitiator): predict all tracks to the scan time; associate confirmed tracks
(GNN or cheap JPDA) and update them; associate tentative tracks with the detections left over
and update them; confirm tentative tracks (M hits, optionally within the first N scans);
delete confirmed tracks (consecutive misses / covariance trace) and tentative ones (M-of-N
failure / covariance trace); start tentative tracks on the detections nobody used.
"""

from __future__ import annotations

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.tracking import kalman, noise
from iadsim.tracking.association import cheap_jpda_weights, gnn_assign
from iadsim.tracking.imm import combine, markov_matrix, mix
from iadsim.tracking.models import (
    ct_matrices,
    cv_matrices,
    polar_to_cart,
    pos_index,
    state_dim,
    vel_index,
    wrap_angle,
)
from iadsim.tracking.tracks import TrackerConfig, TrackHistory, TrackTable


class Tracker:
    """Multi-target tracker in a local ENU frame; all tracks live in stacked numpy arrays."""

    def __init__(self, config: TrackerConfig | None = None, n_dims: int = 3):
        self.config = cfg = config or TrackerConfig()
        self.n_dims = n_dims
        self.d = state_dim(n_dims)
        self._pos = pos_index(n_dims)
        self._vel = vel_index(n_dims)
        self._polar = cfg.measurement == "polar"
        if cfg.motion == "cv":
            self._turns: list[float] = [0.0]
        elif cfg.motion == "ct":
            self._turns = [cfg.turn_rate]
        else:
            self._turns = [0.0, cfg.turn_rate, -cfg.turn_rate]
        self.n_models = len(self._turns)
        self._trans = markov_matrix(self.n_models, cfg.imm_p_stay)
        self._fq_cache: dict[float, tuple[np.ndarray, np.ndarray]] = {}
        self.time: float | None = None
        r, d = self.n_models, self.d
        self.x = np.zeros((0, r, d))
        self.p = np.zeros((0, r, d, d))
        self.mu = np.zeros((0, r))
        self.ids = np.zeros(0, dtype=np.int64)
        self.confirmed = np.zeros(0, dtype=bool)
        self.hits = np.zeros(0, dtype=np.int64)
        self.misses = np.zeros(0, dtype=np.int64)
        self.age = np.zeros(0, dtype=np.int64)
        self.truth = np.zeros(0, dtype=np.int64)
        self.confirmed_at = np.zeros(0)
        self.last_update = np.zeros(0)
        self._next_id = 1
        self._hist: list[tuple[float, np.ndarray, np.ndarray]] = []
        self._confirmed_ever: list[np.ndarray] = []

    # ----------------------------------------------------------------- public API
    def step(
        self,
        t: float,
        z: np.ndarray,
        r: np.ndarray,
        sensor_pos: np.ndarray | None = None,
        truth_ids: np.ndarray | None = None,
    ) -> TrackTable:
        """Process one scan: measurements z (M, k) at time t with noise covariance R (k, k).

        `z` rows are (range, azimuth[, elevation]) from `sensor_pos` (ENU) for polar
        measurements, or ENU positions for position measurements; `truth_ids` (M,) optionally
        tags each measurement with the truth it came from (-1 for clutter). Returns the
        confirmed tracks after the scan.
        """
        z, r, sensor, truth_ids = self._validate(t, z, r, sensor_pos, truth_ids)
        self._predict(float(t))
        n_meas = z.shape[0]
        used = np.zeros(n_meas, dtype=bool)
        conf_before = self.confirmed.copy()
        self.misses += 1
        idx = np.flatnonzero(conf_before)
        if idx.size and n_meas:
            self._associate(
                idx,
                z,
                np.arange(n_meas),
                used,
                r,
                sensor,
                truth_ids,
                self.config.gate,
                self.config.association == "jpda",
            )
        idx = np.flatnonzero(~conf_before)
        free = np.flatnonzero(~used)
        if idx.size and free.size:
            self._associate(idx, z, free, used, r, sensor, truth_ids, self.config.init_gate, False)
        if self.config.record_history and self.ids.size:
            self._log()
        self._confirm_and_delete(conf_before)
        free = np.flatnonzero(~used)
        if free.size:
            self._birth(z[free], r, sensor, truth_ids[free])
        return self.confirmed_tracks()

    def confirmed_tracks(self) -> TrackTable:
        """Confirmed tracks now (combined IMM state where several models run)."""
        sel = np.flatnonzero(self.confirmed)
        x, p = combine(self.x[sel], self.p[sel], self.mu[sel])
        return TrackTable(
            time=float(self.time) if self.time is not None else float("nan"),
            ids=self.ids[sel],
            x=x,
            p=p,
            truth_ids=self.truth[sel],
            confirmed_at=self.confirmed_at[sel],
        )

    def all_tracks(self) -> TrackTable:
        """Every track, tentative ones included."""
        x, p = combine(self.x, self.p, self.mu)
        return TrackTable(
            float(self.time or 0.0),
            self.ids.copy(),
            x,
            p,
            self.truth.copy(),
            self.confirmed_at.copy(),
        )

    def firm_track_for(self, truth_id: int, max_pos_std_m: float | None = None) -> int | None:
        """Id of the best confirmed track following `truth_id` (position std <= max), else None."""
        sel = np.flatnonzero(self.confirmed & (self.truth == truth_id))
        if sel.size == 0:
            return None
        _, p = combine(self.x[sel], self.p[sel], self.mu[sel])
        pos = self._pos
        std = np.sqrt(np.trace(p[:, pos][:, :, pos], axis1=1, axis2=2) / self.n_dims)
        best = int(np.argmin(std))
        if max_pos_std_m is not None and std[best] > max_pos_std_m:
            return None
        return int(self.ids[sel[best]])

    def history(self) -> TrackHistory:
        """Logged states (needs config.record_history) and the ids of tracks ever confirmed."""
        conf = (
            np.unique(np.concatenate(self._confirmed_ever))
            if self._confirmed_ever
            else np.zeros(0, dtype=np.int64)
        )
        if not self._hist:
            return TrackHistory(
                np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros((0, self.d)), conf
            )
        t = np.concatenate([np.full(ids.size, tt) for tt, ids, _ in self._hist])
        ids = np.concatenate([h[1] for h in self._hist])
        x = np.concatenate([h[2] for h in self._hist])
        return TrackHistory(t, ids, x, conf)

    # ----------------------------------------------------------------- internals
    def _validate(self, t, z, r, sensor_pos, truth_ids):
        """Check one scan's inputs; refuse NaN/inf or ill-shaped data with ValueRangeError."""
        if not np.isfinite(t):
            raise ValueRangeError(f"scan time must be finite, got {t!r}")
        if self.time is not None and t < self.time:
            raise ValueRangeError(f"scan time {t} s is before the tracker's time {self.time} s")
        k = self.n_dims
        z = np.asarray(z, dtype=float)
        if z.size == 0:
            z = z.reshape(0, k)
        if z.ndim != 2 or z.shape[1] != k:
            raise ValueRangeError(f"measurements must have shape (M, {k}), got {z.shape}")
        if not np.isfinite(z).all():
            bad = np.flatnonzero(~np.isfinite(z).all(axis=1))
            raise ValueRangeError(f"measurements contain NaN or inf in rows {bad[:10].tolist()}")
        r = np.asarray(r, dtype=float)
        if r.shape != (k, k) or not np.isfinite(r).all():
            raise ValueRangeError(f"R must be a finite ({k}, {k}) matrix, got shape {r.shape}")
        try:
            np.linalg.cholesky(r)
        except np.linalg.LinAlgError:
            raise ValueRangeError("R must be symmetric positive definite") from None
        if self._polar:
            if sensor_pos is None:
                raise ValueRangeError("polar measurements need sensor_pos (ENU, m)")
            sensor = np.asarray(sensor_pos, dtype=float).reshape(-1)
            if sensor.shape != (k,) or not np.isfinite(sensor).all():
                raise ValueRangeError(f"sensor_pos must be {k} finite ENU coordinates")
            if z.shape[0] and (z[:, 0] < 0).any():
                raise ValueRangeError("measured range must be >= 0")
        else:
            sensor = np.zeros(k)
        if truth_ids is None:
            truth_ids = np.full(z.shape[0], -1, dtype=np.int64)
        else:
            truth_ids = np.asarray(truth_ids, dtype=np.int64).reshape(-1)
            if truth_ids.shape[0] != z.shape[0]:
                raise ValueRangeError("truth_ids must have one entry per measurement")
        return z, r, sensor, truth_ids

    def _fq(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """Stacked transition matrices and noises (r, D, D) of the models for interval dt."""
        hit = self._fq_cache.get(dt)
        if hit is None:
            fs, qs = zip(
                *[
                    (
                        ct_matrices(dt, self.config.q, w, self.n_dims)
                        if w
                        else cv_matrices(dt, self.config.q, self.n_dims)
                    )
                    for w in self._turns
                ],
                strict=True,
            )
            hit = (np.stack(fs), np.stack(qs))
            if len(self._fq_cache) > 64:
                self._fq_cache.clear()
            self._fq_cache[dt] = hit
        return hit

    def _predict(self, t: float) -> None:
        """Predict every track (IMM mixing first) to time t."""
        if self.time is not None and self.ids.size:
            dt = t - self.time
            self.age += 1
            if dt > 0:
                if self.n_models > 1:
                    self.x, self.p, self.mu = mix(self.x, self.p, self.mu, self._trans)
                f, q = self._fq(dt)
                if self.n_models == 1:
                    x, p = kalman.predict(self.x[:, 0], self.p[:, 0], f[0], q[0])
                    self.x, self.p = x[:, None], p[:, None]
                else:
                    self.x, self.p = kalman.predict(self.x, self.p, f, q)
        self.time = t

    def _meas_pred(self, x, p, r, sensor):
        """Measurement prediction for stacked states (B, D): z, S, P H^T, H and the noise R
        each update uses, its eigenvalues in metres floored (`tracking.noise`)."""
        floor = self.config.noise_floor_m
        if self._polar:
            re = noise.update_noise(r, x[:, self._pos] - sensor, floor)
            return (*kalman.predict_polar_measurement(x, p, self._pos, re, sensor), re)
        re = noise.floor_eigenvalues(r[None], floor**2)
        return (*kalman.predict_position_measurement(x, p, self._pos, re), re)

    def _associate(self, idx, z, zsel, used, r, sensor, truth_ids, gate, jpda) -> None:
        """Associate tracks `idx` with measurements `zsel`, update them and mark used detections."""
        rr = self.n_models
        xc, pc = combine(self.x[idx], self.p[idx], self.mu[idx])
        zp, s, pht, h, re = self._meas_pred(xc, pc, r, sensor)
        s_inv = kalman.inv_small(s)
        zs = z[zsel]
        nu = kalman.innovations(zs, zp, self._polar)
        d2 = kalman.mahalanobis2(nu, s_inv)
        if jpda:
            self._jpda(idx, zs, zsel, used, r, sensor, truth_ids, gate, d2, s)
            return
        assign = gnn_assign(np.sqrt(np.maximum(d2, 0.0)), gate)
        rows = np.flatnonzero(assign >= 0)
        if rows.size == 0:
            return
        cols = assign[rows]
        ti = idx[rows]
        mi = zsel[cols]
        used[mi] = True
        if rr == 1:
            hh = None if h is None else h[rows]
            rows_r = re[rows] if self._polar else re
            x, p = kalman.joseph_update(
                xc[rows], pc[rows], nu[rows, cols], s_inv[rows], pht[rows], hh, rows_r, self._pos
            )
            self.x[ti, 0], self.p[ti, 0] = x, p
        else:
            xm = self.x[ti].reshape(-1, self.d)
            pm = self.p[ti].reshape(-1, self.d, self.d)
            zz = np.repeat(z[mi], rr, axis=0)
            zpm, sm, phtm, hm, rem = self._meas_pred(xm, pm, r, sensor)
            num = zz - zpm
            if self._polar:
                num[:, 1] = wrap_angle(num[:, 1])
            sm_inv = kalman.inv_small(sm)
            x, p = kalman.joseph_update(xm, pm, num, sm_inv, phtm, hm, rem, self._pos)
            lik = kalman.gaussian_likelihood(num, sm, sm_inv).reshape(-1, rr)
            mu = self.mu[ti] * lik
            tot = mu.sum(axis=1, keepdims=True)
            mu = np.where(tot > 0, mu / np.where(tot > 0, tot, 1.0), self.mu[ti])
            self.x[ti] = x.reshape(-1, rr, self.d)
            self.p[ti] = p.reshape(-1, rr, self.d, self.d)
            self.mu[ti] = mu
        self.hits[ti] += 1
        self.misses[ti] = 0
        self.truth[ti] = truth_ids[mi]
        self.last_update[ti] = self.time

    def _jpda(self, idx, zs, zsel, used, r, sensor, truth_ids, gate, d2, s) -> None:
        """Cheap-JPDA update of tracks `idx` with all gated measurements."""
        cfg = self.config
        k = zs.shape[1]
        beta = cheap_jpda_weights(d2, np.linalg.det(s), k, gate * gate, cfg.pd, cfg.clutter_density)
        gated = d2 < gate * gate
        used[zsel[gated.any(axis=0)]] = True
        rows = np.flatnonzero(beta.sum(axis=1) > 0)
        if rows.size == 0:
            return
        ti = idx[rows]
        rr = self.n_models
        b = np.repeat(beta[rows], rr, axis=0)
        xm = self.x[ti].reshape(-1, self.d)
        pm = self.p[ti].reshape(-1, self.d, self.d)
        zpm, sm, phtm, hm, rem = self._meas_pred(xm, pm, r, sensor)
        sm_inv = kalman.inv_small(sm)
        num = kalman.innovations(zs, zpm, self._polar)
        x, p = kalman.pda_update(xm, pm, num, b, sm_inv, phtm, hm, rem, self._pos)
        if rr > 1:
            d2m = kalman.mahalanobis2(num, sm_inv)
            norm = np.sqrt((2 * np.pi) ** k * np.linalg.det(sm))[:, None]
            g = np.where(d2m < gate * gate, np.exp(-0.5 * d2m) / norm, 0.0).sum(axis=1)
            lik = ((1 - cfg.pd) + cfg.pd * g / cfg.clutter_density).reshape(-1, rr)
            mu = self.mu[ti] * lik
            self.mu[ti] = mu / mu.sum(axis=1, keepdims=True)
        self.x[ti] = x.reshape(-1, rr, self.d)
        self.p[ti] = p.reshape(-1, rr, self.d, self.d)
        det = beta[rows].sum(axis=1) >= 0.5
        hit_t = ti[det]
        self.hits[hit_t] += 1
        self.misses[hit_t] = 0
        self.truth[hit_t] = truth_ids[zsel[np.argmax(beta[rows][det], axis=1)]]
        self.last_update[hit_t] = self.time

    def _trace(self) -> np.ndarray:
        """Covariance trace per track (position block only if so configured)."""
        _, p = combine(self.x, self.p, self.mu)
        d = np.diagonal(p, axis1=1, axis2=2)
        if self.config.cov_trace_position_only:
            d = d[:, self._pos]
        return d.sum(axis=1)

    def _confirm_and_delete(self, conf_before: np.ndarray) -> None:
        """M-of-N confirmation, then deletion of confirmed and tentative tracks."""
        cfg = self.config
        tent = ~conf_before
        newly = tent & (self.hits >= cfg.confirm_m)
        if cfg.confirm_n is not None:
            newly &= self.age + 1 <= cfg.confirm_n
        if newly.any():
            self.confirmed = self.confirmed | newly
            self.confirmed_at[newly] = self.time
            if cfg.record_history:
                self._confirmed_ever.append(self.ids[newly].copy())
        need_trace = cfg.delete_cov_trace is not None or cfg.tentative_delete_cov_trace is not None
        tr = self._trace() if need_trace else None
        dele = np.zeros(self.ids.size, dtype=bool)
        if cfg.delete_misses is not None:
            dele |= conf_before & (self.misses >= cfg.delete_misses)
        if cfg.delete_cov_trace is not None:
            dele |= conf_before & (tr > cfg.delete_cov_trace)
        still = ~self.confirmed
        if cfg.tentative_delete_cov_trace is not None:
            dele |= still & (tr > cfg.tentative_delete_cov_trace)
        if cfg.confirm_n is not None:
            dele |= still & (self.hits + cfg.confirm_n - (self.age + 1) < cfg.confirm_m)
        if dele.any():
            self._keep(~dele)

    def _keep(self, keep: np.ndarray) -> None:
        """Drop the tracks where keep is False."""
        for name in (
            "x",
            "p",
            "mu",
            "ids",
            "confirmed",
            "hits",
            "misses",
            "age",
            "truth",
            "confirmed_at",
            "last_update",
        ):
            setattr(self, name, getattr(self, name)[keep])

    def _birth(
        self, z: np.ndarray, r: np.ndarray, sensor: np.ndarray, truth_ids: np.ndarray
    ) -> None:
        """Start tentative tracks on measurements (M, k); velocity from the prior."""
        m, d, rr = z.shape[0], self.d, self.n_models
        pos, vel = self._pos, self._vel
        x = np.zeros((m, d))
        p = np.zeros((m, d, d))
        floor = self.config.noise_floor_m
        if self._polar:
            x[:, pos] = sensor + polar_to_cart(z)
            p[:, pos[:, None], pos[None, :]] = noise.birth_covariance(z, r, floor)
        else:
            x[:, pos] = z
            p[:, pos[:, None], pos[None, :]] = noise.floor_eigenvalues(r[None], floor**2)
        p[:, vel, vel] = self.config.init_velocity_std**2
        ids = np.arange(self._next_id, self._next_id + m, dtype=np.int64)
        self._next_id += m
        t = float(self.time)
        self.x = np.concatenate([self.x, np.repeat(x[:, None], rr, axis=1)])
        self.p = np.concatenate([self.p, np.repeat(p[:, None], rr, axis=1)])
        self.mu = np.concatenate([self.mu, np.full((m, rr), 1.0 / rr)])
        self.ids = np.concatenate([self.ids, ids])
        self.confirmed = np.concatenate([self.confirmed, np.zeros(m, dtype=bool)])
        self.hits = np.concatenate([self.hits, np.ones(m, dtype=np.int64)])
        self.misses = np.concatenate([self.misses, np.zeros(m, dtype=np.int64)])
        self.age = np.concatenate([self.age, np.zeros(m, dtype=np.int64)])
        self.truth = np.concatenate([self.truth, truth_ids])
        self.confirmed_at = np.concatenate([self.confirmed_at, np.full(m, np.nan)])
        self.last_update = np.concatenate([self.last_update, np.full(m, t)])
        if self.config.confirm_m <= 1:
            self.confirmed[-m:] = True
            self.confirmed_at[-m:] = t
            if self.config.record_history:
                self._confirmed_ever.append(ids)
        if self.config.record_history:
            self._hist.append((t, ids, x))

    def _log(self) -> None:
        """Record the current combined state of every track."""
        x, _ = combine(self.x, self.p, self.mu)
        self._hist.append((float(self.time), self.ids.copy(), x.copy()))
