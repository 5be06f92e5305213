"""The event queue and clock: events fire in time order, ties broken by insertion order;
and `Context`, what every process of one replication shares (the clock, the event log, the
kill-chain ledger, the random streams, and `emit`, through which a process announces an
outcome to the others at its time).

An event scheduled before the clock's present time (or at a time that is not a number) is a
bug in the process that asked for it; the queue refuses it rather than moving it to now,
which would hide the bug and shift every later event."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iadsim.engine.events import EventLog, Outcome
    from iadsim.engine.ledger import Ledger
    from iadsim.engine.rng import RngStreams


class PastEventError(ValueError):
    """An event was scheduled before the present time of the queue (an engine bug)."""


class EventQueue:
    """A priority queue of (time, handler, args); `run` pops and calls them until `end_s`."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0
        self.now_s = 0.0

    def schedule(self, time_s: float, handler: Callable[..., None], *args: Any) -> None:
        """Call handler(*args) at time_s; PastEventError if time_s is before now or NaN."""
        if not time_s >= self.now_s:
            name = getattr(handler, "__qualname__", repr(handler))
            raise PastEventError(
                f"event {name} scheduled at t = {time_s} s, before the present t = {self.now_s} s"
            )
        # (time, sequence number, ...): tuples compare in C; the sequence numbers are unique,
        # so ties in time go in insertion order and handlers are never compared
        heapq.heappush(self._heap, (time_s, self._seq, handler, args))
        self._seq += 1

    def run(self, end_s: float) -> None:
        """Process events in order until the queue is empty or the next one is after end_s."""
        heap = self._heap
        while heap and heap[0][0] <= end_s:
            time_s, _, handler, args = heapq.heappop(heap)
            self.now_s = time_s
            handler(*args)

    def __len__(self) -> int:
        return len(self._heap)


@dataclass
class Context:
    """The shared services of one replication's processes: the clock and queue, the event
    log, the ledger, the random streams, and `emit` (an outcome, engine.events.Outcome, is
    routed at once to the processes that hear it; engine.replication)."""

    queue: EventQueue
    log: EventLog
    ledger: Ledger
    rs: RngStreams
    emit: Callable[[Outcome], None] = field(default=lambda outcome: None)

    @property
    def now_s(self) -> float:
        return self.queue.now_s
