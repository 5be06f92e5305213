"""Limits that need more than one field: how long the scenario's routes run, how many random
link failures the horizon holds. Checked by `validate` (and so before any run), each problem
at its field's line; the single-field limits are in the schema. See docs/limits.md."""

from __future__ import annotations

import math

import iadsim.limits as limits
from iadsim.scenario.catalog import Catalog
from iadsim.scenario.schema import AircraftSpec, ScenarioSpec

EARTH_RADIUS_M = 6_371_000.0
END_MARGIN_S = 60.0  # the engine runs this long past the last route's end (engine.world)


def route_end_s(ac: AircraftSpec, catalog: Catalog) -> float | None:
    """When an aircraft with its own route reaches its last waypoint (great-circle legs at
    the leg speeds, plus loiters); None for a formation slot or an unknown type."""
    if ac.route is None or ac.type not in catalog.aircraft:
        return None
    default = ac.speed_mps or catalog.aircraft[ac.type].cruise_speed_mps
    t = ac.start_s + ac.route[0].loiter_s
    for a, b in zip(ac.route[:-1], ac.route[1:], strict=True):
        t += _distance_m(a, b) / (b.speed_mps or default) + b.loiter_s
    return t


def _distance_m(a, b) -> float:
    p1, p2 = math.radians(a.lat_deg), math.radians(b.lat_deg)
    dl = math.radians(b.lon_deg - a.lon_deg)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    ground = 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
    return math.hypot(ground, b.alt_m - a.alt_m)


def check_limits(spec: ScenarioSpec, catalog: Catalog) -> list[tuple[tuple, str]]:
    """(field path, message) for every cross-field limit the scenario exceeds."""
    problems: list[tuple[tuple, str]] = []
    ends: dict[str, float] = {}
    for i, ac in enumerate(spec.raid):
        end = route_end_s(ac, catalog)
        if end is None:
            continue
        ends[ac.id] = end
        if spec.duration_s is None and end + END_MARGIN_S > limits.MAX_DURATION_S:
            problems.append(
                (
                    ("raid", i, "route"),
                    f"the route ends after {end:,.0f} s (legs at their speeds, plus loiters), "
                    f"beyond the {limits.MAX_DURATION_S:,.0f} s limit of a scenario "
                    "(limits.MAX_DURATION_S); give duration_s, faster speeds or shorter loiters",
                )
            )
    for i, ac in enumerate(spec.raid):
        if ac.formation is not None and ac.formation.lead in ends:
            end = ends[ac.formation.lead] + ac.formation.delay_s
            if spec.duration_s is None and end + END_MARGIN_S > limits.MAX_DURATION_S:
                problems.append(
                    (
                        ("raid", i, "formation", "delay_s"),
                        f"this slot ends after {end:,.0f} s, beyond the "
                        f"{limits.MAX_DURATION_S:,.0f} s limit (limits.MAX_DURATION_S)",
                    )
                )
    horizon = spec.duration_s or (max(ends.values(), default=0.0) + END_MARGIN_S)
    horizon = min(horizon, limits.MAX_DURATION_S)
    for i, link in enumerate(spec.network.links):
        if link.mtbf_s is None or link.mttr_s is None:
            continue
        cycles = horizon / (link.mtbf_s + link.mttr_s)
        if cycles > limits.MAX_LINK_EVENTS:
            problems.append(
                (
                    ("network", "links", i, "mtbf_s"),
                    f"about {cycles:,.0f} failure-repair cycles over the {horizon:,.0f} s "
                    f"scenario, more than the limit of {limits.MAX_LINK_EVENTS:,} "
                    "(limits.MAX_LINK_EVENTS); a link this unreliable is better written down",
                )
            )
    return problems
