"""The sector command post (engine.sector): weapon-target assignment across batteries.

Two S-125-class batteries (one fire channel each) and two aircraft flying south between
them, A ahead of B: on their own both batteries take the nearest target, A; under a sector
post they take one each. A battery cut off from the post chooses for itself again; the
early-warning tracks that reach the batteries through the post are lost with it, naming it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare
from iadsim.killchain import Reason
from iadsim.network.kinds import MessageKind
from tests.builders import aircraft, component, link, make_scenario, unit, write_scenario


def s125(id: str, at: tuple[float, ...], **extra) -> dict:
    comps = [
        component("snr", "engagement-radar-sr"),
        component("cp", "command-post-mr"),
        component("launcher-1", "launcher-sr"),
        component("launcher-2", "launcher-sr"),
    ]
    return unit(id, "sam-low-altitude", comps, at=at, crew={"proficiency": "elite"}, **extra)


def two_batteries(higher: bool = True, links_up: bool = True, ew: bool = False) -> dict:
    """SAM-1 and SAM-2 west and east of the aircraft's track; a sector post (no generator:
    it always has power) linked by radio to both battery posts; optionally an early-warning
    radar that reports to the sector post only."""
    sub = {"higher": "SECTOR/cp"} if higher else {}
    units = [
        s125("SAM-1", (10.0, -66.03, 0), **sub),
        s125("SAM-2", (10.0, -65.95, 0), **sub),
        unit("SECTOR", "sector-command-post", [component("cp", "command-post-sector")],
             at=(10.1, -66.0, 0), power=[]),
    ]  # fmt: skip
    links = [link("SECTOR/cp", f"SAM-{i}/cp", kind="radio", up=links_up) for i in (1, 2)]
    if ew:
        units.append(unit("EW", "early-warning-site", [component("radar", "early-warning-radar")],
                          at=(10.2, -66.1, 0)))  # fmt: skip
        links.append(link("EW/radar", "SECTOR/cp", kind="cable"))
    raid = [
        aircraft("A", "ew-aircraft", [(10.30, -66.0, 3000), (9.70, -66.0, 3000)], jamming=False),
        aircraft("B", "ew-aircraft", [(10.31, -66.0, 3000), (9.71, -66.0, 3000)], jamming=False),
    ]
    return make_scenario("sector", units=units, raid=raid, links=links, duration_s=300)


def events(prepared, seed: int, kind: str) -> list[dict]:
    rows = prepared.replicate(seed).events.table().to_pylist()
    return [r for r in rows if r["kind"] == kind]


def first_target(decisions: list[dict], unit_id: str) -> str:
    return next(d["aircraft"] for d in decisions if d["unit"] == unit_id)


SEEDS = range(4)


def test_without_a_sector_post_both_batteries_fire_at_the_nearest(tmp_path):
    prepared = prepare(write_scenario(tmp_path, two_batteries(higher=False)))
    for seed in SEEDS:
        ds = events(prepared, seed, "launch_decision")
        assert first_target(ds, "SAM-1") == first_target(ds, "SAM-2") == "A"


def test_a_sector_post_gives_the_batteries_one_target_each(tmp_path):
    prepared = prepare(write_scenario(tmp_path, two_batteries()))
    delay = prepared.geometry.world.units[2].spec.processing_delay_s
    for seed in SEEDS:
        ds = events(prepared, seed, "launch_decision")
        orders = events(prepared, seed, "target_assigned")
        assert {first_target(ds, "SAM-1"), first_target(ds, "SAM-2")} == {"A", "B"}
        for d in ds:  # every launch decision follows an order in force for that pair
            given = [
                o["time_s"]
                for o in orders
                if (o["aircraft"], o["unit"]) == (d["aircraft"], d["unit"])
                and o["time_s"] + delay <= d["time_s"]
            ]
            assert given, d
            assert all(o["component"] == "SECTOR/cp" for o in orders)


def test_cut_from_the_sector_post_the_batteries_choose_for_themselves(tmp_path):
    """Both radio links to the post down: no orders reach them, so they decide exactly as
    batteries without a sector post (same decisions, same times)."""
    cut = prepare(write_scenario(tmp_path, two_batteries(links_up=False), "cut.yaml"))
    alone = prepare(write_scenario(tmp_path, two_batteries(higher=False), "alone.yaml"))
    for seed in SEEDS:
        a = events(cut, seed, "launch_decision")
        b = events(alone, seed, "launch_decision")
        assert a == b
        assert first_target(a, "SAM-1") == first_target(a, "SAM-2") == "A"


def hand_pk(max_range_m: float, base: float, r: float) -> float:
    """The catalog's S-125-class Pk by hand: base x range factor (1 to 60 % of max range,
    then linear to 0.4 at max range)."""
    knee = 0.6 * max_range_m
    if r <= knee:
        return base
    return base * (1.0 - 0.6 * (r - knee) / (max_range_m - knee))


def test_one_cycle_maximises_the_expected_kills_by_hand(tmp_path):
    """At a time when both batteries can take both aircraft, one assignment cycle (a fresh
    post, no standing orders) gives the pairing of the larger summed Pk, computed by hand
    from the ranges and the catalog's Pk numbers."""
    prepared = prepare(write_scenario(tmp_path, two_batteries()))
    rep = Replication(prepared.geometry, 0)
    rep.run()
    sector, fight = rep.fight.sector, rep.fight
    post = sector.posts[0]
    chains = fight.chains
    t = 60.0
    ks = [int(np.searchsorted(c.geo.times_s, t, side="right")) - 1 for c in chains]
    r = {(ci, a): float(chains[ci].geo.range_m[a, ks[ci]]) for ci in (0, 1) for a in (0, 1)}
    p = {key: hand_pk(25000.0, 0.5, rng) for key, rng in r.items()}
    best = max(itertools.permutations((0, 1)), key=lambda perm: p[0, perm[0]] + p[1, perm[1]])
    other = (best[1], best[0])
    assert p[0, best[0]] + p[1, best[1]] > p[0, other[0]] + p[1, other[1]] + 1e-6
    post.orders.clear()
    launchers = {ci: [li for li in chains[ci].ready] for ci in (0, 1)}
    orders = sector.cycle(
        post,
        t,
        lambda ci, k, t: ([0, 1], {0: launchers[ci], 1: launchers[ci]}),
        lambda ci: 1,
        lambda a: False,
    )
    assert {a: ci for a, (ci, _) in orders.items()} == {best[0]: 0, best[1]: 1}
    for a, (ci, pk) in orders.items():
        assert pk == pytest.approx(p[ci, a])


