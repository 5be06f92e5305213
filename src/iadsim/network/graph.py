"""The C2 network: nodes, links by function, their state over time, cached best-path queries.

Links carry traffic by function (`network.kinds`): a path for a message kind uses only links
that carry that kind, and passes only through nodes that relay (command posts, relays); a
radar or launcher is an endpoint, never a transit.

State is piecewise constant in time: every outage, fault, jamming interval and destruction
time is a breakpoint, and between two consecutive breakpoints (an *epoch*) the set of usable
links and nodes does not change. Epochs with identical element states share a *state id*.
Shortest paths are computed once per (state, message kind, source) with Dijkstra
(scipy.sparse.csgraph) and cached; the caches are dropped only when the network or its
timeline changes.

When no path exists, the cause is read off the *design* path: the best path for that
message kind with every link and node up (including links marked down from the start). The
first broken element along it, from the source, gives the reason (LINK_DOWN,
NODE_DESTROYED, JAMMED, or a modelled fault such as DATALINK_FAILED or NO_POWER) and the
culprit: the failing element itself (a link, a node) or the cause a fault names (a radio
set, a generator).

The class is assembled from its parts, one module per responsibility: building it
(`network.topology`, with `design_network`: a scenario's design built once, copied per
replication), the state of its elements over time (`network.element_state`), epochs and
shortest paths (`network.paths`, `network.compiled`) and the queries the engine asks
(`network.queries`).
"""

from __future__ import annotations

from iadsim.network.compiled import Compiled
from iadsim.network.element_state import ElementStates
from iadsim.network.elements import Link, Node, PathResult
from iadsim.network.kinds import LINK_KINDS, NODE_KINDS, MessageKind
from iadsim.network.paths import PathSearch
from iadsim.network.queries import Queries
from iadsim.network.timeline import ElementTimeline, Intervals
from iadsim.network.topology import Topology, design_network

__all__ = [
    "C2Network",
    "Intervals",
    "Link",
    "MessageKind",
    "Node",
    "PathResult",
    "LINK_KINDS",
    "NODE_KINDS",
    "design_network",
]


class C2Network(Queries, PathSearch, ElementStates, Topology):
    """A command-and-control network with time-varying link and node state."""

    def __init__(self, cache_size: int = 4096) -> None:
        """An empty network; `cache_size` bounds the number of cached (epoch, source) trees."""
        self.nodes: dict[str, Node] = {}
        self.links: dict[str, Link] = {}
        self._tl: dict[str, ElementTimeline] = {}
        self._shared: set[str] = set()  # elements whose timeline a copy shares
        self._cache_size = int(cache_size)
        self._design_paths: dict = {}
        self._scopes: dict[tuple[int, str, str], tuple[str, ...]] = {}
        self._c: Compiled | None = None
        self._invalidate()
