"""The batch commands say what they will cost and how far they are (issue 28.3): the plan
line before starting, log lines when stderr is not a terminal, --resume on every long
command, every default in --help; refusals of the analysis layer in flag names."""

from __future__ import annotations

import io
import re

import pytest

from iadsim.cli import build_parser, main
from iadsim.cli._batch import flag_terms
from iadsim.errors import InputError, ValueRangeError
from iadsim.report.progress import Display, plan_line
from tests.builders import TUTORIAL

LONG = ("mc", "compare", "sweep", "attribute", "uncertainty", "case-study")


def _help(command: str) -> str:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sub.choices[command].format_help()


@pytest.mark.parametrize("command", LONG)
def test_help_shows_every_default_and_resume(command):
    text = re.sub(r"\s+", " ", _help(command))
    assert "--resume" in text
    assert "%%" not in text
    parser = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
    shown = 0
    for action in parser._actions:
        if action.default not in (None, False, "==SUPPRESS=="):
            assert f"(default: {action.default})" in text, action.dest
            shown += 1
    assert shown >= 3


def test_compare_help_says_95_percent_once():
    assert "95% confidence" in re.sub(r"\s+", " ", _help("compare"))


def test_mc_prints_the_plan_then_log_lines(tmp_path, capsys):
    assert main(["mc", str(TUTORIAL), "-n", "4", "--out", str(tmp_path / "m")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert re.fullmatch(
        r"replications: 4 replications to run, about \d+ s on 1 worker "
        r"\(\d+\.\d\d s per replication measured; .*\)",
        err[0],
    )
    assert err[-1].startswith("replications: 4/4 (100%), ")


def test_log_lines_every_tenth_and_at_the_end():
    out = io.StringIO()
    display = Display(per_rep_s=0.5, workers=2, stream=out)
    for done in range(0, 101):
        display(done, 100, "step")
    lines = out.getvalue().splitlines()
    assert lines[0] == plan_line("step", 100, 0.5, 2)
    assert "about 25 s on 2 workers" in lines[0]
    progress = [int(re.match(r"step: (\d+)/100", x).group(1)) for x in lines[1:]]
    assert progress == list(range(10, 101, 10))


def test_analysis_refusals_are_shown_with_the_flag():
    with pytest.raises(InputError) as err, flag_terms():
        raise ValueRangeError("must be at least 20, got 5", parameter="n_max")
    (problem,) = err.value.problems
    assert (problem.field, problem.message) == ("--n-max", "must be at least 20, got 5")


def test_attribute_n_max_below_n_reads_as_its_flags(tmp_path, capsys):
    rc = main(["attribute", str(TUTORIAL), "-n", "1", "--out", str(tmp_path / "a"), "--quiet"])
    assert rc == 2
    assert "-n: must be at least 2, got 1" in capsys.readouterr().err
