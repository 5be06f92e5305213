"""Path queries on a C2 network (a part of `C2Network`): the best available path at a time
or the reason there is none (read off the design path), routes through waypoints, and the
same over many times, computed once per epoch of the pair's own scope (`network.scope`):
the elements that can lie on its paths, not the whole network."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from iadsim.errors import InputError
from iadsim.killchain import Reason
from iadsim.network.compiled import Compiled
from iadsim.network.elements import INF, PathResult, kind_index
from iadsim.network.kinds import MessageKind
from iadsim.network.scope import pair_scope


class Queries:
    """What the engine asks of a network: paths, latencies, reasons, over time."""

    _scopes: dict[tuple[int, str, str], tuple[str, ...]]

    def path(
        self, src: str, dst: str, t: float, kind: MessageKind | str | None = None
    ) -> PathResult:
        """Best available path from src to dst at time t for a message kind (None: any
        link), or the reason there is none."""
        c = self._c if self._c is not None else self._compiled()
        e = c.state_of[bisect_right(c.bps, t)]
        k = kind_index(kind)
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
        dist, _ = self._tree(self.state_id(t), kind_index(kind), c.nidx[src])
        return {c.node_ids[i]: float(dist[i]) for i in np.flatnonzero(np.isfinite(dist))}

    def scope(self, src: str, dst: str, kind: MessageKind | str | None = None) -> tuple[str, ...]:
        """The elements whose state can change the answer src -> dst for `kind`
        (`network.scope`): another network of this design whose elements in it are in the
        same state answers the pair alike."""
        return self._scope(kind_index(kind), src, dst)

    def _scope(self, k: int, src: str, dst: str) -> tuple[str, ...]:
        """The elements whose state can change the answer src -> dst for kind k
        (`network.scope`), once per design (shared with the network's copies)."""
        key = (k, src, dst)
        scope = self._scopes.get(key)
        if scope is None:
            for n in (src, dst):
                if n not in self.nodes:
                    raise InputError(f"network: unknown node in path query {src!r} -> {dst!r}")
            scope = self._scopes[key] = pair_scope(self.nodes, self.links, k, src, dst)
        return scope

    def _pair_breaks(self, c: Compiled, k: int, src: str, dst: str) -> np.ndarray:
        """Sorted times at which an element of the pair's scope changes state: between two
        of them the pair's answer does not change, whatever the rest of the network does."""
        key = (k, src, dst)
        bps = c.pair_bps.get(key)
        if bps is None:
            pts: set[float] = set()
            for element in self._scope(k, src, dst):
                pts.update(c.element_bps[element])
            bps = c.pair_bps[key] = np.array(sorted(pts), dtype=float)
        return bps

    def _grid_epochs(self, c: Compiled, times: np.ndarray, flat: np.ndarray):
        """(the global epochs met by the times, ascending; the first index in `flat` of
        each; per time the position of its epoch), kept per time grid: the same grids are
        asked about for many pairs."""
        hit = c.epochs_of.get(id(times))
        if hit is not None and hit[0] is times:
            return hit[1], hit[2], hit[3]
        ep = np.searchsorted(c.bps_arr, flat, side="right")
        epochs, first, inv = np.unique(ep, return_index=True, return_inverse=True)
        inv = inv.ravel()
        if flat.size > 16:  # a grid (held: its id is not reused), not a single time
            c.epochs_of[id(times)] = (times, epochs, first, inv)
        return epochs, first, inv

    def _per_epoch(self, src: str, dst: str, times, kind):
        """(times, the pair's path in each epoch of its scope met, in time order, and per
        time the index of its path). The answer is asked once per epoch of the pair's own
        scope (`_pair_breaks`), at the first time in it: its latency and reason are those
        at every time of that epoch (a tie between equally fast paths may name either)."""
        times = np.asarray(times, dtype=float)
        flat = times.ravel()
        c = self._compiled()
        k = kind_index(kind)
        bps = self._pair_breaks(c, k, src, dst) if c.n_states > 1 else c.bps_arr[:0]
        if not bps.size and flat.size:  # the pair's answer never changes: one path
            return times, [self.path(src, dst, float(flat[0]), kind)], np.zeros(flat.size, int)
        epochs, first, inv = self._grid_epochs(c, times, flat)
        # each global epoch lies inside one epoch of the pair (its breakpoints are a subset)
        mine = np.searchsorted(bps, c.starts[epochs], side="right")
        # the epochs are in time order, so the pair's epochs met are runs: each run's first
        # position and per global epoch its run's number (np.unique's answer, without sorting)
        new = np.empty(mine.size, bool)
        new[:1] = True
        np.not_equal(mine[1:], mine[:-1], out=new[1:])
        pick, which = np.flatnonzero(new), np.cumsum(new) - 1
        per = [self.path(src, dst, float(flat[first[j]]), kind) for j in pick]
        return times, per, which.ravel()[inv]

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
