"""Time-varying state of one network element: down, jammed, destroyed, failed by a cause.

State is piecewise constant: a set of half-open intervals per cause. Besides the plain
states (a hand-set `down`, jamming, destruction by a strike) an element can be out for a
*modelled cause* (a `Fault`): its data-transfer set failed (DATALINK_FAILED), its generator
is down (NO_POWER), its unit is not deployed yet (NOT_DEPLOYED), its crew has not brought
the network up (CREW_NOT_READY). A fault names the failing element (`cause`), so the
ledger can say which set or generator broke the chain, not only why.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason

INF = math.inf


class Intervals:
    """A set of disjoint half-open time intervals [start, end), merged on insertion."""

    __slots__ = ("starts", "ends")

    def __init__(self, intervals: Iterable[tuple[float, float]] = ()):
        self.starts: list[float] = []
        self.ends: list[float] = []
        for s, e in intervals:
            self.add(s, e)

    def add(self, start: float, end: float) -> None:
        """Insert [start, end), merging with any interval it overlaps or touches."""
        start, end = float(start), float(end)
        if math.isnan(start) or math.isnan(end) or end < start:
            raise ValueRangeError(f"interval [{start}, {end}) must have start <= end")
        if end == start:
            return
        if not self.starts or start > self.ends[-1]:  # after the others, apart: appended
            self.starts.append(start)
            self.ends.append(end)
            return
        pairs = list(zip(self.starts, self.ends, strict=True)) + [(start, end)]
        pairs.sort()
        merged: list[list[float]] = []
        for s, e in pairs:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def contains(self, t: float) -> bool:
        """Whether t lies inside one of the intervals."""
        i = bisect_right(self.starts, t) - 1
        return i >= 0 and t < self.ends[i]

    def total(self, lo: float = -INF, hi: float = INF) -> float:
        """Total length of the intervals clipped to [lo, hi]."""
        return float(
            sum(
                max(0.0, min(e, hi) - max(s, lo))
                for s, e in zip(self.starts, self.ends, strict=True)
            )
        )

    def copy(self) -> Intervals:
        """An independent copy."""
        new = Intervals()
        new.starts, new.ends = list(self.starts), list(self.ends)
        return new

    def as_list(self) -> list[tuple[float, float]]:
        """The intervals as a list of (start, end) pairs."""
        return list(zip(self.starts, self.ends, strict=True))

    def breakpoints(self) -> list[float]:
        """Every finite start and end."""
        return [x for x in (*self.starts, *self.ends) if math.isfinite(x)]

    def spans(self, rep: list[float]) -> list[tuple[int, int]]:
        """Per interval, the slice [lo, hi) of the sorted times `rep` that it contains
        (those with start <= t < end): `contains` over sorted times, as index ranges."""
        return [
            (bisect_left(rep, s), bisect_left(rep, e))
            for s, e in zip(self.starts, self.ends, strict=True)
        ]

    def fill(self, out: np.ndarray, rep: list[float], value) -> None:
        """Set `out[j] = value` wherever the sorted time `rep[j]` lies inside an interval."""
        for lo, hi in self.spans(rep):
            out[lo:hi] = value

    def __len__(self) -> int:
        return len(self.starts)

    def __repr__(self) -> str:
        return f"Intervals({self.as_list()!r})"


@dataclass(frozen=True)
class Fault:
    """Why an element is out: a reason and the failing element (None: the element itself)."""

    reason: Reason
    cause: str | None = None


@dataclass
class ElementTimeline:
    """Down, jammed, destroyed and faulted state of one element over time.

    Priority when several hold at once (the first wins): destroyed, hand-set down, modelled
    faults in the order they were added, jammed.
    """

    down: Intervals = field(default_factory=Intervals)
    jammed: Intervals = field(default_factory=Intervals)
    destroyed_at: float = INF
    norelay: Intervals = field(default_factory=Intervals)
    norelay_reason: Reason = Reason.NOT_MISSION_CAPABLE
    faults: list[tuple[Fault, Intervals]] = field(default_factory=list)

    def copy(self) -> ElementTimeline:
        """An independent copy (a network copied per replication changes its own)."""
        return ElementTimeline(
            self.down.copy(),
            self.jammed.copy(),
            self.destroyed_at,
            self.norelay.copy(),
            self.norelay_reason,
            [(f, iv.copy()) for f, iv in self.faults],
        )

    def add_fault(self, fault: Fault, start: float, end: float) -> None:
        """Out for `fault` over [start, end) (merged with the same fault's other intervals)."""
        for f, iv in self.faults:
            if f == fault:
                iv.add(start, end)
                return
        self.faults.append((fault, Intervals([(start, end)])))

    def fault(self, t: float, destroyed_reason: Reason) -> Fault | None:
        """The element's own fault at t (None when it works)."""
        if t >= self.destroyed_at:
            return Fault(destroyed_reason)
        if self.down.starts and self.down.contains(t):
            return Fault(Reason.LINK_DOWN)
        for f, iv in self.faults:
            if iv.contains(t):
                return f
        if self.jammed.starts and self.jammed.contains(t):
            return Fault(Reason.JAMMED)
        return None

    def reason(self, t: float, destroyed_reason: Reason) -> Reason:
        """The element's own reason to be unusable at t, or Reason.NONE when it works."""
        f = self.fault(t, destroyed_reason)
        return Reason.NONE if f is None else f.reason

    def breakpoints(self) -> list[float]:
        """Every finite time at which this element's state may change."""
        pts = [*self.down.breakpoints(), *self.jammed.breakpoints(), *self.norelay.breakpoints()]
        for _, iv in self.faults:
            pts.extend(iv.breakpoints())
        if math.isfinite(self.destroyed_at):
            pts.append(self.destroyed_at)
        return pts

    def codes(self, rep: list[float], code_of, destroyed_reason: Reason) -> np.ndarray:
        """Per epoch start time in `rep` (sorted, a list), the code (`code_of(Fault)`, 0 = up)
        of its state. Codes are asked of `code_of` in the same order whatever the state
        (the table numbers faults on first use); each interval sets a slice of epochs."""
        code = np.zeros(len(rep), dtype=np.int32)
        if self.jammed.starts:
            self.jammed.fill(code, rep, code_of(Fault(Reason.JAMMED)))
        for f, iv in reversed(self.faults):
            iv.fill(code, rep, code_of(f))
        if self.down.starts:
            self.down.fill(code, rep, code_of(Fault(Reason.LINK_DOWN)))
        code[bisect_left(rep, self.destroyed_at) :] = code_of(Fault(destroyed_reason))
        return code


class FaultTable:
    """Small integer codes for faults (0 = working), shared by one compiled network."""

    def __init__(self) -> None:
        self.faults: list[Fault | None] = [None]
        self._index: dict[Fault, int] = {}

    def code(self, fault: Fault) -> int:
        """The code of a fault, assigned on first use."""
        i = self._index.get(fault)
        if i is None:
            i = self._index[fault] = len(self.faults)
            self.faults.append(fault)
        return i

    def __getitem__(self, code: int) -> Fault | None:
        return self.faults[int(code)]
