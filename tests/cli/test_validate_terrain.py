"""`iadsim validate` names where the scenario's elevation data comes from."""

from __future__ import annotations

from iadsim.cli import main
from tests.builders import CARACAS


def test_validate_prints_the_dem_provenance(capsys) -> None:
    assert main(["validate", str(CARACAS)]) == 0
    out = capsys.readouterr().out
    assert "terrain: builtin:caracas: SRTM3 (3 arc-second)" in out
    assert "N10W068,N10W067" in out
