"""Adapt a geographic DEM (iadsim.geo.terrain.Terrain) to the engine's local-frame needs:
ground height under ENU points, and terrain masking of sensor-to-target paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from iadsim.geo.frames import LocalFrame
from iadsim.geo.terrain import Obstruction, Terrain

GROUND_MEMO = 8192
"""Sets of points whose ground `LocalTerrain.ground_m` keeps (then it starts afresh)."""


@dataclass(frozen=True)
class LocalTerrain:
    """A Terrain seen from a LocalFrame; positions are (east, north, altitude MSL)."""

    terrain: Terrain
    frame: LocalFrame
    # ground heights asked before, keyed by the exact points asked (`ground_m`)
    _grounds: dict[tuple[bytes, bytes], np.ndarray] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def _latlon(self, east_m, north_m):
        e, n = np.broadcast_arrays(np.asarray(east_m, float), np.asarray(north_m, float))
        lat, lon, _ = self.frame.to_geodetic(np.stack([e, n, np.zeros(e.shape)], axis=-1))
        return lat, lon

    def ground_m(self, east_m, north_m) -> np.ndarray:
        """Terrain elevation (m MSL) under local east/north positions.

        Kept per exact set of points asked (up to `GROUND_MEMO` of them): the replications of
        a scenario ask again for the same points (aircraft on their routes at the gun sites'
        burst times), and each answer costs a geodetic conversion."""
        e, n = np.broadcast_arrays(np.asarray(east_m, float), np.asarray(north_m, float))
        key = (e.tobytes(), n.tobytes())
        hit = self._grounds.get(key)
        if hit is not None and hit.shape == e.shape:
            return hit.copy()
        lat, lon = self._latlon(e, n)
        ground = np.asarray(self.terrain.elevation(lat, lon), float)
        if len(self._grounds) >= GROUND_MEMO:
            self._grounds.clear()
        self._grounds[key] = ground.copy()
        return ground

    @property
    def lowest_m(self) -> float:
        """The lowest ground of the DEM, or of the sea around it (m MSL)."""
        return min(float(self.terrain.elevation_m.min()), self.terrain.outside_m)

    def obstruction(self, sensor_enu: np.ndarray, targets_enu: np.ndarray) -> np.ndarray:
        """What blocks each path (int8 `Obstruction`): the DEM profile on the 4/3 earth,
        HORIZON where the smooth earth at the end points' ground level blocks it alone."""
        targets_enu = np.asarray(targets_enu, float)
        slat, slon = self._latlon(sensor_enu[0], sensor_enu[1])
        tlat, tlon = self._latlon(targets_enu[..., 0], targets_enu[..., 1])
        los = self.terrain.line_of_sight(
            slat, slon, float(sensor_enu[2]), tlat, tlon, targets_enu[..., 2]
        )
        return los.obstruction.astype(np.int8)

    def terrain_masked(self, sensor_enu: np.ndarray, targets_enu: np.ndarray) -> np.ndarray:
        """True where the profile blocks the path, whether terrain or the earth's curvature
        over it is why (`obstruction` says which)."""
        return self.obstruction(sensor_enu, targets_enu) != Obstruction.CLEAR


def load_terrain_model(path: Path, frame: LocalFrame) -> LocalTerrain:
    """Load a GeoTIFF DEM for use by the engine."""
    return LocalTerrain(Terrain.from_geotiff(path), frame)


BUILTIN_PREFIX = "builtin:"


def builtin_terrain_path(name: str) -> Path:
    """Path of a DEM bundled with iadsim (src/iadsim/data/terrain/NAME.tif)."""
    from importlib import resources

    return Path(str(resources.files("iadsim") / "data" / "terrain" / f"{name}.tif"))


def dem_provenance(path: Path) -> str:
    """Where a DEM's elevations come from: its GeoTIFF `SOURCE` tag (the bundled DEM names its
    SRTM tiles there; docs/data.md credits them), or "no SOURCE tag"."""
    import rasterio

    with rasterio.open(path) as ds:
        return ds.tags().get("SOURCE", "no SOURCE tag")
