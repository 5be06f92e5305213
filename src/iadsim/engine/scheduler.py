"""The event queue and clock: events fire in time order, ties broken by insertion order."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(order=True)
class _Entry:
    time_s: float
    seq: int
    handler: Callable[..., None] = field(compare=False)
    args: tuple[Any, ...] = field(compare=False)


class EventQueue:
    """A priority queue of (time, handler, args); `run` pops and calls them until `end_s`."""

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._seq = 0
        self.now_s = 0.0

    def schedule(self, time_s: float, handler: Callable[..., None], *args: Any) -> None:
        """Call handler(*args) at time_s (never in the past)."""
        if time_s < self.now_s:
            time_s = self.now_s
        heapq.heappush(self._heap, _Entry(time_s, self._seq, handler, args))
        self._seq += 1

    def run(self, end_s: float) -> None:
        """Process events in order until the queue is empty or the next one is after end_s."""
        heap = self._heap
        while heap and heap[0].time_s <= end_s:
            entry = heapq.heappop(heap)
            self.now_s = entry.time_s
            entry.handler(*entry.args)

    def __len__(self) -> int:
        return len(self._heap)
