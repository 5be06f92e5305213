"""Doctrine as probabilities (issue 24.5): release authority (hold / tight / free, delegated
when cut off) and the posture at the hour (alert, manned, network up), each drawn per night
from scenario probabilities a ranges file can vary."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.engine.authority import FREE, HOLD, TIGHT, draw_authority
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare
from iadsim.killchain import REASON_CODE, Reason, Stage
from iadsim.readiness.posture import draw_posture
from iadsim.scenario import load_scenario
from iadsim.scenario.doctrine import AuthoritySpec, PostureSpec
from tests.builders import aircraft, sam_battery
from tests.builders import make_scenario as scenario

HOLD_ROUTE = [(10.35 + 0.05 * (i % 2), -66.0, 3000) for i in range(8)]  # 39-44 km north


def test_authority_draw_by_hand():
    spec = AuthoritySpec(p_released=0.8, p_free=0.25, p_delegated=0.5)
    assert draw_authority([0.85, 0.0, 0.0], spec) == (HOLD, True)
    assert draw_authority([0.10, 0.20, 0.6], spec) == (FREE, False)
    assert draw_authority([0.10, 0.30, 0.4], spec) == (TIGHT, True)
    # a larger p_released keeps every night the smaller one released (common random numbers)
    u = np.random.default_rng(1).random((500, 3))
    low = [draw_authority(x, AuthoritySpec(p_released=0.3))[0] != HOLD for x in u]
    high = [draw_authority(x, AuthoritySpec(p_released=0.6))[0] != HOLD for x in u]
    assert all(h for lo, h in zip(low, high, strict=True) if lo)
    assert 0.25 < np.mean(low) < 0.35 and 0.55 < np.mean(high) < 0.65


def test_posture_draw_by_hand():
    rng = np.random.default_rng(0)
    u = np.random.default_rng(0).random(3)
    spec = PostureSpec(p_alert=0.0, alert_s=100.0, p_manned=0.0, manning_s=200.0)
    d = draw_posture(rng, spec)
    assert (d.alerted_s, d.crew_ready_s) == (100.0, 300.0)
    assert d.network_up is bool(u[2] < 1.0)
    d = draw_posture(np.random.default_rng(0), PostureSpec(p_network_up=0.0))
    assert (d.alerted_s, d.crew_ready_s, d.network_up) == (0.0, 0.0, False)


def _spec(**battery) -> dict:
    return scenario(
        "doctrine",
        units=[sam_battery("SAM", **battery)],
        raid=[aircraft("F1", "decoy", HOLD_ROUTE)],
        duration_s=400,
    )


def _run(scenario_file, spec, seed=0, name="s.yaml"):
    prepared = prepare(load_scenario(scenario_file(spec, name)))
    rep = Replication(prepared.geometry, seed)
    res = rep.run()
    return rep, {r["aircraft"]: r for r in res.ledger.table().to_pylist()}, res


def test_weapons_hold_stops_at_fire_control_and_released_fires(scenario_file):
    for seed in range(3):
        _, rows, res = _run(scenario_file, _spec(authority={"p_released": 0.0}), seed, "h.yaml")
        assert rows["F1"]["stage"] == "fire_control"
        assert rows["F1"]["reason"] == "WEAPONS_HOLD"
        assert rows["F1"]["element"] == "SAM:authority"
        log = res.events.table().to_pylist()
        assert not [e for e in log if e["kind"] == "launch"]
        assert [e["detail"] for e in log if e["kind"] == "doctrine"] == ["weapons hold"]
        _, rows, _ = _run(scenario_file, _spec(authority={"p_released": 1.0}), seed, "r.yaml")
        assert Stage[rows["F1"]["stage"].upper()] >= Stage.LAUNCHED


@pytest.mark.parametrize(
    ("authority", "fights_on_its_own"),
    [
        ({"p_free": 1.0}, True),  # free: fights on its TELARs' radars when cut off
        ({"p_free": 0.0, "p_delegated": 0.0}, False),  # tight, not delegated: waits
        ({"p_free": 0.0, "p_delegated": 1.0}, True),  # tight, delegated when cut off
    ],
)
def test_authority_decides_the_fallback_when_cut_off(scenario_file, authority, fights_on_its_own):
    spec = _spec(authority=authority)
    spec["cyber"] = [{"id": "cut", "target": "SAM/cp", "effect": "blank", "start_s": 0,
                      "duration_s": 400}]  # fmt: skip
    rep, rows, _ = _run(scenario_file, spec)
    u = rep.weapon_units[0]
    active = rep.gates.fallback_active(u, rep.geom.units[u.index].times_s, rep.world.components[
        u.role("command")[0]])  # fmt: skip
    assert bool(active.any()) is fights_on_its_own
    if fights_on_its_own:
        assert Stage[rows["F1"]["stage"].upper()] > Stage.REPORTED
    else:
        assert rows["F1"]["reason"] == "PICTURE_DENIED"


def test_posture_keeps_the_crews_off_their_posts_until_alerted_and_manned(scenario_file):
    posture = {"p_alert": 0.0, "alert_s": 100.0, "p_manned": 0.0, "manning_s": 150.0}
    rep, rows, _ = _run(scenario_file, _spec(posture=posture))
    cp = rep.world.component_index["SAM/cp"]
    code = REASON_CODE[Reason.CREW_NOT_READY]
    assert rep.equipment.working(cp, np.array([0.0, 249.0, 250.0])).tolist() == [code, code, 0]
    assert rep.equipment.causes.component_cause("SAM/cp", 10.0).element == "SAM:posture"
    # network down at the start: the crew brings it up from 250 s on (catalog crews.yaml)
    rep, _, _ = _run(scenario_file, _spec(posture={**posture, "p_network_up": 0.0}), 0, "n.yaml")
    assert rep.equipment.causes.network_up_s["SAM"] >= 250.0
    rep, _, _ = _run(scenario_file, _spec(posture={"p_network_up": 1.0}), 0, "u.yaml")
    assert "SAM" not in rep.equipment.causes.network_up_s


def test_storage_prior_per_component_then_the_imagery_updates_it(scenario_file):
    from iadsim.engine.world import component_distributions
    from iadsim.readiness.spec import posterior_for_component
    from iadsim.scenario.readiness import ObservationSpec
    from iadsim.scenario.schema import ComponentSpec

    when = load_scenario(scenario_file(_spec())).spec.start_utc
    comp = ComponentSpec(id="telar-1", type="telar-mr", storage_prior=0.3)
    prior, post, basis = component_distributions(comp, "SAM/telar-1", [], when)
    # by hand: no maintenance, no evidence: 0.3 in storage, the rest operational
    assert prior["in_storage"] == pytest.approx(0.3) and prior["operational"] == pytest.approx(0.7)
    assert post["in_storage"] == pytest.approx(0.3) and basis == "storage prior"
    seen = ObservationSpec(
        component="SAM/telar-1", date="2025-12-20", observed="in_storage", confidence=0.8
    )
    _, post, _ = component_distributions(comp, "SAM/telar-1", [seen], when)
    _, same = posterior_for_component(None, None, [seen], when, storage_prior=0.3)
    assert post["in_storage"] == pytest.approx(same["in_storage"]) and post["in_storage"] > 0.3
    # a larger prior gives a larger posterior (the evidence model is monotone)
    _, more, _ = component_distributions(
        ComponentSpec(id="telar-1", type="telar-mr", storage_prior=0.5), "SAM/telar-1", [seen], when
    )
    assert more["in_storage"] > post["in_storage"]
    # a direct readiness says the posture itself and wins (a what-if override)
    declared = ComponentSpec(id="x", type="telar-mr", storage_prior=0.3, readiness="operational")
    _, post, basis = component_distributions(declared, "SAM/x", [], when)
    assert post["operational"] == 1.0 and basis == "declared"
