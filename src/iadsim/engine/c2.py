"""Connectivity of the C2 network in one replication: which components can exchange messages
at a given time, with what latency, and if not, why (LINK_DOWN or NODE_DESTROYED).

Link and node states change only at a few instants (destruction by strikes), so time is cut
into epochs and each epoch's shortest-latency paths are computed once with networkx.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from iadsim.killchain import REASON_CODE, Reason
from iadsim.scenario.schema import LinkSpec

CODE_LINK_DOWN = REASON_CODE[Reason.LINK_DOWN]
CODE_NODE_DESTROYED = REASON_CODE[Reason.NODE_DESTROYED]


@dataclass(frozen=True)
class PathStatus:
    """Per time sample: whether a path exists, its latency, and the failure code if not."""

    ok: np.ndarray  # bool
    latency_s: np.ndarray  # float, inf where no path
    code: np.ndarray  # int8, 0 where ok


class Connectivity:
    """Which pairs of components are connected, epoch by epoch, in one replication."""

    def __init__(
        self,
        components: list[str],
        links: tuple[LinkSpec, ...],
        destroyed_at: dict[str, float],
        out_of_service: dict[str, int] | None = None,
    ):
        """out_of_service: components that cannot relay messages (in storage, broken), with
        the reason code their state gives; they can still be path endpoints."""
        self.links = links
        self.destroyed_at = destroyed_at
        self.out_of_service = out_of_service or {}
        self.epochs = np.array(sorted({0.0, *destroyed_at.values()}))
        self._design = self._graph(links, all_up=True, alive=None)
        self._static = self._graph(links, all_up=False, alive=None)
        in_service = {c for c in components if c not in self.out_of_service}
        self._serviceable = self._graph(links, all_up=False, alive=in_service)
        self._graphs = []
        for t in self.epochs:
            alive = {c for c in in_service if destroyed_at.get(c, np.inf) > t}
            self._graphs.append(self._graph(links, all_up=False, alive=alive))
        self._cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _graph(self, links, all_up: bool, alive: set[str] | None) -> nx.Graph:
        g = nx.Graph()
        for lk in links:
            if not (all_up or lk.up):
                continue
            if alive is not None and any(n not in alive for n in lk.via):
                continue
            ends_ok = (
                [n in alive or n in self.out_of_service for n in (lk.from_, lk.to)]
                if (alive is not None)
                else [True, True]
            )
            if not all(ends_ok):
                continue
            w = lk.latency_s
            if g.has_edge(lk.from_, lk.to) and g[lk.from_][lk.to]["latency"] <= w:
                continue
            g.add_edge(lk.from_, lk.to, latency=w)
        return g

    def _per_epoch(self, a: str, b: str):
        key = (a, b)
        if key not in self._cache:
            n = len(self.epochs)
            ok = np.zeros(n, bool)
            lat = np.full(n, np.inf)
            code = np.zeros(n, np.int8)
            for i, g in enumerate(self._graphs):
                if a == b:
                    ok[i], lat[i] = True, 0.0
                    continue
                try:
                    lat[i] = self._latency(g, a, b)
                    ok[i] = True
                except (nx.NetworkXNoPath, nx.NodeNotFound):
                    code[i] = self._why(a, b)
            self._cache[key] = (ok, lat, code)
        return self._cache[key]

    def _latency(self, g: nx.Graph, a: str, b: str) -> float:
        """Shortest latency from a to b where out-of-service nodes may only be endpoints."""
        blocked = set(self.out_of_service) - {a, b}
        view = nx.restricted_view(g, blocked, []) if blocked & set(g.nodes) else g
        return nx.dijkstra_path_length(view, a, b, weight="latency")

    def _why(self, a: str, b: str) -> int:
        """LINK_DOWN when the links as given already separate a and b; the state code of an
        out-of-service relay when only that does; NODE_DESTROYED when only strikes do."""
        try:
            self._latency(self._static, a, b)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return CODE_LINK_DOWN
        try:
            self._latency(self._serviceable, a, b)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            relays = [c for c in self.out_of_service if c not in (a, b)]
            return self.out_of_service[relays[0]] if relays else CODE_LINK_DOWN
        return CODE_NODE_DESTROYED

    def designed(self, a: str, b: str) -> bool:
        """Whether a and b are connected in the network as designed (all links up)."""
        return a == b or (
            a in self._design and b in self._design and nx.has_path(self._design, a, b)
        )

    def status(self, a: str, b: str, times_s: np.ndarray) -> PathStatus:
        """Path status between components a and b at each of the given times."""
        ok, lat, code = self._per_epoch(a, b)
        idx = np.searchsorted(self.epochs, np.asarray(times_s, float), side="right") - 1
        idx = np.clip(idx, 0, len(self.epochs) - 1)
        return PathStatus(ok[idx], lat[idx], code[idx])
