"""The MIL-STD-2525C symbols of the report (milsymbol), bundled for the exports: KML icons (PNG)
and CZML billboards (SVG). src/iadsim/data/symbols/symbols.json is rendered by the report's own
vendored milsymbol (tools/render_symbols.py; tests/web/test_symbols.py re-renders and compares),
so Google Earth and Cesium show the symbols the report shows, with no browser at run time."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import quote


@dataclass(frozen=True)
class Symbol:
    """One symbol: its SVG text, PNG bytes, size (px) and anchor (px from the top left: the
    point drawn at the unit's or aircraft's position)."""

    sidc: str
    svg: str
    png: bytes
    width: float
    height: float
    anchor: tuple[float, float]

    @property
    def file_name(self) -> str:
        """The icon's name inside a KMZ (`files/<code>.png`, dashes kept)."""
        return f"files/{self.sidc}.png"

    @property
    def svg_data_uri(self) -> str:
        return "data:image/svg+xml;charset=utf-8," + quote(self.svg)


@cache
def bundle() -> dict[str, Symbol]:
    """Every bundled symbol by its SIDC."""
    path = resources.files("iadsim") / "data" / "symbols" / "symbols.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        code: Symbol(
            code,
            s["svg"],
            base64.b64decode(s["png"]),
            float(s["width"]),
            float(s["height"]),
            (float(s["anchor"][0]), float(s["anchor"][1])),
        )
        for code, s in data["symbols"].items()
    }


def symbol(sidc: str) -> Symbol:
    """The bundled symbol of `sidc`; every code the scene gives (report.scene.SIDCS) is bundled
    (tests/interop/test_symbols_bundle.py)."""
    return bundle()[sidc]
