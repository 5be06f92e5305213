"""Whether a defence radar held a firm track on a helicopter before it crossed the coastal
range: the per-aircraft record (first firm radar track, missiles by class) against the
replication's own event log, the crest against the real ground (SRTM: the lowest pass the
helicopters take is a saddle of about 950 m near 10.517 N, 66.943 W, docs/data.md), and the mc
summary's estimate against a count made here from the events."""

from __future__ import annotations

import json

import numpy as np
import pytest

from iadsim.analysis.crest import crest_times
from iadsim.analysis.metrics import component_classes
from iadsim.analysis.records import TABLES, radar_components, record_of
from iadsim.engine.rng import replication_seed
from iadsim.engine.run import prepare
from tests.builders import CARACAS


@pytest.fixture(scope="module")
def caracas():
    return prepare(CARACAS)


def test_the_record_per_aircraft_is_what_the_events_say(caracas):
    classes = component_classes(caracas.scenario)
    radars = radar_components(caracas)
    world = caracas.geometry.world
    assert radars and all(world.components[world.component_index[c]].is_radar for c in radars)
    for i in range(6):
        seed = replication_seed(1, i)
        result = caracas.replicate(seed)
        rec = record_of(i, seed, result, 0.0, classes=classes, radars=radars)
        rows = {r[1]: dict(zip(TABLES["aircraft"], r, strict=True)) for r in rec["aircraft"]}
        assert {a for a, r in rows.items() if not r["decoy"]} == {
            s["aircraft"] for s in result.aircraft
        }
        events = result.events.rows()
        for ac, row in rows.items():
            tracks = [
                e[0] for e in events if e[1] == "track_firm" and e[2] == ac and e[4] in radars
            ]
            want = min(tracks) if tracks else None
            assert row["first_radar_track_s"] == want
            for c in ("sam", "manpads", "gun"):
                mine = [e for e in events if e[2] == ac and classes.get(e[4]) == c]
                fired = sum(e[6] for e in mine if e[1] == "launch")
                fired += sum(1 for e in mine if e[1] == "gun_fire")  # a gun's bursts
                assert row[f"{c}_missiles"] == fired


def test_the_helicopters_crest_is_the_pass_on_the_real_ground(caracas):
    world = caracas.geometry.world
    crest = crest_times(caracas, climbing_only=True)
    helos = [a for a in world.aircraft if a.spec.category == "helicopter" and a.id in crest]
    assert helos
    lat0, lon0 = 10.517, -66.943  # the saddle of the lowest pass (docs/data.md)
    near = []
    for ac in helos:
        e, n, _ = ac.route.positions(np.array([crest[ac.id]]))[0]
        ground = float(world.ground_m(np.array([e]), np.array([n]))[0])
        assert 800.0 < ground < 1200.0, (ac.id, ground)  # a pass, not the 2,000 m summits
        lat, lon, _ = world.frame.to_geodetic(np.array([e, n, 0.0]))
        d_km = np.hypot((lat - lat0) * 111.0, (lon - lon0) * 111.0 * np.cos(np.radians(lat0)))
        near.append(d_km < 3.0)
    assert sum(near) >= 2  # the assault helicopters cross at the saddle
    decoys = {a.id for a in world.aircraft if a.spec.decoy}
    assert not decoys & set(crest)


def test_mc_summary_reports_the_track_before_the_crest(caracas, tmp_path):
    import iadsim

    n = 12
    iadsim.run_many(caracas, n, store=tmp_path / "mc")
    summary = json.loads((tmp_path / "mc" / "summary.json").read_text())
    crest = crest_times(caracas, climbing_only=True)
    assert summary["crest_s"] == pytest.approx(crest)
    got = {e["metric"]: e for e in summary["estimates"]}
    radars = radar_components(caracas)
    before = dict.fromkeys(crest, 0)
    for i in range(n):
        events = caracas.replicate(replication_seed(1, i)).events.rows()
        for ac, t in crest.items():
            first = [e[0] for e in events if e[1] == "track_firm" and e[2] == ac and e[4] in radars]
            before[ac] += bool(first and min(first) < t)
    for ac, k in before.items():
        e = got[f"{ac}.p_radar_track_before_crest"]
        assert e["mean"] == pytest.approx(k / n) and e["lo"] <= k / n <= e["hi"]
