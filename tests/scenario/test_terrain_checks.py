"""Scenario checks against the DEM: aircraft under the terrain refused at FILE:LINE, site
altitudes far from the DEM warned."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.errors import ScenarioError
from iadsim.geo.terrain import Terrain
from iadsim.scenario.load import load_scenario
from tests.builders import CARACAS


def _variant(tmp_path, old: str, new: str):
    text = CARACAS.read_text()
    assert old in text
    path = tmp_path / "caracas.yaml"
    path.write_text(text.replace(old, new, 1))
    return path, path.read_text().splitlines()


def test_the_caracas_helicopters_no_longer_wait_underground() -> None:
    sc = load_scenario(CARACAS)
    dem = Terrain.from_geotiff(sc.terrain_path)
    for ac in sc.spec.raid:
        for wp in ac.route or []:
            ground = float(dem.elevation(np.array([wp.lat_deg]), np.array([wp.lon_deg]))[0])
            assert wp.alt_m >= ground, (ac.id, wp)


def test_a_loiter_under_the_terrain_is_refused_at_its_line(tmp_path) -> None:
    old = "{lat_deg: 10.442, lon_deg: -66.910, alt_m: 1110, loiter_s: 1200}"
    path, lines = _variant(tmp_path, old, old.replace("1110", "950"))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (p,) = exc.value.problems
    assert "alt_m: 950" in lines[p.line - 1]
    assert p.field == "raid[0].route[4].alt_m"
    assert "loiter point at 950 m MSL is 142 m under the terrain" in p.message


def test_a_stated_clearance_is_enforced(tmp_path) -> None:
    old = "  - id: HELO-1\n    type: transport-helicopter\n"
    path, _ = _variant(tmp_path, old, old + "    min_clearance_m: 60\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    # the Fuerte Tiuna loiter is ~18 m above the DEM, the coast points 50 m above the sea
    # (the first and last points lie off the DEM: not checked)
    by_field = {p.field: p.message for p in exc.value.problems}
    assert sorted(by_field) == [f"raid[0].route[{j}].alt_m" for j in (1, 4, 6)]
    assert "loiter point at 1110 m MSL is only 18 m above" in by_field["raid[0].route[4].alt_m"]


def test_a_site_altitude_far_from_the_dem_is_warned(tmp_path) -> None:
    old = "position: {lat_deg: 10.425, lon_deg: -66.925}"
    path, lines = _variant(
        tmp_path, old, "position: {lat_deg: 10.425, lon_deg: -66.925, alt_m: 1100}"
    )
    sc = load_scenario(path)  # a warning, not a refusal
    (w,) = sc.warnings
    assert w.field == "units[0].position.alt_m" and "alt_m: 1100" in lines[w.line - 1]
    assert "43 m above the DEM (1057 m)" in w.message
    assert load_scenario(CARACAS).warnings == ()
