"""Causes of a broken connection as mechanisms: comms sets, power, deployment, crew network
set-up and interface integration, drawn per replication (network.causes)."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest

from iadsim.engine.rng import RngStreams
from iadsim.killchain import Reason
from iadsim.network.causes import sample_causes
from iadsim.network.graph import C2Network
from iadsim.readiness.deployment import ready_time
from iadsim.readiness.equipment import ageing_params, p_working
from iadsim.readiness.maintenance import state_probabilities
from iadsim.readiness.network_setup import network_up_time, setup_params
from iadsim.readiness.spec import MaintenanceSpec
from iadsim.scenario.catalog import default_catalog
from iadsim.scenario.connection import DeploymentSpec
from iadsim.scenario.load import load_scenario

BASE = """
scenario: causes
start_utc: 2026-01-03T06:00:00Z
duration_s: 600
origin: {{lat_deg: 10.0, lon_deg: -66.0}}
units:
  - id: VM
    type: sam-long-range-vm
    position: {{lat_deg: 10.0, lon_deg: -66.0, alt_m: 100}}
{unit_extra}
    components:
      - {{id: surv, type: surveillance-radar-vm}}
      - {{id: cp, type: command-post-vm{cp_extra}}}
      - {{id: telar-1, type: telar-vm}}
      - {{id: ll-1, type: loader-launcher-vm}}
  - id: EW
    type: early-warning-site
    position: {{lat_deg: 10.1, lon_deg: -66.0, alt_m: 100}}
    components:
      - {{id: radar, type: {ew_type}}}
network:
  links:
    - {{id: ew-cp, from: EW/radar, to: VM/cp, kind: radio}}
{integrations}
raid:
  - id: H
    type: transport-helicopter
    route:
      - {{lat_deg: 10.5, lon_deg: -66.0, alt_m: 300}}
      - {{lat_deg: 10.0, lon_deg: -66.0, alt_m: 300}}
"""


def scenario(
    tmp_path, unit_extra="", cp_extra="", ew_type="early-warning-radar-jyl1", integrations=""
):
    text = BASE.format(
        unit_extra=textwrap.indent(unit_extra.strip(), "    ") if unit_extra else "",
        cp_extra=cp_extra,
        ew_type=ew_type,
        integrations=textwrap.indent(integrations.strip(), "  ") if integrations else "",
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return load_scenario(path)


def draw(sc, seed=1):
    return sample_causes(sc, RngStreams(seed).stream)


def test_a_failed_radio_set_breaks_the_links_that_need_it_and_is_named(tmp_path) -> None:
    broken = (
        ", comms: [{id: radio-1, type: radio-set, readiness: not_mission_capable}, "
        "{id: cable-1, type: cable-terminal}, {id: dtu, type: data-transfer-unit}]"
    )
    sc = scenario(tmp_path, cp_extra=broken)
    causes = draw(sc)
    # the post's radio links (to the TELAR and loader, the EW radio link) are out, naming the set
    radio = [
        lk.id for lk in sc.links if lk.kind in ("radio", "relay") and "VM/cp" in (lk.from_, lk.to)
    ]
    assert radio and all(
        causes.links[lid][0].reason is Reason.DATALINK_FAILED
        and causes.links[lid][0].element == "VM/cp:radio-1"
        for lid in radio
    )
    # its cable link from the surveillance radar does not need a radio set
    cable = [lk.id for lk in sc.links if lk.kind == "cable" and "VM/cp" in (lk.from_, lk.to)]
    assert cable and not any(lid in causes.links for lid in cable)
    # on the network: the path names the set
    net = C2Network()
    for c in sc.component_ids():
        net.add_node(c, sc.catalog.components[_type(sc, c)].kind.value)
    for lk in sc.links:
        net.add_link(lk.id, lk.from_, lk.to, lk.kind, lk.latency_s, carries=lk.carries)
    causes.apply(net)
    p = net.path("VM/cp", "VM/telar-1", 0.0, "target_designation")
    assert p.reason is Reason.DATALINK_FAILED and p.culprit == "VM/cp:radio-1"
    # restoring the set restores the link
    fixed = draw(scenario(tmp_path, cp_extra=broken.replace("not_mission_capable", "operational")))
    assert not any(lid in fixed.links for lid in radio)


def _type(sc, cid):
    unit, comp = cid.split("/")
    u = next(u for u in sc.spec.units if u.id == unit)
    return next(c.type for c in u.components if c.id == comp)


def test_comms_sets_age_with_their_component_at_the_model_s_availability(tmp_path) -> None:
    """A set inherits its component's maintenance history and fails, over replications, as
    often as the maintenance model with the set type's ageing says (independent: the ODE)."""
    maint = "maintenance: {last_overhaul_year: 2013, regime: minimal, supplier_support: false}"
    sc = scenario(tmp_path, cp_extra=", " + maint)
    ct = sc.catalog.comms["radio-set"].ageing
    years = MaintenanceSpec(last_overhaul_year=2013, regime="minimal", supplier_support=False)
    years = years.years_at(sc.spec.start_utc)
    params = ageing_params(ct.degradation_eta_years, ct.failure_eta_years)
    p = state_probabilities(years, "minimal", False, params)
    expected = p[0] + p[1]
    assert 0.2 < expected < 0.9  # the case is not trivial
    n = 1500
    lid = "VM/cp--VM/telar-1"
    failed = 0
    for seed in range(n):
        c = draw(sc, seed)
        failed += any(x.element == "VM/cp:radio-set" for x in c.links.get(lid, []))
    # the link fails on the radio set whenever it fails (the data unit is checked after)
    assert failed / n == pytest.approx(
        1 - expected, abs=4 * math.sqrt(expected * (1 - expected) / n)
    )


