"""The compiled form of a C2 network's state over time, and memoised Dijkstra."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from iadsim.killchain import Reason
from iadsim.network.elements import INF
from iadsim.network.kinds import MESSAGE_KINDS
from iadsim.network.timeline import FaultTable

if TYPE_CHECKING:
    from iadsim.network.graph import C2Network


@lru_cache(maxsize=16384)
def shortest_tree(n: int, s: int, rows: bytes, cols: bytes, lat: bytes):
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


class Compiled:
    """Epoch breakpoints, the state id of each epoch, and each state's element codes."""

    def __init__(self, net: C2Network) -> None:
        # each element's breakpoints (the pairs' scopes read them, `Queries._pair_breaks`)
        self.element_bps = {eid: tl.breakpoints() for eid, tl in net._tl.items()}
        pts: set[float] = set()
        for b in self.element_bps.values():
            pts.update(b)
        self.bps = sorted(pts)
        self.bps_arr = np.asarray(self.bps, dtype=float)
        # id(time grid) -> (the grid, the epochs met, first index of each, epoch per time)
        self.epochs_of: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        # (kind index, source, destination) -> breakpoints of that pair's scope
        self.pair_bps: dict[tuple[int, str, str], np.ndarray] = {}
        rep = np.concatenate(([-INF], self.bps_arr))  # state holds from each epoch's start
        self.starts = rep
        rep_list = [-INF, *self.bps]
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
            self.node_code[:, i] = tl.codes(rep_list, code_of, Reason.NODE_DESTROYED)
            tl.norelay.fill(self.node_norelay[:, i], rep_list, True)  # a view: set in place
        self.link_own = np.zeros((e, len(self.link_ids)), dtype=np.int32)
        for i, lid in enumerate(self.link_ids):
            self.link_own[:, i] = net._tl[lid].codes(rep_list, code_of, Reason.LINK_DOWN)
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
            # numbered in order of first appearance, by the bytes of each epoch's row (a
            # dictionary: np.unique's sort of whole rows costs more, and any numbering will do)
            numbers: dict[bytes, int] = {}
            inv = np.fromiter(
                (numbers.setdefault(row.tobytes(), len(numbers)) for row in both), np.int64, e
            )
            n_states = len(numbers)
        else:
            inv, n_states = np.zeros(e, dtype=np.int64), len(both[:1])
        self.state_of: list[int] = inv.tolist()
        self.state_arr = inv
        self.n_states = n_states
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
