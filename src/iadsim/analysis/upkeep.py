"""The defence's readiness and upkeep as transformations of a scenario's data: components
out of storage, vehicles, comms sets and generators kept to a baseline (analysis.baselines),
crews raised to it, crews that cannot be deterred. The factor groups (analysis.factors) are
made of these; each is a pure function of the scenario's data (the dict the schema
validates), the catalog and the baseline."""

from __future__ import annotations

from collections.abc import Iterable

from iadsim.analysis.baselines import Baseline, better_crew, better_kept, start_year
from iadsim.scenario.catalog import Catalog


def components(data: dict) -> Iterable[dict]:
    for unit in data.get("units", []):
        yield from unit.get("components", [])


def move(readiness, to: str, names: tuple[str, ...]):
    """Move the probability of `names` to state `to` in any readiness form."""
    if readiness is None:
        return None
    if isinstance(readiness, str):
        return to if readiness in names else readiness
    if isinstance(readiness, int | float):
        return 1.0 if "not_mission_capable" in names else readiness
    out = dict(readiness)
    implicit_nmc = 1.0 - sum(v for k, v in out.items() if k != "not_mission_capable")
    present = sum(out.get(n, 0.0) or 0.0 for n in names)
    if "not_mission_capable" in names and "not_mission_capable" not in out:
        present += max(implicit_nmc, 0.0)
    if present <= 0.0:
        return readiness  # nothing of these states to move: leave the value as written
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


def storage(data: dict) -> None:
    for comp in components(data):
        if comp.get("readiness") is not None:
            comp["readiness"] = move(comp["readiness"], "operational", ("in_storage",))
        if comp.get("storage_prior"):
            comp["storage_prior"] = 0.0
    if data.get("observations"):
        data["observations"] = [o for o in data["observations"] if o["observed"] != "in_storage"]


def kept(readiness, b: Baseline):
    """A hand-set readiness restored to the baseline: brand new moves the degraded and not
    mission capable mass to operational; the maker's schedule spreads the mass that is not in
    storage over the states the maintenance model gives a vehicle kept to it."""
    if b.years_since_overhaul == 0.0 or readiness is None:
        return move(readiness, "operational", ("degraded", "not_mission_capable"))
    if isinstance(readiness, str):
        stored = 1.0 if readiness == "in_storage" else 0.0
    elif isinstance(readiness, int | float):
        stored = 0.0
    else:
        stored = float(readiness.get("in_storage", 0.0) or 0.0)
    out = {k: (1.0 - stored) * v for k, v in b.availability().items()}
    if stored > 0.0:
        out["in_storage"] = stored
    return out


def maintenance(data: dict, catalog: Catalog, b: Baseline) -> None:
    year = start_year(data)
    for comp in components(data):
        if comp.get("maintenance") is not None and not better_kept(comp["maintenance"], b, year):
            comp["maintenance"] = b.maintenance()
        if comp.get("readiness") is not None:
            comp["readiness"] = kept(comp["readiness"], b)
    if data.get("observations"):
        data["observations"] = [
            o
            for o in data["observations"]
            if o["observed"] not in ("degraded", "not_mission_capable")
        ]


def crew_of(unit: dict) -> dict:
    crew = dict(unit.get("crew") or {})
    unit["crew"] = crew
    return crew


def crews(data: dict, catalog: Catalog, b: Baseline) -> None:
    for unit in data.get("units", []):
        better_crew(crew_of(unit), b)


def deterrence(data: dict) -> None:
    for unit in data.get("units", []):
        crew_of(unit)["suppressible"] = False


def restored(item: dict, b: Baseline, year: int | None) -> None:
    """An equipment item (comms set, power source) working and kept to the baseline: a
    hand-set state operational, a maintenance history the baseline's (its own ageing model
    then gives its availability)."""
    if item.get("readiness") is not None:
        item["readiness"] = "operational"
    if item.get("maintenance") is not None and not better_kept(item["maintenance"], b, year):
        item["maintenance"] = b.maintenance()


def comms(data: dict, catalog: Catalog, b: Baseline) -> None:
    year = start_year(data)
    for comp in components(data):  # materialised: every set the catalog gives is listed
        for item in comp.get("comms") or []:
            restored(item, b, year)


def power(data: dict, catalog: Catalog, b: Baseline) -> None:
    # a source the catalog adds (none listed) has no history or readiness: it always works
    year = start_year(data)
    for unit in data.get("units", []):
        for item in unit.get("power") or []:
            restored(item, b, year)