def test_power_sources_feed_components_and_name_the_generator(tmp_path) -> None:
    power = """
power:
  - {id: gen-1, type: diesel-generator, readiness: not_mission_capable}
  - {id: gen-2, type: diesel-generator, feeds: [telar-1]}
"""
    causes = draw(scenario(tmp_path, unit_extra=power))
    for cid in ("VM/surv", "VM/cp"):
        (c,) = causes.components[cid]
        assert c.reason is Reason.NO_POWER and c.element == "VM:gen-1"
    assert "VM/telar-1" not in causes.components  # gen-2 still feeds it
    assert "VM/ll-1" not in causes.components  # a loader-launcher needs no power
    fixed = draw(scenario(tmp_path, unit_extra=power.replace("not_mission_capable", "operational")))
    assert not fixed.components


def test_deployment_ready_times_by_hand() -> None:
    assert ready_time(DeploymentSpec(), 300, 1800).always
    assert ready_time(DeploymentSpec(since_s=-100), 300, 1800).ready_s == 200
    r = ready_time(DeploymentSpec(state="garrison", ordered_s=60), 300, 1800)
    assert r.ready_s == 60 + 1800 + 300 and r.reason is Reason.NOT_DEPLOYED
    assert ready_time(DeploymentSpec(state="march", ordered_s=60), 300, 1800).ready_s == 360
    assert math.isinf(ready_time(DeploymentSpec(state="garrison"), 300, 1800).ready_s)
    assert ready_time(DeploymentSpec(state="storage"), 300, 1800).reason is Reason.IN_STORAGE
    assert ready_time(DeploymentSpec(since_s=0, setup_s=50), 300, 1800).ready_s == 50


def test_a_unit_in_garrison_is_not_deployed_until_it_arrives_and_sets_up(tmp_path) -> None:
    causes = draw(
        scenario(tmp_path, unit_extra="deployment: {state: garrison, ordered_s: 0, march_s: 100}")
    )
    c = causes.components["VM/surv"][0]
    assert c.reason is Reason.NOT_DEPLOYED and c.end_s == 100 + 300 and c.element == "VM:deployment"
    assert len(causes.components) == 4


def test_crew_network_setup_probability_and_delay_by_proficiency() -> None:
    """Empirical success rate and median delay against the table (lognormal median)."""
    table = setup_params(default_catalog())  # catalog crews.yaml
    for prof in ("basic", "trained"):
        par = table[prof]
        rng = np.random.default_rng(5)
        t = np.array([network_up_time(rng, prof, 300.0, table) for _ in range(4000)])
        ok = np.isfinite(t)
        assert ok.mean() == pytest.approx(par.p_success, abs=0.03)
        assert np.median(t[ok]) == pytest.approx(300.0 * par.median_factor, rel=0.06)
    # common random numbers: whoever succeeds at basic also succeeds when trained
    a = [network_up_time(np.random.default_rng(s), "basic", 300.0, table) for s in range(300)]
    b = [network_up_time(np.random.default_rng(s), "trained", 300.0, table) for s in range(300)]
    assert all(math.isfinite(y) for x, y in zip(a, b, strict=True) if math.isfinite(x))


