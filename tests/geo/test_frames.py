"""LocalFrame.to_geodetic against pymap3d.enu2geodetic, bit for bit."""

import numpy as np
import pymap3d
import pytest

from iadsim.geo.frames import LocalFrame


def _pymap3d(frame: LocalFrame, enu: np.ndarray):
    enu = np.asarray(enu, float)
    return pymap3d.enu2geodetic(
        enu[..., 0], enu[..., 1], enu[..., 2], frame.lat0_deg, frame.lon0_deg, frame.h0_m
    )


@pytest.mark.parametrize(
    "origin", [(10.6, -66.9, 0.0), (-33.9, 151.2, 120.0), (0.0, 0.0, 0.0), (71.0, 25.8, 5.0)]
)
def test_same_numbers_as_pymap3d(origin):
    frame = LocalFrame(*origin)
    rng = np.random.default_rng(11)
    pts = np.column_stack(
        [
            rng.uniform(-400e3, 400e3, 5000),
            rng.uniform(-400e3, 400e3, 5000),
            rng.uniform(-1e3, 30e3, 5000),
        ]
    )
    pts[:10, 2] = -7e6  # deep underground: the altitude's sign flips inside the ellipsoid
    for enu in (pts, pts.reshape(50, 100, 3), pts[:1], pts[7], pts[0], np.zeros(3)):
        got, want = frame.to_geodetic(enu), _pymap3d(frame, enu)
        for g, w in zip(got, want, strict=True):
            assert np.shape(g) == np.shape(w)
            np.testing.assert_array_equal(g, w)
            assert np.array_equal(np.signbit(g), np.signbit(w))


def test_special_cases_go_to_pymap3d():
    """On the polar axis and at a pole the closed form needs pymap3d's special cases."""
    frame = LocalFrame(90.0, 0.0, 0.0)
    enu = np.array([[0.0, 0.0, 100.0], [1000.0, 0.0, 0.0]])
    for g, w in zip(frame.to_geodetic(enu), _pymap3d(frame, enu), strict=True):
        np.testing.assert_array_equal(g, w)
    x0 = pymap3d.geodetic2ecef(0.0, 0.0, 0.0)[0]
    centre = LocalFrame(0.0, 0.0, 0.0).to_geodetic(np.array([[0.0, 0.0, -x0]]))
    for g, w in zip(centre, _pymap3d(LocalFrame(0.0, 0.0, 0.0), [[0.0, 0.0, -x0]]), strict=True):
        np.testing.assert_array_equal(g, w)
