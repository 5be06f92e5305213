"""Global nearest neighbour assignment for the compiled tracker (`fast_cv`): a port of
SciPy's `linear_sum_assignment` (Crouse's shortest augmenting path, rectangular_lsap.cpp) with
the same tie rules, so the compiled tracker takes the same plot for each track as `Tracker`,
whose GNN solves the same matrix with SciPy. Compiled by `fast_cv.available()` (JITTED)."""

from __future__ import annotations

import math

import numpy as np

JITTED = ("_augmenting_path", "_lsap", "gnn")
"""The functions `fast_cv.available()` compiles, callees first."""
_INF = math.inf


def _augmenting_path(cost, u, v, path, row4col, spc, i, sr, sc, remaining):
    """One shortest augmenting path from free row i (SciPy rectangular_lsap.cpp)."""
    nc = cost.shape[1]
    min_val = 0.0
    num_remaining = nc
    for it in range(nc):
        remaining[it] = nc - it - 1
    sr[:] = False
    sc[:] = False
    spc[:] = _INF
    sink = -1
    while sink == -1:
        index = -1
        lowest = _INF
        sr[i] = True
        for it in range(num_remaining):
            j = remaining[it]
            r = min_val + cost[i, j] - u[i] - v[j]
            if r < spc[j]:
                path[j] = i
                spc[j] = r
            if spc[j] < lowest or (spc[j] == lowest and row4col[j] == -1):
                lowest = spc[j]
                index = it
        min_val = lowest
        if min_val == _INF:
            return -1, min_val
        j = remaining[index]
        if row4col[j] == -1:
            sink = j
        else:
            i = row4col[j]
        sc[j] = True
        num_remaining -= 1
        remaining[index] = remaining[num_remaining]
    return sink, min_val


def _lsap(cost):
    """Column of each row in a minimum-cost assignment (rows <= columns), -1 if infeasible."""
    nr, nc = cost.shape
    u = np.zeros(nr)
    v = np.zeros(nc)
    spc = np.full(nc, _INF)
    path = np.full(nc, -1, np.int64)
    col4row = np.full(nr, -1, np.int64)
    row4col = np.full(nc, -1, np.int64)
    sr = np.zeros(nr, np.bool_)
    sc = np.zeros(nc, np.bool_)
    remaining = np.zeros(nc, np.int64)
    for cur in range(nr):
        sink, min_val = _augmenting_path(cost, u, v, path, row4col, spc, cur, sr, sc, remaining)
        if sink < 0:
            return np.full(nr, -1, np.int64)
        u[cur] += min_val
        for i in range(nr):
            if sr[i] and i != cur:
                u[i] += min_val - spc[col4row[i]]
        for j in range(nc):
            if sc[j]:
                v[j] -= min_val - spc[j]
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            tmp = col4row[i]
            col4row[i] = j
            j = tmp
            if i == cur:
                break
    return col4row


def gnn(dist, gate):
    """`association.gnn_assign`: the plot of each track (-1: missed), a miss costing `gate`."""
    n, m = dist.shape
    out = np.full(n, -1, np.int64)
    if n == 0 or m == 0:
        return out
    rows = np.zeros(n, np.int64)
    nr = 0
    for i in range(n):
        for j in range(m):
            if dist[i, j] < gate:
                rows[nr] = i
                nr += 1
                break
    if nr == 0:
        return out
    cols = np.zeros(m, np.int64)
    nc = 0
    for j in range(m):
        for a in range(nr):
            if dist[rows[a], j] < gate:
                cols[nc] = j
                nc += 1
                break
    cost = np.full((nr, nc + nr), _INF)
    for a in range(nr):
        for b in range(nc):
            d = dist[rows[a], cols[b]]
            if d < gate:
                cost[a, b] = d
        cost[a, nc + a] = gate
    col4row = _lsap(cost)
    for a in range(nr):
        c = col4row[a]
        if 0 <= c < nc:
            out[rows[a]] = cols[c]
    return out
