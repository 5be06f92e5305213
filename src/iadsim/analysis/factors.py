"""Factor groups for attribution and counterfactuals: each turns one family of the scenario's
conditions back to "as designed" (or removes one attacker action), so that replications with
and without it say how much of the outcome it explains (`iadsim attribute`, docs/case-study.md).

Two sides:
- **defence conditions** (the default set): connectivity (every connection mechanism below,
  as one group), storage (components in storage), maintenance (the vehicles' decay, no
  supplier support, degraded or broken components), crews (proficiency and willingness),
  deterrence (crews that return fire can deter). These are what the defence owned and could
  have done differently. The connection mechanisms are also groups of their own (links typed
  down or failing at random, comms sets, power, deployment with the network set up at the
  alert, integration of sensors with command posts); an attribution names either
  `connectivity` or some of them, never both.
- **attacker actions**: strikes, jamming (the raid's jammer aircraft and jammed links), SEAD
  (anti-radiation missiles), decoys. They are part of the scenario, not a defence fault,
  and enter an attribution only when named (`--groups ...,strikes,sead`).

A group is a pure transformation of the scenario's data (the dict the schema validates) with
the catalog at hand. Before any group acts, the catalog's defaults that a mechanism uses are
written into the data (analysis.catalog_defaults): every component's comms sets are listed,
each with the maintenance history it would inherit from its vehicle. So `comms` restores
the sets the catalog gives a component (not only those the scenario lists), `integration`
integrates every (sensor, command post) pair the catalog matrix leaves unintegrated, and
`maintenance` restores the vehicles without touching their sets: the groups are disjoint,
each changes its own part of the data (tests/analysis/test_factors.py). One coupling is in
the model itself, not in the groups: a crew's proficiency sets both how it fights and how
likely and fast it brings a down network up (readiness.network_setup), so `crews` also
helps a unit whose network is down at the alert, and `deployment` (network up before the
raid) makes that moot; Shapley values split that joint effect as an interaction.

A group that changes nothing in a scenario is left out of that scenario's attribution (its
Shapley value would be zero by symmetry, and leaving it out halves the work).

New mechanisms are added here as new groups: one `FactorGroup` entry, and every analysis
(attribution, counterfactual list, case study) picks it up.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from iadsim.analysis.catalog_defaults import materialise, unintegrated_pairs
from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario
from iadsim.scenario.catalog import Catalog
from iadsim.scenario.load import resolve_links
from iadsim.scenario.schema import ScenarioSpec


def _components(data: dict) -> Iterable[dict]:
    for unit in data.get("units", []):
        yield from unit.get("components", [])


def _links(data: dict) -> list[dict]:
    return data.get("network", {}).get("links", [])


def _links_up(data: dict) -> None:
    for link in _links(data):
        link["up"] = True
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


def _storage(data: dict) -> None:
    for comp in _components(data):
        if comp.get("readiness") is not None:
            comp["readiness"] = _move(comp["readiness"], "operational", ("in_storage",))
    if data.get("observations"):
        data["observations"] = [o for o in data["observations"] if o["observed"] != "in_storage"]


def _maintenance(data: dict) -> None:
    for comp in _components(data):
        if comp.get("maintenance") is not None:
            comp["maintenance"] = {
                "years_since_overhaul": 0.0,
                "regime": "full",
                "supplier_support": True,
            }
        if comp.get("readiness") is not None:
            comp["readiness"] = _move(
                comp["readiness"], "operational", ("degraded", "not_mission_capable")
            )
    if data.get("observations"):
        data["observations"] = [
            o
            for o in data["observations"]
            if o["observed"] not in ("degraded", "not_mission_capable")
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


def _deterrence(data: dict) -> None:
    for unit in data.get("units", []):
        _crew(unit)["suppressible"] = False


_FULL_MAINTENANCE = {"years_since_overhaul": 0.0, "regime": "full", "supplier_support": True}


def _as_new(item: dict) -> None:
    """An equipment item (comms set, power source) operational and fully maintained."""
    if item.get("readiness") is not None:
        item["readiness"] = "operational"
    if item.get("maintenance") is not None:
        item["maintenance"] = dict(_FULL_MAINTENANCE)


def _comms(data: dict, catalog: Catalog) -> None:
    for comp in _components(data):  # materialised: every set the catalog gives is listed
        for item in comp.get("comms") or []:
            _as_new(item)


def _power(data: dict, catalog: Catalog) -> None:
    # a source the catalog adds (none listed) has no history or readiness: it always works
    for unit in data.get("units", []):
        for item in unit.get("power") or []:
            _as_new(item)


def _deployment(data: dict, catalog: Catalog) -> None:
    for unit in data.get("units", []):
        dep = unit.get("deployment")
        if not dep:
            continue
        if dep.get("state", "deployed") != "deployed":
            dep["state"] = "deployed"
            for key in ("ordered_s", "march_s", "since_s"):
                dep.pop(key, None)
        if (dep.get("since_s") or 0.0) > 0.0:
            dep.pop("since_s")  # on site before the raid
        if dep.get("network_at_start", "up") != "up":
            dep["network_at_start"] = "up"


def _integration(data: dict, catalog: Catalog) -> None:
    pairs = unintegrated_pairs(data, catalog)
    if not pairs:
        return
    items = data.setdefault("network", {}).setdefault("integrations", [])
    listed = {(i["sensor"], i["command_post"]): i for i in items}
    for sensor, post in pairs:
        if (sensor, post) in listed:
            listed[(sensor, post)]["integrated"] = True
        else:
            items.append({"sensor": sensor, "command_post": post, "integrated": True})


def _strikes(data: dict, catalog: Catalog) -> None:
    if data.get("strikes"):
        data["strikes"] = []


def _raid_types(data: dict, catalog: Catalog):
    for ac in data.get("raid", []):
        t = catalog.aircraft.get(ac.get("type", ""))
        if t is not None:
            yield ac, t


def _jamming(data: dict, catalog: Catalog) -> None:
    for link in _links(data):
        if link.get("jammed"):
            link["jammed"] = []
    for ac, t in _raid_types(data, catalog):
        if (t.jammer is not None or t.comms_jammer is not None) and ac.get("jamming", True):
            ac["jamming"] = False


def _sead(data: dict, catalog: Catalog) -> None:
    for ac, t in _raid_types(data, catalog):
        if t.arm is not None and ac.get("anti_radiation", True):
            ac["anti_radiation"] = False


def _decoys(data: dict, catalog: Catalog) -> None:
    decoys = {ac["id"] for ac, t in _raid_types(data, catalog) if t.decoy}
    if decoys:
        data["raid"] = [ac for ac in data["raid"] if ac["id"] not in decoys]


Side = Literal["defence", "attacker"]


@dataclass(frozen=True)
class FactorGroup:
    """One family of conditions and how to set it "as designed" (or remove it)."""

    name: str
    side: Side
    meaning: str  # what "as designed" means, in words for the report
    apply: Callable[[dict, Catalog], None]  # on materialised data (catalog_defaults)

    def changes(self, data: dict, catalog: Catalog) -> bool:
        """Whether setting this group as designed changes anything in `data` (materialised)."""
        probe = copy.deepcopy(data)
        self.apply(probe, catalog)
        return probe != data


CONNECTION_MECHANISMS = ("links", "comms", "power", "deployment", "integration")


def _connectivity(data: dict, catalog: Catalog) -> None:
    for name in CONNECTION_MECHANISMS:
        FACTOR_GROUPS[name].apply(data, catalog)


def _plain(fn: Callable[[dict], None]) -> Callable[[dict, Catalog], None]:
    """A group that needs only the scenario's data."""
    return lambda data, catalog: fn(data)


