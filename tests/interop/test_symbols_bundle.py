"""The exports' MIL-STD-2525C symbols: every code the scene can give is bundled, and each PNG
is the size the bundle states (the SVG and PNG themselves are checked against the report's
milsymbol in tests/web/test_symbols.py)."""

from __future__ import annotations

import io

from iadsim.interop.symbols import bundle
from iadsim.report.scene import SIDCS, aircraft_sidc, unit_sidc


def test_every_code_the_scene_gives_is_bundled(tutorial_prepared):
    world = tutorial_prepared.geometry.world
    given = {unit_sidc(world, u) for u in world.units}
    given |= {aircraft_sidc(c) for c in ("helicopter", "fighter", "bomber")}
    assert given <= set(SIDCS)
    assert set(bundle()) == set(SIDCS)


def test_pngs_have_the_stated_size_and_are_not_blank():
    from matplotlib.image import imread

    for code, sym in bundle().items():
        img = imread(io.BytesIO(sym.png), format="png")
        h, w = img.shape[:2]  # the canvas: whole pixels of the stated size
        assert abs(h - sym.height) < 1 and abs(w - sym.width) < 1, code
        assert img[..., 3].max() == 1.0 and img[..., 3].mean() > 0.1, code
        assert 0 <= sym.anchor[0] <= sym.width and 0 <= sym.anchor[1] <= sym.height
        assert sym.svg.startswith("<svg") and code  # milsymbol's SVG text
