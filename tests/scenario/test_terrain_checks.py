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


def _ground(lat: float, lon: float) -> float:
    dem = Terrain.from_geotiff(load_scenario(CARACAS).terrain_path)
    return float(dem.elevation(np.array([lat]), np.array([lon]))[0])


# an extra aircraft flying by MSL altitude, inserted before the strike fighter (raid[4])
PROBE = """  - id: PROBE
    type: transport-helicopter
    altitude_mode: msl
    route:
      - {{lat_deg: 10.70, lon_deg: -66.95, alt_m: 100}}
      - {{lat_deg: 10.442, lon_deg: -66.909, alt_m: {alt}, loiter_s: 60}}
"""
STRIKER = "  # Strike fighters at medium altitude"


def test_the_caracas_raid_never_flies_underground() -> None:
    """Every aircraft, at every second of its route (terrain-following or not), is at or
    above the DEM under it."""
    from iadsim.engine.world import build_world

    world = build_world(load_scenario(CARACAS))
    for ac in world.aircraft:
        t = np.arange(ac.route.start_s, ac.route.end_s, 1.0)
        pos = ac.route.positions(t, world.ground_m)
        ground = world.ground_m(pos[:, 0], pos[:, 1])
        assert (pos[:, 2] >= ground - 1e-6).all(), ac.id


def test_a_loiter_under_the_terrain_is_refused_at_its_line(tmp_path) -> None:
    path, lines = _variant(tmp_path, STRIKER, PROBE.format(alt=850) + STRIKER)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (p,) = exc.value.problems
    assert "alt_m: 850" in lines[p.line - 1]
    assert p.field == "raid[4].route[1].alt_m"
    under = _ground(10.442, -66.909) - 850
    assert f"loiter point at 850 m MSL is {under:.0f} m under the terrain" in p.message


def test_a_stated_clearance_is_enforced(tmp_path) -> None:
    """MSL: a point less than the clearance above the DEM; AGL: a height under it."""
    old = "  - id: HELO-1\n    type: transport-helicopter\n"
    probe = PROBE.format(alt=1000).replace(
        "altitude_mode: msl\n", "altitude_mode: msl\n    min_clearance_m: 100\n"
    )
    path, _ = _variant(tmp_path, STRIKER, probe + STRIKER)
    path.write_text(path.read_text().replace(old, old + "    min_clearance_m: 25\n", 1))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    by_field = {p.field: p.message for p in exc.value.problems}
    # HELO-1 (terrain-following) lands twice at 10 m above the ground; the probe's loiter
    # is ~70 m above the DEM (its first point lies off the DEM: not checked)
    assert sorted(by_field) == sorted(
        ["raid[0].route[8].alt_m", "raid[0].route[15].alt_m", "raid[4].route[1].alt_m"]
    )
    assert (
        "loiter point at 10 m above ground is under the stated min_clearance_m 25 m"
        in (by_field["raid[0].route[8].alt_m"])
    )
    above = 1000 - _ground(10.442, -66.909)
    assert (
        f"loiter point at 1000 m MSL is only {above:.0f} m above"
        in by_field["raid[4].route[1].alt_m"]
    )


def test_a_site_altitude_far_from_the_dem_is_warned(tmp_path) -> None:
    old = "position: {lat_deg: 10.415, lon_deg: -66.9325}"
    path, lines = _variant(
        tmp_path, old, "position: {lat_deg: 10.415, lon_deg: -66.9325, alt_m: 1300}"
    )
    sc = load_scenario(path)  # a warning, not a refusal
    (w,) = sc.warnings
    assert w.field == "units[0].position.alt_m" and "alt_m: 1300" in lines[w.line - 1]
    ground = _ground(10.415, -66.9325)
    assert f"{1300 - ground:.0f} m above the DEM ({ground:.0f} m)" in w.message
    assert load_scenario(CARACAS).warnings == ()


@pytest.mark.parametrize(
    "terrain, needle",
    [("/dev/null", "not a regular file"), (".", "is a directory"), ("no.tif", "file not found")],
)
def test_a_terrain_that_is_not_a_file_is_named_for_what_it_is_at_its_line(
    tmp_path, terrain, needle
) -> None:
    path, lines = _variant(tmp_path, "terrain: builtin:caracas", f"terrain: {terrain}")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    (p,) = exc.value.problems
    assert p.field == "terrain" and lines[p.line - 1].startswith("terrain:")
    assert needle in p.message, p.message
