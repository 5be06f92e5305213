"""Render the MIL-STD-2525C symbols the exports use (report.scene.SIDCS) with the report's own
vendored milsymbol in Chromium, into src/iadsim/data/symbols/symbols.json: per code the SVG
text, a PNG (base64) and the anchor (the pixel the symbol's position is at). KML and CZML then
draw the same symbols as the report with no browser at run time.

    .venv/bin/python tools/render_symbols.py     (make symbols)

tests/web/test_symbols.py renders them again and checks the bundle is what milsymbol draws.
"""

from __future__ import annotations

import base64
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src/iadsim/report/vendor"
OUT = ROOT / "src/iadsim/data/symbols/symbols.json"
SIZE = 30  # milsymbol's size option (the report's map uses 26-32)


def render(sidcs: list[str], chromium: str) -> dict:
    """Each SIDC's SVG, PNG and anchor from milsymbol in a headless Chromium page."""
    from playwright.sync_api import sync_playwright

    script = (VENDOR / "milsymbol.js").read_text(encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        page.add_script_tag(content=script)
        got = page.evaluate(
            """([codes, size]) => codes.map((c) => {
                const s = new ms.Symbol(c, { size: size });
                const a = s.getAnchor(), z = s.getSize();
                return { sidc: c, valid: s.isValid(), svg: s.asSVG(),
                         png: s.asCanvas(1).toDataURL("image/png").split(",")[1],
                         anchor: [a.x, a.y], width: z.width, height: z.height };
            })""",
            [sidcs, SIZE],
        )
        browser.close()
    for g in got:
        if not g["valid"]:
            raise SystemExit(f"milsymbol does not know {g['sidc']}")
        base64.b64decode(g["png"], validate=True)
    return {g.pop("sidc"): {k: v for k, v in g.items() if k != "valid"} for g in got}


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from iadsim.report.scene import SIDCS

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found (make chromium installs it)")
    version = next(
        line.split("@")[1]
        for line in (VENDOR / "VERSIONS").read_text().splitlines()
        if line.startswith("milsymbol@")
    )
    bundle = {"milsymbol": version, "size": SIZE, "symbols": render(list(SIDCS), chromium)}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(bundle, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(SIDCS)} symbols, milsymbol {version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
