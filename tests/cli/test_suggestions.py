"""The command line helps a person who mistypes: "did you mean" for commands and options, a
missing file refused at once (before the heavy layers load), examples described in words."""

from __future__ import annotations

import subprocess
import sys

import pytest

from iadsim.cli import main
from tests.builders import TUTORIAL


def _exit(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    return capsys.readouterr().err


def test_a_mistyped_command_or_option_gets_a_suggestion(capsys):
    assert "did you mean run?" in _exit(["rnu"], capsys)
    assert "did you mean --seed" in _exit(["run", str(TUTORIAL), "--sed", "3"], capsys)
    assert "did you mean" not in _exit(["run", str(TUTORIAL), "--zzzzzz"], capsys)


def test_a_missing_file_is_refused_before_the_heavy_imports():
    code = (
        "import sys; from iadsim.cli import main; rc = main(['run', 'nothere.yaml']); "
        "print(rc, 'numpy' in sys.modules, 'iadsim.engine' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["2", "False", "False"]
    assert "nothere.yaml: no such scenario file (or a bundled name: caracas" in out.stderr


def test_report_of_a_missing_directory_is_named(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope")]) == 2
    assert "nope: no such directory" in capsys.readouterr().err


def test_examples_describe_scenarios_and_not_the_ranges_file(capsys):
    assert main(["examples"]) == 0
    lines = capsys.readouterr().out.splitlines()
    caracas = next(line for line in lines if line.startswith("caracas-2026-01-03 "))
    assert not caracas.endswith(">") and len(caracas) > 60  # the folded description, read
    ranges = [line for line in lines if ".ranges" in line]
    assert ranges == [
        "caracas-2026-01-03.ranges.yaml: ranges for `iadsim uncertainty --ranges` (copy them out)"
    ]
