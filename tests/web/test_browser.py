"""Browser tests (Playwright driving Debian's headless chromium, installed by `make test`):
the offline report and the web app load, play the raid back, and a click on a unit or an
aircraft opens its ledger; screenshots are saved (into docs/ by `make screenshots`).

Kept few and quick: one page load each."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium missing (make test installs it)"
)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: docs/ when IADSIM_SCREENSHOTS names it, else a temporary dir."""
    target = os.environ.get("IADSIM_SCREENSHOTS")
    return Path(target) if target else tmp_path_factory.mktemp("shots")


@pytest.fixture(scope="module")
def run_dir(tutorial_run_dir, tmp_path_factory) -> Path:
    """The run to show: the tutorial, or the Caracas case study for the docs' screenshots."""
    if not os.environ.get("IADSIM_SCREENSHOTS"):
        return tutorial_run_dir
    from iadsim.cli import main
    from tests.builders import CARACAS

    out = tmp_path_factory.mktemp("caracas") / "caracas"
    assert main(["run", str(CARACAS), "--seed", "1", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 860},
        )
        yield context
        context.close()


def _watch(page) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    urls: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: urls.append(r.url))
    return errors, urls


def _play_and_open_ledger(page, unit: str, aircraft: str) -> None:
    page.wait_for_selector(f'.sym[title="{unit}"]')
    page.click("#play")
    page.wait_for_function("Number(document.body.dataset.time) > 60", timeout=20_000)
    page.click("#play")  # pause
    page.click(f'.sym[title="{unit}"]')
    page.wait_for_selector("#ledger table")
    assert page.inner_text("#ledger h3") == f"Kill chains: unit {unit}"
    rows = page.locator("#ledger tbody tr")
    assert rows.count() >= 1
    assert aircraft in page.inner_text("#ledger")


