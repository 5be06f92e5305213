"""Clock times for the report: scenario seconds shown as the scenario's local time and UTC.

The scenario states its UTC start; local time is the nautical time zone of its origin
(UTC offset = longitude / 15 degrees, rounded half up), the same rule as the map's front
end (assets/app.js: Math.round).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta


def utc_offset_h(scene: dict) -> int:
    """Hours from UTC to the scenario's local time."""
    return math.floor(float(scene["origin"]["lon_deg"]) / 15.0 + 0.5)


def zone(offset_h: int) -> str:
    """'UTC-4', 'UTC+1', 'UTC+0'."""
    return f"UTC{'-' if offset_h < 0 else '+'}{abs(offset_h)}"


class Clock:
    """Turns scenario seconds into clock times for one scene."""

    def __init__(self, scene: dict) -> None:
        start = datetime.fromisoformat(str(scene["start_utc"]).replace("Z", "+00:00"))
        self.start = start
        self.offset_h = utc_offset_h(scene)
        self.zone = zone(self.offset_h)

    def utc(self, t_s: float) -> str:
        """'HH:MM:SS' UTC at `t_s` seconds after the start."""
        return (self.start + timedelta(seconds=float(t_s))).strftime("%H:%M:%S")

    def local(self, t_s: float) -> str:
        """'HH:MM:SS' local time at `t_s` seconds after the start."""
        at = self.start + timedelta(seconds=float(t_s), hours=self.offset_h)
        return at.strftime("%H:%M:%S")

    def both(self, t_s: float) -> str:
        """'HH:MM:SS (HH:MM:SSZ)': local, then UTC."""
        return f"{self.local(t_s)} ({self.utc(t_s)}Z)"
