"""Coverage at a chosen height as map layers: the "any radar" layer holds every cell some
radar covers (the combined Pd is at least each radar's), and a scenario without a DEM is
refused with a located message."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from matplotlib.image import imread

from iadsim.errors import InputError
from iadsim.report.coverage_layer import coverage_overlay
from iadsim.scenario import load_scenario
from tests.builders import CARACAS, TUTORIAL


def _mask(data_url: str) -> np.ndarray:
    png = base64.b64decode(data_url.split(",", 1)[1])
    return imread(io.BytesIO(png))[..., 3] > 0


def test_any_radar_layer_covers_each_radar_layer():
    cov = coverage_overlay(load_scenario(CARACAS), 60.0, pd_threshold=0.5, step=4)
    combined = _mask(cov["combined"])
    assert len(cov["radars"]) >= 5
    union = np.zeros_like(combined)
    for r in cov["radars"]:
        m = _mask(r["png"])
        assert m.shape == combined.shape
        assert r["covered_share"] == pytest.approx(m.mean(), abs=1e-4)
        union |= m
    assert not (union & ~combined).any()
    assert 0.0 < combined.mean() < 1.0  # terrain hides a low target somewhere, not everywhere
    w, s, e, n = cov["bounds"]
    assert w < -66.88 < e and s < 10.485 < n  # La Carlota is inside the map


def test_no_dem_is_refused():
    with pytest.raises(InputError, match="terrain DEM"):
        coverage_overlay(load_scenario(TUTORIAL), 60.0)
