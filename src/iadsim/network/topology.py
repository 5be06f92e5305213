"""Building a C2 network: its nodes and links (checked as they are added), from records,
and cheap copies of a built design (copy on write of the element timelines).

`design_network` keeps the networks it built keyed by the design's content (the components'
ids and kinds and every link field it reads), so the replications of a scenario build the
design once and each works on a copy."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from iadsim.errors import InputError, ValueRangeError
from iadsim.network.elements import INF, Link, Node
from iadsim.network.kinds import (
    LINK_KINDS,
    MESSAGE_KINDS,
    NODE_KIND_ALIASES,
    NODE_KINDS,
    MessageKind,
    as_kinds,
)
from iadsim.network.timeline import ElementTimeline

if TYPE_CHECKING:
    from iadsim.network.graph import C2Network


class Topology:
    """The nodes and links of a network (a part of `C2Network`): adding them, and copying."""

    nodes: dict[str, Node]
    links: dict[str, Link]
    _tl: dict[str, ElementTimeline]
    _shared: set[str]
    _design_paths: dict
    _scopes: dict

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
        self._new_element(node_id, up)
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
        self._new_element(link_id, up)
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

    def copy(self) -> C2Network:
        """The same network (elements and their state so far) to change apart: the element
        timelines are shared until either side changes one (copy on write), the caches of
        design paths and pair scopes are shared (the design does not change with state)."""
        new = object.__new__(type(self))
        new.nodes, new.links = dict(self.nodes), dict(self.links)
        new._tl = dict(self._tl)
        self._shared = set(self._tl)
        new._shared = set(self._tl)
        new._cache_size = self._cache_size
        new._design_paths = self._design_paths
        new._scopes = self._scopes
        new._invalidate()
        return new  # type: ignore[return-value]

    def _new_element(self, element_id: str, up: bool) -> None:
        """A fresh timeline for a new element (down throughout unless `up`); the design
        changed, so its cached paths start again (a new dict: copies keep theirs)."""
        self._tl[element_id] = ElementTimeline()
        if not up:
            self._tl[element_id].down.add(-INF, INF)
        self._design_paths = {}
        self._scopes = {}
        self._invalidate()


def link_record(lk: Any) -> tuple:
    """The fields of a scenario link (scenario.schema.LinkSpec) the design reads, as a
    hashable tuple: id, ends, kind, latency, capacity, up, via, carries (None: every kind)."""
    carries = None if lk.carries is None else tuple(sorted(map(str, lk.carries)))
    return (
        lk.id, lk.from_, lk.to, lk.kind, lk.latency_s, lk.capacity_per_s, lk.up,
        tuple(lk.via), carries,
    )  # fmt: skip


def design_network(components: Mapping[str, str], links: Iterable[Any]) -> C2Network:
    """A fresh copy of the network of these components (id -> catalog kind) and scenario
    links (every link up unless marked down from the start; no other state). Built once per
    design and kept (keyed by the content `_built` reads and nothing else)."""
    key = (tuple((cid, str(kind)) for cid, kind in components.items()),)
    key += (tuple(link_record(lk) for lk in links),)
    return _built(key).copy()


@lru_cache(maxsize=32)
def _built(key: tuple) -> C2Network:
    """The network of a design key (`design_network`): it reads the key and nothing else,
    so equal keys give equal networks."""
    from iadsim.network.graph import C2Network

    components, links = key
    net = C2Network()
    for cid, kind in components:
        net.add_node(cid, kind)
    for lid, a, b, kind, latency, capacity, up, via, carries in links:
        net.add_link(lid, a, b, kind, latency, capacity, up, via, carries)
    return net
