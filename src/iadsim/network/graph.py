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
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from iadsim.errors import InputError, ValueRangeError
from iadsim.killchain import Reason
from iadsim.network.kinds import (
    ALL_KINDS,
    LINK_KINDS,
    MESSAGE_KINDS,
    NODE_KIND_ALIASES,
    NODE_KINDS,
    RELAYING_NODE_KINDS,
    MessageKind,
    as_kinds,
)
from iadsim.network.timeline import ElementTimeline, Fault, FaultTable, Intervals

__all__ = [
    "C2Network",
    "Intervals",
    "Link",
    "MessageKind",
    "Node",
    "PathResult",
    "LINK_KINDS",
    "NODE_KINDS",
]

INF = math.inf


@dataclass(frozen=True)
class Node:
    """A network node: a radar, command post, launcher, TELAR, MANPADS team or relay."""

    id: str
    kind: str

    @property
    def relays(self) -> bool:
        """Whether this node passes other elements' traffic on."""
        return self.kind in RELAYING_NODE_KINDS


@dataclass(frozen=True)
class Link:
    """A bidirectional link between two nodes, optionally carried through relay nodes (`via`),
    carrying the message kinds in `carries`."""

    id: str
    a: str
    b: str
    kind: str
    latency_s: float
    capacity_per_s: float = INF
    via: tuple[str, ...] = ()
    carries: frozenset[MessageKind] = ALL_KINDS


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


def _kind_index(kind: MessageKind | str | None) -> int:
    """-1 for any kind, else the kind's position in MESSAGE_KINDS."""
    return -1 if kind is None else MESSAGE_KINDS.index(MessageKind(kind))


