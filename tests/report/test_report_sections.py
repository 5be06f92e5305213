"""The comparison and attribution sections of the report, from the JSON those commands write
(shapes as analysis.compare and analysis.attribution produce them)."""

from __future__ import annotations

import json
import re

import pytest

from iadsim.cli import main
from iadsim.io.outdir import write_manifest
from iadsim.report.charts import tornado_svg

ATTRIBUTION = {
    "groups": ["connectivity", "storage", "crews"],
    "n_replications": 20,
    "observed": {"mean": 0.8, "lo": 0.5, "hi": 1.1},
    "designed": {"mean": 4.9, "lo": 4.7, "hi": 5.0},
    "effects": [
        {"group": "connectivity", "shapley": {"mean": 0.7, "lo": 0.4, "hi": 1.0}, "share": 0.17},
        {"group": "storage", "shapley": {"mean": 0.4, "lo": 0.1, "hi": 0.7}, "share": 0.10},
        {"group": "crews", "shapley": {"mean": 3.0, "lo": 2.5, "hi": 3.5}, "share": 0.73},
    ],
}


def test_tornado_bars_largest_first_with_lengths_in_proportion():
    svg = tornado_svg([("a", 0.5, 0.2, 0.8), ("b", -2.0, -2.5, -1.5), ("c", 1.0, 0.5, 1.5)])
    labels = re.findall(r'text-anchor="end">([^<]+)<', svg)
    assert labels == ["b", "c", "a"]
    widths = [float(w) for w in re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]
    assert widths[1] / widths[2] == pytest.approx(2.0, rel=1e-3)
    assert widths[0] / widths[2] == pytest.approx(4.0, rel=1e-3)


def test_attribution_directory_report(tmp_path):
    (tmp_path / "attribution.json").write_text(json.dumps(ATTRIBUTION))
    write_manifest(tmp_path, "attribute")  # as `iadsim attribute` writes it, last
    assert main(["report", str(tmp_path)]) == 0
    html = (tmp_path / "report.html").read_text()
    section = html[html.index('<section id="attribution">') :]
    section = section[: section.index("</section>")]
    assert "As designed 4.9, observed 0.8 (20 replications)" in section
    for group, share in (("crews", "73%"), ("connectivity", "17%"), ("storage", "10%")):
        assert group in section and share in section
    assert "<svg" in section  # the tornado


def test_compare_directory_report(tmp_path):
    def row(variant, metric, diff):
        return {
            "variant": variant,
            "label": f"{variant} change",
            "metric": metric,
            "kind": "mean",
            "n": 8,
            "base_mean": 1.0,
            "variant_mean": 1.0 + diff,
            "diff": diff,
            "lo": diff - 0.1,
            "hi": diff + 0.1,
            "changed": 3,
        }

    report = {
        "scenario": "tutorial",
        "n": 8,
        "root_seed": 1,
        "notional": True,
        "variants": [{"name": "base", "label": ""}, {"name": "links", "label": "links up"}],
        "differences": [
            row("links", "mean_killed", 0.5),
            row("links", "mean_detected", 0.25),
            row("links", "HELO-1.first_detected_s", -120.0),
        ],
    }
    (tmp_path / "compare.json").write_text(json.dumps(report))
    write_manifest(tmp_path, "compare")  # as `iadsim compare` writes it, last
    assert main(["report", str(tmp_path)]) == 0
    html = (tmp_path / "report.html").read_text()
    section = html[html.index('<section id="compare">') :]
    section = section[: section.index("</section>")]
    svg = section[section.index("<svg") : section.index("</svg>")]
    # the tornado has one unit (aircraft killed); the table lists every metric
    assert "links: mean_killed" in svg and "first_detected_s" not in svg
    assert "HELO-1.first_detected_s" in section and "-120" in section
