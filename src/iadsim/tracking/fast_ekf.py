"""The extended Kalman filter of the compiled tracker (`fast_cv`), per track, in place: CV
prediction, polar measurement prediction with its Jacobian and floored noise, innovation,
Joseph-form update, and a new track's state from one plot. The same arithmetic as
`tracking.kalman`, `tracking.models` and `tracking.noise` for the CV/polar case. Compiled by
`fast_cv.available()` (JITTED; INLINED are compiled into their callers)."""

from __future__ import annotations

import math

import numpy as np

from iadsim.tracking.fast_linalg import _inv3, _matmul, _scaled_noise
from iadsim.tracking.models import MIN_RANGE_M

JITTED = ("_measure", "_innovation", "_update", "_predict", "_birth")
"""The functions `fast_cv.available()` compiles, callees first."""
INLINED = ("_predict", "_birth")
"""Compiled into their caller (`fast_cv.run_scans`, once per look or plot): as calls they
cost a few percent of the tracker's time."""
_TWO_PI = 2.0 * math.pi


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
