"""The C2 network's elements and answers: a node, a link, the result of a path query."""

from __future__ import annotations

import math
from dataclasses import dataclass

from iadsim.killchain import Reason
from iadsim.network.kinds import ALL_KINDS, MESSAGE_KINDS, RELAYING_NODE_KINDS, MessageKind

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


_KIND_INDEX: dict[str | None, int] = {None: -1} | {str(k): i for i, k in enumerate(MESSAGE_KINDS)}
"""kind_index's answers (a MessageKind is its string): asked at every path query."""


def kind_index(kind: MessageKind | str | None) -> int:
    """-1 for any kind, else the kind's position in MESSAGE_KINDS."""
    i = _KIND_INDEX.get(kind)
    return i if i is not None else MESSAGE_KINDS.index(MessageKind(kind))
