"""Gating, global-nearest-neighbour assignment and (cheap) JPDA association weights."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

_BIG = np.inf


def gnn_assign(dist: np.ndarray, gate: float) -> np.ndarray:
    """GNN as Stone Soup's GNNWith2DAssignment: dist (N,M) Mahalanobis distances, miss cost = gate.

    Pairs with dist >= gate are forbidden; each track may take its own "missed" column at cost
    `gate`. Returns the detection index per track, or -1 where the track is missed.
    """
    n, m = dist.shape
    out = np.full(n, -1, dtype=np.intp)
    if n == 0 or m == 0:
        return out
    valid = dist < gate
    rows = np.flatnonzero(valid.any(axis=1))
    if rows.size == 0:
        return out
    cols = np.flatnonzero(valid[rows].any(axis=0))
    sub_valid = valid[np.ix_(rows, cols)]
    nr, nc = rows.size, cols.size
    cost = np.full((nr, nc + nr), _BIG)
    cost[:, :nc] = np.where(sub_valid, dist[np.ix_(rows, cols)], _BIG)
    ar = np.arange(nr)
    cost[ar, nc + ar] = gate
    r_idx, c_idx = linear_sum_assignment(cost)
    hit = c_idx < nc
    out[rows[r_idx[hit]]] = cols[c_idx[hit]]
    return out


def cheap_jpda_weights(
    d2: np.ndarray, s_det: np.ndarray, kdim: int, gate2: float, pd: float, clutter_density: float
) -> np.ndarray:
    """Association probabilities beta (N, M) (Fitzgerald's cheap JPDA); 1 - row sum = miss.

    d2: squared Mahalanobis distances (N, M); s_det: det S per track (N,); clutter_density in
    measurement-space units (e.g. per m^2 or per m rad rad).
    """
    n, m = d2.shape
    if n == 0 or m == 0:
        return np.zeros((n, m))
    norm = np.sqrt((2.0 * np.pi) ** kdim * s_det)[:, None]
    g = np.where(d2 < gate2, pd * np.exp(-0.5 * d2) / norm / clutter_density, 0.0)
    row = g.sum(axis=1, keepdims=True)
    col = g.sum(axis=0, keepdims=True)
    bias = 1.0 - pd
    beta = g / np.maximum(row + col - g + bias, 1e-300)
    total = beta.sum(axis=1, keepdims=True)
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-300), 1.0)
    return beta * scale
