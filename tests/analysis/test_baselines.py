"""What "as designed" restores upkeep and crews to (analysis.baselines): the maker's schedule
with standard-trained crews by default, brand new with elite crews as the named upper bound;
and the attacker's actions the factor groups remove (analysis.attacker_actions)."""

from __future__ import annotations

import pytest

from iadsim.analysis.baselines import AS_DELIVERED, BRAND_NEW, DEFAULT_BASELINE, baseline
from iadsim.analysis.catalog_defaults import materialise
from iadsim.analysis.factors import FACTOR_GROUPS, active_groups, as_designed, canonical
from iadsim.errors import InputError
from iadsim.readiness.maintenance import state_probabilities
from iadsim.scenario import load_scenario
from tests.builders import CARACAS


@pytest.fixture(scope="module")
def caracas():
    return load_scenario(CARACAS)


def one_unit(component: dict, crew: dict | None = None) -> dict:
    unit = {"id": "U", "type": "sam-medium-range", "components": [component]}
    if crew is not None:
        unit["crew"] = crew
    return {"start_utc": "2026-01-03T06:00:00Z", "units": [unit]}


def apply(name: str, data: dict, b, catalog) -> dict:
    FACTOR_GROUPS[name].apply(data, catalog, baseline(b))
    return data


def test_the_default_is_as_delivered_and_the_upper_bound_is_named():
    assert DEFAULT_BASELINE == "as_delivered" and baseline(None) is AS_DELIVERED
    assert baseline("brand_new") is BRAND_NEW
    assert "maker's schedule" in FACTOR_GROUPS["maintenance"].meaning
    assert "elite" in FACTOR_GROUPS["crews"].describe("brand_new")
    assert "trained crews" in FACTOR_GROUPS["crews"].meaning
    with pytest.raises(InputError, match="--baseline"):
        baseline("shiny")


def test_maintenance_to_the_makers_schedule_or_brand_new(caracas):
    cat = caracas.catalog
    old = {"last_overhaul_year": 2009, "regime": "minimal", "supplier_support": False}
    hand = {"operational": 0.4, "in_storage": 0.3}  # the rest (0.3) not mission capable
    comp = {"id": "c", "type": "telar-mr", "maintenance": old, "readiness": hand}
    kept = apply("maintenance", one_unit(dict(comp)), "as_delivered", cat)["units"][0]
    c = kept["components"][0]
    assert c["maintenance"] == {
        "years_since_overhaul": 5.0,
        "regime": "full",
        "supplier_support": True,
    }
    # the storage mass stays for the storage group; the rest is what 5 years of full
    # maintenance with spares leaves (the maintenance model's chain)
    p = state_probabilities(5.0, "full", True)
    assert c["readiness"]["in_storage"] == pytest.approx(0.3)
    assert c["readiness"]["operational"] == pytest.approx(0.7 * p[0])
    assert c["readiness"]["not_mission_capable"] == pytest.approx(0.7 * p[2])
    assert 0.97 < p[0] < 0.995  # a vehicle kept to schedule is not always ready
    new = apply("maintenance", one_unit(dict(comp)), "brand_new", cat)["units"][0]
    c = new["components"][0]
    assert c["maintenance"]["years_since_overhaul"] == 0.0
    assert c["readiness"]["operational"] == pytest.approx(0.7)


def test_a_baseline_never_makes_a_unit_worse(caracas):
    cat = caracas.catalog
    fresh = {"last_overhaul_year": 2024, "regime": "full", "supplier_support": True}
    comp = {"id": "c", "type": "telar-mr", "maintenance": dict(fresh)}
    out = apply("maintenance", one_unit(comp), "as_delivered", cat)
    assert out["units"][0]["components"][0]["maintenance"] == fresh  # 2 years < 5
    elite = apply("crews", one_unit(dict(comp), {"proficiency": "elite"}), "as_delivered", cat)
    assert elite["units"][0]["crew"] == {"proficiency": "elite", "morale": 1.0}
    basic = {"proficiency": "basic", "morale": 0.5}
    out = apply("crews", one_unit(dict(comp), dict(basic)), "as_delivered", cat)
    assert out["units"][0]["crew"] == {"proficiency": "trained", "morale": 0.9}
    out = apply("crews", one_unit(dict(comp), dict(basic)), "brand_new", cat)
    assert out["units"][0]["crew"] == {"proficiency": "elite", "morale": 1.0}


def test_caracas_attacker_actions_and_the_two_sides(caracas):
    active = active_groups(caracas, ["strikes", "sead", "cyber", "return_fire", "jamming"])
    assert {"strikes", "cyber", "return_fire"} <= set(active)
    no_cyber = as_designed(caracas, ["cyber"])
    assert caracas.spec.cyber and no_cyber.spec.cyber == []
    quiet = as_designed(caracas, ["return_fire"])
    armed = [
        a.id for a in caracas.spec.raid if caracas.catalog.aircraft[a.type].return_fire.p_hit > 0
    ]
    assert armed
    for a in quiet.spec.raid:
        if a.id in armed:
            assert a.loadout is not None and a.loadout.p_hit == 0.0
    for mixed in (["attacker_actions", "strikes"], ["defence_conditions", "crews"]):
        with pytest.raises(InputError, match="already contains"):
            canonical(mixed)
    assert canonical(["defence_conditions", "attacker_actions"])
    # the defence side whole is the default groups together
    data = materialise(
        as_designed(caracas, ["defence_conditions"]).spec.model_dump(
            by_alias=True, exclude_none=True, mode="json"
        ),
        caracas.catalog,
    )
    again = materialise(
        as_designed(
            caracas, ["connectivity", "storage", "maintenance", "crews", "deterrence"]
        ).spec.model_dump(by_alias=True, exclude_none=True, mode="json"),
        caracas.catalog,
    )
    assert data == again


def test_return_fire_removed_means_no_return_fire_in_the_engine(caracas_prepared):
    from iadsim.engine.run import prepare_variant

    quiet = prepare_variant(
        caracas_prepared, as_designed(caracas_prepared.scenario, ["return_fire"])
    )

    def fired(prepared) -> int:
        return sum(
            1
            for s in range(12)
            for row in prepared.replicate(500 + s).events.rows()
            if row[1] == "return_fire" and row[5] != "anti-radiation"  # ARMs: SEAD's
        )

    assert fired(caracas_prepared) > 0
    assert fired(quiet) == 0
