"""`iadsim report DIR`: one HTML file that parses, holds its sections, inlines every asset
(no URL to fetch) and carries the run's data (every event and ledger row)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pyarrow.parquet as pq

from iadsim.cli import main
from iadsim.report.html import SECTIONS


class Page(HTMLParser):
    """Collects section ids, every src/href, inline scripts, and checks that tags balance."""

    VOID = {"meta", "link", "input", "br", "img", "hr", "source", "option"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections, self.urls, self.scripts, self.stack = [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id"))
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(a[key])
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def _payload(page: Page) -> dict:
    text = next(s for s in page.scripts if s.startswith("window.IADSIM="))
    return json.loads(text[len("window.IADSIM=") : -1].replace("<\\/", "</"))


def test_run_report_is_self_contained_and_complete(tutorial_run_dir, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(tutorial_run_dir), "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    page = _parse(out)
    assert page.stack == ["html"] or page.stack == []  # </html> closes the document
    assert page.sections == list(SECTIONS["run"])
    assert all(u.startswith(("data:", "#")) for u in page.urls)  # every asset inlined
    assert any("L.map(" in s for s in page.scripts)  # Leaflet and the app, inline
    assert any("milsymbol" in s.lower() for s in page.scripts)
    data = _payload(page)
    events = pq.read_table(tutorial_run_dir / "events.parquet")
    ledger = pq.read_table(tutorial_run_dir / "ledger.parquet")
    assert len(data["events"]) == events.num_rows
    assert len(data["ledger"]) == ledger.num_rows
    assert {a["id"] for a in data["scene"]["aircraft"]} == {"FIGHTER-1", "HELO-1"}
    assert {u["id"] for u in data["scene"]["units"]} == {"SAM", "EW"}
    html = out.read_text()
    for row in ledger.to_pylist():  # every pair's reason is written in the kill-chain table
        assert row["reason"] in html


def test_mc_report_holds_statistics_and_pair_shares(tutorial_mc_dir, tmp_path):
    out = tmp_path / "mc.html"
    assert main(["report", str(tutorial_mc_dir), "--out", str(out)]) == 0
    page = _parse(out)
    assert page.sections == list(SECTIONS["mc"])
    data = _payload(page)
    pairs = {(r["aircraft"], r["unit"]) for r in data["ledger"]}
    assert pairs == {("FIGHTER-1", "SAM"), ("HELO-1", "SAM")}
    for pair in pairs:  # the shares of each pair add up to all replications
        shares = [r["share"] for r in data["ledger"] if (r["aircraft"], r["unit"]) == pair]
        assert abs(sum(shares) - 1.0) < 1e-9
    assert "8 replications" in out.read_text()


def test_report_refuses_a_foreign_directory(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not an iadsim output directory" in capsys.readouterr().err
