"""WGS84 <-> local East-North-Up conversions around the scenario origin (pymap3d, vectorized)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import pi

import numpy as np
import pymap3d
from pymap3d.ellipsoid import Ellipsoid

_WGS84 = Ellipsoid.from_name("wgs84")
_A, _B = _WGS84.semimajor_axis, _WGS84.semiminor_axis
_E = np.sqrt(_A**2 - _B**2)  # linear eccentricity, as pymap3d.ecef2geodetic has it
_LIM_PI2 = pi / 2 - np.finfo(np.float64).eps
_ATOL = 1e-8  # np.isclose's default absolute tolerance: isclose(v, 0) is |v| <= it


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

    @cached_property
    def _origin(self) -> tuple:
        """The origin's terms of pymap3d.enu2ecef: (cos, sin) of its latitude and longitude
        and its ECEF position, the same numbers pymap3d works out on each call."""
        lat0, lon0 = np.radians(self.lat0_deg), np.radians(self.lon0_deg)
        x0, y0, z0 = pymap3d.geodetic2ecef(self.lat0_deg, self.lon0_deg, self.h0_m)
        return np.cos(lat0), np.sin(lat0), np.cos(lon0), np.sin(lon0), x0, y0, z0

    def to_geodetic(self, enu: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ENU metres (..., 3) back to (lat_deg, lon_deg, h_m).

        pymap3d.enu2geodetic's operations in its order (ENU to ECEF, then You's closed form),
        without what it does again on every call (the origin's terms, the ellipsoid, the
        checks), which is most of its cost for the few points the fight asks at a time (a
        launch's intercept point, an aircraft's position): the same numbers, held to it bit
        for bit by tests/geo/test_frames.py. Points where its closed form needs a special
        case (on the polar axis, at the earth's centre, at a pole) go to pymap3d itself."""
        enu = np.asarray(enu, float)
        east, north, up = enu[..., 0], enu[..., 1], enu[..., 2]
        clat, slat, clon, slon, x0, y0, z0 = self._origin
        t = clat * up - slat * north  # pymap3d.enu2uvw
        w = slat * up + clat * north
        x, y, z = x0 + (clon * t - slon * east), y0 + (slon * t + clon * east), z0 + w
        r = np.sqrt(x**2 + y**2 + z**2)  # pymap3d.ecef2geodetic (You 2000)
        u = np.sqrt(0.5 * (r**2 - _E**2) + 0.5 * np.hypot(r**2 - _E**2, 2 * _E * z))
        hxy = np.hypot(x, y)
        if (np.abs(u) <= _ATOL).any() or (hxy <= _ATOL).any():  # pymap3d's isclose(., 0)
            return pymap3d.enu2geodetic(east, north, up, self.lat0_deg, self.lon0_deg, self.h0_m)
        hue = np.hypot(u, _E)
        beta = np.arctan(hue / u * z / hxy)
        beta += ((_B * u - _A * hue + _E**2) * np.sin(beta)) / (
            _A * hue * 1 / np.cos(beta) - _E**2 * np.cos(beta)
        )
        if (np.abs(beta) >= _LIM_PI2).any():
            return pymap3d.enu2geodetic(east, north, up, self.lat0_deg, self.lon0_deg, self.h0_m)
        lat = np.arctan(_A / _B * np.tan(beta))
        lon = np.arctan2(y, x)
        alt = np.hypot(z - _B * np.sin(beta), hxy - _A * np.cos(beta))
        inside = x**2 / _A**2 + y**2 / _A**2 + z**2 / _B**2 < 1
        alt = np.where(inside, -alt, alt)
        return np.degrees(lat), np.degrees(lon), alt[()]  # one point: scalars, as pymap3d