def test_a_crew_that_must_bring_the_network_up_holds_the_unit_s_links(tmp_path) -> None:
    sc = scenario(
        tmp_path,
        unit_extra="crew: {proficiency: untrained}\ndeployment: {network_at_start: down}",
    )
    outcomes = []
    for seed in range(60):
        c = draw(sc, seed)
        t_up = c.network_up_s["VM"]
        outcomes.append(math.isfinite(t_up))
        crew = [x for x in c.links["VM/cp--VM/telar-1"] if x.reason is Reason.CREW_NOT_READY]
        assert crew[0].end_s == t_up and crew[0].element == "VM:crew"
        # the EW radar's link into the post waits for the same crew
        assert c.links["ew-cp"][-1].element == "VM:crew"
    assert 0 < sum(outcomes) < 60  # untrained: sometimes up, often never


def test_integration_matrix_and_overrides(tmp_path) -> None:
    # a foreign (JYL-1-class) radar feeding a Russian-built post: not integrated
    c = draw(scenario(tmp_path))
    assert c.not_integrated == {("EW/radar", "VM/cp"): "EW/radar->VM/cp"}
    # a Russian early-warning radar is (catalog matrix)
    assert not draw(scenario(tmp_path, ew_type="early-warning-radar")).not_integrated
    # an integration project done (scenario override)
    done = "integrations:\n  - {sensor: EW/radar, command_post: VM/cp, integrated: true}"
    assert not draw(scenario(tmp_path, integrations=done)).not_integrated


def test_p_working_direct_readiness_overrides_the_model() -> None:
    m = MaintenanceSpec(years_since_overhaul=10, regime="none", supplier_support=False)
    params = ageing_params(5.0, 12.0)
    from datetime import UTC, datetime

    t = datetime(2026, 1, 1, tzinfo=UTC)
    assert p_working("operational", m, params, t) == 1.0
    assert p_working(None, None, params, t) == 1.0
    p = state_probabilities(10, "none", False, params)
    assert p_working(None, m, params, t) == pytest.approx(p[0] + p[1])


def test_p_working_is_remembered_per_argument_set() -> None:
    # memoised: asked again with other ageing scales or another history it must not give
    # the first answer back
    from datetime import UTC, datetime

    t = datetime(2026, 1, 1, tzinfo=UTC)
    m = MaintenanceSpec(years_since_overhaul=10, regime="none", supplier_support=False)
    for eta in (12.0, 30.0, 12.0):
        p = state_probabilities(10, "none", False, ageing_params(5.0, eta))
        assert p_working(None, m, ageing_params(5.0, eta), t) == pytest.approx(p[0] + p[1])
    newer = MaintenanceSpec(years_since_overhaul=1, regime="none", supplier_support=False)
    p = state_probabilities(1, "none", False, ageing_params(5.0, 12.0))
    assert p_working(None, newer, ageing_params(5.0, 12.0), t) == pytest.approx(p[0] + p[1])


def test_p_working_by_identity_and_by_content_agree() -> None:
    """The same objects asked again come back by identity; equal objects that are not the
    same ones, and objects that differ, by content: every answer is the model's own
    (`_p_working`, not memoised)."""
    from datetime import UTC, datetime

    from iadsim.readiness.equipment import _p_working

    t = datetime(2026, 1, 1, tzinfo=UTC)
    params = ageing_params(5.0, 12.0)
    m = MaintenanceSpec(years_since_overhaul=4, regime="none", supplier_support=False)
    older = m.model_copy(update={"years_since_overhaul": 30})
    first = {"operational": 0.5, "degraded": 0.25, "not_mission_capable": 0.25}
    other = {"operational": 0.1, "degraded": 0.1, "not_mission_capable": 0.8}
    asked = [
        (first, m),
        (first, m),  # the same objects
        (dict(first), m.model_copy()),  # equal, not the same
        (other, m),
        (None, older),
        (None, m),
        (first, older),
        (first, None),
        (other, None),
    ]
    for readiness, maint in asked:
        assert p_working(readiness, maint, params, t) == _p_working(readiness, maint, params, t)
    assert p_working(None, m, params, t) != p_working(None, older, params, t)
    assert p_working(first, None, params, t) != p_working(other, None, params, t)


def test_unknown_support_references_are_refused_at_their_line(tmp_path) -> None:
    from iadsim.errors import ScenarioError

    bad = """
power:
  - {id: gen-1, type: fusion-reactor, feeds: [surv, radar-9]}
"""
    with pytest.raises(ScenarioError) as exc:
        scenario(
            tmp_path,
            unit_extra=bad,
            cp_extra=", comms: [{id: x, type: carrier-pigeon}]",
            integrations="integrations:\n  - {sensor: EW/nope, command_post: VM/cp}",
        )
    text = str(exc.value)
    assert "unknown power type 'fusion-reactor'" in text
    assert "unknown component of this unit 'radar-9'" in text
    assert "unknown comms type 'carrier-pigeon'" in text
    assert "network.integrations[0].sensor" in text
    assert all(p.line for p in exc.value.problems)
