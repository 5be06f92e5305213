"""An offline base map: Natural Earth land polygons (1:10m, from the npm package world-atlas,
vendored in report/vendor/) decoded from TopoJSON and clipped to the area of a scenario.

The report and the web app draw this coastline under the sites and routes; clipping keeps
the inlined GeoJSON to a few kilobytes instead of the 3 MB of the whole world.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np

Ring = list[tuple[float, float]]


@lru_cache(maxsize=1)
def _land() -> tuple[dict, list[np.ndarray]]:
    path = resources.files("iadsim.report") / "vendor" / "land-10m.json"
    topo = json.loads(path.read_text(encoding="utf-8"))
    return topo, _decode_arcs(topo)


def _decode_arcs(topo: dict) -> list[np.ndarray]:
    """TopoJSON arcs (quantized, delta-encoded) as (n, 2) arrays of (lon, lat)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    lengths = [len(a) for a in topo["arcs"]]
    flat = np.array([p for a in topo["arcs"] for p in a], dtype=np.int64).reshape(-1, 2)
    starts = np.cumsum([0] + lengths[:-1])
    # cumulative sum restarted at every arc: subtract each arc's running total at its start
    cum = np.cumsum(flat, axis=0)
    offset = np.repeat(cum[starts] - flat[starts], lengths, axis=0)
    xy = (cum - offset) * np.array([sx, sy]) + np.array([tx, ty])
    return np.split(xy, starts[1:])


def _ring(arcs: list[np.ndarray], indices: list[int]) -> Ring:
    """Join a ring's arcs (a negative index ~i is arc i reversed), dropping shared ends."""
    parts = []
    for k, i in enumerate(indices):
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(pts if k == 0 else pts[1:])
    return [(float(x), float(y)) for x, y in np.concatenate(parts)]


def _touches(arcs: list[np.ndarray], indices: list[int], bounds) -> bool:
    """Whether any point of the ring's arcs lies inside the bounds (a cheap pre-filter: a
    polygon that encloses the area without a point inside is land everywhere there)."""
    west, south, east, north = bounds
    for i in indices:
        a = arcs[i if i >= 0 else ~i]
        if np.any((a[:, 0] >= west) & (a[:, 0] <= east) & (a[:, 1] >= south) & (a[:, 1] <= north)):
            return True
    return False


def _clip(ring: Ring, west: float, south: float, east: float, north: float) -> Ring:
    """Sutherland-Hodgman clip of a polygon ring to a lon/lat rectangle."""
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _cut_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cut_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cut_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cut_y(a, b, north)),
    )
    for inside, cut in edges:
        src, ring = ring, []
        for k, cur in enumerate(src):
            prev = src[k - 1]
            if inside(cur):
                if not inside(prev):
                    ring.append(cut(prev, cur))
                ring.append(cur)
            elif inside(prev):
                ring.append(cut(prev, cur))
        if not ring:
            return []
    return ring


def _cut_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cut_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def land_polygons(bounds: tuple[float, float, float, float]) -> list[list[Ring]]:
    """Land polygons (outer ring, holes...) inside (west, south, east, north), lon/lat
    rounded to 1e-5 degrees (about 1 m)."""
    topo, arcs = _land()
    west, south, east, north = bounds
    out: list[list[Ring]] = []
    for geom in topo["objects"]["land"]["geometries"]:
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        for poly in polys:
            rings = []
            if not _touches(arcs, poly[0], bounds):
                continue  # (an area wholly inside one polygon's interior is not a case here)
            for k, idx in enumerate(poly):
                ring = _clip(_ring(arcs, idx), west, south, east, north)
                if len(ring) >= 3:
                    rings.append([(round(x, 5), round(y, 5)) for x, y in ring])
                elif k == 0:
                    break  # the outer ring is outside: skip the polygon
            if rings:
                out.append(rings)
    return out
