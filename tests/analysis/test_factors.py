"""Factor groups as pure transformations of scenario data, with the catalog's defaults
written in (analysis.catalog_defaults): each group changes its own part of the data, and on
the Caracas scenario each restores exactly its own mechanism."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from iadsim.analysis.catalog_defaults import materialise, unintegrated_pairs
from iadsim.analysis.factors import (
    CONNECTION_MECHANISMS,
    FACTOR_GROUPS,
    GROUPS,
    active_groups,
    as_designed,
    canonical,
    scenario_data,
)
from iadsim.engine.anti_radiation import arm_sightlines
from iadsim.engine.rng import RngStreams, replication_seed
from iadsim.engine.world import build_world
from iadsim.errors import InputError
from iadsim.killchain import Reason
from iadsim.network.causes import sample_causes
from iadsim.scenario import load_scenario
from iadsim.scenario.catalog import default_catalog

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"
CAT = default_catalog()
OLD = {"last_overhaul_year": 2009, "regime": "minimal", "supplier_support": False}

DATA = {
    "units": [
        {
            "id": "SAM",
            "deployment": {"state": "garrison", "ordered_s": 0.0, "march_s": 600.0},
            "power": [
                {"id": "gen", "type": "diesel-generator", "readiness": "not_mission_capable"}
            ],
            "components": [
                {
                    "id": "radar",
                    "type": "surveillance-radar-vm",
                    "comms": [{"id": "r", "type": "radio-set", "maintenance": dict(OLD)}],
                    "readiness": {"operational": 0.4, "in_storage": 0.3},
                },
                {"id": "cp", "type": "command-post-vm", "maintenance": dict(OLD)},
            ],
        },
        {
            "id": "EW",
            "deployment": {"state": "deployed", "network_at_start": "down"},
            "components": [{"id": "radar", "type": "early-warning-radar-jyl1"}],
        },
    ],
    "network": {
        "links": [{"from": "a", "to": "b", "up": False, "mtbf_s": 10.0, "mttr_s": 5.0}],
        "integrations": [{"sensor": "EW/radar", "command_post": "SAM/cp", "integrated": False}],
    },
    "raid": [
        {"id": "F", "type": "strike-fighter"},
        {"id": "J", "type": "ew-aircraft"},
        {"id": "D", "type": "decoy"},
        {"id": "H", "type": "transport-helicopter"},
    ],
    "strikes": [{"id": "s"}],
}


def applied(name: str, data: dict = DATA) -> dict:
    out = materialise(data, CAT)
    FACTOR_GROUPS[name].apply(out, CAT)
    return out


def leaves(node, path=()) -> dict:
    """Every leaf value by its path (list items by id where they have one)."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            out.update(leaves(v, (*path, k)))
        return out
    if isinstance(node, list):
        out = {}
        for i, v in enumerate(node):
            key = v.get("id", i) if isinstance(v, dict) else i
            out.update(leaves(v, (*path, key)))
        return out
    return {path: node}


STATES = ("operational", "degraded", "not_mission_capable", "in_storage")


def _full(readiness) -> dict:
    """A readiness mapping over all four states (the remainder is not mission capable)."""
    if not isinstance(readiness, dict):
        return {"readiness": readiness}
    out = {s: readiness.get(s, 0.0) for s in STATES}
    out["not_mission_capable"] += 1.0 - sum(out.values())
    return out


def changed(before: dict, after: dict) -> set:
    """The data a group changes. A readiness distribution is one vector that several groups
    move mass in (storage empties in_storage into operational, maintenance degraded and not
    mission capable): there, what a group changes is the states it empties."""
    a, b = leaves(before), leaves(after)
    out = {p for p in set(a) | set(b) if a.get(p, "<absent>") != b.get(p, "<absent>")}
    mappings = {p[: p.index("readiness") + 1] for p in out if "readiness" in p}
    out = {p for p in out if "readiness" not in p}
    for m in mappings:
        ra, rb = (_full(_at(d, m)) for d in (before, after))
        out |= {(*m, s) for s in ra if s not in STATES or rb.get(s, 0.0) < ra[s] - 1e-12}
    return out


def _at(data, path):
    for key in path:
        if isinstance(data, list):
            data = next(x for i, x in enumerate(data) if x.get("id", i) == key)
        else:
            data = data.get(key)
        if data is None:
            return None
    return data


