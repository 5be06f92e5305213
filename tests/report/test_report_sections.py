"""The comparison and attribution sections of the report, from the JSON those commands write
(shapes as analysis.compare and analysis.attribution produce them)."""

from __future__ import annotations

import json
import re

import pytest

from iadsim.cli import main
from iadsim.io.outdir import write_manifest
from iadsim.report.charts import tornado_svg


def _iv(mean, lo, hi):
    return {"mean": mean, "lo": lo, "hi": hi}


ATTRIBUTION = {  # the shape analysis.attribution.Attribution.to_dict writes
    "groups": ["connectivity", "storage", "crews"],
    "metric": "killed",
    "n_replications": 20,
    "rounds": [20],
    "observed": _iv(0.8, 0.5, 1.1),
    "designed": _iv(4.9, 4.7, 5.0),
    "total": _iv(4.1, 3.7, 4.4),
    "effects": [
        {
            "group": g,
            "shapley": _iv(m, m - 0.3, m + 0.3),
            "share": m / 4.1,
            "share_interval": _iv(m / 4.1, -5.55e-17, m / 4.1 + 0.05),
            "main_effect": _iv(m, m - 0.3, m + 0.3),
            "total_effect": _iv(m + 0.1, m - 0.2, m + 0.4),
        }
        for g, m in (("connectivity", 0.7), ("storage", 0.4), ("crews", 3.0))
    ],
    "interactions": [{"groups": ["connectivity", "storage"], **_iv(0.2, 0.0, 0.4)}],
    "subset_means": [{"as_designed": [], "mean": 0.8}, {"as_designed": ["crews"], "mean": 3.8}],
    "target_half_width": 0.03,
    "max_share_half_width": 0.025,
    "reached_target": True,
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
    assert "As designed 4.90 (4.70 to 5.00); observed 0.80 (0.50 to 1.10)" in section
    assert "20 replications per subset" in section
    for group, share in (("crews", "73%"), ("connectivity", "17%"), ("storage", "9.8%")):
        assert group in section and share in section
    assert "e-17" not in section and "0% to 15%" in section  # storage: 0.4 / 4.1 + 0.05 = 14.8%
    assert "connectivity x storage" in section  # the interactions
    assert "<svg" in section  # the tornado
    assert "<title>iadsim: (scenario not recorded)" in html  # no stores here to name it


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
    # the tornado has one unit (aircraft killed); the table lists every metric, side by side
    assert ">links<" in svg and "first_detected_s" not in svg
    assert (
        "HELO-1.first_detected_s" in section and "-119.00 (-120.00; -120.10 to -119.90)" in section
    )
    assert "<title>iadsim: tutorial</title>" in html
    assert "a single replication" not in html  # no empty Monte Carlo section
