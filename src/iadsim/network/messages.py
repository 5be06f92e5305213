"""Message delivery over the C2 network: path latency, capacity queuing, losses with a cause.

A message takes the best available path for its kind at its send time (links that carry
it, nodes that relay). Each link is a FIFO rate limiter:
it starts at most `capacity_per_s` messages per second (one every 1/capacity s); a message
that finds the link busy waits for it (queue delay), an idle link adds no delay, so an
uncongested message arrives exactly `path latency` after it was sent. Reservations are made
at send time, in call order, which keeps delivery deterministic for a deterministic engine.

A message is lost (never delivered) when, with the cause recorded:
- there is no path at send time: the path query's reason (LINK_DOWN, NODE_DESTROYED, JAMMED);
- a link or node on its path stops working before the message crosses it (in transit);
- its queue delay on one link would exceed `max_queue_delay_s` (reason LINK_DOWN,
  detail "queue overflow": the closed Reason enum has no congestion member).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason
from iadsim.network.graph import C2Network
from iadsim.network.kinds import MessageKind

INF = math.inf


@dataclass(frozen=True)
class Message:
    """One message from one node to another, sent at t_sent."""

    msg_id: int
    kind: MessageKind
    src: str
    dst: str
    t_sent: float
    payload: Any = None


@dataclass(frozen=True)
class Delivery:
    """The fate of one message: delivered at t_arrival, or lost with reason and culprit."""

    message: Message
    delivered: bool
    t_arrival: float
    latency_s: float
    queue_delay_s: float
    links: tuple[str, ...]
    reason: Reason = Reason.NONE
    culprit: str | None = None
    detail: str = ""


class MessageBus:
    """Sends messages over a C2Network with latency and capacity queuing; keeps a log."""

    def __init__(
        self,
        network: C2Network,
        rate_limit: Literal["link", "path", "none"] = "link",
        max_queue_delay_s: float = INF,
        check_in_transit: bool = True,
        keep_log: bool = True,
    ) -> None:
        """rate_limit: per link, per (src, dst) path at its narrowest link, or none."""
        if rate_limit not in ("link", "path", "none"):
            raise ValueRangeError(f"rate_limit must be link, path or none, got {rate_limit!r}")
        if not max_queue_delay_s >= 0.0:
            raise ValueRangeError("max_queue_delay_s must be >= 0")
        self.network = network
        self.rate_limit = rate_limit
        self.max_queue_delay_s = float(max_queue_delay_s)
        self.check_in_transit = check_in_transit
        self.keep_log = keep_log
        self.log: list[Delivery] = []
        self.sent = 0
        self.delivered = 0
        self.losses: Counter[Reason] = Counter()
        self._free_at: dict[Any, float] = {}

    def reset(self) -> None:
        """Forget queues, counters and the log (e.g. between replications)."""
        self.log.clear()
        self.sent = self.delivered = 0
        self.losses.clear()
        self._free_at.clear()

    def _reserve(self, key: Any, t: float, capacity: float) -> float:
        """Earliest start >= t on a rate-limited server; reserves it and returns the start."""
        if not math.isfinite(capacity):
            return t
        start = max(t, self._free_at.get(key, -INF))
        self._free_at[key] = start + 1.0 / capacity
        return start

    def _finish(self, d: Delivery) -> Delivery:
        if d.delivered:
            self.delivered += 1
        else:
            self.losses[d.reason] += 1
        if self.keep_log:
            self.log.append(d)
        return d

    def send(
        self, kind: MessageKind | str, src: str, dst: str, t: float, payload: Any = None
    ) -> Delivery:
        """Send a message at time t; returns its Delivery (arrival time, or loss and cause)."""
        msg = Message(self.sent, MessageKind(kind), src, dst, float(t), payload)
        self.sent += 1
        net = self.network
        p = net.path(src, dst, t, msg.kind)
        if not p.ok:
            return self._finish(
                Delivery(msg, False, INF, INF, 0.0, (), p.reason, p.culprit, "no path")
            )
        now = float(t)
        queued = 0.0
        if self.rate_limit == "path" and p.links:
            cap = min(net.links[lid].capacity_per_s for lid in p.links)
            start = self._reserve((src, dst), now, cap)
            queued = start - now
            if queued > self.max_queue_delay_s:
                return self._finish(
                    Delivery(
                        msg,
                        False,
                        INF,
                        p.latency_s,
                        queued,
                        p.links,
                        Reason.LINK_DOWN,
                        p.links[0],
                        "queue overflow",
                    )
                )
            now = start
        for lid in p.links:
            if self.rate_limit == "link":
                start = self._reserve(lid, now, net.links[lid].capacity_per_s)
                wait = start - now
                if wait > self.max_queue_delay_s:
                    return self._finish(
                        Delivery(
                            msg,
                            False,
                            INF,
                            p.latency_s,
                            queued + wait,
                            p.links,
                            Reason.LINK_DOWN,
                            lid,
                            "queue overflow",
                        )
                    )
                queued += wait
                now = start
            if self.check_in_transit and now != t:
                why, culprit = net.link_status(lid, now)
                if why is not Reason.NONE:
                    return self._finish(
                        Delivery(
                            msg,
                            False,
                            INF,
                            p.latency_s,
                            queued,
                            p.links,
                            why,
                            culprit,
                            "failed in transit",
                        )
                    )
            now += net.links[lid].latency_s
        if self.check_in_transit and p.links:
            why = net.node_reason(dst, now)
            if why is not Reason.NONE:
                return self._finish(
                    Delivery(
                        msg,
                        False,
                        INF,
                        p.latency_s,
                        queued,
                        p.links,
                        why,
                        dst,
                        "destination down on arrival",
                    )
                )
        return self._finish(Delivery(msg, True, now, p.latency_s, queued, p.links))