def test_materialise_lists_the_catalog_sets_with_the_history_they_inherit():
    data = materialise(DATA, CAT)
    cp = data["units"][0]["components"][1]
    types = CAT.components["command-post-vm"].comms
    assert types and [s["type"] for s in cp["comms"]] == types
    assert all(s["maintenance"] == OLD for s in cp["comms"])
    # a listed set keeps its own history; a component with no history lends none
    assert data["units"][0]["components"][0]["comms"] == DATA["units"][0]["components"][0]["comms"]
    assert "comms" not in data["units"][1]["components"][0] or all(
        "maintenance" not in s for s in data["units"][1]["components"][0]["comms"]
    )
    assert materialise(data, CAT) == data  # idempotent


def test_each_connection_mechanism_changes_only_its_part():
    assert applied("links")["network"]["links"] == [{"from": "a", "to": "b", "up": True}]
    assert applied("power")["units"][0]["power"][0]["readiness"] == "operational"
    comms = applied("comms")["units"][0]["components"]
    for cs in comms[0]["comms"] + comms[1]["comms"]:  # listed and catalog sets alike
        assert cs["maintenance"]["regime"] == "full" and cs["maintenance"]["supplier_support"]
    assert comms[1]["maintenance"] == OLD  # the vehicle is not the set
    dep = applied("deployment")["units"]
    assert dep[0]["deployment"] == {"state": "deployed"}
    assert dep[1]["deployment"]["network_at_start"] == "up"
    integ = applied("integration")
    assert unintegrated_pairs(integ, CAT) == []
    assert integ["network"]["integrations"][0]["integrated"] is True
    for name in CONNECTION_MECHANISMS:
        out = applied(name)
        assert out["strikes"] == DATA["strikes"] and out["raid"] == DATA["raid"]
        assert (
            out["units"][0]["components"][0]["readiness"]
            == DATA["units"][0]["components"][0]["readiness"]
        )


def test_maintenance_restores_the_vehicles_and_not_their_sets():
    out = applied("maintenance")
    cp = out["units"][0]["components"][1]
    assert cp["maintenance"]["regime"] == "full"
    assert all(s["maintenance"] == OLD for s in cp["comms"])


def test_attacker_groups_remove_their_own_action():
    assert [a.get("anti_radiation", True) for a in applied("sead")["raid"]] == [
        False,  # the strike fighter carries ARMs (catalog)
        True,
        True,
        True,
    ]
    assert [a.get("jamming", True) for a in applied("jamming")["raid"]] == [
        True,
        False,  # the EW aircraft's support and communications jammers
        True,
        True,
    ]
    assert [a["id"] for a in applied("decoys")["raid"]] == ["F", "J", "H"]
    assert applied("strikes")["strikes"] == []


def test_connectivity_is_every_mechanism_together():
    data = materialise(DATA, CAT)
    for name in CONNECTION_MECHANISMS:
        FACTOR_GROUPS[name].apply(data, CAT)
    assert applied("connectivity") == data


def test_groups_are_disjoint():
    """No two groups (those made of others aside: connectivity is its mechanisms, the two
    sides their groups) change the same datum."""
    for data in (DATA, scenario_data(load_scenario(CARACAS))):
        base = materialise(data, CAT)
        parts = {g.name: changed(base, applied(g.name, data)) for g in GROUPS if not g.parts}
        names = list(parts)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                assert not parts[a] & parts[b], (a, b, sorted(parts[a] & parts[b])[:3])


def test_connectivity_and_its_mechanisms_are_not_named_together():
    with pytest.raises(InputError, match="connectivity already contains comms"):
        canonical(["connectivity", "comms"])


def test_storage_and_groups_that_change_nothing():
    out = applied("storage")["units"][0]["components"][0]["readiness"]
    assert out["operational"] == 0.7 and "in_storage" not in out
    plain = {"units": [{"id": "X", "components": [{"id": "c"}]}]}
    for g in GROUPS:
        if g.name not in ("crews", "deterrence", "defence_conditions"):  # the (default) crew
            assert not g.changes(plain, CAT), g.name


# ---------------------------------------------------------------- on the Caracas scenario


@pytest.fixture(scope="module")
def caracas():
    return load_scenario(CARACAS)


