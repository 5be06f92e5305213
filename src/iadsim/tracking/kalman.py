"""Batched Kalman filter steps: every function works on a stack of B states at once."""

from __future__ import annotations

import numpy as np

from iadsim.tracking.models import cart_to_polar, polar_jacobian, wrap_angle


def predict(
    x: np.ndarray, p: np.ndarray, f: np.ndarray, q: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Predict states (..., D) and covariances (..., D, D) with transition F and noise Q;
    the covariances symmetrised (F P F^T is symmetric only to rounding)."""
    x_new = np.einsum("...ij,...j->...i", f, x)
    p_new = f @ p @ np.swapaxes(f, -1, -2) + q
    return x_new, 0.5 * (p_new + np.swapaxes(p_new, -1, -2))


def predict_position_measurement(
    x: np.ndarray, p: np.ndarray, pos: np.ndarray, r: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, None]:
    """Position measurement: predicted z (B,k), S (B,k,k), P H^T (B,D,k), and H=None."""
    zp = x[:, pos]
    pht = p[:, :, pos]
    s = pht[:, pos, :] + r
    return zp, s, pht, None


def predict_polar_measurement(
    x: np.ndarray, p: np.ndarray, pos: np.ndarray, r: np.ndarray, sensor: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """EKF polar (range, az[, el]) from `sensor`: z (B,k), S (B,k,k), PH^T (B,D,k), H (B,k,D)."""
    rel = x[:, pos] - sensor
    zp = cart_to_polar(rel)
    hp = polar_jacobian(rel)
    h = np.zeros((x.shape[0], len(pos), x.shape[1]))
    h[:, :, pos] = hp
    pht = p @ np.swapaxes(h, -1, -2)
    s = h @ pht + r
    return zp, s, pht, h


def innovations(z: np.ndarray, zp: np.ndarray, polar: bool) -> np.ndarray:
    """All track x measurement innovations (B, M, k), azimuth/elevation wrapped when `polar`."""
    nu = z[None, :, :] - zp[:, None, :]
    if polar:
        nu[..., 1] = wrap_angle(nu[..., 1])
    return nu


def inv_small(s: np.ndarray) -> np.ndarray:
    """Inverse of a stack of small SPD matrices (closed form for 2x2, LAPACK otherwise)."""
    if s.shape[-1] == 2:
        a, b, c, d = s[..., 0, 0], s[..., 0, 1], s[..., 1, 0], s[..., 1, 1]
        det = a * d - b * c
        out = np.empty_like(s)
        out[..., 0, 0] = d / det
        out[..., 0, 1] = -b / det
        out[..., 1, 0] = -c / det
        out[..., 1, 1] = a / det
        return out
    return np.linalg.inv(s)


def mahalanobis2(nu: np.ndarray, s_inv: np.ndarray) -> np.ndarray:
    """Squared Mahalanobis distances (B, M) of innovations (B, M, k) under S^-1 (B, k, k)."""
    return np.einsum("bmi,bij,bmj->bm", nu, s_inv, nu)


def joseph_update(
    x: np.ndarray,
    p: np.ndarray,
    nu: np.ndarray,
    s_inv: np.ndarray,
    pht: np.ndarray,
    h: np.ndarray | None,
    r: np.ndarray,
    pos: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Kalman update with the Joseph-form covariance (I-KH)P(I-KH)^T + KRK^T, symmetrised."""
    k = pht @ s_inv
    x_new = x + np.einsum("bij,bj->bi", k, nu)
    d = x.shape[1]
    ikh = np.broadcast_to(np.eye(d), p.shape).copy()
    if h is None:
        ikh[:, :, pos] -= k
    else:
        ikh -= k @ h
    p_new = ikh @ p @ np.swapaxes(ikh, -1, -2) + k @ r @ np.swapaxes(k, -1, -2)
    p_new = 0.5 * (p_new + np.swapaxes(p_new, -1, -2))
    return x_new, p_new


def pda_update(
    x: np.ndarray,
    p: np.ndarray,
    nu: np.ndarray,
    beta: np.ndarray,
    s_inv: np.ndarray,
    pht: np.ndarray,
    h: np.ndarray | None,
    r: np.ndarray,
    pos: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilistic data association update: innovations (B,M,k) weighted by beta (B,M)."""
    k = pht @ s_inv
    nu_c = np.einsum("bm,bmi->bi", beta, nu)
    b0 = np.clip(1.0 - beta.sum(axis=1), 0.0, 1.0)
    # the state moves by the combined innovation; P_c is the Joseph update with it
    x_new, p_c = joseph_update(x, p, nu_c, s_inv, pht, h, r, pos)
    spread = np.einsum("bm,bmi,bmj->bij", beta, nu, nu) - nu_c[:, :, None] * nu_c[:, None, :]
    kt = np.swapaxes(k, -1, -2)
    p_new = b0[:, None, None] * p + (1.0 - b0)[:, None, None] * p_c + k @ spread @ kt
    p_new = 0.5 * (p_new + np.swapaxes(p_new, -1, -2))
    return x_new, p_new


def gaussian_likelihood(nu: np.ndarray, s: np.ndarray, s_inv: np.ndarray) -> np.ndarray:
    """N(nu; 0, S) for innovations (B, k) under S (B, k, k)."""
    d2 = np.einsum("bi,bij,bj->b", nu, s_inv, nu)
    kdim = nu.shape[-1]
    det = np.linalg.det(s)
    return np.exp(-0.5 * d2) / np.sqrt((2.0 * np.pi) ** kdim * det)
