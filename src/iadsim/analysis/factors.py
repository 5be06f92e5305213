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
  `connectivity` or some of them, never both. Doctrine at the hour is two more groups, by
  name: `posture` (on alert and manned; the network's set-up at the hour is `deployment`'s)
  and `authority` (released and weapons free).
- **attacker actions** (analysis.attacker_actions): strikes, jamming (the raid's jammer
  aircraft and jammed links), SEAD (anti-radiation missiles), decoys, cyber (attacks on the
  picture and the grid), return fire. They are part of the scenario, not a defence fault,
  and enter an attribution only when named (`--groups ...,strikes,sead`).
- **the two sides whole**: `defence_conditions` (the default groups together) and
  `attacker_actions` (every attacker action removed), for the attribution of defence
  against attacker (analysis.attacker: how much of the outcome each side explains).

"As designed" restores upkeep and crews to a baseline (analysis.baselines): by default the
equipment as delivered and kept to the maker's schedule with standard-trained crews
(maintenance, crews, and the comms sets and generators of the connection); brand-new
equipment with elite crews is a named upper bound (`baseline="brand_new"`).

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

from iadsim.analysis.attacker_actions import (
    cyber as _cyber,
)
from iadsim.analysis.attacker_actions import (
    decoys as _decoys,
)
from iadsim.analysis.attacker_actions import (
    jamming as _jamming,
)
from iadsim.analysis.attacker_actions import (
    return_fire as _return_fire,
)
from iadsim.analysis.attacker_actions import (
    sead as _sead,
)
from iadsim.analysis.attacker_actions import (
    strikes as _strikes,
)
from iadsim.analysis.baselines import (
    AS_DELIVERED,
    Baseline,
    baseline,
)
from iadsim.analysis.catalog_defaults import materialise, unintegrated_pairs
from iadsim.analysis.upkeep import comms, crews, deterrence, maintenance, power, storage
from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario
from iadsim.scenario.catalog import Catalog
from iadsim.scenario.load import resolve_links
from iadsim.scenario.schema import ScenarioSpec


def _links(data: dict) -> list[dict]:
    return data.get("network", {}).get("links", [])


def _links_up(data: dict) -> None:
    for link in _links(data):
        link["up"] = True
        link.pop("mtbf_s", None)
        link.pop("mttr_s", None)


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
    _certain(data, "posture", ("p_network_up",))  # the network up at the hour, as designed


def _posture(data: dict) -> None:
    # on alert and manned at the hour (the network's set-up at the hour is `deployment`'s)
    _certain(data, "posture", ("p_alert", "p_manned"))


def _authority(data: dict) -> None:
    # released, and weapons free: fights on its own radars when cut off from its post
    _certain(data, "authority", ("p_released", "p_free"))


def _certain(data: dict, part: str, keys: tuple[str, ...]) -> None:
    """Each unit's probabilities `keys` of its `part` made 1 where written otherwise (an
    absent one already means 1 and stays absent)."""
    for unit in data.get("units", []):
        section = unit.get(part)
        for key in keys:
            if section and section.get(key, 1.0) != 1.0:
                section[key] = 1.0


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


Side = Literal["defence", "attacker"]


@dataclass(frozen=True)
class FactorGroup:
    """One family of conditions and how to set it "as designed" (or remove it)."""

    name: str
    side: Side
    meaning: str  # what "as designed" means, in words for the report (default baseline)
    # on materialised data (catalog_defaults), with the baseline of upkeep and crews
    fn: Callable[[dict, Catalog, Baseline], None]
    parts: tuple[str, ...] = ()  # a group made of others (connectivity, the two sides)
    words: Callable[[Baseline], str] | None = None  # the meaning for another baseline

    def describe(self, b: Baseline | str | None = None) -> str:
        """What "as designed" means under baseline `b` (default: as delivered)."""
        return self.words(baseline(b)) if self.words is not None else self.meaning

    def apply(self, data: dict, catalog: Catalog, b: Baseline = AS_DELIVERED) -> None:
        """Set this group as designed in `data` (materialised), in place."""
        self.fn(data, catalog, b)

    def changes(self, data: dict, catalog: Catalog, b: Baseline = AS_DELIVERED) -> bool:
        """Whether setting this group as designed changes anything in `data` (materialised)."""
        probe = copy.deepcopy(data)
        self.apply(probe, catalog, b)
        return probe != data


