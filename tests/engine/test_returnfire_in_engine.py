"""Return fire in the engine: anti-radiation missiles against emitting radars (not against
silent ones), and fire back at a launch that disables the launcher."""

from __future__ import annotations

from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from tests.builders import aircraft, make_scenario, sam_battery, write_scenario


def sead(c2_mode: str) -> dict:
    """A battery under a strike fighter that loiters 50 km north for five minutes."""
    route = [
        (10.9, -66.0, 6000),
        {"lat_deg": 10.45, "lon_deg": -66.0, "alt_m": 6000, "loiter_s": 300},
        (10.9, -66.0, 6000),
    ]
    return make_scenario(
        "sead",
        duration_s=900,
        units=[sam_battery("SAM", at=(10.0, -66.0, 0), c2_mode=c2_mode)],
        # carries two anti-radiation missiles (catalog, notional)
        raid=[aircraft("F1", "strike-fighter", route)],
    )


def events_over_seeds(tmp_path, mode: str, seeds=range(20)):
    path = write_scenario(tmp_path, sead(mode), f"{mode}.yaml")
    prepared = prepare(load_scenario(path))
    return [prepared.replicate(s).events.table().to_pylist() for s in seeds]


def test_anti_radiation_missiles_hit_emitting_radars(tmp_path):
    runs = events_over_seeds(tmp_path, "centralized")
    shots = [
        e
        for ev in runs
        for e in ev
        if e["kind"] == "return_fire" and e["detail"] == "anti-radiation"
    ]
    kills = [
        e
        for ev in runs
        for e in ev
        if e["kind"] == "destroyed" and e["detail"] == "anti-radiation missile"
    ]
    assert shots and kills
    assert all(e["aircraft"] == "F1" for e in shots)
    # two rounds per aircraft: never more than two shots in a replication
    assert max(sum(e["detail"] == "anti-radiation" for e in ev) for ev in runs) <= 2
    # p_hit 0.7 (catalog): the fraction of shots that disable is near it (4 sigma)
    p = len(kills) / len(shots)
    assert abs(p - 0.7) < 4 * (0.7 * 0.3 / len(shots)) ** 0.5


def test_silent_radars_are_not_targeted(tmp_path):
    # in emission control with no outside sensor to cue it, the battery never radiates
    runs = events_over_seeds(tmp_path, "emcon", seeds=range(5))
    assert not any(e["detail"] == "anti-radiation" for ev in runs for e in ev)
