"""The measurement-noise floor that keeps every track covariance symmetric positive definite.

A polar plot (range, azimuth[, elevation]) locates a target along three orthogonal directions
with standard deviations sigma_r, rho * sigma_az and r * sigma_el (rho the horizontal range, r
the slant range). Near a radar, and straight above it, rho * sigma_az goes to zero: the
linearised azimuth claims to pin the target to micrometres, the Kalman update believes it, and
the covariance loses its rank (hovering over a radar gave eigenvalues of -3e-17 and condition
numbers of 1e305; docs/tracking.md). No radar locates a target to better than its own extent
(glint moves the apparent scattering centre over metres), and the linearisation is not valid
where rho is no larger than the position error. So every eigenvalue of the noise in metres is
raised to at least `floor_m`^2 (`TrackerConfig.noise_floor_m`, 1 m): where the floor does not
bind (a few hundred metres out and beyond, for milliradian radars) nothing changes; where it
does, the update adds at most 1/floor^2 of information per direction, and the Joseph-form
update keeps P symmetric positive definite with a bounded condition number.

With J = E D (E the orthonormal range/azimuth/elevation directions, D = diag(1, rho, r)), the
noise in metres along those directions is M = D R D; the floored M' has eigenvalues
max(lambda, floor^2), and the polar noise the update uses is D^-1 M' D^-1 (D clamped at
MIN_RANGE_M as the Jacobian is). A new track starts with the position covariance E M' E^T.
"""

from __future__ import annotations

import numpy as np

from iadsim.tracking.models import MIN_RANGE_M


def floor_eigenvalues(m: np.ndarray, floor: float) -> np.ndarray:
    """Symmetric matrices (N, k, k) with every eigenvalue raised to at least `floor`: exactly on
    the diagonal where the matrices are diagonal (the usual radar noise), through eigh else."""
    k = m.shape[-1]
    diag = np.diagonal(m, axis1=-2, axis2=-1)
    if not (m - diag[..., None] * np.eye(k)).any():
        return np.maximum(diag, floor)[..., None] * np.eye(k)
    w, v = np.linalg.eigh(0.5 * (m + np.swapaxes(m, -1, -2)))
    out = np.einsum("nij,nj,nkj->nik", v, np.maximum(w, floor), v)
    return 0.5 * (out + np.swapaxes(out, -1, -2))


def _scales(e: np.ndarray, n: np.ndarray, u: np.ndarray | None) -> np.ndarray:
    """(1, rho[, r]) per row, clamped at MIN_RANGE_M as `models.polar_jacobian` clamps."""
    rho2 = np.maximum(e * e + n * n, MIN_RANGE_M**2)
    cols = [np.ones_like(e), np.sqrt(rho2)]
    if u is not None:
        cols.append(np.sqrt(np.maximum(rho2 + u * u, MIN_RANGE_M**2)))
    return np.stack(cols, axis=-1)


def update_noise(r: np.ndarray, rel: np.ndarray, floor_m: float) -> np.ndarray:
    """Polar noise (N, k, k) for predicted relative positions `rel` (N, k): R with its
    eigenvalues in metres raised to `floor_m`^2 (module docstring)."""
    d = _scales(rel[:, 0], rel[:, 1], rel[:, 2] if rel.shape[1] == 3 else None)
    m = floor_eigenvalues(d[:, :, None] * r * d[:, None, :], floor_m**2)
    return m / (d[:, :, None] * d[:, None, :])


def birth_covariance(z: np.ndarray, r: np.ndarray, floor_m: float) -> np.ndarray:
    """Position covariance (M, k, k) of tracks started on polar plots `z` (M, k): E M' E^T,
    J R J^T with the noise floored (module docstring); defined straight above the radar too."""
    rng, az = np.maximum(z[:, 0], MIN_RANGE_M), z[:, 1]
    sa, ca = np.sin(az), np.cos(az)
    e = np.zeros((z.shape[0], z.shape[1], z.shape[1]))
    if z.shape[1] == 2:
        d = np.stack([np.ones_like(rng), rng], axis=-1)
        e[:, 0, 0], e[:, 1, 0] = sa, ca
        e[:, 0, 1], e[:, 1, 1] = ca, -sa
    else:
        se, ce = np.sin(z[:, 2]), np.cos(z[:, 2])
        d = np.stack([np.ones_like(rng), rng * ce, rng], axis=-1)
        e[:, 0, 0], e[:, 1, 0], e[:, 2, 0] = ce * sa, ce * ca, se
        e[:, 0, 1], e[:, 1, 1] = ca, -sa
        e[:, 0, 2], e[:, 1, 2], e[:, 2, 2] = -se * sa, -se * ca, ce
    m = floor_eigenvalues(d[:, :, None] * r * d[:, None, :], floor_m**2)
    p = e @ m @ np.swapaxes(e, -1, -2)
    return 0.5 * (p + np.swapaxes(p, -1, -2))
