"""Launcher magazine: missiles ready on the rails, a reserve to reload from, a reload time.

A small mutable class, one per launcher per replication, driven by the engine's clock:
state changes only through `launch(t, n)` and the reload that completes lazily at
`reload_done_s`. No randomness. A launcher reloads when its rails are empty and reserve
remains (a transloader reloads all rails at once, notionally), or when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason


class MagazineState(StrEnum):
    """What the magazine can do right now."""

    READY = "ready"  # at least one missile on the rails
    RELOADING = "reloading"  # empty rails, reload in progress
    EMPTY = "empty"  # empty rails and no reserve: out of missiles

    @property
    def reason(self) -> Reason:
        """Kill-chain reason when this state blocks a launch (RELOADING counts as NO_MISSILES)."""
        return Reason.NONE if self is MagazineState.READY else Reason.NO_MISSILES


@dataclass
class Magazine:
    """Missiles of one launcher: ready on the rails, reserve, reload time (s)."""

    capacity: int
    ready: int
    reserve: int = 0
    reload_time_s: float = 0.0
    auto_reload: bool = True
    reload_done_s: float | None = None

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueRangeError(f"magazine capacity must be >= 1, got {self.capacity}")
        if not (0 <= self.ready <= self.capacity):
            raise ValueRangeError(
                f"magazine ready must be in [0, capacity={self.capacity}], got {self.ready}"
            )
        if self.reserve < 0 or self.reload_time_s < 0:
            raise ValueRangeError("magazine reserve and reload_time_s must be >= 0")

    def update(self, t_s: float) -> None:
        """Complete a reload whose time has come (idempotent)."""
        if self.reload_done_s is not None and t_s >= self.reload_done_s:
            moved = min(self.capacity - self.ready, self.reserve)
            self.ready += moved
            self.reserve -= moved
            self.reload_done_s = None

    def state(self, t_s: float) -> MagazineState:
        """READY, RELOADING or EMPTY at time t (after completing any due reload)."""
        self.update(t_s)
        if self.ready > 0:
            return MagazineState.READY
        if self.reload_done_s is not None:
            return MagazineState.RELOADING
        return MagazineState.EMPTY

    def available(self, t_s: float) -> int:
        """Missiles that can be launched at time t."""
        self.update(t_s)
        return self.ready

    def start_reload(self, t_s: float) -> float | None:
        """Begin reloading the empty rails; returns when it completes (None if nothing to do)."""
        self.update(t_s)
        if self.reload_done_s is not None:
            return self.reload_done_s
        if self.reserve <= 0 or self.ready >= self.capacity:
            return None
        self.reload_done_s = float(t_s) + self.reload_time_s
        self.update(t_s)  # a zero reload time completes at once
        return self.reload_done_s if self.reload_done_s is not None else float(t_s)

    def launch(self, t_s: float, n: int = 1) -> int:
        """Launch up to n missiles at time t; returns how many left the rails."""
        if n < 0:
            raise ValueRangeError(f"cannot launch a negative number of missiles ({n})")
        self.update(t_s)
        fired = min(n, self.ready)
        self.ready -= fired
        if self.ready == 0 and self.auto_reload and self.reserve > 0:
            self.start_reload(t_s)
        return fired
