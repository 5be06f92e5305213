"""C2 network paths, latency and causes of loss on small hand-built networks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.errors import InputError, ValueRangeError
from iadsim.killchain import Reason
from iadsim.network.graph import C2Network, Intervals
from iadsim.network.timeline import ElementTimeline, Fault, FaultTable


def diamond() -> C2Network:
    """R -(c1 0.5s)- CP -(r1 1.0s, via relay V)- L, and a slow backup cable R -(c2 3s)- L."""
    net = C2Network()
    net.add_node("R", "radar")
    net.add_node("CP", "command_post")
    net.add_node("V", "relay")
    net.add_node("L", "launcher")
    net.add_link("c1", "R", "CP", "cable", latency_s=0.5)
    net.add_link("r1", "CP", "L", "relay", latency_s=1.0, via=["V"])
    net.add_link("c2", "R", "L", "cable", latency_s=3.0)
    return net


def test_best_path_and_latency_by_hand() -> None:
    net = diamond()
    p = net.path("R", "L", 0.0)
    assert p.ok and p.nodes == ("R", "CP", "L") and p.links == ("c1", "r1")
    assert p.latency_s == pytest.approx(1.5)
    assert net.latency("L", "R", 0.0) == pytest.approx(1.5)  # links are bidirectional
    assert net.path("R", "R", 0.0).latency_s == 0.0
    assert net.design_latency("R", "L") == pytest.approx(1.5)


def test_fallback_path_when_relay_destroyed() -> None:
    net = diamond()
    net.destroy("V", 100.0)
    assert net.latency("R", "L", 99.9) == pytest.approx(1.5)
    p = net.path("R", "L", 100.0)
    assert p.ok and p.links == ("c2",) and p.latency_s == pytest.approx(3.0)


def test_no_path_reason_from_design_path() -> None:
    net = diamond()
    net.destroy("V", 10.0)
    net.jam("c2", 5.0, 20.0)
    p = net.path("R", "L", 12.0)
    assert not p.ok and math.isinf(p.latency_s)
    assert p.reason is Reason.NODE_DESTROYED and p.culprit == "V"
    # jamming over, backup cable works again
    assert net.path("R", "L", 20.0).ok
    # cable c1 (first on the design path) down: that comes first along the path
    net.set_down("c1", 11.0, 13.0)
    p = net.path("R", "L", 12.0)
    assert p.reason is Reason.LINK_DOWN and p.culprit == "c1"
    assert [b[0] for b in p.blocked] == ["c1", "V"]


def test_jammed_and_down_from_start() -> None:
    net = C2Network()
    net.add_node("A", "radar")
    net.add_node("B", "launcher")
    net.add_link("x", "A", "B", "radio", 0.2)
    net.add_link("y", "A", "B", "cable", 0.1, up=False)
    # the design path is the faster cable, which is down from the start
    assert net.design_path("A", "B") == (("A", "B"), ("y",))
    p = net.path("A", "B", 0.0)
    assert p.ok and p.links == ("x",) and p.latency_s == pytest.approx(0.2)
    net.jam("x", 1.0, 2.0)
    p = net.path("A", "B", 1.5)
    assert not p.ok and p.reason is Reason.LINK_DOWN and p.culprit == "y"
    assert p.blocked == (("y", Reason.LINK_DOWN),)
    net2 = C2Network()
    net2.add_node("A", "radar")
    net2.add_node("B", "launcher")
    net2.add_link("x", "A", "B", "radio", 0.2)
    net2.jam("x", 1.0, 2.0)
    assert net2.path("A", "B", 1.5).reason is Reason.JAMMED
    assert net2.path("A", "B", 2.0).ok


def test_not_connected_by_design() -> None:
    net = C2Network()
    net.add_node("A", "radar")
    net.add_node("B", "manpads")
    p = net.path("A", "B", 0.0)
    assert not p.ok and p.reason is Reason.LINK_DOWN and p.culprit is None
    assert p.detail == "not connected by design"


def test_destroying_relay_cuts_exactly_links_through_it() -> None:
    net = C2Network()
    for nid, kind in [
        ("CP", "command_post"),
        ("EW", "radar"),
        ("ER", "radar"),
        ("L1", "launcher"),
        ("L2", "telar"),
        ("VOLCAN", "relay"),
        ("M", "manpads"),
    ]:
        net.add_node(nid, kind)
    net.add_link("a", "CP", "EW", "radio", 0.1, via=["VOLCAN"])
    net.add_link("b", "CP", "ER", "cable", 0.1)
    net.add_link("c", "ER", "L1", "cable", 0.1)
    net.add_link("d", "CP", "L2", "radio", 0.2, via=["VOLCAN"])
    net.add_link("e", "VOLCAN", "M", "radio", 0.3)
    net.add_link("f", "CP", "M", "radio", 0.5)
    assert set(net.links_through("VOLCAN")) == {"a", "d", "e"}
    net.destroy("VOLCAN", 50.0)
    before = {lid for lid in net.links if net.link_usable(lid, 49.0)}
    after = {lid for lid in net.links if net.link_usable(lid, 50.0)}
    assert before == set(net.links)
    assert before - after == {"a", "d", "e"}
    assert net.link_status("a", 50.0) == (Reason.NODE_DESTROYED, "VOLCAN")
    p = net.path("CP", "EW", 60.0)
    assert p.reason is Reason.NODE_DESTROYED and p.culprit == "VOLCAN"
    assert net.path("CP", "M", 60.0).links == ("f",)


def test_vectorized_queries_and_cache() -> None:
    net = diamond()
    net.set_down("c1", 10.0, 20.0)
    net.destroy("V", 30.0)
    net.jam("c2", 40.0, 50.0)
    times = np.array([0.0, 5.0, 10.0, 15.0, 25.0, 35.0, 45.0, 55.0])
    lat, why = net.latency_many("R", "L", times)
    np.testing.assert_allclose(lat, [1.5, 1.5, 3.0, 3.0, 1.5, 3.0, np.inf, 3.0])
    assert list(why[:6]) == ["NONE"] * 6
    assert why[6] == "NODE_DESTROYED"
    assert [p.latency_s for p in net.paths_many("R", "L", times)] == list(lat)
    assert net.breakpoints() == [10.0, 20.0, 30.0, 40.0, 50.0]
    assert net.path("R", "L", 1.0) is net.path("R", "L", 9.0)  # same epoch: cached
    # after the repair of c1 the network is back in its first state: shared cache entry
    assert net.state_id(25.0) == net.state_id(0.0) != net.state_id(15.0)
    assert net.path("R", "L", 25.0) is net.path("R", "L", 1.0)
    starts, ids, usable = net.state_table()
    assert list(starts) == [-math.inf, 10.0, 20.0, 30.0, 40.0, 50.0]
    assert not usable[1, ids.index("c1")] and usable[2, ids.index("c1")]
    assert not usable[3, ids.index("r1")] and not usable[3, ids.index("V")]
    assert net.reachable("R", 45.0) == {"R": 0.0, "CP": 0.5}
    # a change of state invalidates the caches
    net.set_down("c2", 0.0, 100.0)
    assert net.latency("R", "L", 15.0) == math.inf


def test_input_errors() -> None:
    net = diamond()
    with pytest.raises(InputError):
        net.add_node("R", "radar")
    with pytest.raises(InputError):
        net.add_node("X", "battleship")
    with pytest.raises(InputError):
        net.add_link("z", "R", "NOPE", "cable", 0.1)
    with pytest.raises(ValueRangeError):
        net.add_link("z", "R", "L", "cable", -1.0)
    with pytest.raises(InputError):
        net.jam("nothing", 0.0, 1.0)


def test_from_records() -> None:
    net = C2Network.from_records(
        [
            {"id": "S300-BN/engage-radar", "kind": "radar"},
            {"id": "S300-BN/launcher-1", "kind": "launcher"},
        ],
        [
            {
                "from": "S300-BN/engage-radar",
                "to": "S300-BN/launcher-1",
                "kind": "cable",
                "up": False,
            }
        ],
    )
    p = net.path("S300-BN/engage-radar", "S300-BN/launcher-1", 0.0)
    assert p.reason is Reason.LINK_DOWN and p.culprit == "link-0"


def test_intervals_merge_and_contains() -> None:
    iv = Intervals([(5, 7), (1, 2), (2, 3), (6, 9)])
    assert iv.as_list() == [(1.0, 3.0), (5.0, 9.0)]
    assert iv.contains(1.0) and not iv.contains(3.0) and iv.contains(8.9)
    assert iv.total(0, 6) == pytest.approx(3.0)
    # spans: the index ranges of sorted times the intervals contain, as `contains` says
    rep = [-np.inf, 0.0, 1.0, 2.0, 3.0, 5.0, 8.9, 9.0, 12.0]
    inside = [j for lo, hi in iv.spans(rep) for j in range(lo, hi)]
    assert inside == [j for j, t in enumerate(rep) if iv.contains(t)] == [2, 3, 5, 6]
    whole = Intervals([(-np.inf, 1.0), (9.0, np.inf)])
    assert whole.spans(rep) == [(0, 2), (7, 9)]


def test_intervals_added_one_by_one_are_their_union() -> None:
    """In any order (in time order most take the appending shortcut): the union of the
    intervals, touching ones merged, against a plain sweep of them all at once."""
    rng = np.random.default_rng(4)
    for _ in range(300):
        raw = [
            (float(s), float(s + rng.choice([0.0, 1.0, 2.5, np.inf])))
            for s in rng.integers(0, 30, int(rng.integers(1, 9)))
        ]
        if rng.random() < 0.5:
            raw.sort()
        merged: list[list[float]] = []
        for s, e in sorted(x for x in raw if x[1] > x[0]):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        assert Intervals(raw).as_list() == [tuple(m) for m in merged]


def test_route_through_waypoints() -> None:
    net = diamond()
    r = net.route(["R", "CP", "L"], 0.0)
    assert r.ok and r.latency_s == pytest.approx(1.5) and r.links == ("c1", "r1")
    net.destroy("V", 5.0)
    # CP -> L cannot detour back through the radar R and cable c2: a radar never relays
    r = net.route(["R", "CP", "L"], 6.0)
    assert not r.ok and r.reason is Reason.NODE_DESTROYED and r.culprit == "V"
    assert r.detail.startswith("CP -> L")


def test_no_relay_node_is_an_endpoint_but_not_a_transit() -> None:
    net = C2Network()
    for nid, kind in [("EW", "radar"), ("CP", "command_post"), ("L", "launcher")]:
        net.add_node(nid, kind)
    net.add_link("a", "EW", "CP", "cable", 0.2)
    net.add_link("b", "CP", "L", "cable", 0.3)
    net.set_no_relay("CP", 10.0, reason=Reason.IN_STORAGE)
    assert net.latency("EW", "L", 5.0) == pytest.approx(0.5)
    p = net.path("EW", "L", 10.0)
    assert not p.ok and p.reason is Reason.IN_STORAGE and p.culprit == "CP"
    assert net.latency("EW", "CP", 10.0) == pytest.approx(0.2)  # still an endpoint
    assert net.latency("CP", "L", 10.0) == pytest.approx(0.3)
    net.add_link("c", "EW", "L", "radio", 2.0)
    assert net.path("EW", "L", 10.0).links == ("c",)


def s300_like() -> C2Network:
    """An S-300-like battery wired as the old Caracas case: the engagement radar's own
    links to the command post and to TEL-1 are down, TEL-2 is wired to both."""
    net = C2Network()
    for nid, kind in [
        ("ER", "engagement_radar"),
        ("CP", "command_post"),
        ("TEL-1", "launcher"),
        ("TEL-2", "launcher"),
    ]:
        net.add_node(nid, kind)
    net.add_link("er-cp", "ER", "CP", "cable", 0.2, up=False)
    net.add_link("er-tel1", "ER", "TEL-1", "cable", 0.2, up=False)
    net.add_link("er-tel2", "ER", "TEL-2", "cable", 0.2)
    net.add_link("cp-tel1", "CP", "TEL-1", "cable", 0.2)
    net.add_link("cp-tel2", "CP", "TEL-2", "cable", 0.2)
    return net


def test_the_old_detour_through_a_launcher_cannot_happen() -> None:
    """Engagement radar -> TEL-2 -> command post -> TEL-1 was the old route around the broken
    links; a launcher is not a switchboard, so now no kind of traffic gets through."""
    net = s300_like()
    for kind in (None, "track_report", "fire_control", "target_designation", "status"):
        for dst in ("CP", "TEL-1"):
            p = net.path("ER", dst, 0.0, kind)
            assert not p.ok, (kind, dst, p.nodes)
            assert "TEL-2" not in p.nodes[1:-1]
    # the design path names the broken cable, not a detour
    p = net.path("ER", "TEL-1", 0.0)
    assert p.reason is Reason.LINK_DOWN and p.culprit == "er-tel1"
    # its own cable to TEL-2 still works, and the post still reaches both launchers
    assert net.path("ER", "TEL-2", 0.0).ok
    assert net.path("CP", "TEL-1", 0.0).nodes == ("CP", "TEL-1")


def test_launchers_and_radars_never_relay_command_posts_and_relays_do() -> None:
    """On a hand-made chain A - X - B, traffic from A reaches B only when X relays."""
    for kind, relays in [
        ("radar", False),
        ("engagement_radar", False),
        ("launcher", False),
        ("telar", False),
        ("manpads", False),
        ("command_post", True),
        ("relay", True),
    ]:
        net = C2Network()
        net.add_node("A", "radar")
        net.add_node("X", kind)
        net.add_node("B", "launcher")
        net.add_link("ax", "A", "X", "radio", 0.5)
        net.add_link("xb", "X", "B", "radio", 0.5)
        assert net.path("A", "B", 0.0).ok is relays, kind
        assert net.path("A", "X", 0.0).ok and net.path("X", "B", 0.0).ok  # endpoints always
        if not relays:
            assert net.design_path("A", "B") == ((), ())
    net = C2Network()
    net.add_node("R", "radar")
    net.add_node("T", "launcher")
    net.add_node("L", "launcher")
    with pytest.raises(InputError, match="does not relay"):
        net.add_link("x", "R", "L", "relay", via=["T"])


def test_message_kinds_travel_only_over_links_that_carry_them() -> None:
    """Tracks flow sensor -> command post -> launcher; fire-control data goes from the
    engagement radar straight to its own launcher over the link that carries it."""
    net = C2Network()
    for nid, kind in [("SR", "radar"), ("ER", "radar"), ("CP", "command_post"), ("L", "launcher")]:
        net.add_node(nid, kind)
    net.add_link("sr-cp", "SR", "CP", "cable", 0.3, carries=["track_report", "status"])
    net.add_link("er-cp", "ER", "CP", "cable", 0.3, carries=["track_report", "status"])
    net.add_link(
        "cp-l", "CP", "L", "cable", 0.2, carries=["target_designation", "track_report", "status"]
    )
    net.add_link("er-l", "ER", "L", "cable", 0.1, carries=["fire_control"])
    p = net.path("SR", "L", 0.0, "track_report")
    assert p.ok and p.nodes == ("SR", "CP", "L") and p.latency_s == pytest.approx(0.5)
    assert net.path("CP", "L", 0.0, "target_designation").links == ("cp-l",)
    assert net.path("ER", "L", 0.0, "fire_control").links == ("er-l",)
    # fire-control data never goes round through the command post
    net.set_down("er-l", 10.0)
    p = net.path("ER", "L", 11.0, "fire_control")
    assert not p.ok and p.reason is Reason.LINK_DOWN and p.culprit == "er-l"
    assert net.path("ER", "L", 11.0, "track_report").ok  # tracks still flow via the post
    # a kind no link carries: not connected by design
    p = net.path("SR", "L", 0.0, "fire_control")
    assert not p.ok and "not connected by design for fire_control" in p.detail
    with pytest.raises(InputError, match="message kinds"):
        net.add_link("bad", "SR", "L", carries=["smoke_signals"])


def test_a_modelled_fault_names_the_failing_element() -> None:
    """A data-transfer set that failed, a generator that is down: the path names them."""
    net = diamond()
    net.add_fault("c1", Reason.DATALINK_FAILED, cause="R:data-transfer-unit", start=0.0)
    net.add_fault("CP", Reason.NO_POWER, cause="CP:generator-1", start=50.0)
    p = net.path("R", "CP", 10.0)
    assert not p.ok and p.reason is Reason.DATALINK_FAILED
    assert p.culprit == "R:data-transfer-unit"
    assert net.path("R", "L", 10.0).links == ("c2",)  # the radar's own backup cable to L
    assert net.path("CP", "L", 60.0).reason is Reason.NO_POWER
    assert net.path("CP", "L", 60.0).culprit == "CP:generator-1"
    assert net.element_fault("CP", 49.0) == (Reason.NONE, None)
    assert net.element_fault("CP", 60.0) == (Reason.NO_POWER, "CP:generator-1")
    # a hand-set down comes before a modelled fault on the same element
    net.set_down("c1", 5.0, 15.0)
    assert net.path("R", "CP", 10.0).reason is Reason.LINK_DOWN
    assert net.path("R", "CP", 20.0).reason is Reason.DATALINK_FAILED
    lat, why, who = net.status_many("R", "CP", np.array([-1.0, 20.0]))
    assert lat[0] == pytest.approx(0.5) and who[0] is None
    assert why[1] == "DATALINK_FAILED" and who[1] == "R:data-transfer-unit"


def test_copy_on_write_keeps_the_original_and_the_copy_apart():
    """A copied network shares timelines until one side changes one: a jam, a destruction
    and an outage on the copy leave the original's paths unchanged, and the reverse."""
    base = C2Network.from_records(
        [{"id": "r", "kind": "radar"}, {"id": "cp", "kind": "command_post"}],
        [{"id": "l", "from": "r", "to": "cp", "kind": "radio", "latency_s": 1.0}],
    )
    copy = base.copy()
    copy.jam("l", 10.0, 20.0)
    copy.destroy("cp", 100.0)
    assert base.path("r", "cp", 15.0).ok and base.path("r", "cp", 150.0).ok
    assert not copy.path("r", "cp", 15.0).ok and not copy.path("r", "cp", 150.0).ok
    base.add_outages("l", [(30.0, 40.0)])
    assert not base.path("r", "cp", 35.0).ok
    assert copy.path("r", "cp", 35.0).ok
    assert copy.design_path("r", "cp") == base.design_path("r", "cp") == (("r", "cp"), ("l",))


