"""Guns and damage in the engine (engine/guns.py): a gun site's bursts at a hovering
helicopter, against the outcome odds worked out by hand from the catalog numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.engagement.gunnery import burst_odds, p_round_hit
from iadsim.engine.guns import GUN_HEIGHT_M
from iadsim.engine.run import prepare
from iadsim.errors import ScenarioError
from iadsim.scenario.catalog import default_catalog
from tests.builders import aircraft, make_scenario, position, write_scenario

NORTH_M = 800.0  # the helicopter hovers this far north of the gun, 100 m up
HOVER_ALT_M = 100.0


def _scenario(tmp_path, atype: str, p_manned: float = 1.0, fires_back: bool = False):
    lat = 10.0 + NORTH_M / 110_574.0  # WGS84 metres per degree of latitude near 10 N
    spec = make_scenario(
        f"guns-{atype}",
        duration_s=150.0,
        environment={"night": True},
        raid=[
            aircraft(
                "H",
                atype,
                loadout={} if fires_back else {"range_m": 0.0},  # its door guns silent
                route=[
                    {"lat_deg": lat, "lon_deg": -66.0, "alt_m": HOVER_ALT_M, "loiter_s": 120},
                    {"lat_deg": lat + 0.5, "lon_deg": -66.0, "alt_m": HOVER_ALT_M},
                ],
            )
        ],
        guns=[
            {"id": "ZU", "type": "zu-23-2", "position": position(10.0, -66.0), "p_manned": p_manned}
        ],
        origin=(10.0, -66.0),
    )
    return prepare(write_scenario(tmp_path, spec, f"{atype}.yaml"))


def _hand_odds(atype: str) -> dict[str, float]:
    """Per replication: one ZU-23-2 (2 barrels x 5 rounds a burst, 100 rounds: m = 10 bursts
    at the hovering helicopter, the first 8 s after it is seen at t = 0, then every 3 s). A
    burst kills with k, makes it abort with a, else leaves it flying (s = 1 - k - a); firing
    stops at a kill or an abort: P(killed) = k (1 - s^m) / (1 - s), P(aborted) likewise with
    a, P(flies on damaged) = s^m - u^m, u = P(a burst does not hit)."""
    cat = default_catalog()
    gun, vul = cat.guns["zu-23-2"], cat.aircraft[atype].vulnerability
    slant = math.hypot(NORTH_M, HOVER_ALT_M - GUN_HEIGHT_M)
    p = p_round_hit(vul.presented_area_m2, slant, gun.dispersion_mrad)
    n = gun.barrels * gun.burst_rounds
    m = gun.rounds // n
    pk, pa = vul.p_kill_given_hit(gun.projectile), vul.p_abort_given_hit(gun.projectile)
    o = burst_odds(n, p, pk, pa)
    s = 1.0 - o.killed - o.aborted
    geometric = (1 - s**m) / (1 - s)
    return {
        "killed": o.killed * geometric,
        "aborted": o.aborted * geometric,
        "damaged_only": s**m - o.untouched**m,
        "bursts": m,
    }


@pytest.mark.parametrize("atype", ["transport-helicopter", "light-attack-helicopter"])
def test_gun_outcomes_match_the_hand_odds(tmp_path, atype):
    prepared = _scenario(tmp_path, atype)
    odds = _hand_odds(atype)
    n = 300
    counts = {"killed": 0, "aborted": 0, "damaged_only": 0}
    for seed in range(n):
        r = prepared.replicate(seed)
        ac = r.aircraft[0]
        if ac["killed"]:
            counts["killed"] += 1
        elif ac["aborted"]:
            counts["aborted"] += 1
        elif ac["damaged"]:
            counts["damaged_only"] += 1
        bursts = [row for row in r.events.rows() if row[1] == "gun_fire"]
        if not ac["killed"] and not ac["aborted"]:
            assert len(bursts) == odds["bursts"]  # the whole ready ammunition
            assert [b[0] for b in bursts[:2]] == [8.0, 11.0]
    for what, count in counts.items():
        p = odds[what]
        assert abs(count / n - p) < 4.5 * math.sqrt(p * (1 - p) / n) + 1e-9, (what, count, p)


def test_the_mh47_is_damaged_where_the_light_helicopter_is_lost(tmp_path):
    """The issue's test in the engine: hit by the same gun, the MH-47 class is lost in
    ~9% of the replications where it is hit at all and otherwise flies on damaged or
    aborts; the light helicopter is lost in ~42% (hand odds, `_hand_odds`: 0.0870 and
    0.4179)."""
    lost_if_hit = {}
    for atype in ("transport-helicopter", "light-attack-helicopter"):
        o = _hand_odds(atype)
        lost_if_hit[atype] = o["killed"] / (o["killed"] + o["aborted"] + o["damaged_only"])
    assert lost_if_hit["transport-helicopter"] == pytest.approx(0.0870, abs=5e-4)
    assert lost_if_hit["light-attack-helicopter"] == pytest.approx(0.4179, abs=5e-4)
    for atype, p in lost_if_hit.items():
        prepared = _scenario(tmp_path, atype)
        rows = [prepared.replicate(seed).aircraft[0] for seed in range(1000, 1400)]
        hit = [r for r in rows if r["damaged"] or r["killed"]]
        lost = sum(r["killed"] for r in hit)
        assert abs(lost / len(hit) - p) < 4.5 * math.sqrt(p * (1 - p) / len(hit)), atype
        if atype == "transport-helicopter":
            assert len(hit) - lost > 5 * lost  # damaged and not lost, mostly


def test_damage_is_its_own_outcome_in_ledger_and_events(tmp_path):
    prepared = _scenario(tmp_path, "transport-helicopter")
    for seed in range(200):
        r = prepared.replicate(seed)
        ac = r.aircraft[0]
        if ac["damaged"] and not ac["killed"]:
            break
    else:
        pytest.fail("no damaged helicopter in 200 replications")
    kinds = [row[1] for row in r.events.rows()]
    assert "damaged" in kinds and "kill" not in kinds
    ledger = r.ledger.table().to_pylist()
    row = next(x for x in ledger if x["unit"] == "ZU")
    assert (row["stage"], row["reason"]) == ("intercepted", "DAMAGED")


def test_return_fire_at_the_bursts_silences_the_gun(tmp_path):
    """The helicopter's door guns (catalog: 1,500 m, p_hit 0.3, 8 s reaction, again after
    60 s) answer the bursts: the gun is silenced in the replications where a reply hits,
    fires fewer bursts on average, and never after its silencing."""
    prepared = _scenario(tmp_path, "transport-helicopter", fires_back=True)
    silenced, bursts = 0, []
    for seed in range(60):
        rows = prepared.replicate(seed).events.rows()
        out = [r[0] for r in rows if r[1] == "destroyed" and r[5] == "return fire on a gun"]
        fired = [r[0] for r in rows if r[1] == "gun_fire"]
        bursts.append(len(fired))
        if out:
            silenced += 1
            assert all(t < out[0] for t in fired)
    assert silenced > 0
    assert np.mean(bursts) < _hand_odds("transport-helicopter")["bursts"]


def test_an_unmanned_gun_does_not_fire(tmp_path):
    prepared = _scenario(tmp_path, "light-attack-helicopter", p_manned=0.0)
    r = prepared.replicate(1)
    assert not [row for row in r.events.rows() if row[1] == "gun_fire"]
    row = next(x for x in r.ledger.table().to_pylist() if x["unit"] == "ZU")
    assert (row["stage"], row["reason"]) == ("detected", "CREW_NOT_READY")


def test_an_unknown_gun_type_names_file_line_and_field(tmp_path):
    spec = make_scenario(
        "bad-gun",
        raid=[aircraft("H", "transport-helicopter", [(10.0, -66.0, 100), (10.1, -66.0, 100)])],
        guns=[{"id": "G", "type": "zu-99", "position": position(10.0, -66.0)}],
    )
    path = write_scenario(tmp_path, spec)
    with pytest.raises(ScenarioError) as err:
        prepare(path)
    text = str(err.value)
    assert "guns[0].type" in text and "zu-99" in text and str(path) in text
    assert np.any([p.line is not None for p in err.value.problems])