CONNECTION_MECHANISMS = ("links", "comms", "power", "deployment", "integration")


def _made_of(parts: tuple[str, ...]) -> Callable[[dict, Catalog, Baseline], None]:
    """A group that applies others, in sorted order (as `as_designed` does)."""

    def apply(data: dict, catalog: Catalog, b: Baseline) -> None:
        for name in sorted(parts):
            FACTOR_GROUPS[name].apply(data, catalog, b)

    return apply


def _plain(fn: Callable[[dict], None]) -> Callable[[dict, Catalog, Baseline], None]:
    """A group that needs only the scenario's data."""
    return lambda data, catalog, b: fn(data)


def _attack(fn: Callable[[dict, Catalog], None]) -> Callable[[dict, Catalog, Baseline], None]:
    """A group the baseline of upkeep and crews does not concern (attacker actions,
    deployment, integration)."""
    return lambda data, catalog, b: fn(data, catalog)


def _links_group(data: dict, catalog: Catalog, b: Baseline) -> None:
    _links_up(data)


DEFENCE_GROUPS = ("connectivity", "storage", "maintenance", "crews", "deterrence")
"""The default attribution: the connection mechanisms as one group (each of them stays
available by name, and the case study restores them one by one as what-ifs)."""
ATTACKER_GROUPS = ("strikes", "jamming", "sead", "decoys", "cyber", "return_fire")
"""Every attacker action, each removed by its group."""


def _upkeep(what: str) -> Callable[[Baseline], str]:
    return lambda b: what + b.upkeep_words()


GROUPS: tuple[FactorGroup, ...] = (
    FactorGroup(
        "connectivity",
        "defence",
        "every connection mechanism as designed: links, comms sets, power, deployment, integration",
        _made_of(CONNECTION_MECHANISMS),
        CONNECTION_MECHANISMS,
    ),
    FactorGroup(
        "links",
        "defence",
        "every C2 and fire-control link up, no random link failures",
        _links_group,
    ),
    FactorGroup(
        "comms",
        "defence",
        "radio sets, cable terminals and data-transfer units working and "
        + AS_DELIVERED.upkeep_words(),
        comms,
        words=_upkeep("radio sets, cable terminals and data-transfer units working and "),
    ),
    FactorGroup(
        "power",
        "defence",
        "generators and grid feeds working and " + AS_DELIVERED.upkeep_words(),
        power,
        words=_upkeep("generators and grid feeds working and "),
    ),
    FactorGroup(
        "deployment",
        "defence",
        "every unit deployed on site with its network up before the raid",
        _attack(_deployment),
    ),
    FactorGroup(
        "integration",
        "defence",
        "every sensor integrated with every command post (catalog matrix and overrides)",
        _attack(_integration),
    ),
    FactorGroup(
        "posture",
        "defence",
        "every unit on alert at the hour with its crews at their posts",
        _plain(_posture),
    ),
    FactorGroup(
        "authority",
        "defence",
        "every unit released and weapons free (fights on its own radars when cut off)",
        _plain(_authority),
    ),
    FactorGroup("storage", "defence", "no component in storage", _plain(storage)),
    FactorGroup(
        "maintenance",
        "defence",
        "the vehicles " + AS_DELIVERED.upkeep_words(),
        maintenance,
        words=_upkeep("the vehicles "),
    ),
    FactorGroup(
        "crews",
        "defence",
        AS_DELIVERED.crew_words(),
        crews,
        words=lambda b: b.crew_words(),
    ),
    FactorGroup(
        "deterrence",
        "defence",
        "crews never deterred by return fire or strikes",
        _plain(deterrence),
    ),
    FactorGroup(
        "strikes", "attacker", "no strikes on air-defence, C2 and relay sites", _attack(_strikes)
    ),
    FactorGroup(
        "jamming",
        "attacker",
        "no jamming: the raid's jammers (stand-off, escort, self-protection, communications) "
        "silent and no link jammed",
        _attack(_jamming),
    ),
    FactorGroup(
        "sead", "attacker", "no anti-radiation missiles fired at the radars", _attack(_sead)
    ),
    FactorGroup("decoys", "attacker", "no decoys in the raid", _attack(_decoys)),
    FactorGroup(
        "cyber",
        "attacker",
        "no cyber or grid attack on the defence's picture and power",
        _attack(_cyber),
    ),
    FactorGroup(
        "return_fire",
        "attacker",
        "no return fire: the raid's aircraft never fire back at launch points",
        _attack(_return_fire),
    ),
    FactorGroup(
        "defence_conditions",
        "defence",
        "every defence condition as designed (the default attribution's groups together)",
        _made_of(DEFENCE_GROUPS),
        DEFENCE_GROUPS,
    ),
    FactorGroup(
        "attacker_actions",
        "attacker",
        "every attacker action removed (strikes, jamming, SEAD, decoys, cyber, return fire)",
        _made_of(ATTACKER_GROUPS),
        ATTACKER_GROUPS,
    ),
)
"""Every factor group, defence conditions first; the last two are the two sides whole (the
attribution of defence against attacker, analysis.attacker)."""

