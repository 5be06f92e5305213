"""Flights of N: one raid entry with `flight: {count: N, spacing_s: S}` stands for N aircraft
flying its one route in trail, S seconds apart, with ids `ID.1` ... `ID.N` (docs/
scenario-format.md, "Raid"). The entry is expanded in the plain data before validation, so
every member is validated and checked as if written out, and a problem in a member is
reported at the line of the flight's own entry (the locations of `raid[i]` are those of each
member). A `flight:` that cannot be expanded (a count that is not a whole number in range)
is left in place for the schema to refuse at its line (`schema.FlightSpec`).
"""

from __future__ import annotations

import copy
from typing import Any

import iadsim.limits as limits


def _count(flight: Any) -> int | None:
    """The flight's count when it can be expanded, else None (the schema then refuses it)."""
    if not isinstance(flight, dict):
        return None
    n = flight.get("count")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= limits.MAX_AIRCRAFT:
        return None
    spacing = flight.get("spacing_s", 0.0)
    if isinstance(spacing, bool) or not isinstance(spacing, int | float) or not spacing >= 0:
        return None
    return n


def _members(ac: dict, n: int) -> list[dict]:
    """The N aircraft of one flight entry: ids ID.k, each starting k-1 spacings later."""
    flight = ac["flight"]
    spacing = float(flight.get("spacing_s", 0.0))
    start = ac.get("start_s", 0.0)
    out = []
    for k in range(1, n + 1):
        member = {key: copy.deepcopy(v) for key, v in ac.items() if key != "flight"}
        member["id"] = f"{ac['id']}.{k}"
        if isinstance(start, int | float) and not isinstance(start, bool):
            member["start_s"] = start + (k - 1) * spacing
        if k > 1 and isinstance(member.get("formation"), dict):
            delay = member["formation"].get("delay_s", 0.0)
            if isinstance(delay, int | float):
                member["formation"]["delay_s"] = delay + (k - 1) * spacing
        out.append(member)
    return out


def expand_flights(data: dict, locations: dict | None) -> tuple[dict, dict]:
    """The scenario data with every expandable flight written out as its members, and the
    locations re-keyed so each member's fields point at the flight entry's lines."""
    raid = data.get("raid")
    if not isinstance(raid, list) or not any(
        isinstance(a, dict) and "flight" in a and _count(a["flight"]) for a in raid
    ):
        return data, locations or {}
    new_raid: list = []
    origin: list[int] = []  # new raid index -> the entry it came from
    for i, ac in enumerate(raid):
        n = _count(ac.get("flight")) if isinstance(ac, dict) else None
        if n is None or not isinstance(ac.get("id"), str):
            new_raid.append(ac)
            origin.append(i)
            continue
        new_raid.extend(_members(ac, n))
        origin.extend([i] * n)
    moved: dict = {}
    by_old: dict[int, list[int]] = {}
    for j, i in enumerate(origin):
        by_old.setdefault(i, []).append(j)
    for key, loc in (locations or {}).items():
        if len(key) >= 2 and key[0] == "raid" and isinstance(key[1], int):
            for j in by_old.get(key[1], ()):
                moved[("raid", j, *key[2:])] = loc
        else:
            moved[key] = loc
    return {**data, "raid": new_raid}, moved
