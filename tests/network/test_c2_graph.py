"""C2 network paths, latency and causes of loss on small hand-built networks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.errors import InputError, ValueRangeError
from iadsim.killchain import Reason
from iadsim.network.graph import C2Network, Intervals


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
    np.testing.assert_array_equal(iv.contains_many(np.array([0, 1, 3, 5, 9])), [0, 1, 0, 1, 0])
    assert iv.total(0, 6) == pytest.approx(3.0)


def test_route_through_waypoints() -> None:
    net = diamond()
    r = net.route(["R", "CP", "L"], 0.0)
    assert r.ok and r.latency_s == pytest.approx(1.5) and r.links == ("c1", "r1")
    net.destroy("V", 5.0)
    r = net.route(["R", "CP", "L"], 6.0)  # CP -> L detours back through R and cable c2
    assert r.ok and r.nodes == ("R", "CP", "R", "L") and r.latency_s == pytest.approx(4.0)
    net.jam("c2", 5.0, 10.0)
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
