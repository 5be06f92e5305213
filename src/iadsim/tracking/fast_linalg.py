"""Small dense kernels of the compiled tracker (`fast_cv`): 3x3 inverse, products in index
order, and the measurement-noise floor of `tracking.noise` for one 3x3 matrix. Compiled by
`fast_cv.available()` (JITTED)."""

from __future__ import annotations

import numpy as np

JITTED = ("_inv3", "_matmul", "_floor3", "_scaled_noise")
"""The functions `fast_cv.available()` compiles, callees first."""


def _inv3(s, out):
    """Inverse of a 3x3 matrix by cofactors."""
    a, b, c = s[0, 0], s[0, 1], s[0, 2]
    d, e, f = s[1, 0], s[1, 1], s[1, 2]
    g, h, k = s[2, 0], s[2, 1], s[2, 2]
    c00 = e * k - f * h
    c01 = -(d * k - f * g)
    c02 = d * h - e * g
    det = a * c00 + b * c01 + c * c02
    out[0, 0] = c00 / det
    out[1, 0] = c01 / det
    out[2, 0] = c02 / det
    out[0, 1] = -(b * k - c * h) / det
    out[1, 1] = (a * k - c * g) / det
    out[2, 1] = -(a * h - b * g) / det
    out[0, 2] = (b * f - c * e) / det
    out[1, 2] = -(a * f - c * d) / det
    out[2, 2] = (a * e - b * d) / det


def _floor3(m, floor, out):
    """`noise.floor_eigenvalues` of one symmetric 3x3 matrix, into `out`."""
    if m[0, 1] == 0.0 and m[0, 2] == 0.0 and m[1, 2] == 0.0 and m[1, 0] == 0.0:
        if m[2, 0] == 0.0 and m[2, 1] == 0.0:
            out[:, :] = 0.0
            for i in range(3):
                out[i, i] = max(m[i, i], floor)
            return
    w, v = np.linalg.eigh(0.5 * (m + m.T))
    for i in range(3):
        for j in range(3):
            acc = 0.0
            for c in range(3):
                acc += v[i, c] * max(w[c], floor) * v[j, c]
            out[i, j] = acc
    for i in range(3):
        for j in range(i + 1, 3):
            out[i, j] = out[j, i] = 0.5 * (out[i, j] + out[j, i])


def _scaled_noise(r, d, floor, out):
    """M' = floor(D R D) for D = diag(d) (`tracking.noise`), into `out`."""
    m = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            m[i, j] = d[i] * r[i, j] * d[j]
    _floor3(m, floor, out)


def _matmul(a, b):
    """a @ b by explicit sums, in index order (small shapes: no BLAS call overhead; pass
    `b.T` for a @ b^T)."""
    out = np.empty((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            acc = 0.0
            for c in range(a.shape[1]):
                acc += a[i, c] * b[c, j]
            out[i, j] = acc
    return out
