"""One-band GeoTIFFs: the coverage maps and the terrain test fixtures all go through one
writer, and DEMs are read through one reader that refuses what is not a real-valued GeoTIFF
in a regular file (rasterio, imported when called)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from iadsim.errors import InputError, Problem


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


@dataclass(frozen=True)
class Band:
    """Band 1 of a GeoTIFF as read: real values, nodata, GDAL geotransform and CRS (or None)."""

    values: np.ndarray
    nodata: float | None
    geotransform: tuple[float, float, float, float, float, float]
    epsg: int | None  # None: no CRS, or one without an EPSG code
    crs: str | None  # the CRS as text, None when the file has none


def file_kind_problem(path: str | Path) -> str | None:
    """Why `path` is not a regular file one can read (not found, a directory, a device, FIFO
    or socket, unreadable), or None when it is one."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "is a directory, not a GeoTIFF file"
    if not stat.S_ISREG(mode):
        return "not a regular file (a device, FIFO or socket); give a GeoTIFF file"
    return None


def read_band(path: str | Path, *, max_cells: int, field: str = "") -> Band:
    """Band 1 of a real-valued GeoTIFF, refused (InputError naming the file and `field`) unless
    it is a regular file GDAL reads as a GeoTIFF of at most `max_cells` cells (checked from the
    header, before decompressing) whose band holds real numbers (integers or floats: a complex
    band is refused, not cut to its real part)."""
    import rasterio
    from rasterio.errors import RasterioError

    def refuse(message: str) -> InputError:
        return InputError(Problem(str(path), None, None, field, message))

    why = file_kind_problem(path)
    if why is not None:
        raise refuse(why)
    try:
        with rasterio.open(path) as ds:
            if ds.count < 1:
                raise refuse("the GeoTIFF has no band")
            dtype = str(ds.dtypes[0])
            if "complex" in dtype or np.dtype(dtype).kind not in "iuf":
                raise refuse(f"band 1 holds {dtype} values; elevations must be real numbers")
            if ds.width * ds.height > max_cells:
                raise refuse(
                    f"DEM is {ds.width:,} x {ds.height:,} cells, more than the limit of "
                    f"{max_cells:,} (limits.MAX_DEM_CELLS, docs/limits.md); crop it"
                )
            crs = ds.crs
            epsg = crs.to_epsg() if crs else None
            text = crs.to_string() if crs else None
            values = ds.read(1, masked=False)
            return Band(values, ds.nodata, tuple(ds.transform.to_gdal()), epsg, text)
    except InputError:
        raise
    except (RasterioError, OSError, ValueError, TypeError, MemoryError) as exc:
        raise refuse(f"cannot read it as a GeoTIFF: {exc}") from None
