"""Cannibalisation: a unit pools its working communications sets onto the vehicles that
matter (scenario unit `cannibalise: {vehicles, setup_s}`; docs/network.md).

Each set works or not on its own draw (network.causes). A unit that cannibalises goes down
its list of `vehicles` in order: a vehicle whose sets of one kind (radio sets, cable
terminals, data-transfer units) have all failed takes a working set of the same type from a
vehicle of the unit not on the list (the first in the unit's order that has one). The moved
set works on its new vehicle from `setup_s` on (the time to take it out, carry it over and
fit it: notional, 0 where it was done before the raid); its donor has lost it from the
start, and its links say so (DATALINK_FAILED, element `DONOR:set>RECIPIENT`). Only sets
that work move: pooling cannot make more working sets, it puts them where they matter.
"""

from __future__ import annotations

import math

INF = math.inf

Sets = dict[str, dict[str, list[list]]]
"""component id -> medium -> [set id, set type, works from (s): -inf works, inf failed]."""


def pool_sets(sets: Sets, unit_id: str, vehicles: list[str], setup_s: float) -> list[tuple]:
    """Move working sets of `unit_id` onto its `vehicles` (see the module docstring), in
    place; returns the moves as (set id, donor, recipient)."""
    recipients = [f"{unit_id}/{v}" for v in vehicles]
    donors = [c for c in sets if c.split("/", 1)[0] == unit_id and c not in recipients]
    moves = []
    for r in recipients:
        for medium, mine in sets.get(r, {}).items():
            for need in mine:
                if need[2] == -INF or any(s[2] < INF for s in mine if s is not need):
                    continue  # this one works, or another of this kind works or is coming
                spare = _spare(sets, donors, medium, need[1])
                if spare is None:
                    continue
                moves.append((spare[0], spare[0].split(":", 1)[0], r))
                spare[0], spare[2] = f"{spare[0]}>{r}", INF
                need[2] = float(setup_s)
    return moves


def _spare(sets: Sets, donors: list[str], medium: str, kind: str) -> list | None:
    """The first working set of `kind` among the donors."""
    for d in donors:
        for s in sets.get(d, {}).get(medium, []):
            if s[1] == kind and s[2] == -INF:
                return s
    return None
