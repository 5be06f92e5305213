"""The exports' bundled symbols (src/iadsim/data/symbols/symbols.json) are what the report's
own vendored milsymbol draws: rendered again in Chromium, each SVG is identical and each
anchor and size equal (tools/render_symbols.py regenerates the bundle)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iadsim.interop.symbols import bundle
from iadsim.report.scene import SIDCS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium missing (make test installs it)"
)


def test_bundle_is_what_the_reports_milsymbol_draws():
    pytest.importorskip("playwright.sync_api")
    import json

    from tools.render_symbols import OUT, render

    fresh = render(list(SIDCS), CHROMIUM)
    stored = json.loads(OUT.read_text(encoding="utf-8"))["symbols"]
    for code in SIDCS:
        assert fresh[code]["svg"] == stored[code]["svg"] == bundle()[code].svg, code
        assert fresh[code]["anchor"] == stored[code]["anchor"], code
        assert (fresh[code]["width"], fresh[code]["height"]) == (
            stored[code]["width"],
            stored[code]["height"],
        )
