"""Bundled scenarios: a name works wherever a scenario file does, and the package's copies
are the repository's `scenarios/` files."""

from __future__ import annotations

from pathlib import Path

from iadsim.bundled import bundled, resolve
from iadsim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_files_are_the_repository_scenarios():
    files = bundled()
    assert set(files) == {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    for name, path in files.items():
        assert path.read_bytes() == (ROOT / "scenarios" / f"{name}.yaml").read_bytes()


def test_resolve_names_aliases_and_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no scenarios/ here
    caracas = bundled()["caracas-2026-01-03"]
    assert resolve("caracas") == str(caracas)
    assert resolve("caracas-2026-01-03.yaml") == str(caracas)
    assert resolve("scenarios/caracas-2026-01-03.yaml") == str(caracas)
    assert resolve("tutorial") == str(bundled()["tutorial"])
    assert resolve("elsewhere/tutorial.yaml") == "elsewhere/tutorial.yaml"  # a path stays one
    assert resolve("no-such-scenario") == "no-such-scenario"
    mine = tmp_path / "tutorial.yaml"
    mine.write_text("scenario: mine\n")
    assert resolve("tutorial.yaml") == "tutorial.yaml"  # an existing file wins over a name


def test_cli_takes_a_bundled_name_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "tutorial"]) == 0
    assert main(["examples", "ex"]) == 0
    assert (tmp_path / "ex" / "tutorial.yaml").exists()
    assert main(["examples", "ex"]) == 2
    assert "not overwritten" in capsys.readouterr().err
    assert main(["validate", "nope"]) == 2  # an unknown name is a missing file