FACTOR_GROUPS: dict[str, FactorGroup] = {g.name: g for g in GROUPS}
ALIASES = {"suppression": "deterrence", "return-fire": "return_fire"}
SIDES = ("defence_conditions", "attacker_actions")


def _leaves(name: str) -> set[str]:
    """The plain groups a group is made of (itself if plain)."""
    g = FACTOR_GROUPS[name]
    return set().union(*(_leaves(p) for p in g.parts)) if g.parts else {name}


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
    for i, name in enumerate(out):
        for other in out[i + 1 :]:
            if _leaves(name) & _leaves(other):
                whole, part = (name, other) if FACTOR_GROUPS[name].parts else (other, name)
                raise InputError(
                    Problem(
                        "<command line>",
                        None,
                        None,
                        "--groups",
                        f"{whole} already contains {part}: name either {whole} or its parts "
                        "(the groups of one attribution must be disjoint)",
                    )
                )
    return out


def scenario_data(scenario: Scenario) -> dict:
    """The scenario as the plain dict its file would hold (what groups transform)."""
    return scenario.spec.model_dump(by_alias=True, exclude_none=True, mode="json")


def active_groups(
    scenario: Scenario, names: Iterable[str] | None = None, b: Baseline | str | None = None
) -> list[str]:
    """The groups (default: every defence condition) that change something in this scenario
    (with upkeep and crews restored to baseline `b`, default as delivered)."""
    data = materialise(scenario_data(scenario), scenario.catalog)
    chosen = canonical(names) if names is not None else list(DEFENCE_GROUPS)
    return [n for n in chosen if FACTOR_GROUPS[n].changes(data, scenario.catalog, baseline(b))]


def as_designed(
    scenario: Scenario, groups: Iterable[str], b: Baseline | str | None = None
) -> Scenario:
    """The scenario with the given factor groups set "as designed" (validated again), the
    upkeep and crews restored to baseline `b` (analysis.baselines; default as delivered)."""
    names = canonical(groups)
    data = materialise(scenario_data(scenario), scenario.catalog)
    for name in sorted(names):
        FACTOR_GROUPS[name].apply(data, scenario.catalog, baseline(b))
    spec = ScenarioSpec.model_validate(data)
    return Scenario(spec, scenario.catalog, scenario.path, resolve_links(spec, scenario.catalog))
