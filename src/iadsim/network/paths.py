"""Epochs and shortest paths of a C2 network (a part of `C2Network`): the compiled
state per epoch, the graph usable in a state for a message kind, Dijkstra trees cached per
(state, kind, source), and design paths (everything up) cached per (kind, source,
destination), shared with the network's copies."""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import Any

import networkx as nx
import numpy as np

from iadsim.errors import InputError
from iadsim.network.compiled import Compiled, shortest_tree
from iadsim.network.elements import INF, Link, Node, PathResult, kind_index
from iadsim.network.kinds import MessageKind


class PathSearch:
    """Compiled epochs, usable graphs and cached shortest-path trees."""

    nodes: dict[str, Node]
    links: dict[str, Link]
    _cache_size: int
    _design_paths: dict[tuple[int, str, str], tuple[tuple[str, ...], ...]]

    def _invalidate(self) -> None:
        self._c: Compiled | None = None
        self._graphs: dict[tuple[int, int], tuple[Any, dict[tuple[int, int], int]]] = {}
        self._trees: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._results: dict[tuple[int, int, str, str], PathResult] = {}

    def _compiled(self) -> Compiled:
        if self._c is None:
            self._c = Compiled(self)
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
                dist, pred = shortest_tree(
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
        k = kind_index(kind)
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
