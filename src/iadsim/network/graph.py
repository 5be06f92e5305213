"""The C2 network: nodes, links, their state over time, and cached best-path queries.

State is piecewise constant in time: every outage, jamming interval and destruction time is
a breakpoint, and between two consecutive breakpoints (an *epoch*) the set of usable links
and nodes does not change. Epochs with identical element states share a *state id* (after a
repair the network is often back to a state it was in before). Shortest paths are computed
once per (state, source) with Dijkstra (scipy.sparse.csgraph) and cached, so the engine can
ask for paths as often as it likes; the caches are dropped only when the network or its
timeline is changed (add_*, set_down, add_outages, jam, destroy). The design graph is kept
as a networkx graph.

When no path exists, the cause is read off the *design* path: the best path with every link
and node up (including links the scenario marks as down from the start). The first broken
element along that path, from the source, gives the reason (LINK_DOWN, NODE_DESTROYED,
JAMMED) and the culprit id.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from iadsim.errors import InputError, ValueRangeError
from iadsim.killchain import Reason

NODE_KINDS: tuple[str, ...] = ("radar", "command_post", "launcher", "telar", "manpads", "relay")
LINK_KINDS: tuple[str, ...] = ("cable", "radio", "relay", "internal")
# catalog component kinds -> network node kinds (add_node accepts either)
NODE_KIND_ALIASES: dict[str, str] = {
    "surveillance_radar": "radar",
    "engagement_radar": "radar",
    "acquisition_radar": "radar",
    "early_warning_radar": "radar",
    "manpads_team": "manpads",
    "tel": "launcher",
}

INF = math.inf


@dataclass(frozen=True)
class Node:
    """A network node: a radar, command post, launcher, TELAR, MANPADS team or relay."""

    id: str
    kind: str


@dataclass(frozen=True)
class Link:
    """A bidirectional link between two nodes, optionally carried through relay nodes (`via`)."""

    id: str
    a: str
    b: str
    kind: str
    latency_s: float
    capacity_per_s: float = INF
    via: tuple[str, ...] = ()


class Intervals:
    """A set of disjoint half-open time intervals [start, end), merged on insertion."""

    __slots__ = ("starts", "ends")

    def __init__(self, intervals: Iterable[tuple[float, float]] = ()):
        self.starts: list[float] = []
        self.ends: list[float] = []
        for s, e in intervals:
            self.add(s, e)

    def add(self, start: float, end: float) -> None:
        """Insert [start, end), merging with any interval it overlaps or touches."""
        start, end = float(start), float(end)
        if math.isnan(start) or math.isnan(end) or end < start:
            raise ValueRangeError(f"interval [{start}, {end}) must have start <= end")
        if end == start:
            return
        pairs = list(zip(self.starts, self.ends, strict=True)) + [(start, end)]
        pairs.sort()
        merged: list[list[float]] = []
        for s, e in pairs:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def contains(self, t: float) -> bool:
        """Whether t lies inside one of the intervals."""
        i = bisect_right(self.starts, t) - 1
        return i >= 0 and t < self.ends[i]

    def contains_many(self, t: np.ndarray) -> np.ndarray:
        """Vectorized contains over an array of times."""
        t = np.asarray(t, dtype=float)
        if not self.starts:
            return np.zeros(t.shape, dtype=bool)
        i = np.searchsorted(np.asarray(self.starts), t, side="right") - 1
        ends = np.asarray(self.ends)
        return (i >= 0) & (t < ends[np.clip(i, 0, None)])

    def total(self, lo: float = -INF, hi: float = INF) -> float:
        """Total length of the intervals clipped to [lo, hi]."""
        return float(
            sum(
                max(0.0, min(e, hi) - max(s, lo))
                for s, e in zip(self.starts, self.ends, strict=True)
            )
        )

    def as_list(self) -> list[tuple[float, float]]:
        """The intervals as a list of (start, end) pairs."""
        return list(zip(self.starts, self.ends, strict=True))

    def breakpoints(self) -> list[float]:
        """Every finite start and end."""
        return [x for x in (*self.starts, *self.ends) if math.isfinite(x)]

    def __len__(self) -> int:
        return len(self.starts)

    def __repr__(self) -> str:
        return f"Intervals({self.as_list()!r})"


@dataclass
class _Timeline:
    """Down, jammed and destroyed state of one element over time."""

    down: Intervals = field(default_factory=Intervals)
    jammed: Intervals = field(default_factory=Intervals)
    destroyed_at: float = INF
    norelay: Intervals = field(default_factory=Intervals)
    norelay_reason: Reason = Reason.NOT_MISSION_CAPABLE

    def reason(self, t: float, destroyed_reason: Reason) -> Reason:
        """The element's own reason to be unusable at t, or Reason.NONE when it works."""
        if t >= self.destroyed_at:
            return destroyed_reason
        if self.jammed.starts and self.jammed.contains(t):
            return Reason.JAMMED
        if self.down.starts and self.down.contains(t):
            return Reason.LINK_DOWN
        return Reason.NONE


