"""`validate` makes the checks `run` makes (issue 29): over mutated scenarios, run refuses
exactly what validate refuses, and what validate accepts runs to the end; both end in exit 0
or exit 2 with a located message, never a traceback. A defence with no units is accepted
because it runs: the raid flies unopposed."""

from __future__ import annotations

import json

from hypothesis import given
from ruamel.yaml import YAML

from iadsim.cli import main
from tests.builders import TUTORIAL
from tests.fuzzing import apply_edits, dump_yaml, fuzz, scenario_edits

BASE = YAML(typ="safe").load(TUTORIAL.read_text())


def _no_defence() -> dict:
    spec = dict(BASE, units=[])
    spec["network"] = dict(BASE["network"], links=[])
    for key in ("sites", "strikes", "observations"):
        spec.pop(key, None)
    return spec


def _both(path, out, capsys) -> tuple[int, int]:
    """(exit code of validate, exit code of run); neither may print a traceback."""
    rc_validate = main(["validate", str(path)])
    rc_run = main(["run", str(path), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert rc_validate in (0, 2) and rc_run in (0, 2)
    return rc_validate, rc_run


def test_a_scenario_without_units_validates_runs_and_reports(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(dump_yaml(_no_defence()))
    for tracker in ("mofn", "kalman"):
        out = tmp_path / tracker
        assert _both(path, out, capsys) == (0, 0)
        assert main(["run", str(path), "--out", str(out), "--tracker", tracker, "--quiet"]) == 0
        summary = json.loads((out / "summary.json").read_text())
        assert [a["aircraft"] for a in summary["aircraft"]] == [a["id"] for a in BASE["raid"]]
        assert not any(a["detected"] or a["killed"] for a in summary["aircraft"])
        assert summary["ledger"] == []
        assert main(["report", str(out)]) == 0
        assert (out / "report.html").is_file()
    mc = tmp_path / "mc"
    assert main(["mc", str(path), "-n", "2", "--workers", "1", "--out", str(mc), "--quiet"]) == 0
    assert main(["report", str(mc)]) == 0
    assert "Traceback" not in capsys.readouterr().err


@fuzz(6, 300)
@given(edits=scenario_edits(BASE))
def test_run_refuses_exactly_what_validate_refuses(tmp_path_factory, capsys, edits):
    text = dump_yaml(apply_edits(BASE, edits))
    if text is None:
        return
    where = tmp_path_factory.mktemp("agree")
    path = where / "s.yaml"
    path.write_text(text)
    rc_validate, rc_run = _both(path, where / "out", capsys)
    assert rc_run == rc_validate, text
