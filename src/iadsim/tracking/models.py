"""Motion and measurement models over stacked arrays; state layout [x, vx, y, vy, (z, vz)].

Angles: azimuth clockwise from North (atan2(east, north)), elevation above the horizontal plane.
"""

from __future__ import annotations

import numpy as np

from iadsim.errors import ValueRangeError

#: Smallest horizontal / slant range used when linearising polar measurements (m).
MIN_RANGE_M = 1.0


def state_dim(n_dims: int) -> int:
    """Length of the state vector for `n_dims` spatial dimensions (position and velocity)."""
    if n_dims not in (2, 3):
        raise ValueRangeError(f"n_dims must be 2 or 3, got {n_dims!r}")
    return 2 * n_dims


def pos_index(n_dims: int) -> np.ndarray:
    """Indices of the position components in the interleaved state vector."""
    return np.arange(0, 2 * n_dims, 2)


def vel_index(n_dims: int) -> np.ndarray:
    """Indices of the velocity components in the interleaved state vector."""
    return np.arange(1, 2 * n_dims, 2)


def cv_matrices(dt: float, q: float, n_dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Constant-velocity F and Q, as Stone Soup's ConstantVelocity (q in m^2/s^3)."""
    d = state_dim(n_dims)
    f = np.eye(d)
    qm = np.zeros((d, d))
    adt = abs(dt)
    block = np.array([[adt**3 / 3, adt**2 / 2], [adt**2 / 2, adt]]) * q
    for i in range(n_dims):
        f[2 * i, 2 * i + 1] = dt
        qm[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = block
    return f, qm


def ct_matrices(
    dt: float, q: float, turn_rate: float, n_dims: int
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinated-turn (known turn rate, rad/s, counter-clockwise in x-y) F and Q; z stays CV."""
    f, qm = cv_matrices(dt, q, n_dims)
    w = float(turn_rate)
    if abs(w) < 1e-9:
        return f, qm
    s, c = np.sin(w * dt), np.cos(w * dt)
    # rows/cols: x=0, vx=1, y=2, vy=3
    f[0, :4] = [1.0, s / w, 0.0, -(1.0 - c) / w]
    f[1, :4] = [0.0, c, 0.0, -s]
    f[2, :4] = [0.0, (1.0 - c) / w, 1.0, s / w]
    f[3, :4] = [0.0, s, 0.0, c]
    return f, qm


def cart_to_polar(rel: np.ndarray) -> np.ndarray:
    """Relative ENU positions (..., n) -> (range, azimuth[, elevation]) (..., n)."""
    rel = np.asarray(rel, dtype=float)
    e, n = rel[..., 0], rel[..., 1]
    out = np.empty(rel.shape)
    if rel.shape[-1] == 2:
        out[..., 0] = np.hypot(e, n)
        out[..., 1] = np.arctan2(e, n)
    else:
        u = rel[..., 2]
        rho = np.hypot(e, n)
        out[..., 0] = np.hypot(rho, u)
        out[..., 1] = np.arctan2(e, n)
        out[..., 2] = np.arctan2(u, rho)
    return out


def polar_to_cart(z: np.ndarray) -> np.ndarray:
    """(range, azimuth[, elevation]) (..., n) -> relative ENU positions (..., n)."""
    z = np.asarray(z, dtype=float)
    r, az = z[..., 0], z[..., 1]
    out = np.empty(z.shape)
    if z.shape[-1] == 2:
        out[..., 0] = r * np.sin(az)
        out[..., 1] = r * np.cos(az)
    else:
        el = z[..., 2]
        rho = r * np.cos(el)
        out[..., 0] = rho * np.sin(az)
        out[..., 1] = rho * np.cos(az)
        out[..., 2] = r * np.sin(el)
    return out


def polar_jacobian(rel: np.ndarray) -> np.ndarray:
    """d(range, az[, el]) / d(position) at relative positions (N, n) -> (N, n, n), clamped."""
    rel = np.asarray(rel, dtype=float)
    n_dims = rel.shape[-1]
    e, n = rel[:, 0], rel[:, 1]
    rho2 = np.maximum(e * e + n * n, MIN_RANGE_M**2)
    rho = np.sqrt(rho2)
    jac = np.zeros((rel.shape[0], n_dims, n_dims))
    if n_dims == 2:
        jac[:, 0, 0], jac[:, 0, 1] = e / rho, n / rho
        jac[:, 1, 0], jac[:, 1, 1] = n / rho2, -e / rho2
        return jac
    u = rel[:, 2]
    r2 = np.maximum(rho2 + u * u, MIN_RANGE_M**2)
    r = np.sqrt(r2)
    jac[:, 0, 0], jac[:, 0, 1], jac[:, 0, 2] = e / r, n / r, u / r
    jac[:, 1, 0], jac[:, 1, 1] = n / rho2, -e / rho2
    jac[:, 2, 0] = -e * u / (r2 * rho)
    jac[:, 2, 1] = -n * u / (r2 * rho)
    jac[:, 2, 2] = rho / r2
    return jac


def polar_to_cart_jacobian(z: np.ndarray) -> np.ndarray:
    """d(position) / d(range, az[, el]) at polar measurements (M, n) -> (M, n, n)."""
    z = np.asarray(z, dtype=float)
    r, az = np.maximum(z[:, 0], MIN_RANGE_M), z[:, 1]
    sa, ca = np.sin(az), np.cos(az)
    jac = np.zeros((z.shape[0], z.shape[1], z.shape[1]))
    if z.shape[1] == 2:
        jac[:, 0, 0], jac[:, 0, 1] = sa, r * ca
        jac[:, 1, 0], jac[:, 1, 1] = ca, -r * sa
        return jac
    el = z[:, 2]
    se, ce = np.sin(el), np.cos(el)
    jac[:, 0, 0], jac[:, 0, 1], jac[:, 0, 2] = ce * sa, r * ce * ca, -r * se * sa
    jac[:, 1, 0], jac[:, 1, 1], jac[:, 1, 2] = ce * ca, -r * ce * sa, -r * se * ca
    jac[:, 2, 0], jac[:, 2, 2] = se, r * ce
    return jac


def wrap_angle(a: np.ndarray) -> np.ndarray:
    """Wrap angles to [-pi, pi)."""
    return (np.asarray(a) + np.pi) % (2.0 * np.pi) - np.pi
