"""The event log: typed records of what happened in one replication, stored column-wise;
and the outcomes that processes announce to each other at their time (`Outcome`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa


class EventKind(StrEnum):
    """Every kind of record the engine writes to the event log."""

    AIRCRAFT_START = "aircraft_start"
    AIRCRAFT_END = "aircraft_end"
    STATE_SAMPLED = "state_sampled"
    STRIKE = "strike"
    DESTROYED = "destroyed"
    DISABLED = "disabled"
    TRACK_FIRM = "track_firm"
    TRACK_LOST = "track_lost"
    REPORTED = "reported"
    TARGET_ASSIGNED = "target_assigned"  # a sector command post gives a unit a target
    LAUNCH_DECISION = "launch_decision"
    LAUNCH = "launch"
    LAUNCH_ABORTED = "launch_aborted"
    INTERCEPT = "intercept"
    KILL = "kill"
    MISS = "miss"
    RETURN_FIRE = "return_fire"
    SUPPRESSED = "suppressed"
    CREW_ERROR = "crew_error"
    CYBER = "cyber"  # an attack on the picture or the power: succeeded or failed
    DOCTRINE = "doctrine"  # a unit's release authority drawn for the night
    GUN_FIRE = "gun_fire"  # a gun site's burst at an aircraft (value: rounds fired)
    DAMAGED = "damaged"  # hit and not lost (detail: abort or continues; value: hits)


@dataclass(frozen=True)
class AircraftDown:
    """Aircraft `aircraft` (index) was shot down at `time_s`: it does nothing from then on
    (no ARM launch, no jamming, no return fire)."""

    time_s: float
    aircraft: int


@dataclass(frozen=True)
class AircraftWithdrawn:
    """Aircraft `aircraft` (index) was hit and aborts its mission at `time_s`: it leaves the
    fight, not lost (no longer a target; no ARM launch, no jamming, no return fire)."""

    time_s: float
    aircraft: int


@dataclass(frozen=True)
class ComponentLost:
    """Component `component` (index) is out of action from `time_s` on (an ARM hit): it
    senses, relays and fires no more."""

    time_s: float
    component: int


@dataclass(frozen=True)
class EmissionsChanged:
    """When radar `radar` (component index) radiates changed from `time_s` on (a launch
    warning under a silent-on-warning doctrine)."""

    time_s: float
    radar: int


Outcome = AircraftDown | AircraftWithdrawn | ComponentLost | EmissionsChanged
"""What a process announces to the others (`scheduler.Context.emit`) when it happens."""


EVENT_SCHEMA = pa.schema(
    [
        ("time_s", pa.float64()),
        ("kind", pa.string()),
        ("aircraft", pa.string()),
        ("unit", pa.string()),
        ("component", pa.string()),
        ("detail", pa.string()),
        ("value", pa.float64()),
    ]
)


class EventLog:
    """Append-only log; `table()` sorts stably by time so output order is deterministic."""

    def __init__(self) -> None:
        self._rows: list[tuple[float, str, str, str, str, str, float]] = []

    def add(
        self,
        time_s: float,
        kind: EventKind,
        aircraft: str = "",
        unit: str = "",
        component: str = "",
        detail: str = "",
        value: float = float("nan"),
    ) -> None:
        self._rows.append(
            (float(time_s), str(kind), aircraft, unit, component, detail, float(value))
        )

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self) -> list[tuple]:
        """Rows sorted by time (stable: same-time events keep the order they were logged)."""
        return sorted(self._rows, key=lambda r: r[0])

    def table(self) -> pa.Table:
        rows = self.rows()
        cols = list(zip(*rows, strict=True)) if rows else [[] for _ in EVENT_SCHEMA]
        return pa.Table.from_arrays(
            [pa.array(c, type=f.type) for c, f in zip(cols, EVENT_SCHEMA, strict=True)],
            schema=EVENT_SCHEMA,
        )