def causes(sc, n=24):
    return [sample_causes(sc, RngStreams(replication_seed(1, i)).stream) for i in range(n)]


def link_reasons(c) -> dict:
    return {(lid, x.reason, x.element) for lid, cs in c.links.items() for x in cs}


def comp_reasons(c) -> set:
    return {(cid, x.reason, x.element) for cid, cs in c.components.items() for x in cs}


def test_every_mechanism_is_active_on_caracas(caracas):
    names = [g.name for g in GROUPS if not g.parts]
    assert active_groups(caracas, names) == [
        "comms",
        "power",
        "deployment",
        "integration",
        "posture",
        "authority",
        "storage",
        "maintenance",
        "crews",
        "deterrence",
        "strikes",
        "jamming",  # the EA-18G flight (GROWLER)
        "sead",
        "cyber",
        "return_fire",
    ]


def test_the_materialised_scenario_draws_the_same_causes(caracas):
    """Writing the catalog's sets in changes nothing the engine draws (same stream names)."""
    for a, b in zip(causes(caracas), causes(as_designed(caracas, [])), strict=True):
        assert link_reasons(a) == link_reasons(b)
        assert comp_reasons(a) == comp_reasons(b)
        assert a.not_integrated == b.not_integrated and a.network_up_s == b.network_up_s


def test_each_connection_mechanism_restores_only_its_own_causes(caracas):
    observed = causes(caracas)

    def only(reason, cs):
        return [{r for r in link_reasons(c) | comp_reasons(c) if r[1] == reason} for c in cs]

    failed = only(Reason.DATALINK_FAILED, observed)
    assert any(failed)  # the old sets fail in some replications
    # comms as designed (brand new, the upper bound): no set fails; every other cause drawn
    # as before; kept to the maker's schedule (the default baseline), fewer fail
    comms = causes(as_designed(caracas, ["comms"], "brand_new"))
    assert not any(only(Reason.DATALINK_FAILED, comms))
    kept = sum(map(len, only(Reason.DATALINK_FAILED, causes(as_designed(caracas, ["comms"])))))
    assert kept < sum(map(len, failed))
    for reason in (Reason.NO_POWER, Reason.CREW_NOT_READY):
        assert only(reason, comms) == only(reason, observed)
    # the vehicles' maintenance leaves the sets' failures exactly as they were
    assert only(Reason.DATALINK_FAILED, causes(as_designed(caracas, ["maintenance"]))) == failed
    power = causes(as_designed(caracas, ["power"], "brand_new"))
    assert any(only(Reason.NO_POWER, observed)) and not any(only(Reason.NO_POWER, power))
    assert only(Reason.DATALINK_FAILED, power) == failed
    deployed = causes(as_designed(caracas, ["deployment"]))
    assert any(c.network_up_s for c in observed)

    def by(suffix, found):
        return [{r for r in x if r[2].endswith(suffix)} for x in found]

    # the network up at the hour: no crew bringing it up; the crews off their posts stay
    assert not any(by(":crew", only(Reason.CREW_NOT_READY, deployed)))
    assert not any(c.network_up_s for c in deployed)
    posture = by(":posture", only(Reason.CREW_NOT_READY, observed))
    assert any(posture)
    assert by(":posture", only(Reason.CREW_NOT_READY, deployed)) == posture
    # the posture as designed: on alert and manned; the network's set-up as drawn before
    manned = causes(as_designed(caracas, ["posture"]))
    assert not any(by(":posture", only(Reason.CREW_NOT_READY, manned)))
    assert all(c.not_integrated for c in observed)
    integrated = causes(as_designed(caracas, ["integration"]))
    assert not any(c.not_integrated for c in integrated)
    assert only(Reason.DATALINK_FAILED, integrated) == failed


def test_sead_holds_the_anti_radiation_missiles(caracas):
    assert arm_sightlines(build_world(caracas)).arms  # STRIKE-1 carries ARMs
    assert not arm_sightlines(build_world(as_designed(caracas, ["sead"]))).arms


def test_groups_leave_the_scenario_data_alone(caracas):
    data = scenario_data(caracas)
    keep = copy.deepcopy(data)
    for g in GROUPS:
        g.changes(materialise(data, CAT), CAT)
    assert data == keep
