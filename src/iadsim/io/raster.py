"""Write one-band GeoTIFFs: the coverage maps and the terrain test fixtures all go through
this one writer (rasterio, imported when called)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def write_geotiff(
    path: str | Path,
    data: np.ndarray,
    transform: Any,
    *,
    dtype: str = "float32",
    crs: str | None = "EPSG:4326",
    nodata: float | None = None,
    tags: dict[str, str] | None = None,
    **creation: Any,
) -> Path:
    """Write `data` (rows north to south) as band 1 of a deflate-compressed GeoTIFF.

    `transform` is a rasterio/affine `Affine` (pixel to map coordinates); `creation` passes
    further GDAL creation options (e.g. `predictor=2`). Returns the path."""
    import rasterio

    creation.setdefault("compress", "deflate")
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=data.shape[0],
        width=data.shape[1],
        count=1,
        dtype=dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
        **creation,
    ) as ds:
        ds.write(np.asarray(data).astype(dtype), 1)
        if tags:
            ds.update_tags(**tags)
    return Path(path)