def test_the_early_warning_picture_flows_through_the_sector_post(tmp_path):
    """The EW radar reports to the sector post only: each battery counts it among its
    sensors through the post; with the post destroyed the path names it."""
    spec = two_batteries(ew=True)
    spec["sites"] = [{"id": "hq", "position": {"lat_deg": 10.1, "lon_deg": -66.0},
                      "members": ["SECTOR"]}]  # fmt: skip
    spec["strikes"] = [{"id": "s", "site": "hq", "time_s": 10.0, "p_destroy": 1.0}]
    prepared = prepare(write_scenario(tmp_path, spec))
    rep = Replication(prepared.geometry, 0)
    rep.run()
    w = rep.world
    ew = w.component_index["EW/radar"]
    for ci, chain in enumerate(rep.fight.chains):
        assert ew in rep.gates.unit_sensors(chain.unit)
        cp = f"{chain.unit.id}/cp"
        assert rep.network.status("EW/radar", cp, np.array([5.0]), MessageKind.TRACK_REPORT).ok[0]
        reason, element = rep.network.culprit("EW/radar", cp, 20.0, MessageKind.TRACK_REPORT)
        assert (reason, element) == (Reason.NODE_DESTROYED, "SECTOR/cp")
        assert not rep.fight.sector.controlled(ci, 20.0)
        assert rep.fight.sector.controlled(ci, 5.0)


def test_a_target_withheld_by_the_orders_names_the_sector_post(tmp_path):
    """Where a battery's chain ended NOT_ASSIGNED because the post's orders gave the target
    to the other battery, the ledger's failing element is the sector post."""
    prepared = prepare(write_scenario(tmp_path, two_batteries()))
    named = 0
    for seed in SEEDS:
        rows = prepared.replicate(seed).ledger.table().to_pylist()
        for r in rows:
            if r["element"] == "SECTOR/cp":
                assert r["reason"] == "NOT_ASSIGNED" and r["stage"] == "fire_control"
                named += 1
    assert named > 0
