"""The scope of a path query: the network elements whose state can change the answer for one
(message kind, source, destination), read off the design.

Why: a network's state changes at every breakpoint of every element (outages, faults,
jamming, strikes), so with many units the epochs of the whole network grow with the units,
and asking each pair once per global epoch costs units x units. A pair's answer (its best
latency, or the reason read off its design path) changes only when an element that can lie
on one of its paths changes; so it is asked once per epoch of its own scope.

Which elements can lie on a path from s to d: a path for a message kind uses links carrying
that kind and passes only through nodes that relay (s and d are endpoints whatever their
kind), and a shortest path is simple (latencies are not negative). An element lies on some
simple s-d path exactly when it is in the biconnected block that holds the edge s-d of the
graph with that edge added (two edges lie on a common simple cycle exactly when they are in
the same block). A link also reads the state of the relay nodes it is carried through
(`via`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from iadsim.network.kinds import MESSAGE_KINDS

if TYPE_CHECKING:
    from iadsim.network.elements import Link, Node


def pair_scope(
    nodes: dict[str, Node], links: dict[str, Link], k: int, src: str, dst: str
) -> tuple[str, ...]:
    """Ids of the nodes and links whose state can change the path query src -> dst for the
    message kind of index k (-1: any): src and dst, the relaying nodes and the links carrying
    that kind on some simple path between them, and the nodes those links are carried via.
    Empty when the design does not connect them (the answer then never changes)."""
    if src == dst:
        return (src,)
    kind = None if k < 0 else MESSAGE_KINDS[k]

    def passable(n: str) -> bool:
        return n == src or n == dst or nodes[n].relays

    def carried(lk: Link) -> bool:
        return kind is None or kind in lk.carries

    g = nx.Graph()
    g.add_nodes_from((src, dst))
    g.add_edges_from(
        (lk.a, lk.b) for lk in links.values() if carried(lk) and passable(lk.a) and passable(lk.b)
    )
    if not nx.has_path(g, src, dst):
        return ()
    g.add_edge(src, dst)
    block = next(b for b in nx.biconnected_component_edges(g) if (src, dst) in b or (dst, src) in b)
    on_path = {n for edge in block for n in edge}
    used = [lid for lid, lk in links.items() if carried(lk) and lk.a in on_path and lk.b in on_path]
    via = {v for lid in used for v in links[lid].via}
    return tuple(sorted(on_path | via)) + tuple(used)
