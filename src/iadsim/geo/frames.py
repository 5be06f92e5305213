"""WGS84 <-> local East-North-Up conversions around the scenario origin (pymap3d, vectorized)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymap3d


@dataclass(frozen=True)
class LocalFrame:
    """A local ENU frame tangent to the WGS84 ellipsoid at (lat0, lon0, h0)."""

    lat0_deg: float
    lon0_deg: float
    h0_m: float = 0.0

    def to_enu(self, lat_deg, lon_deg, h_m=0.0) -> np.ndarray:
        """Geodetic positions to ENU metres; returns an array shaped (..., 3)."""
        e, n, u = pymap3d.geodetic2enu(
            np.asarray(lat_deg, float),
            np.asarray(lon_deg, float),
            np.asarray(h_m, float),
            self.lat0_deg,
            self.lon0_deg,
            self.h0_m,
        )
        return np.stack(np.broadcast_arrays(e, n, u), axis=-1)

    def to_geodetic(self, enu: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ENU metres (..., 3) back to (lat_deg, lon_deg, h_m)."""
        enu = np.asarray(enu, float)
        return pymap3d.enu2geodetic(
            enu[..., 0], enu[..., 1], enu[..., 2], self.lat0_deg, self.lon0_deg, self.h0_m
        )
