"""Event positions, added after the run: checked against a second computation straight from
the scenario file (waypoints -> ENU with pymap3d -> interpolation at the event's time)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pymap3d
import pytest
from ruamel.yaml import YAML

import iadsim
from iadsim.report.positions import POSITION_COLUMNS


def _yaml(path):
    return YAML(typ="safe").load(path.read_text())


def test_positions_match_the_scenario(tutorial_run_dir):
    from tests.builders import TUTORIAL

    sc = _yaml(TUTORIAL)
    lat0, lon0 = sc["origin"]["lat_deg"], sc["origin"]["lon_deg"]
    events = pq.read_table(tutorial_run_dir / "events.parquet").to_pylist()
    assert all(name in events[0] for name, _ in POSITION_COLUMNS)
    fighter = next(a for a in sc["raid"] if a["id"] == "FIGHTER-1")
    wp = fighter["route"]
    e, n, _ = pymap3d.geodetic2enu(
        np.array([w["lat_deg"] for w in wp]),
        np.array([w["lon_deg"] for w in wp]),
        0.0,
        lat0,
        lon0,
        0.0,
    )
    speed = 250.0  # the strike-fighter's cruise speed in the catalog (checked below)
    cat = _yaml(Path(iadsim.__file__).parent / "catalog" / "aircraft.yaml")
    assert cat["strike-fighter"]["cruise_speed_mps"] == speed
    knots = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(e), np.diff(n)) / speed)])
    killed = {r["aircraft"]: r["time_s"] for r in events if r["kind"] == "kill"}
    checked = 0
    for r in events:
        if r["aircraft"] != "FIGHTER-1":
            continue
        t = min(r["time_s"], killed.get("FIGHTER-1", math.inf))  # held at the kill point
        ee, nn = np.interp(t, knots, e), np.interp(t, knots, n)
        lat, lon, _ = pymap3d.enu2geodetic(ee, nn, 0.0, lat0, lon0, 0.0)
        assert r["aircraft_lat_deg"] == pytest.approx(float(lat), abs=1e-6)
        assert r["aircraft_lon_deg"] == pytest.approx(float(lon), abs=1e-6)
        assert r["aircraft_alt_m"] == pytest.approx(6000.0)
        checked += 1
    assert checked >= 3


def test_site_positions_and_real_nulls(tutorial_run_dir):
    from tests.builders import TUTORIAL

    sc = _yaml(TUTORIAL)
    units = {u["id"]: u["position"] for u in sc["units"]}
    sites = {s["id"]: s["position"] for s in sc["sites"]}
    events = pq.read_table(tutorial_run_dir / "events.parquet")
    rows = events.to_pylist()
    for r in rows:
        if r["kind"] == "strike":
            p = sites[r["component"]]
        elif r["unit"] in units:
            p = units[r["unit"]]
        else:
            continue
        assert (r["site_lat_deg"], r["site_lon_deg"]) == pytest.approx(
            (p["lat_deg"], p["lon_deg"]), abs=1e-6
        )
    # an event without an aircraft has a null aircraft position, not NaN
    no_ac = [r for r in rows if not r["aircraft"]]
    assert no_ac and all(r["aircraft_lat_deg"] is None for r in no_ac)
    assert events.column("aircraft_lat_deg").null_count == len(no_ac)


def test_run_files_hold_real_nulls_not_empty_strings_or_nan(tutorial_run_dir):
    for name in ("events.parquet", "ledger.parquet"):
        rows = pq.read_table(tutorial_run_dir / name).to_pylist()
        values = [v for r in rows for v in r.values()]
        assert "" not in values
        assert not any(isinstance(v, float) and math.isnan(v) for v in values)
        if name == "events.parquet":
            assert None in values  # "does not apply" is there, as a null