def _no_sideways_scroll(page) -> None:
    """At 1280 px the page itself never scrolls sideways (wide tables scroll in their box)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def _map_is_readable(page) -> None:
    """The layer control starts collapsed and opens grouped; a legend entry per kind of thing
    drawn, which follows the layers shown; a scale bar; labels on units; clock times."""
    _no_sideways_scroll(page)
    assert page.locator("#layers-panel").is_hidden()
    page.click("#layers button")
    assert page.locator("#layers-panel").is_visible()
    groups = page.locator("#layers-panel summary").all_inner_texts()
    assert {g.split()[0] for g in groups} >= {"Defence", "Raid", "Fight"}
    legend = page.inner_text("#legend")
    assert "missile reach" in legend and "planned route" in legend
    page.locator("#layers-panel label", has_text="Routes").locator("input").uncheck()
    assert "planned route" not in page.inner_text("#legend")  # the legend follows the layers
    page.locator("#layers-panel label", has_text="Routes").locator("input").check()
    page.click("#layers button")
    assert page.locator("#layers-panel").is_hidden()
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert page.locator(".sym .lbl").count() >= 2
    assert "UTC" in page.inner_text("#clock") and "local" in page.inner_text("#clock")


def test_offline_report_plays_and_opens_a_ledger(browser, run_dir, shots):
    from iadsim.cli import main

    html = run_dir / "report.html"
    assert main(["report", str(run_dir), "--out", str(html)]) == 0
    page = browser.new_page()
    errors, urls = _watch(page)
    page.goto(html.resolve().as_uri())
    unit, aircraft = ("S300-BN", "HELO-1") if "caracas" in str(run_dir) else ("SAM", "HELO-1")
    _play_and_open_ledger(page, unit, aircraft)
    # the panel shows exactly the ledger file's rows for that unit
    import pyarrow.parquet as pq

    want = [
        (r["aircraft"], r["stage"], r["reason"])
        for r in pq.read_table(run_dir / "ledger.parquet").to_pylist()
        if r["unit"] == unit
    ]
    cells = [
        tuple(tr.locator("td").all_inner_texts()[:3])
        for tr in page.locator("#ledger tbody tr").all()
    ]
    assert cells == want
    assert [u for u in urls if not u.startswith(("file:", "data:"))] == []  # offline
    assert errors == []
    for sid in ("killchain", "funnel", "timeline", "reasons"):
        assert page.locator(f"section#{sid}").count() == 1
    _map_is_readable(page)
    page.fill("#time", "700")  # the raid over the city, for the picture
    page.dispatch_event("#time", "input")
    page.screenshot(path=str(shots / "report.png"), full_page=True)
    page.close()


def test_web_app_playback_and_ledger_from_the_api(browser, run_dir, shots, tmp_path):
    uvicorn = pytest.importorskip("uvicorn")
    from iadsim.web.app import create_app

    root = tmp_path / "root"
    shutil.copytree(run_dir, root / "case")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(root), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        page = browser.new_page()
        errors, urls = _watch(page)
        page.goto(f"http://127.0.0.1:{port}/runs/case")
        unit = "S300-BN" if "caracas" in str(run_dir) else "SAM"
        _play_and_open_ledger(page, unit, "HELO-1")
        # the ledger came from the API, and every request stayed on this machine
        assert any("/ledger?unit=" in u for u in urls)
        assert all(u.startswith(f"http://127.0.0.1:{port}/") or u.startswith("data:") for u in urls)
        # a layer toggle: hide the routes, the route lines go
        before = page.locator("path.leaflet-interactive").count()
        page.click("#layers button")  # the control starts collapsed
        page.get_by_label("Routes").uncheck()
        assert page.locator("path.leaflet-interactive").count() < before
        page.get_by_label("Routes").check()
        page.click("#layers button")
        page.fill("#time", "700")
        page.dispatch_event("#time", "input")
        assert errors == []
        page.locator("#mapwrap").screenshot(path=str(shots / "playback.png"))
        page.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


RANGES = (
    "scenario:\n"
    "  units.SAM.components.telar-1.readiness.operational: {low: 0.5, mode: 0.9, high: 1}\n"
    "  strikes.strike-ew.p_destroy: {dist: uniform, low: 0.2, high: 0.8}\n"
)


@pytest.fixture(scope="module")
def analysis_dirs(tutorial_mc_dir, tmp_path_factory) -> dict[str, Path]:
    """One small directory of every analysis kind, from the tutorial."""
    from iadsim.cli import main
    from tests.builders import TUTORIAL

    root = tmp_path_factory.mktemp("analyses")
    (root / "ranges.yaml").write_text(RANGES)
    t = str(TUTORIAL)
    commands = {
        "compare": ["compare", t, "-n", "4", "--set", "units.SAM.c2_mode=autonomous"],
        "sweep": ["sweep", t, "-n", "2", "--param", "raid.0.start_s=0:60:2"],
        "attribute": ["attribute", t, "-n", "2", "--n-max", "2", "--groups", "crews,maintenance"],
        "uncertainty": ["uncertainty", t, "--ranges", str(root / "ranges.yaml")]
        + ["--sets", "1", "-n", "2"],
    }
    dirs = {"mc": tutorial_mc_dir}
    for kind, argv in commands.items():
        dirs[kind] = root / kind
        assert main([*argv, "--quiet", "--out", str(dirs[kind])]) == 0
    return dirs


@pytest.mark.parametrize("kind", ["mc", "compare", "sweep", "attribute", "uncertainty"])
def test_every_analysis_page_has_content_and_fits_1280(browser, analysis_dirs, kind, shots):
    from iadsim.cli import main
    from iadsim.report.html import SECTIONS

    html = analysis_dirs[kind] / "report.html"
    assert main(["report", str(analysis_dirs[kind]), "--out", str(html)]) == 0
    page = browser.new_page()
    errors, urls = _watch(page)
    page.goto(html.resolve().as_uri())
    assert page.title() == "iadsim: tutorial"  # from the scenario, not the directory
    ids = page.locator("section").evaluate_all("ss => ss.map(s => s.id)")
    assert ids == list(SECTIONS[kind])
    for sid in ids:  # every section holds a table, a chart or the map, not only a note
        sec = page.locator(f"section#{sid}")
        assert sec.locator("table, svg, #mapview").count() >= 1, sid
    _no_sideways_scroll(page)
    if kind == "mc":
        _map_is_readable(page)
    if kind == "compare":
        assert page.locator("section#compare table.side tbody tr").count() >= 5
    if kind == "attribute":
        assert page.locator("section#attribution table.effects tbody tr").count() == 2
    if kind in ("mc", "sweep", "attribute", "uncertainty"):
        text = page.inner_text("body")
        assert not re.search(r"\de[-+]\d", text)  # no -5.55e-17 residues nor exponents
    assert [u for u in urls if not u.startswith(("file:", "data:"))] == []
    assert errors == []
    page.close()