GROUPS: tuple[FactorGroup, ...] = (
    FactorGroup(
        "connectivity",
        "defence",
        "every connection mechanism as designed: links, comms sets, power, deployment, integration",
        _connectivity,
    ),
    FactorGroup(
        "links",
        "defence",
        "every C2 and fire-control link up, no random link failures",
        _plain(_links_up),
    ),
    FactorGroup(
        "comms",
        "defence",
        "radio sets, cable terminals and data-transfer units working and maintained",
        _comms,
    ),
    FactorGroup("power", "defence", "generators and grid feeds working and maintained", _power),
    FactorGroup(
        "deployment",
        "defence",
        "every unit deployed on site with its network up before the raid",
        _deployment,
    ),
    FactorGroup(
        "integration",
        "defence",
        "every sensor integrated with every command post (catalog matrix and overrides)",
        _integration,
    ),
    FactorGroup("storage", "defence", "no component in storage", _plain(_storage)),
    FactorGroup(
        "maintenance",
        "defence",
        "full maintenance with supplier support: no vehicle degraded or broken",
        _plain(_maintenance),
    ),
    FactorGroup("crews", "defence", "elite, fully willing crews", _plain(_crews)),
    FactorGroup(
        "deterrence",
        "defence",
        "crews never deterred by return fire or strikes",
        _plain(_deterrence),
    ),
    FactorGroup("strikes", "attacker", "no strikes on air-defence, C2 and relay sites", _strikes),
    FactorGroup(
        "jamming",
        "attacker",
        "no jamming: the raid's jammers (stand-off, escort, self-protection, communications) "
        "silent and no link jammed",
        _jamming,
    ),
    FactorGroup("sead", "attacker", "no anti-radiation missiles fired at the radars", _sead),
    FactorGroup("decoys", "attacker", "no decoys in the raid", _decoys),
)
"""Every factor group, defence conditions first."""