@dataclass(frozen=True)
class PathResult:
    """The best available path between two nodes in one epoch, or why there is none."""

    src: str
    dst: str
    ok: bool
    latency_s: float
    nodes: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    reason: Reason = Reason.NONE
    culprit: str | None = None
    blocked: tuple[tuple[str, Reason], ...] = ()
    detail: str = ""


class C2Network:
    """A command-and-control network with time-varying link and node state."""

    def __init__(self, cache_size: int = 4096) -> None:
        """An empty network; `cache_size` bounds the number of cached (epoch, source) trees."""
        self.nodes: dict[str, Node] = {}
        self.links: dict[str, Link] = {}
        self._tl: dict[str, _Timeline] = {}
        self._design = nx.Graph()
        self._design_ready = False
        self._cache_size = int(cache_size)
        self._invalidate()

    # ---------------------------------------------------------------- construction
    def add_node(self, node_id: str, kind: str, up: bool = True) -> Node:
        """Add a node (kind or catalog kind, e.g. engagement_radar); `up=False`: down throughout."""
        if node_id in self._tl:
            raise InputError(f"network: duplicate node or link id {node_id!r}")
        kind = NODE_KIND_ALIASES.get(kind, kind)
        if kind not in NODE_KINDS:
            raise InputError(
                f"network: node {node_id!r} has kind {kind!r}; expected one of {NODE_KINDS}"
            )
        node = Node(node_id, kind)
        self.nodes[node_id] = node
        self._tl[node_id] = _Timeline()
        if not up:
            self._tl[node_id].down.add(-INF, INF)
        self._invalidate()
        return node

    def add_link(
        self,
        link_id: str,
        a: str,
        b: str,
        kind: str = "cable",
        latency_s: float = 0.0,
        capacity_per_s: float = INF,
        up: bool = True,
        via: Sequence[str] = (),
    ) -> Link:
        """Add a bidirectional link a-b; `via` lists relay nodes it depends on."""
        if link_id in self._tl:
            raise InputError(f"network: duplicate node or link id {link_id!r}")
        if kind not in LINK_KINDS:
            raise InputError(
                f"network: link {link_id!r} has kind {kind!r}; expected one of {LINK_KINDS}"
            )
        for end in (a, b, *via):
            if end not in self.nodes:
                raise InputError(f"network: link {link_id!r} refers to unknown node {end!r}")
        if a == b:
            raise InputError(f"network: link {link_id!r} connects node {a!r} to itself")
        if not (latency_s >= 0.0 and math.isfinite(latency_s)):
            raise ValueRangeError(f"link {link_id!r}: latency_s must be finite and >= 0")
        if not capacity_per_s > 0.0:
            raise ValueRangeError(f"link {link_id!r}: capacity_per_s must be > 0")
        link = Link(link_id, a, b, kind, float(latency_s), float(capacity_per_s), tuple(via))
        self.links[link_id] = link
        self._tl[link_id] = _Timeline()
        if not up:
            self._tl[link_id].down.add(-INF, INF)
        self._invalidate()
        return link

    @classmethod
    def from_records(
        cls, nodes: Iterable[Mapping[str, Any]], links: Iterable[Mapping[str, Any]]
    ) -> C2Network:
        """Build from plain dicts: nodes {id, kind[, up]}, links {id, from, to, kind, ...}."""
        net = cls()
        for n in nodes:
            net.add_node(n["id"], n["kind"], up=n.get("up", True))
        for i, rec in enumerate(links):
            net.add_link(
                rec.get("id", f"link-{i}"),
                rec.get("from", rec.get("a")),
                rec.get("to", rec.get("b")),
                kind=rec.get("kind", "cable"),
                latency_s=rec.get("latency_s", 0.0),
                capacity_per_s=rec.get("capacity_per_s", INF),
                up=rec.get("up", True),
                via=tuple(rec.get("via", ())),
            )
        return net

    # ---------------------------------------------------------------- state over time
    def _timeline(self, element_id: str) -> _Timeline:
        try:
            return self._tl[element_id]
        except KeyError:
            raise InputError(f"network: unknown node or link {element_id!r}") from None

    def set_down(self, element_id: str, start: float = -INF, end: float = INF) -> None:
        """Mark a link or node down (not working) over [start, end)."""
        self._timeline(element_id).down.add(start, end)
        self._invalidate()

    def add_outages(self, element_id: str, intervals: Iterable[tuple[float, float]]) -> None:
        """Mark a link or node down over each interval (e.g. a sampled failure timeline)."""
        tl = self._timeline(element_id)
        for s, e in intervals:
            tl.down.add(s, e)
        self._invalidate()

    def jam(self, element_id: str, start: float, end: float = INF) -> None:
        """Jam a link (or a radio node) over [start, end)."""
        self._timeline(element_id).jammed.add(start, end)
        self._invalidate()

    def destroy(self, element_id: str, t: float) -> None:
        """Destroy a node (or cut a link) at time t, for good."""
        tl = self._timeline(element_id)
        tl.destroyed_at = min(tl.destroyed_at, float(t))
        self._invalidate()

    def set_no_relay(
        self,
        node_id: str,
        start: float = -INF,
        end: float = INF,
        reason: Reason = Reason.NOT_MISSION_CAPABLE,
    ) -> None:
        """Node can send and receive but not forward messages over [start, end) (e.g. a
        component in storage); paths through it break with `reason`."""
        if node_id not in self.nodes:
            raise InputError(f"network: unknown node {node_id!r}")
        tl = self._tl[node_id]
        tl.norelay.add(start, end)
        tl.norelay_reason = Reason(reason)
        self._invalidate()

    def outages(self, element_id: str) -> list[tuple[float, float]]:
        """The down intervals of an element (not counting jamming or destruction)."""
        return self._timeline(element_id).down.as_list()

    def node_reason(self, node_id: str, t: float) -> Reason:
        """Why a node is unusable at t (NODE_DESTROYED, JAMMED, LINK_DOWN), or NONE."""
        return self._timeline(node_id).reason(t, Reason.NODE_DESTROYED)

    def link_own_reason(self, link_id: str, t: float) -> Reason:
        """Why the link itself (ignoring its relays and endpoints) is unusable at t, or NONE."""
        return self._timeline(link_id).reason(t, Reason.LINK_DOWN)

    def link_status(self, link_id: str, t: float) -> tuple[Reason, str | None]:
        """(reason, culprit) for a link at t, counting its endpoints and via relays."""
        link = self.links[link_id]
        r = self.link_own_reason(link_id, t)
        if r is not Reason.NONE:
            return r, link_id
        for n in (link.a, *link.via, link.b):
            r = self.node_reason(n, t)
            if r is not Reason.NONE:
                return r, n
            tl = self._tl[n]
            if n in link.via and tl.norelay.starts and tl.norelay.contains(t):
                return tl.norelay_reason, n
        return Reason.NONE, None

    def link_usable(self, link_id: str, t: float) -> bool:
        """Whether a message can cross this link at t."""
        return self.link_status(link_id, t)[0] is Reason.NONE

    def links_through(self, node_id: str) -> tuple[str, ...]:
        """Links that depend on a node: ending at it or relayed via it."""
        return tuple(
            lid for lid, lk in self.links.items() if node_id in (lk.a, lk.b) or node_id in lk.via
        )

    # ---------------------------------------------------------------- epochs and caches
    def _invalidate(self) -> None:
        self._c: _Compiled | None = None
        self._graphs: dict[int, tuple[Any, dict[tuple[int, int], int]]] = {}
        self._trees: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._results: dict[tuple[int, str, str], PathResult] = {}
        self._design_paths: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._design_ready = False

    def _compiled(self) -> _Compiled:
        if self._c is None:
            self._c = _Compiled(self)
        return self._c

    def breakpoints(self) -> list[float]:
        """Sorted times at which some link or node changes state."""
        return self._compiled().bps

    def epoch(self, t: float) -> int:
        """Index of the constant-state epoch containing t."""
        return bisect_right(self._compiled().bps, t)

    def state_id(self, t: float) -> int:
        """Id of the network state at t: equal ids mean identical link and node states."""
        c = self._compiled()
        return c.state_of[bisect_right(c.bps, t)]

    def _graph(self, e: int) -> tuple[Any, dict[tuple[int, int], int]]:
        """CSR adjacency of usable links in state e, and the link chosen per node pair."""
        g = self._graphs.get(e)
        if g is None:
            c = self._compiled()
            use = np.flatnonzero(c.link_usable[e])
            # among parallel usable links keep the fastest (then the first added)
            order = np.lexsort((use, c.lat[use], c.pair[use]))
            use = use[order]
            first = np.ones(use.size, dtype=bool)
            first[1:] = c.pair[use][1:] != c.pair[use][:-1]
            use = use[first]
            n = len(c.node_ids)
            mat = csr_matrix((c.lat[use], (c.lo[use], c.hi[use])), shape=(n, n))
            hop = {(int(c.lo[i]), int(c.hi[i])): int(i) for i in use}
            if len(self._graphs) >= self._cache_size:
                self._graphs.clear()
            g = self._graphs[e] = (mat, hop, use)
        return g

    def _tree(self, e: int, s: int) -> tuple[np.ndarray, np.ndarray]:
        """(distances, predecessors) from node index s in state e."""
        key = (e, s)
        tree = self._trees.get(key)
        if tree is None:
            c = self._compiled()
            if c.node_code[e, s] != 0:
                dist = np.full(len(c.node_ids), INF)
                pred = np.full(len(c.node_ids), -9999, dtype=np.int32)
            else:
                mat, _, use = self._graph(e)
                stop = c.node_norelay[e].copy()
                stop[s] = False
                if stop.any():  # no transit through non-relaying nodes: drop their out-edges
                    n = len(c.node_ids)
                    rows = np.concatenate([c.lo[use], c.hi[use]])
                    cols = np.concatenate([c.hi[use], c.lo[use]])
                    keep = ~stop[rows]
                    lat = np.concatenate([c.lat[use], c.lat[use]])[keep]
                    mat = csr_matrix((lat, (rows[keep], cols[keep])), shape=(n, n))
                    dist, pred = dijkstra(mat, directed=True, indices=s, return_predecessors=True)
                else:
                    dist, pred = dijkstra(mat, directed=False, indices=s, return_predecessors=True)
            if len(self._trees) >= self._cache_size:
                self._trees.clear()
                self._results.clear()
            tree = self._trees[key] = (dist, pred)
        return tree

    def _design_graph(self) -> nx.Graph:
        if not self._design_ready:
            g = nx.Graph()
            g.add_nodes_from(self.nodes)
            for lid, lk in self.links.items():
                cur = g.get_edge_data(lk.a, lk.b)
                if cur is None or lk.latency_s < cur["latency"]:
                    g.add_edge(lk.a, lk.b, latency=lk.latency_s, link=lid)
            self._design = g
            self._design_ready = True
        return self._design

    def design_graph(self) -> nx.Graph:
        """The networkx graph of the design (all up; fastest link per node pair)."""
        return self._design_graph().copy()

    def design_path(self, src: str, dst: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(nodes, links) of the best path with everything up; empty tuples if none by design."""
        key = (src, dst)
        res = self._design_paths.get(key)
        if res is None:
            g = self._design_graph()
            for n in (src, dst):
                if n not in self.nodes:
                    raise InputError(f"network: unknown node {n!r}")
            try:
                nodes = nx.dijkstra_path(g, src, dst, weight="latency")
                links = tuple(
                    g.edges[u, v]["link"] for u, v in zip(nodes[:-1], nodes[1:], strict=True)
                )
                res = (tuple(nodes), links)
            except nx.NetworkXNoPath:
                res = ((), ())
            self._design_paths[key] = res
        return res

    def design_latency(self, src: str, dst: str) -> float:
        """Latency of the design path (inf when the design does not connect them)."""
        nodes, links = self.design_path(src, dst)
        if not nodes:
            return INF
        return float(sum(self.links[lid].latency_s for lid in links))

    # ---------------------------------------------------------------- queries
    def path(self, src: str, dst: str, t: float) -> PathResult:
        """Best available path from src to dst at time t, or the reason there is none."""
        c = self._c if self._c is not None else self._compiled()
        e = c.state_of[bisect_right(c.bps, t)]
        key = (e, src, dst)
        res = self._results.get(key)
        if res is not None:
            return res
        try:
            s, d = c.nidx[src], c.nidx[dst]
        except KeyError:
            raise InputError(f"network: unknown node in path query {src!r} -> {dst!r}") from None
        dist, pred = self._tree(e, s)
        if math.isfinite(dist[d]):
            idx = [d]
            while idx[-1] != s:
                idx.append(int(pred[idx[-1]]))
            idx.reverse()
            hop = self._graph(e)[1]
            links = tuple(
                c.link_ids[hop[(a, b) if a < b else (b, a)]]
                for a, b in zip(idx[:-1], idx[1:], strict=True)
            )
            nodes = tuple(c.node_ids[i] for i in idx)
            res = PathResult(src, dst, True, float(dist[d]), nodes, links)
        else:
            res = self._explain(src, dst, e)
        self._results[key] = res
        return res

    def _explain(self, src: str, dst: str, e: int) -> PathResult:
        nodes, links = self.design_path(src, dst)
        if not nodes:
            return PathResult(
                src, dst, False, INF, reason=Reason.LINK_DOWN, detail="not connected by design"
            )
        c = self._compiled()
        ncode, lcode = c.node_code[e], c.link_own[e]
        blocked: list[tuple[str, Reason]] = []
        seen: set[str] = set()

        norelay = c.node_norelay[e]

        def check_node(n: str, transit: bool) -> None:
            i = c.nidx[n]
            code = ncode[i]
            if n in seen:
                return
            if code:
                seen.add(n)
                blocked.append((n, _NODE_REASONS[code]))
            elif transit and norelay[i]:
                seen.add(n)
                blocked.append((n, self._tl[n].norelay_reason))

        check_node(nodes[0], False)
        last = len(links) - 1
        for k, (lid, nxt) in enumerate(zip(links, nodes[1:], strict=True)):
            code = lcode[c.lidx[lid]]
            if code:
                blocked.append((lid, _LINK_REASONS[code]))
            for v in self.links[lid].via:
                check_node(v, True)
            check_node(nxt, k < last)
        if not blocked:  # cannot happen: an all-up design path is an available path
            return PathResult(src, dst, False, INF, reason=Reason.LINK_DOWN, detail="no path")
        culprit, reason = blocked[0]
        return PathResult(
            src,
            dst,
            False,
            INF,
            nodes,
            links,
            reason=reason,
            culprit=culprit,
            blocked=tuple(blocked),
            detail="design path broken",
        )

    def route(self, waypoints: Sequence[str], t: float) -> PathResult:
        """Path through waypoints in order (e.g. radar -> CP -> launcher); first break wins."""
        if len(waypoints) < 2:
            raise InputError("network: a route needs at least two nodes")
        nodes: list[str] = [waypoints[0]]
        links: list[str] = []
        total = 0.0
        for a, b in zip(waypoints[:-1], waypoints[1:], strict=True):
            p = self.path(a, b, t)
            if not p.ok:
                return replace(
                    p, src=waypoints[0], dst=waypoints[-1], detail=f"{a} -> {b}: {p.detail}"
                )
            nodes.extend(p.nodes[1:])
            links.extend(p.links)
            total += p.latency_s
        return PathResult(waypoints[0], waypoints[-1], True, total, tuple(nodes), tuple(links))

    def latency(self, src: str, dst: str, t: float) -> float:
        """Latency of the best available path at t (inf when there is none)."""
        return self.path(src, dst, t).latency_s

    def reachable(self, src: str, t: float) -> dict[str, float]:
        """Every node reachable from src at t, with its path latency."""
        c = self._compiled()
        dist, _ = self._tree(self.state_id(t), c.nidx[src])
        return {c.node_ids[i]: float(dist[i]) for i in np.flatnonzero(np.isfinite(dist))}

    def _per_epoch(self, src: str, dst: str, times: Sequence[float] | np.ndarray):
        times = np.asarray(times, dtype=float)
        c = self._compiled()
        ep = np.asarray(c.state_of)[np.searchsorted(c.bps_arr, times, side="right")]
        _, first, inv = np.unique(ep.ravel(), return_index=True, return_inverse=True)
        per = [self.path(src, dst, float(times.ravel()[i])) for i in first]
        return times, per, inv.ravel()

    def paths_many(
        self, src: str, dst: str, times: Sequence[float] | np.ndarray
    ) -> list[PathResult]:
        """path() over many times (flattened), computing once per distinct epoch."""
        _, per, inv = self._per_epoch(src, dst, times)
        return [per[k] for k in inv]

    def latency_many(
        self, src: str, dst: str, times: Sequence[float] | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(latency_s, reason) arrays over many times; latency is inf where no path exists."""
        times, per, inv = self._per_epoch(src, dst, times)
        lat = np.array([p.latency_s for p in per], dtype=float)[inv]
        why = np.array([str(p.reason) for p in per], dtype=object)[inv]
        return lat.reshape(times.shape), why.reshape(times.shape)

    def state_table(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        """(epoch start times, element ids, usable matrix epoch x element) for reports."""
        c = self._compiled()
        starts = np.concatenate(([-INF], c.bps_arr))
        ids = c.node_ids + c.link_ids
        usable = np.concatenate([c.node_code == 0, c.link_usable], axis=1)
        return starts, ids, usable[np.asarray(c.state_of)]


# element state codes in the compiled tables
_NODE_REASONS = (Reason.NONE, Reason.LINK_DOWN, Reason.JAMMED, Reason.NODE_DESTROYED)
_LINK_REASONS = (Reason.NONE, Reason.LINK_DOWN, Reason.JAMMED, Reason.LINK_DOWN)


def _codes(tl: _Timeline, rep: np.ndarray) -> np.ndarray:
    """State code per epoch: 0 up, 1 down, 2 jammed, 3 destroyed (the highest wins)."""
    code = np.zeros(rep.shape, dtype=np.int8)
    if tl.down.starts:
        code[tl.down.contains_many(rep)] = 1
    if tl.jammed.starts:
        code[tl.jammed.contains_many(rep)] = 2
    code[rep >= tl.destroyed_at] = 3
    return code


class _Compiled:
    """Epoch breakpoints, the state id of each epoch, and each state's element codes."""

    def __init__(self, net: C2Network) -> None:
        pts: set[float] = set()
        for tl in net._tl.values():
            pts.update(tl.down.breakpoints())
            pts.update(tl.jammed.breakpoints())
            pts.update(tl.norelay.breakpoints())
            if math.isfinite(tl.destroyed_at):
                pts.add(tl.destroyed_at)
        self.bps = sorted(pts)
        self.bps_arr = np.asarray(self.bps, dtype=float)
        rep = np.concatenate(([-INF], self.bps_arr))  # state holds from each epoch's start
        self.node_ids = list(net.nodes)
        self.link_ids = list(net.links)
        self.nidx = {n: i for i, n in enumerate(self.node_ids)}
        self.lidx = {n: i for i, n in enumerate(self.link_ids)}
        e = rep.size
        self.node_code = np.zeros((e, len(self.node_ids)), dtype=np.int8)
        for i, n in enumerate(self.node_ids):
            self.node_code[:, i] = _codes(net._tl[n], rep)
        self.node_norelay = np.zeros((e, len(self.node_ids)), dtype=bool)
        for i, n in enumerate(self.node_ids):
            if net._tl[n].norelay.starts:
                self.node_norelay[:, i] = net._tl[n].norelay.contains_many(rep)
        self.link_own = np.zeros((e, len(self.link_ids)), dtype=np.int8)
        for i, lid in enumerate(self.link_ids):
            self.link_own[:, i] = _codes(net._tl[lid], rep)
        links = [net.links[lid] for lid in self.link_ids]
        a = np.array([self.nidx[lk.a] for lk in links], dtype=np.int64)
        b = np.array([self.nidx[lk.b] for lk in links], dtype=np.int64)
        self.lo, self.hi = np.minimum(a, b), np.maximum(a, b)
        self.pair = self.lo * max(1, len(self.node_ids)) + self.hi
        self.lat = np.array([lk.latency_s for lk in links], dtype=float)
        # epochs with the same state of every element share one state id (and its caches)
        both = np.concatenate(
            [self.node_code, self.node_norelay.astype(np.int8), self.link_own], axis=1
        )
        if e > 1 and both.shape[1]:
            uniq, inv = np.unique(both, axis=0, return_inverse=True)
        else:
            uniq, inv = both[:1], np.zeros(e, dtype=np.int64)
        self.state_of: list[int] = [int(i) for i in inv.ravel()]
        self.n_states = len(uniq)
        first = np.zeros(self.n_states, dtype=np.int64)
        first[inv.ravel()[::-1]] = np.arange(e)[::-1]  # first epoch of each state
        self.node_code = self.node_code[first]
        self.link_own = self.link_own[first]
        self.node_norelay = self.node_norelay[first]
        ok = (self.link_own == 0) & (self.node_code[:, a] == 0) & (self.node_code[:, b] == 0)
        for i, lk in enumerate(links):
            for v in lk.via:
                ok[:, i] &= (self.node_code[:, self.nidx[v]] == 0) & ~self.node_norelay[
                    :, self.nidx[v]
                ]
        self.link_usable = ok
