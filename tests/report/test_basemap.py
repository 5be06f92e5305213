"""The offline base map: TopoJSON decoding and rectangle clipping against hand computation,
and the vendored Natural Earth land around Caracas (a coast between 10.5 and 10.7 N)."""

from __future__ import annotations

import pytest

from iadsim.report.basemap import _clip, _decode_arcs, _ring, land_polygons


def test_decode_delta_encoded_quantized_arcs():
    topo = {
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, -1.0]},
        "arcs": [[[0, 0], [2, 0], [0, 3]], [[4, 1], [-4, 0]]],
    }
    a, b = _decode_arcs(topo)
    assert a.tolist() == [[10.0, -1.0], [11.0, -1.0], [11.0, 5.0]]
    assert b.tolist() == [[12.0, 1.0], [10.0, 1.0]]
    # arc 0 then arc 1 reversed (~1), the shared end dropped
    assert _ring([a, b], [0, ~1])[:3] == [(10.0, -1.0), (11.0, -1.0), (11.0, 5.0)]


def test_clip_square_to_rectangle():
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    clipped = _clip(square, 2.0, 1.0, 6.0, 3.0)
    assert sorted(clipped) == sorted([(2.0, 1.0), (4.0, 1.0), (4.0, 3.0), (2.0, 3.0)])
    assert _clip(square, 5.0, 5.0, 6.0, 6.0) == []


def test_caracas_coast_from_natural_earth():
    polys = land_polygons((-67.2, 10.2, -66.5, 11.0))
    assert polys
    pts = [p for poly in polys for ring in poly for p in ring]
    assert all(-67.2 <= x <= -66.5 and 10.2 <= y <= 11.0 for x, y in pts)
    # the coastline (land points north of the valley) lies between 10.5 and 10.7 N
    coast = [y for x, y in pts if -67.1 < x < -66.6 and y > 10.3]
    assert coast and max(coast) == pytest.approx(10.62, abs=0.08)
