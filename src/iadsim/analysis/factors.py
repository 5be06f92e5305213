"""Factor groups for attribution: each turns one family of the scenario's failures back to
"as designed", so that counterfactual replications can say how much of the outcome each
explains (docs/network.md, `iadsim attribute`).

A group is a pure transformation of the scenario's data (the dict the schema validates):
connectivity (every link up, no jamming, no random failures), storage (nothing in storage),
maintenance (full maintenance with supplier support, nothing degraded or broken), crews
(elite, fully willing crews), suppression (crews never deterred), strikes (no strikes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario
from iadsim.scenario.load import resolve_links
from iadsim.scenario.schema import ScenarioSpec


def _components(data: dict) -> Iterable[dict]:
    for unit in data.get("units", []):
        yield from unit.get("components", [])


def _connectivity(data: dict) -> None:
    for link in data.get("network", {}).get("links", []):
        link["up"] = True
        link["jammed"] = []
        link.pop("mtbf_s", None)
        link.pop("mttr_s", None)


def _move(readiness, to: str, names: tuple[str, ...]):
    """Move the probability of `names` to state `to` in any readiness form."""
    if readiness is None:
        return None
    if isinstance(readiness, str):
        return to if readiness in names else readiness
    if isinstance(readiness, int | float):
        return 1.0 if "not_mission_capable" in names else readiness
    out = dict(readiness)
    if "not_mission_capable" in names and "not_mission_capable" not in out:
        # the implicit remainder is not mission capable
        rest = 1.0 - sum(out.get(k, 0.0) for k in ("operational", "degraded", "in_storage"))
        out["not_mission_capable"] = max(rest, 0.0)
    moved = sum(out.pop(n, 0.0) or 0.0 for n in names)
    out[to] = out.get(to, 0.0) + moved
    out.setdefault("not_mission_capable", 0.0)
    total = sum(v for v in out.values())
    out["not_mission_capable"] = max(0.0, out["not_mission_capable"] + 1.0 - total)
    return out


def _storage(data: dict) -> None:
    for comp in _components(data):
        comp["readiness"] = _move(comp.get("readiness"), "operational", ("in_storage",))
    data["observations"] = [
        o for o in data.get("observations", []) if o.get("observed") != "in_storage"
    ]


def _maintenance(data: dict) -> None:
    for comp in _components(data):
        if comp.get("maintenance") is not None:
            comp["maintenance"] = {
                "years_since_overhaul": 0.0,
                "regime": "full",
                "supplier_support": True,
            }
        comp["readiness"] = _move(
            comp.get("readiness"), "operational", ("degraded", "not_mission_capable")
        )
    data["observations"] = [
        o
        for o in data.get("observations", [])
        if o.get("observed") not in ("degraded", "not_mission_capable")
    ]


def _crew(unit: dict) -> dict:
    crew = dict(unit.get("crew") or {})
    unit["crew"] = crew
    return crew


def _crews(data: dict) -> None:
    for unit in data.get("units", []):
        crew = _crew(unit)
        crew["proficiency"] = "elite"
        crew["morale"] = 1.0


def _suppression(data: dict) -> None:
    for unit in data.get("units", []):
        _crew(unit)["suppressible"] = False


def _strikes(data: dict) -> None:
    data["strikes"] = []


FACTOR_GROUPS: dict[str, Callable[[dict], None]] = {
    "connectivity": _connectivity,
    "storage": _storage,
    "maintenance": _maintenance,
    "crews": _crews,
    "suppression": _suppression,
    "strikes": _strikes,
}
"""Every factor group and how it sets the scenario to "as designed"."""


def as_designed(scenario: Scenario, groups: Iterable[str]) -> Scenario:
    """The scenario with the given factor groups set to "as designed" (validated again)."""
    data = copy.deepcopy(scenario.spec.model_dump(by_alias=True, exclude_none=True, mode="json"))
    for name in sorted(groups):
        try:
            FACTOR_GROUPS[name](data)
        except KeyError:
            known = ", ".join(FACTOR_GROUPS)
            raise InputError(
                Problem(
                    "<command line>",
                    None,
                    None,
                    "--groups",
                    f"unknown group {name!r}; known: {known}",
                )
            ) from None
    spec = ScenarioSpec.model_validate(data)
    return Scenario(spec, scenario.catalog, scenario.path, resolve_links(spec, scenario.catalog))
