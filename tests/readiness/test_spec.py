"""Specs the scenario embeds, cross-checks, and posterior_for_component."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from iadsim.errors import InputError
from iadsim.readiness.spec import (
    CrewSpec,
    MaintenanceSpec,
    ObservationSpec,
    ReadinessValue,
    check_maintenance,
    check_observations,
    crew_profile_of,
    distribution_from_readiness,
    maintenance_distribution_at,
    posterior_for_component,
    prior_for_component,
    summary_rows,
)
from iadsim.readiness.states import StateDistribution

T_SCEN = datetime(2026, 1, 3, 6, 0, tzinfo=UTC)


def obs(**kw) -> ObservationSpec:
    base = dict(
        component="S300-BN/tel-2",
        date="2025-11-20",
        observed="in_storage",
        source="imagery",
        confidence=0.8,
    )
    base.update(kw)
    return ObservationSpec(**base)


def test_confidence_outside_unit_interval_refused_with_clear_message():
    with pytest.raises(ValidationError, match=r"confidence must be a number in \[0, 1\]"):
        obs(confidence=1.3)
    with pytest.raises(ValidationError, match=r"confidence must be a number in \[0, 1\]"):
        obs(confidence=-0.1)
    with pytest.raises(ValidationError, match="observed"):
        obs(observed="flying")
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        obs(confidance=0.5)


def test_date_after_scenario_and_unknown_component_refused():
    items = [obs(), obs(component="S300-BN/tel-9"), obs(date="2026-01-04")]
    problems = check_observations(items, ["S300-BN/tel-1", "S300-BN/tel-2"], T_SCEN)
    assert (1, "component") == problems[0][:2]
    assert "unknown component 'S300-BN/tel-9'" in problems[0][2]
    assert "did you mean" in problems[0][2]
    assert (2, "date") == problems[1][:2]
    assert "after the scenario time" in problems[1][2]
    assert len(problems) == 2
    # a bare date on the scenario day is fine (00:00 UTC, before the 06:00 start)
    assert check_observations([obs(date="2026-01-03")], ["S300-BN/tel-2"], T_SCEN) == []
    with pytest.raises(InputError, match=r"observations\[0\]\.date: .*after the scenario time"):
        posterior_for_component(None, None, [obs(date="2026-02-01")], T_SCEN)


def test_maintenance_spec_validation():
    MaintenanceSpec(years_since_overhaul=3, regime="full")
    with pytest.raises(ValidationError, match="exactly one of"):
        MaintenanceSpec(regime="full")
    with pytest.raises(ValidationError, match="exactly one of"):
        MaintenanceSpec(last_overhaul_year=2015, years_since_overhaul=3, regime="full")
    with pytest.raises(ValidationError, match=r"years_since_overhaul must be .* \[0, 100\]"):
        MaintenanceSpec(years_since_overhaul=-2, regime="full")
    with pytest.raises(ValidationError, match="regime"):
        MaintenanceSpec(years_since_overhaul=2, regime="weekly")
    with pytest.raises(ValidationError, match="Extra inputs"):
        MaintenanceSpec(years_since_overhaul=2, regime="full", spares=True)
    late = MaintenanceSpec(last_overhaul_year=2027, regime="full")
    assert check_maintenance(late, T_SCEN)[0][0] == "last_overhaul_year"
    m = MaintenanceSpec(last_overhaul_year=2016, regime="minimal", supplier_support=False)
    assert m.years_at(T_SCEN) == pytest.approx(
        (T_SCEN - datetime(2016, 7, 1, tzinfo=UTC)).days / 365.25, abs=1e-3
    )


def test_crew_spec():
    c = CrewSpec(proficiency="basic", night_vision=True)
    assert crew_profile_of(c, True).median_reaction_s > crew_profile_of(c, False).median_reaction_s
    with pytest.raises(ValidationError, match="morale"):
        CrewSpec(morale=1.5)
    with pytest.raises(ValidationError, match="reaction_time_scale"):
        CrewSpec(reaction_time_scale=0)


def test_readiness_value():
    ta = TypeAdapter(ReadinessValue)
    assert distribution_from_readiness(ta.validate_python("in_storage"))["in_storage"] == 1.0
    d = distribution_from_readiness(ta.validate_python({"operational": 0.4}))
    assert d["not_mission_capable"] == pytest.approx(0.6)
    with pytest.raises(ValidationError, match="sum to 1.2"):
        ta.validate_python({"operational": 0.8, "degraded": 0.4})
    with pytest.raises(ValidationError):
        ta.validate_python({"operational": 1.4})
    with pytest.raises(ValidationError):
        ta.validate_python("broken")


def test_posterior_for_component_prior_and_posterior():
    m = MaintenanceSpec(last_overhaul_year=2015, regime="minimal", supplier_support=False)
    items = [
        obs(),
        obs(component="S300-BN/sr", date="2025-12-30", observed="emitting", confidence=0.9),
    ]
    prior, post = posterior_for_component(None, m, items, T_SCEN, component="S300-BN/tel-2")
    assert prior["in_storage"] == pytest.approx(0.2)  # undeclared posture of an observed item
    assert post["in_storage"] > 0.5 > prior["in_storage"]
    prior, post = posterior_for_component(None, m, items, T_SCEN, component="S300-BN/sr")
    assert post.availability > 0.9 > prior.availability
    # no observations: posterior is the prior, which is the maintenance model
    prior, post = posterior_for_component(None, m, [], T_SCEN)
    assert prior == post == maintenance_distribution_at(m, T_SCEN)
    # declared posture + maintenance: storage kept, the rest split by the maintenance model
    declared = StateDistribution.from_mapping({"in_storage": 0.3, "operational": 0.7})
    comb = prior_for_component(declared, m, T_SCEN)
    assert comb["in_storage"] == pytest.approx(0.3)
    assert comb["operational"] == pytest.approx(
        0.7 * maintenance_distribution_at(m, T_SCEN)["operational"]
    )
    assert [r[0] for r in summary_rows(prior, post)][0] == "operational"


def test_regime_and_support_move_posterior_in_documented_direction():
    def avail(regime: str, support: bool) -> float:
        m = MaintenanceSpec(years_since_overhaul=10, regime=regime, supplier_support=support)
        return posterior_for_component(None, m, [], T_SCEN)[1].availability

    assert (
        avail("full", True) > avail("minimal", True) > avail("minimal", False) > avail("none", True)
    )
