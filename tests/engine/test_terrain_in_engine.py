"""Terrain in the engine: the coastal range hides a low helicopter from valley radars, the
ledger says TERRAIN_MASKED, and detection comes later than on a flat earth."""

from __future__ import annotations

import numpy as np
import rasterio

from iadsim.cli import main
from iadsim.engine.radar_picture import OK
from iadsim.engine.run import prepare
from iadsim.killchain import CODE_TERRAIN_MASKED
from iadsim.scenario import load_scenario
from iadsim.scenario.load import Scenario, resolve_links
from iadsim.scenario.schema import ScenarioSpec
from tests.builders import (
    CARACAS,
    aircraft,
    make_scenario,
    sam_battery,
    write_scenario,
)

COAST = make_scenario(
    "coast",
    start_utc="2026-01-03T06:00:00Z",
    duration_s=900,
    origin=(10.485, -66.880),
    terrain="builtin:caracas",
    units=[sam_battery("BUK", at=(10.478, -66.862))],
    raid=[
        # along the coast, north of the crest, 40 m above the sea
        aircraft("HELO", "transport-helicopter", [(10.625, -67.05, 40), (10.625, -66.65, 40)])
    ],
)


def test_helicopter_below_the_crest_is_never_engaged_terrain_masked(tmp_path):
    path = write_scenario(tmp_path, COAST, "coast.yaml")
    prepared = prepare(load_scenario(path))
    for seed in range(3):
        (row,) = prepared.replicate(seed).ledger.table().to_pylist()
        assert row["stage"] == "in_envelope"  # 17 km from the battery: inside its 45 km
        assert row["reason"] == "TERRAIN_MASKED"


def _without_terrain(scenario: Scenario) -> Scenario:
    data = scenario.spec.model_dump(by_alias=True, exclude_none=True)
    data.pop("terrain")
    spec = ScenarioSpec.model_validate(data)
    return Scenario(spec, scenario.catalog, scenario.path, resolve_links(spec, scenario.catalog))


def _first_visible_s(prepared, sensor_id: str, aircraft: int) -> float:
    world = prepared.geometry.world
    geo = prepared.geometry.sensors[world.component_index[sensor_id]]
    seen = (geo.geo_code[aircraft] == OK) & geo.airborne[aircraft]
    return float(geo.times_s[np.argmax(seen)]) if seen.any() else np.inf


def test_terrain_delays_detection_of_the_raid(caracas_prepared):
    flat = prepare(_without_terrain(load_scenario(CARACAS)))
    for sensor in ("BUK-BTY/acq-radar", "S300-BN/engage-radar"):
        t_terrain = _first_visible_s(caracas_prepared, sensor, 0)
        t_flat = _first_visible_s(flat, sensor, 0)
        assert t_terrain > t_flat + 60.0, (sensor, t_terrain, t_flat)
    geo = caracas_prepared.geometry.sensors[
        caracas_prepared.geometry.world.component_index["BUK-BTY/acq-radar"]
    ]
    assert (geo.geo_code[0] == CODE_TERRAIN_MASKED).any()


def test_coverage_command_shows_the_shadow_north_of_the_crest(tmp_path):
    out = tmp_path / "cov"
    rc = main(["coverage", str(CARACAS), "--altitude-agl", "60", "--out", str(out), "--step", "6"])
    assert rc == 0
    with rasterio.open(out / "pd_BUK-BTY_acq-radar.tif") as ds:
        pd = ds.read(1)
        row_sea, col = ds.index(-66.86, 10.62)  # over the sea, beyond the crest
        row_valley, col_v = ds.index(-66.85, 10.49)  # in the valley, ~2 km from the radar
    assert pd[row_sea, col] < 0.01
    assert pd[row_valley, col_v] > 0.5
    assert (out / "pd_combined.png").stat().st_size > 1000
