"""The attacker's actions as transformations of a scenario's data: each removes one action
(strikes, jamming, SEAD, decoys, cyber, return fire), for the factor groups of the attacker's
side (analysis.factors) and the attribution of defence against attacker (analysis.attacker).
Each is a pure function of the scenario's data (the dict the schema validates) and the
catalog."""

from __future__ import annotations

from iadsim.scenario.catalog import Catalog


def strikes(data: dict, catalog: Catalog) -> None:
    """No strikes."""
    if data.get("strikes"):
        data["strikes"] = []


def links(data: dict) -> list[dict]:
    """The scenario's network links (none: an empty list)."""
    return data.get("network", {}).get("links", [])


def _raid_types(data: dict, catalog: Catalog):
    for ac in data.get("raid", []):
        t = catalog.aircraft.get(ac.get("type", ""))
        if t is not None:
            yield ac, t


def jamming(data: dict, catalog: Catalog) -> None:
    """No link jammed, every jammer of the raid silent."""
    for link in links(data):
        if link.get("jammed"):
            link["jammed"] = []
    for ac, t in _raid_types(data, catalog):
        if (t.jammer is not None or t.comms_jammer is not None) and ac.get("jamming", True):
            ac["jamming"] = False


def sead(data: dict, catalog: Catalog) -> None:
    """No anti-radiation missile fired."""
    for ac, t in _raid_types(data, catalog):
        if t.arm is not None and ac.get("anti_radiation", True):
            ac["anti_radiation"] = False


def decoys(data: dict, catalog: Catalog) -> None:
    """No decoy in the raid."""
    decoys = {ac["id"] for ac, t in _raid_types(data, catalog) if t.decoy}
    if decoys:
        data["raid"] = [ac for ac in data["raid"] if ac["id"] not in decoys]


def cyber(data: dict, catalog: Catalog) -> None:
    """No cyber or grid attack."""
    if data.get("cyber"):
        data["cyber"] = []


def return_fire(data: dict, catalog: Catalog) -> None:
    """No aircraft fires back (its loadout's p_hit 0: the engine then gives it no return
    fire at all, engine.returnfire), unless it has none anyway."""
    for ac, t in _raid_types(data, catalog):
        rf = t.return_fire
        loadout = ac.get("loadout") or {}
        reach = loadout.get("range_m", rf.range_m)
        p_hit = loadout.get("p_hit", rf.p_hit)
        if reach > 0 and p_hit > 0 and loadout.get("rounds", rf.rounds) != 0:
            ac["loadout"] = {**loadout, "p_hit": 0.0}