class C2Network:
    """A command-and-control network with time-varying link and node state."""

    def __init__(self, cache_size: int = 4096) -> None:
        """An empty network; `cache_size` bounds the number of cached (epoch, source) trees."""
        self.nodes: dict[str, Node] = {}
        self.links: dict[str, Link] = {}
        self._tl: dict[str, ElementTimeline] = {}
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
        self._tl[node_id] = ElementTimeline()
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
        carries: Iterable[MessageKind | str] | None = None,
    ) -> Link:
        """Add a bidirectional link a-b; `via` lists relay nodes it depends on; `carries` the
        message kinds it carries (None: every kind)."""
        if link_id in self._tl:
            raise InputError(f"network: duplicate node or link id {link_id!r}")
        if kind not in LINK_KINDS:
            raise InputError(
                f"network: link {link_id!r} has kind {kind!r}; expected one of {LINK_KINDS}"
            )
        for end in (a, b, *via):
            if end not in self.nodes:
                raise InputError(f"network: link {link_id!r} refers to unknown node {end!r}")
        for v in via:
            if not self.nodes[v].relays:
                raise InputError(
                    f"network: link {link_id!r} is carried via {v!r}, a "
                    f"{self.nodes[v].kind}, which does not relay (relays and command posts do)"
                )
        if a == b:
            raise InputError(f"network: link {link_id!r} connects node {a!r} to itself")
        if not (latency_s >= 0.0 and math.isfinite(latency_s)):
            raise ValueRangeError(f"link {link_id!r}: latency_s must be finite and >= 0")
        if not capacity_per_s > 0.0:
            raise ValueRangeError(f"link {link_id!r}: capacity_per_s must be > 0")
        try:
            kinds = as_kinds(carries)
        except ValueError:
            raise InputError(
                f"network: link {link_id!r} carries {sorted(map(str, carries))}; "
                f"message kinds are {', '.join(MESSAGE_KINDS)}"
            ) from None
        link = Link(link_id, a, b, kind, float(latency_s), float(capacity_per_s), tuple(via), kinds)
        self.links[link_id] = link
        self._tl[link_id] = ElementTimeline()
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
                carries=rec.get("carries"),
            )
        return net

    # ---------------------------------------------------------------- state over time
    def _timeline(self, element_id: str) -> ElementTimeline:
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

    def add_fault(
        self,
        element_id: str,
        reason: Reason,
        cause: str | None = None,
        start: float = -INF,
        end: float = INF,
    ) -> None:
        """A link or node out over [start, end) for a modelled cause: `reason` (e.g.
        DATALINK_FAILED, NO_POWER) and the failing element `cause` (e.g. a radio set)."""
        self._timeline(element_id).add_fault(Fault(Reason(reason), cause), start, end)
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
        """The down intervals of an element (not counting jamming, faults or destruction)."""
        return self._timeline(element_id).down.as_list()

    def _destroyed_reason(self, element_id: str) -> Reason:
        return Reason.NODE_DESTROYED if element_id in self.nodes else Reason.LINK_DOWN

    def element_fault(self, element_id: str, t: float) -> tuple[Reason, str | None]:
        """(reason, culprit) of an element's own state at t; (NONE, None) when it works."""
        f = self._timeline(element_id).fault(t, self._destroyed_reason(element_id))
        if f is None:
            return Reason.NONE, None
        return f.reason, f.cause or element_id

    def node_reason(self, node_id: str, t: float) -> Reason:
        """Why a node is unusable at t (NODE_DESTROYED, JAMMED, LINK_DOWN, a fault), or NONE."""
        return self._timeline(node_id).reason(t, Reason.NODE_DESTROYED)

    def link_own_reason(self, link_id: str, t: float) -> Reason:
        """Why the link itself (ignoring its relays and endpoints) is unusable at t, or NONE."""
        return self._timeline(link_id).reason(t, Reason.LINK_DOWN)

    def link_status(self, link_id: str, t: float) -> tuple[Reason, str | None]:
        """(reason, culprit) for a link at t, counting its endpoints and via relays."""
        link = self.links[link_id]
        r = self.element_fault(link_id, t)
        if r[0] is not Reason.NONE:
            return r
        for n in (link.a, *link.via, link.b):
            r = self.element_fault(n, t)
            if r[0] is not Reason.NONE:
                return r
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
        self._graphs: dict[tuple[int, int], tuple[Any, dict[tuple[int, int], int]]] = {}
        self._trees: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._results: dict[tuple[int, int, str, str], PathResult] = {}
        self._design_paths: dict[tuple[int, str, str], tuple[tuple[str, ...], ...]] = {}

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

    def _graph(self, e: int, k: int):
        """Directed CSR adjacency of the links usable in state e (e = -1: the design, all up)
        carrying kind k, with no edge out of a node that cannot relay; and the link taken per
        node pair."""
        g = self._graphs.get((e, k))
        if g is None:
            c = self._compiled()
            mask = c.carries[k] if e < 0 else c.link_usable[e] & c.carries[k]
            use = np.flatnonzero(mask)
            # among parallel usable links keep the fastest (then the first added)
            order = np.lexsort((use, c.lat[use], c.pair[use]))
            use = use[order]
            first = np.ones(use.size, dtype=bool)
            first[1:] = c.pair[use][1:] != c.pair[use][:-1]
            use = use[first]
            hop = {(int(c.lo[i]), int(c.hi[i])): int(i) for i in use}
            stop = c.never_relay if e < 0 else (c.never_relay | c.node_norelay[e])
            rows = np.concatenate([c.lo[use], c.hi[use]])
            cols = np.concatenate([c.hi[use], c.lo[use]])
            lat = np.concatenate([c.lat[use], c.lat[use]])
            if len(self._graphs) >= self._cache_size:
                self._graphs.clear()
            g = self._graphs[(e, k)] = (rows, cols, lat, stop, hop)
        return g

    def _tree(self, e: int, k: int, s: int) -> tuple[np.ndarray, np.ndarray]:
        """(distances, predecessors) from node index s in state e for message kind k."""
        key = (e, k, s)
        tree = self._trees.get(key)
        if tree is None:
            c = self._compiled()
            n = len(c.node_ids)
            if e >= 0 and c.node_code[e, s] != 0:
                dist = np.full(n, INF)
                pred = np.full(n, -9999, dtype=np.int32)
            else:
                rows, cols, lat, stop, _ = self._graph(e, k)
                keep = ~stop[rows] | (rows == s)  # nothing transits a non-relaying node
                dist, pred = _shortest_tree(
                    n, s, rows[keep].tobytes(), cols[keep].tobytes(), lat[keep].tobytes()
                )
            if len(self._trees) >= self._cache_size:
                self._trees.clear()
                self._results.clear()
            tree = self._trees[key] = (dist, pred)
        return tree

    def _walk(self, e: int, k: int, s: int, d: int):
        """(nodes, links, latency) of the best path s -> d in state e for kind k, or None."""
        c = self._compiled()
        dist, pred = self._tree(e, k, s)
        if not math.isfinite(dist[d]):
            return None
        idx = [d]
        while idx[-1] != s:
            idx.append(int(pred[idx[-1]]))
        idx.reverse()
        hop = self._graph(e, k)[4]
        pairs = zip(idx[:-1], idx[1:], strict=True)
        links = tuple(c.link_ids[hop[(a, b) if a < b else (b, a)]] for a, b in pairs)
        return tuple(c.node_ids[i] for i in idx), links, float(dist[d])

    def design_graph(self) -> nx.Graph:
        """The networkx graph of the design (all up; fastest link per node pair)."""
        g = nx.Graph()
        g.add_nodes_from(self.nodes)
        for lid, lk in self.links.items():
            cur = g.get_edge_data(lk.a, lk.b)
            if cur is None or lk.latency_s < cur["latency"]:
                g.add_edge(lk.a, lk.b, latency=lk.latency_s, link=lid)
        return g

    def design_path(
        self, src: str, dst: str, kind: MessageKind | str | None = None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(nodes, links) of the best path for `kind` with everything up; empty if none."""
        for n in (src, dst):
            if n not in self.nodes:
                raise InputError(f"network: unknown node {n!r}")
        k = _kind_index(kind)
        key = (k, src, dst)
        res = self._design_paths.get(key)
        if res is None:
            if src == dst:
                res = ((src,), ())
            else:
                c = self._compiled()
                found = self._walk(-1, k, c.nidx[src], c.nidx[dst])
                res = ((), ()) if found is None else (found[0], found[1])
            self._design_paths[key] = res
        return res

    def design_latency(self, src: str, dst: str, kind: MessageKind | str | None = None) -> float:
        """Latency of the design path (inf when the design does not connect them)."""
        nodes, links = self.design_path(src, dst, kind)
        if not nodes:
            return INF
        return float(sum(self.links[lid].latency_s for lid in links))

    # ---------------------------------------------------------------- queries
    def path(
        self, src: str, dst: str, t: float, kind: MessageKind | str | None = None
    ) -> PathResult:
        """Best available path from src to dst at time t for a message kind (None: any
        link), or the reason there is none."""
        c = self._c if self._c is not None else self._compiled()
        e = c.state_of[bisect_right(c.bps, t)]
        k = _kind_index(kind)
        key = (e, k, src, dst)
        res = self._results.get(key)
        if res is not None:
            return res
        try:
            s, d = c.nidx[src], c.nidx[dst]
        except KeyError:
            raise InputError(f"network: unknown node in path query {src!r} -> {dst!r}") from None
        if s == d and c.node_code[e, s] == 0:
            res = PathResult(src, dst, True, 0.0, (src,), ())
        else:
            found = self._walk(e, k, s, d)
            if found is not None:
                res = PathResult(src, dst, True, found[2], found[0], found[1])
            else:
                res = self._explain(src, dst, e, kind)
        self._results[key] = res
        return res

    def _explain(self, src: str, dst: str, e: int, kind) -> PathResult:
        nodes, links = self.design_path(src, dst, kind)
        if not nodes:
            what = "" if kind is None else f" for {MessageKind(kind)}"
            return PathResult(
                src,
                dst,
                False,
                INF,
                reason=Reason.LINK_DOWN,
                detail=f"not connected by design{what}",
            )
        c = self._compiled()
        ncode, lcode = c.node_code[e], c.link_own[e]
        norelay = c.node_norelay[e]
        blocked: list[tuple[str, Reason]] = []
        seen: set[str] = set()

        def fault(element: str, code: int) -> None:
            f = c.faults[code]
            blocked.append((f.cause or element, f.reason))

        def check_node(n: str, transit: bool) -> None:
            i = c.nidx[n]
            if n in seen:
                return
            if ncode[i]:
                seen.add(n)
                fault(n, ncode[i])
            elif transit and norelay[i]:
                seen.add(n)
                blocked.append((n, self._tl[n].norelay_reason))

        check_node(nodes[0], False)
        last = len(links) - 1
        for j, (lid, nxt) in enumerate(zip(links, nodes[1:], strict=True)):
            code = lcode[c.lidx[lid]]
            if code:
                fault(lid, code)
            for v in self.links[lid].via:
                check_node(v, True)
            check_node(nxt, j < last)
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

    def route(
        self, waypoints: Sequence[str], t: float, kind: MessageKind | str | None = None
    ) -> PathResult:
        """Path through waypoints in order (e.g. radar -> CP -> launcher); first break wins."""
        if len(waypoints) < 2:
            raise InputError("network: a route needs at least two nodes")
        nodes: list[str] = [waypoints[0]]
        links: list[str] = []
        total = 0.0
        for a, b in zip(waypoints[:-1], waypoints[1:], strict=True):
            p = self.path(a, b, t, kind)
            if not p.ok:
                return replace(
                    p, src=waypoints[0], dst=waypoints[-1], detail=f"{a} -> {b}: {p.detail}"
                )
            nodes.extend(p.nodes[1:])
            links.extend(p.links)
            total += p.latency_s
        return PathResult(waypoints[0], waypoints[-1], True, total, tuple(nodes), tuple(links))

    def latency(self, src: str, dst: str, t: float, kind: MessageKind | str | None = None) -> float:
        """Latency of the best available path at t (inf when there is none)."""
        return self.path(src, dst, t, kind).latency_s

    def reachable(
        self, src: str, t: float, kind: MessageKind | str | None = None
    ) -> dict[str, float]:
        """Every node reachable from src at t, with its path latency."""
        c = self._compiled()
        dist, _ = self._tree(self.state_id(t), _kind_index(kind), c.nidx[src])
        return {c.node_ids[i]: float(dist[i]) for i in np.flatnonzero(np.isfinite(dist))}

    def _per_epoch(self, src: str, dst: str, times, kind):
        times = np.asarray(times, dtype=float)
        c = self._compiled()
        ep = np.asarray(c.state_of)[np.searchsorted(c.bps_arr, times, side="right")]
        _, first, inv = np.unique(ep.ravel(), return_index=True, return_inverse=True)
        per = [self.path(src, dst, float(times.ravel()[i]), kind) for i in first]
        return times, per, inv.ravel()

    def paths_by_epoch(
        self,
        src: str,
        dst: str,
        times: Sequence[float] | np.ndarray,
        kind: MessageKind | str | None = None,
    ) -> tuple[list[PathResult], np.ndarray]:
        """path() once per distinct network state among `times`: (the results, and per time
        the index of its result, shaped like `times`). Lets a caller turn each result into
        numbers once and spread them over the times by indexing."""
        times, per, inv = self._per_epoch(src, dst, times, kind)
        return per, inv.reshape(times.shape)

    def paths_many(
        self,
        src: str,
        dst: str,
        times: Sequence[float] | np.ndarray,
        kind: MessageKind | str | None = None,
    ) -> list[PathResult]:
        """path() over many times (flattened), computing once per distinct epoch."""
        _, per, inv = self._per_epoch(src, dst, times, kind)
        return [per[k] for k in inv]

    def latency_many(
        self,
        src: str,
        dst: str,
        times: Sequence[float] | np.ndarray,
        kind: MessageKind | str | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(latency_s, reason) arrays over many times; latency is inf where no path exists."""
        lat, why, _ = self.status_many(src, dst, times, kind)
        return lat, why

    def status_many(
        self,
        src: str,
        dst: str,
        times: Sequence[float] | np.ndarray,
        kind: MessageKind | str | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(latency_s, reason, culprit) arrays over many times (culprit None where ok)."""
        times, per, inv = self._per_epoch(src, dst, times, kind)
        lat = np.array([p.latency_s for p in per], dtype=float)[inv]
        why = np.array([str(p.reason) for p in per], dtype=object)[inv]
        who = np.array([p.culprit for p in per], dtype=object)[inv]
        shape = times.shape
        return lat.reshape(shape), why.reshape(shape), who.reshape(shape)

    def state_table(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        """(epoch start times, element ids, usable matrix epoch x element) for reports."""
        c = self._compiled()
        starts = np.concatenate(([-INF], c.bps_arr))
        ids = c.node_ids + c.link_ids
        usable = np.concatenate([c.node_code == 0, c.link_usable], axis=1)
        return starts, ids, usable[np.asarray(c.state_of)]


@lru_cache(maxsize=16384)
def _shortest_tree(n: int, s: int, rows: bytes, cols: bytes, lat: bytes):
    """(distances, predecessors) from node s over the directed graph of n nodes with edges
    rows -> cols of latency `lat` (int64, int64 and float64 arrays as bytes), by Dijkstra.

    A pure function of the graph, memoised: the Monte Carlo replications of a scenario
    build their networks afresh but mostly meet the same few states (everything up, one
    link down, ...), so each distinct graph is solved once per process. The arrays returned
    are shared between callers and read-only."""
    r = np.frombuffer(rows, dtype=np.int64)
    c = np.frombuffer(cols, dtype=np.int64)
    w = np.frombuffer(lat, dtype=float)
    mat = csr_matrix((w, (r, c)), shape=(n, n))
    dist, pred = dijkstra(mat, directed=True, indices=s, return_predecessors=True)
    dist.flags.writeable = False
    pred.flags.writeable = False
    return dist, pred


class _Compiled:
    """Epoch breakpoints, the state id of each epoch, and each state's element codes."""

    def __init__(self, net: C2Network) -> None:
        pts: set[float] = set()
        for tl in net._tl.values():
            pts.update(tl.breakpoints())
        self.bps = sorted(pts)
        self.bps_arr = np.asarray(self.bps, dtype=float)
        rep = np.concatenate(([-INF], self.bps_arr))  # state holds from each epoch's start
        self.node_ids = list(net.nodes)
        self.link_ids = list(net.links)
        self.nidx = {n: i for i, n in enumerate(self.node_ids)}
        self.lidx = {n: i for i, n in enumerate(self.link_ids)}
        self.faults = FaultTable()
        code_of = self.faults.code
        e = rep.size
        self.node_code = np.zeros((e, len(self.node_ids)), dtype=np.int32)
        self.node_norelay = np.zeros((e, len(self.node_ids)), dtype=bool)
        for i, n in enumerate(self.node_ids):
            tl = net._tl[n]
            self.node_code[:, i] = tl.codes(rep, code_of, Reason.NODE_DESTROYED)
            if tl.norelay.starts:
                self.node_norelay[:, i] = tl.norelay.contains_many(rep)
        self.link_own = np.zeros((e, len(self.link_ids)), dtype=np.int32)
        for i, lid in enumerate(self.link_ids):
            self.link_own[:, i] = net._tl[lid].codes(rep, code_of, Reason.LINK_DOWN)
        self.never_relay = np.array([not net.nodes[n].relays for n in self.node_ids], dtype=bool)
        links = [net.links[lid] for lid in self.link_ids]
        a = np.array([self.nidx[lk.a] for lk in links], dtype=np.int64)
        b = np.array([self.nidx[lk.b] for lk in links], dtype=np.int64)
        self.lo, self.hi = np.minimum(a, b), np.maximum(a, b)
        self.pair = self.lo * max(1, len(self.node_ids)) + self.hi
        self.lat = np.array([lk.latency_s for lk in links], dtype=float)
        # carries[k]: links carrying message kind k; the last row (index -1) is "any kind"
        self.carries = np.ones((len(MESSAGE_KINDS) + 1, len(links)), dtype=bool)
        for k, mk in enumerate(MESSAGE_KINDS):
            self.carries[k] = [mk in lk.carries for lk in links]
        # epochs with the same state of every element share one state id (and its caches)
        both = np.concatenate(
            [self.node_code, self.node_norelay.astype(np.int32), self.link_own], axis=1
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
                j = self.nidx[v]
                ok[:, i] &= (self.node_code[:, j] == 0) & ~self.node_norelay[:, j]
        self.link_usable = ok
