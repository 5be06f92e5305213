"""The catalog's defaults written into a scenario's data, so factor groups can act on them.

A scenario may leave parts of its connection mechanisms to the catalog: a component that
lists no `comms:` gets one set per catalog comms entry of its type, ageing with the
component's own maintenance history (network.causes); a (sensor, command post) pair is
integrated or not by the catalog's integration matrix unless `network.integrations` says
otherwise. A factor group only sees the scenario's data, so it could not restore what only
the catalog holds (and restoring a vehicle's maintenance would silently repair its inherited
comms sets too).

`materialise(data, catalog)` writes those defaults explicitly and changes nothing the engine
does: each set gets the id network.causes gives it (so its random stream, named by that id,
draws the same number) and the maintenance history it would inherit. After it, the comms
sets' histories are their own, so `maintenance` (vehicles) and `comms` (sets) are separate
mechanisms.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from iadsim.network.causes import RADAR_KINDS
from iadsim.network.integration import not_integrated_pairs
from iadsim.scenario.catalog import Catalog


def materialise(data: dict, catalog: Catalog) -> dict:
    """A copy of the scenario data with every component's comms sets listed, each with the
    maintenance history it ages with."""
    out = copy.deepcopy(data)
    for _, comp in _components(out):
        ctype = catalog.components.get(comp.get("type", ""))
        if comp.get("comms") is None:
            if ctype is None or not ctype.comms:
                continue
            seen: dict[str, int] = {}
            sets = []
            for t in ctype.comms:
                seen[t] = seen.get(t, 0) + 1
                sets.append({"id": t if seen[t] == 1 else f"{t}-{seen[t]}", "type": t})
            comp["comms"] = sets
        for cs in comp["comms"]:
            # network.causes: a set with neither readiness nor history ages with its host
            if cs.get("readiness") is None and cs.get("maintenance") is None:
                if comp.get("maintenance") is not None:
                    cs["maintenance"] = copy.deepcopy(comp["maintenance"])
    return out


def _components(data: dict) -> Iterator[tuple[dict, dict]]:
    for unit in data.get("units", []):
        for comp in unit.get("components", []):
            yield unit, comp


def unintegrated_pairs(data: dict, catalog: Catalog) -> list[tuple[str, str]]:
    """(sensor, command post) pairs whose output the post cannot use: catalog matrix and
    interface families, after the scenario's `network.integrations` overrides."""
    kinds: dict[str, str] = {}
    interfaces: dict[str, str | None] = {}
    for unit, comp in _components(data):
        ctype = catalog.components.get(comp.get("type", ""))
        if ctype is None:
            continue
        cid = f"{unit['id']}/{comp['id']}"
        kinds[cid] = ctype.kind.value
        interfaces[cid] = ctype.interface
    sensors = {c: interfaces[c] for c, k in kinds.items() if k in RADAR_KINDS}
    posts = {c: interfaces[c] for c, k in kinds.items() if k == "command_post"}
    overrides = {
        (i["sensor"], i["command_post"]): i.get("integrated", True)
        for i in data.get("network", {}).get("integrations") or []
    }
    matrix = [(e.sensor, e.command_post) for e in catalog.integration.values()]
    return sorted(not_integrated_pairs(sensors, posts, matrix, overrides))