FACTOR_GROUPS: dict[str, FactorGroup] = {g.name: g for g in GROUPS}
ALIASES = {"suppression": "deterrence"}  # the name used before attacker/defence were split
DEFENCE_GROUPS = ("connectivity", "storage", "maintenance", "crews", "deterrence")
"""The default attribution: the connection mechanisms as one group (each of them stays
available by name, and the case study restores them one by one as what-ifs)."""
ATTACKER_GROUPS = tuple(g.name for g in GROUPS if g.side == "attacker")


def mechanisms(scenario: Scenario) -> list[str]:
    """The connection mechanisms that change something in this scenario."""
    return active_groups(scenario, CONNECTION_MECHANISMS)


def _unknown(name: str) -> InputError:
    known = ", ".join(FACTOR_GROUPS)
    return InputError(
        Problem("<command line>", None, None, "--groups", f"unknown group {name!r}; known: {known}")
    )


def canonical(names: Iterable[str]) -> list[str]:
    """Group names checked and de-aliased, in the order given (duplicates dropped)."""
    out: list[str] = []
    for raw in names:
        name = ALIASES.get(raw, raw)
        if name not in FACTOR_GROUPS:
            raise _unknown(raw)
        if name not in out:
            out.append(name)
    if "connectivity" in out and (both := [m for m in CONNECTION_MECHANISMS if m in out]):
        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--groups",
                f"connectivity already contains {', '.join(both)}: name either connectivity "
                "or its mechanisms (the groups of one attribution must be disjoint)",
            )
        )
    return out


def scenario_data(scenario: Scenario) -> dict:
    """The scenario as the plain dict its file would hold (what groups transform)."""
    return scenario.spec.model_dump(by_alias=True, exclude_none=True, mode="json")


def active_groups(scenario: Scenario, names: Iterable[str] | None = None) -> list[str]:
    """The groups (default: every defence condition) that change something in this scenario."""
    data = materialise(scenario_data(scenario), scenario.catalog)
    chosen = canonical(names) if names is not None else list(DEFENCE_GROUPS)
    return [n for n in chosen if FACTOR_GROUPS[n].changes(data, scenario.catalog)]


def as_designed(scenario: Scenario, groups: Iterable[str]) -> Scenario:
    """The scenario with the given factor groups set "as designed" (validated again)."""
    names = canonical(groups)
    data = materialise(scenario_data(scenario), scenario.catalog)
    for name in sorted(names):
        FACTOR_GROUPS[name].apply(data, scenario.catalog)
    spec = ScenarioSpec.model_validate(data)
    return Scenario(spec, scenario.catalog, scenario.path, resolve_links(spec, scenario.catalog))
