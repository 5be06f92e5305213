"""Fuzz target for DEM files (tests/fuzzing.py): a small real GeoTIFF with bytes of its header
and directory overwritten, or cut short, is read as a Terrain or refused with an InputError
naming the file; never a GDAL or numpy exception."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from rasterio.transform import Affine

from iadsim.errors import InputError
from iadsim.geo.terrain import Terrain
from iadsim.io.raster import write_geotiff
from tests.fuzzing import fuzz


def _seed_tiff(tmp_path_factory, dtype: str) -> bytes:
    path = tmp_path_factory.mktemp("seed") / "dem.tif"
    z = np.arange(30, dtype=float).reshape(5, 6) * 10.0
    write_geotiff(path, z, Affine(0.01, 0, -67.0, 0, -0.01, 11.0), dtype=dtype)
    return path.read_bytes()


@fuzz(40, 3000)
@given(
    dtype=st.sampled_from(["int16", "float32", "complex64"]),
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=600), st.binary(min_size=1, max_size=8)),
        max_size=6,
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=700)),
)
def test_mangled_geotiffs_are_read_or_refused_cleanly(tmp_path_factory, dtype, edits, cut):
    data = bytearray(_seed_tiff(tmp_path_factory, dtype))
    for offset, patch in edits:
        data[offset : offset + len(patch)] = patch
    if cut is not None:
        data = data[:cut]
    path = tmp_path_factory.mktemp("fuzz") / "dem.tif"
    path.write_bytes(bytes(data))
    try:
        terrain = Terrain.from_geotiff(path)
    except InputError as exc:
        assert exc.problems[0].file == str(path) and exc.problems[0].message
    else:
        assert terrain.elevation_m.dtype == np.float32
        assert np.isfinite(terrain.elevation_m).all()
