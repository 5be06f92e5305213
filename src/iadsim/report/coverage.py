"""Coverage maps written out: one GeoTIFF (and one PNG map) per radar and for all radars.

`sensors.coverage.compute_coverage` computes the rasters; this module only writes them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iadsim.io.raster import write_geotiff
from iadsim.sensors.coverage import CoverageResult


def _safe_name(name: str) -> str:
    """A file-name-safe version of a radar name."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


def _write_png(path: Path, data, result: CoverageResult, title: str, label: str, kind: str) -> None:
    """A map: hillshaded terrain, the raster on top, coastline and radar sites."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LightSource

    west, dlon, _, north, _, mdlat = result.geotransform
    rows, cols = data.shape
    extent = (west, west + cols * dlon, north + rows * mdlat, north)
    fig, ax = plt.subplots(figsize=(8, 7), dpi=110)
    shade = LightSource(azdeg=315, altdeg=45).hillshade(result.elevation_m, vert_exag=0.02)
    ax.imshow(shade, cmap="gray", extent=extent, origin="upper", alpha=1.0)
    if kind == "pd":
        im = ax.imshow(
            np.ma.masked_less(data, 0.01),
            cmap="viridis",
            vmin=0,
            vmax=1,
            extent=extent,
            origin="upper",
            alpha=0.65,
        )
    else:
        finite = data[np.isfinite(data)]
        vmax = float(np.percentile(finite, 98)) if finite.size else 1.0
        im = ax.imshow(
            np.ma.masked_invalid(data),
            cmap="magma_r",
            vmin=0,
            vmax=max(vmax, 1.0),
            extent=extent,
            origin="upper",
            alpha=0.7,
        )
    ax.contour(
        result.elevation_m,
        levels=[0.5],
        colors="tab:blue",
        linewidths=0.8,
        extent=extent,
        origin="upper",
    )
    for name, la, lo in result.sites:
        ax.plot(lo, la, marker="^", color="red", markersize=6, markeredgecolor="k")
        ax.annotate(name, (lo, la), xytext=(3, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_title(title, fontsize=10)
    fig.colorbar(im, ax=ax, label=label, shrink=0.8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_coverage(out_dir: str | Path, result: CoverageResult, *, png: bool = True) -> list[Path]:
    """Write GeoTIFFs (and PNG maps) per radar and combined; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from rasterio.transform import Affine

    gt = result.geotransform
    alt = f"{result.altitude_agl_m:g} m AGL"
    items: list[tuple[str, np.ndarray, str, str, str]] = []
    for i, name in enumerate(result.names):
        sn = _safe_name(name)
        items.append((f"pd_{sn}", result.pd[i], f"{name}: Pd per scan at {alt}", "Pd", "pd"))
        items.append(
            (
                f"lowest_agl_{sn}",
                result.lowest_agl_m[i],
                f"{name}: lowest altitude with Pd >= {result.pd_threshold:g}",
                "m AGL",
                "alt",
            )
        )
    items.append(
        ("pd_combined", result.pd_combined, f"All radars: Pd per scan at {alt}", "Pd", "pd")
    )
    items.append(
        (
            "lowest_agl_combined",
            result.lowest_agl_combined_m,
            f"All radars: lowest altitude with Pd >= {result.pd_threshold:g}",
            "m AGL",
            "alt",
        )
    )
    written: list[Path] = []
    for stem, data, title, label, kind in items:
        tif = out / f"{stem}.tif"
        write_geotiff(
            tif, data, Affine.from_gdal(*gt), nodata=float("nan") if kind == "alt" else None
        )
        written.append(tif)
        if png:
            p = out / f"{stem}.png"
            _write_png(p, data, result, title, label, kind)
            written.append(p)
    return written
