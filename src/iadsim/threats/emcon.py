"""Emission control (EMCON): when a defending radar radiates, by the doctrine of its unit.

A radar that does not radiate cannot be detected by a radar-warning receiver, cannot be
homed on by an anti-radiation missile (ARM), and detects nothing (RADAR_OFF). Doctrine per
unit (scenario `units[].emcon`), combinable:

* cued: the radar radiates only once an outside sensor's track of the raid has reached the
  unit's command post (the unit fights from the network's picture until then);
* blink: it radiates `blink_on_s`, then stays silent `blink_off_s`, repeatedly, with a
  phase per radar (SA-6 crews in 1973 and Serbian crews in 1999 radiated in short bursts;
  B. S. Lambeth, "NATO's Air War for Kosovo", RAND MR-1365 (2001), ch. 4);
* silent on warning: a launch warning (an ARM fired at the radar, seen by the crew or
  reported by the network) makes it shut down for `silence_s` (Lambeth 2001, ibid.).

Pure functions over time grids; the engine passes cue and warning times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from iadsim.errors import ValueRangeError


@dataclass(frozen=True)
class EmconDoctrine:
    """A unit's emission-control doctrine (all off: the radar radiates whenever it works)."""

    cued: bool = False
    blink_on_s: float = 0.0  # 0: no blinking
    blink_off_s: float = 0.0
    silence_s: float = 0.0  # 0: ignores launch warnings

    def __post_init__(self) -> None:
        for f in ("blink_on_s", "blink_off_s", "silence_s"):
            if not getattr(self, f) >= 0:
                raise ValueRangeError(f"EmconDoctrine.{f} must be >= 0")
        if (self.blink_on_s > 0) != (self.blink_off_s > 0):
            raise ValueRangeError("give both blink_on_s and blink_off_s, or neither")

    @property
    def active(self) -> bool:
        """True when any rule can silence the radar."""
        return self.cued or self.blink_on_s > 0 or self.silence_s > 0


NO_EMCON = EmconDoctrine()


def radiating(
    times_s,
    doctrine: EmconDoctrine,
    cue_time_s: float = 0.0,
    warning_times_s: Sequence[float] = (),
    phase_s: float = 0.0,
) -> np.ndarray:
    """Whether a working radar radiates at each time under its unit's doctrine.

    `cue_time_s` is when the unit was first cued (inf: never); `warning_times_s` are the
    launch warnings it received; `phase_s` shifts the blink cycle (per radar).
    """
    t = np.asarray(times_s, float)
    on = np.ones(t.shape, bool)
    if doctrine.cued:
        on &= t >= cue_time_s
    if doctrine.blink_on_s > 0:
        cycle = doctrine.blink_on_s + doctrine.blink_off_s
        on &= np.mod(t - phase_s, cycle) < doctrine.blink_on_s
    if doctrine.silence_s > 0:
        for w in warning_times_s:
            on &= ~((t >= w) & (t < w + doctrine.silence_s))
    return on


def radiating_throughout(
    start_s: float,
    end_s: float,
    doctrine: EmconDoctrine,
    cue_time_s: float = 0.0,
    warning_times_s: Sequence[float] = (),
    phase_s: float = 0.0,
    step_s: float = 0.5,
) -> bool:
    """True when the radar radiates over the whole of [start_s, end_s] (sampled every
    step_s and at both ends): what an ARM needs to keep homing to impact."""
    n = max(2, int(np.ceil((end_s - start_s) / step_s)) + 1)
    grid = np.linspace(start_s, end_s, n)
    return bool(radiating(grid, doctrine, cue_time_s, warning_times_s, phase_s).all())
