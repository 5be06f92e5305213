"""The state of a C2 network's elements over time (a part of `C2Network`): set down, out
for a modelled fault, jammed, destroyed, unable to relay; and each element's own state at a
time. Element timelines may be shared with a copy of the network: they are copied before a
change (`_writable`)."""

from __future__ import annotations

from collections.abc import Iterable

from iadsim.errors import InputError
from iadsim.killchain import Reason
from iadsim.network.elements import INF, Link, Node
from iadsim.network.timeline import ElementTimeline, Fault


class ElementStates:
    """Element state over time, written through copy on write."""

    nodes: dict[str, Node]
    links: dict[str, Link]
    _tl: dict[str, ElementTimeline]
    _shared: set[str]

    def _timeline(self, element_id: str) -> ElementTimeline:
        try:
            return self._tl[element_id]
        except KeyError:
            raise InputError(f"network: unknown node or link {element_id!r}") from None

    def _writable(self, element_id: str) -> ElementTimeline:
        """The element's timeline, copied first if a copy of the network shares it."""
        tl = self._timeline(element_id)
        if element_id in self._shared:
            self._shared.discard(element_id)
            tl = self._tl[element_id] = tl.copy()
        return tl

    def set_down(self, element_id: str, start: float = -INF, end: float = INF) -> None:
        """Mark a link or node down (not working) over [start, end)."""
        self._writable(element_id).down.add(start, end)
        self._invalidate()

    def add_outages(self, element_id: str, intervals: Iterable[tuple[float, float]]) -> None:
        """Mark a link or node down over each interval (e.g. a sampled failure timeline)."""
        tl = self._writable(element_id)
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
        self._writable(element_id).add_fault(Fault(Reason(reason), cause), start, end)
        self._invalidate()

    def jam(self, element_id: str, start: float, end: float = INF) -> None:
        """Jam a link (or a radio node) over [start, end)."""
        self._writable(element_id).jammed.add(start, end)
        self._invalidate()

    def destroy(self, element_id: str, t: float) -> None:
        """Destroy a node (or cut a link) at time t, for good."""
        tl = self._writable(element_id)
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
        tl = self._writable(node_id)
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
