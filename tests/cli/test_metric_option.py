"""--metric, one registry for every batch command (analysis.metrics): the same names and the
same default in mc, compare, sweep, attribute and case-study, and what each does with it."""

from __future__ import annotations

import csv
import json

import pytest

from iadsim.analysis.metrics import DEFAULT_METRIC, NAMES
from iadsim.cli import build_parser, main
from tests.builders import TUTORIAL


def _option(command: str):
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    parser = sub.choices[command]
    return next(a for a in parser._actions if "--metric" in a.option_strings)


@pytest.mark.parametrize("command", ["mc", "sweep", "attribute", "case-study"])
def test_one_registry_one_default(command):
    opt = _option(command)
    assert opt.default == DEFAULT_METRIC == "killed"
    assert tuple(opt.choices) == NAMES and "sam_launches" in NAMES


def test_compare_takes_a_registry_name_by_default():
    assert _option("compare").default == DEFAULT_METRIC


def test_mc_headline_is_the_chosen_metric(tmp_path, capsys):
    out = tmp_path / "mc"
    assert main(["mc", str(TUTORIAL), "-n", "4", "--out", str(out), "--quiet",
                 "--metric", "any_sam_launches"]) == 0  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    h = summary["headline"]
    assert h["metric"] == "any_sam_launches" and h["kind"] == "proportion" and h["n"] == 4
    assert "at least one: launches by the SAM batteries" in capsys.readouterr().out
    assert any(r["metric"] == "p_any_sam_launches" for r in summary["convergence"])


def test_compare_and_sweep_rank_and_show_the_chosen_metric(tmp_path, capsys):
    out = tmp_path / "cmp"
    rc = main(["compare", str(TUTORIAL), "-n", "3", "--out", str(out), "--quiet",
               "--set", "units.SAM.c2_mode=autonomous", "--metric", "sam_launches"])  # fmt: skip
    assert rc == 0
    with open(out / "compare.csv") as f:
        assert any(r["metric"] == "mean_sam_launches" for r in csv.DictReader(f))
    assert (out / "tornado.png").exists()
    bad = ["compare", str(TUTORIAL), "-n", "3", "--out", str(tmp_path / "c2"), "--quiet",
           "--set", "units.SAM.c2_mode=autonomous", "--metric", "sam_launch"]  # fmt: skip
    assert main(bad) == 2
    assert "sam_launches" in capsys.readouterr().err
    rc = main(["sweep", str(TUTORIAL), "-n", "2", "--out", str(tmp_path / "sw"), "--quiet",
               "--param", "units.SAM.c2_mode=autonomous,centralized",
               "--metric", "manpads_kills"])  # fmt: skip
    assert rc == 0
    with open(tmp_path / "sw" / "sweep.csv") as f:
        assert "mean_manpads_kills" in next(csv.reader(f))
