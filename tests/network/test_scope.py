"""A pair's path query is asked once per epoch of its own scope (network.scope): the scope
against a brute-force enumeration of simple paths, and the answers over time against the
per-time query on the whole network's state."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from iadsim.killchain import Reason
from iadsim.network.graph import C2Network
from iadsim.network.kinds import MESSAGE_KINDS
from iadsim.network.scope import pair_scope

KINDS = ["radar", "command_post", "relay", "launcher", "command_post", "relay", "radar"]


def random_network(seed: int, n_nodes: int = 8, n_links: int = 13) -> C2Network:
    """A small random network: relaying and endpoint nodes, parallel links, links carried
    via a relay, links carrying only some message kinds."""
    rng = np.random.default_rng(seed)
    net = C2Network()
    ids = [f"N{i}" for i in range(n_nodes)]
    for i, nid in enumerate(ids):
        net.add_node(nid, KINDS[(i + seed) % len(KINDS)])
    relays = [n for n in ids if net.nodes[n].relays]
    for j in range(n_links):
        a, b = rng.choice(n_nodes, size=2, replace=False)
        via = [str(rng.choice(relays))] if relays and rng.random() < 0.2 else []
        via = [v for v in via if v not in (ids[a], ids[b])]
        carries = None
        if rng.random() < 0.4:
            carries = [str(k) for k in rng.choice(MESSAGE_KINDS, size=2, replace=False)]
        latency = float(rng.choice([0.5, 1.0, 1.0, 2.0]))
        net.add_link(f"L{j}", ids[a], ids[b], "radio", latency, via=via, carries=carries)
    return net


def brute_scope(net: C2Network, k: int, src: str, dst: str) -> set[str]:
    """Every node, link and via node on some simple src -> dst path whose inner nodes relay,
    by enumerating the simple paths."""
    if src == dst:
        return {src}
    kind = None if k < 0 else MESSAGE_KINDS[k]
    carried = [lk for lk in net.links.values() if kind is None or kind in lk.carries]
    g = nx.Graph()
    g.add_nodes_from(net.nodes)
    g.add_edges_from((lk.a, lk.b) for lk in carried)
    found: set[str] = set()
    for path in nx.all_simple_paths(g, src, dst):
        if not all(net.nodes[n].relays for n in path[1:-1]):
            continue
        found.update(path)
        for a, b in zip(path[:-1], path[1:], strict=True):
            for lk in carried:
                if {lk.a, lk.b} == {a, b}:
                    found.add(lk.id)
                    found.update(lk.via)
    return found


@pytest.mark.parametrize("seed", range(12))
def test_scope_is_every_element_on_a_simple_path(seed: int) -> None:
    net = random_network(seed)
    for k in range(-1, len(MESSAGE_KINDS)):
        for src in net.nodes:
            for dst in net.nodes:
                got = pair_scope(net.nodes, net.links, k, src, dst)
                assert len(got) == len(set(got))
                assert set(got) == brute_scope(net, k, src, dst), (k, src, dst)


def test_scope_by_hand() -> None:
    """R -c1- CP -r1 (via V)- L, backup cable R -c2- L; a second post CP2 hanging off CP by
    one link is on no R -> L path; a radar R2 on CP is an endpoint, never a transit."""
    net = C2Network()
    for nid, kind in [("R", "radar"), ("CP", "command_post"), ("V", "relay"), ("L", "launcher")]:
        net.add_node(nid, kind)
    net.add_node("CP2", "command_post")
    net.add_node("R2", "radar")
    net.add_link("c1", "R", "CP", "cable", 0.5)
    net.add_link("r1", "CP", "L", "relay", 1.0, via=["V"])
    net.add_link("c2", "R", "L", "cable", 3.0)
    net.add_link("c3", "CP", "CP2", "cable", 0.5)
    net.add_link("c4", "R2", "CP", "cable", 0.5)
    net.add_link("c5", "R2", "L", "cable", 0.5)
    scope = pair_scope(net.nodes, net.links, -1, "R", "L")
    assert set(scope) == {"R", "CP", "L", "V", "c1", "r1", "c2"}
    assert set(pair_scope(net.nodes, net.links, -1, "CP2", "R2")) == {"CP2", "CP", "R2", "c3", "c4"}
    net.add_node("X", "radar")
    assert pair_scope(net.nodes, net.links, -1, "R", "X") == ()  # not connected by design


@pytest.mark.parametrize("seed", range(8))
def test_answers_over_time_equal_the_query_at_each_time(seed: int) -> None:
    """Outages, jamming, faults, destruction and loss of relaying on every element at random:
    per time, the (latency, reason, culprit) of the pair's scoped timeline equal those of
    path() at that time on the whole network's state."""
    rng = np.random.default_rng(100 + seed)
    net = random_network(seed, n_nodes=9, n_links=15)
    for element in [*net.nodes, *net.links]:
        for _ in range(int(rng.integers(0, 3))):
            start = float(rng.uniform(0, 900))
            end = start + float(rng.uniform(10, 200))
            what = rng.integers(0, 4)
            if what == 0:
                net.set_down(element, start, end)
            elif what == 1:
                net.jam(element, start, end)
            elif what == 2:
                net.add_fault(element, Reason.NO_POWER, f"gen-{element}", start, end)
            elif element in net.nodes:
                net.set_no_relay(element, start=start, end=end)
        if rng.random() < 0.05:
            net.destroy(element, float(rng.uniform(0, 1000)))
    times = np.sort(rng.uniform(-10, 1100, size=200))
    for k in (-1, 0, 2):
        kind = None if k < 0 else MESSAGE_KINDS[k]
        for src in net.nodes:
            for dst in net.nodes:
                lat, why, who = net.status_many(src, dst, times, kind)
                ref = [net.path(src, dst, float(t), kind) for t in times]
                assert list(lat) == [p.latency_s for p in ref]
                assert list(why) == [str(p.reason) for p in ref]
                assert list(who) == [p.culprit for p in ref]


def test_changes_outside_the_scope_add_no_computation() -> None:
    """Two batteries apart: outages in one give the other's pairs one answer throughout,
    while a pair in the battery with outages is asked once per epoch of its own."""
    net = C2Network()
    for b in ("A", "B"):
        net.add_node(f"{b}/radar", "radar")
        net.add_node(f"{b}/cp", "command_post")
        net.add_link(f"{b}/link", f"{b}/radar", f"{b}/cp", "cable", 0.5)
    for i in range(10):
        net.set_down("B/link", 100.0 * i, 100.0 * i + 50.0)
    times = np.arange(0.0, 1000.0, 10.0)
    per, which = net.paths_by_epoch("A/radar", "A/cp", times)
    assert len(per) == 1 and per[0].ok and not which.any()
    per, which = net.paths_by_epoch("B/radar", "B/cp", times)
    assert len(per) == 20
    assert [per[i].ok for i in which[:12]] == [False] * 5 + [True] * 5 + [False] * 2
