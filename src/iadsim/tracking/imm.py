"""Interacting multiple model (IMM) mixing and combination, batched over tracks."""

from __future__ import annotations

import numpy as np


def markov_matrix(n_models: int, p_stay: float) -> np.ndarray:
    """Mode transition matrix PI[i, j] = P(j at k | i at k-1), `p_stay` on the diagonal."""
    if n_models == 1:
        return np.ones((1, 1))
    off = (1.0 - p_stay) / (n_models - 1)
    m = np.full((n_models, n_models), off)
    np.fill_diagonal(m, p_stay)
    return m


def mix(
    xm: np.ndarray, pm: np.ndarray, mu: np.ndarray, trans: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IMM interaction: mixed states (N,r,D), covariances (N,r,D,D), predicted mode probs (N,r)."""
    c = mu @ trans  # (N, r): c_j = sum_i p_ij mu_i
    w = mu[:, :, None] * trans[None, :, :] / np.maximum(c[:, None, :], 1e-300)  # w[n, i, j]
    x0 = np.einsum("nij,nid->njd", w, xm)
    diff = xm[:, :, None, :] - x0[:, None, :, :]  # (N, i, j, D)
    spread = pm[:, :, None, :, :] + diff[..., :, None] * diff[..., None, :]
    p0 = np.einsum("nij,nijab->njab", w, spread)
    return x0, p0, c


def combine(xm: np.ndarray, pm: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moment-matched combined state (N,D) and covariance (N,D,D) of a Gaussian mixture."""
    if xm.shape[1] == 1:
        return xm[:, 0], pm[:, 0]
    x = np.einsum("nr,nrd->nd", mu, xm)
    diff = xm - x[:, None, :]
    p = np.einsum("nr,nrab->nab", mu, pm + diff[..., :, None] * diff[..., None, :])
    return x, p