def test_timeline_codes_agree_with_the_state_at_each_time() -> None:
    """The compiled codes per epoch (slices of sorted times) name the fault `fault(t)` gives
    at each time: destroyed over down over the modelled faults (first added first) over
    jammed."""
    tl = ElementTimeline()
    tl.jammed.add(0.0, 50.0)
    tl.add_fault(Fault(Reason.NO_POWER, "gen"), 10.0, 30.0)
    tl.add_fault(Fault(Reason.DATALINK_FAILED, "set"), 20.0, 40.0)
    tl.down.add(25.0, 28.0)
    tl.destroyed_at = 45.0
    rep = [-np.inf, *sorted(set(tl.breakpoints()) | {5.0, 60.0})]
    table = FaultTable()
    codes = tl.codes(rep, table.code, Reason.NODE_DESTROYED)
    want = [tl.fault(t, Reason.NODE_DESTROYED) for t in rep]
    assert [table[c] for c in codes] == want
    assert [f.reason if f else None for f in want] == [
        None, Reason.JAMMED, Reason.JAMMED, Reason.NO_POWER, Reason.NO_POWER,
        Reason.LINK_DOWN, Reason.NO_POWER, Reason.DATALINK_FAILED, Reason.JAMMED,
        Reason.NODE_DESTROYED, Reason.NODE_DESTROYED, Reason.NODE_DESTROYED,
    ]  # fmt: skip
