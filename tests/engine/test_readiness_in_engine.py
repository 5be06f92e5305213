"""The readiness models wired into the scenario format and the engine.

- maintenance regime and supplier support change the sampled availability, and a launch
  outcome, in the direction and by the size `readiness.maintenance.availability` predicts;
- the states the engine samples follow the posterior (maintenance + dated observations);
- bad observations and overhauls are refused with file:line:field;
- crews come from `readiness.crew` and suppression from `readiness.suppression`.

Statistical tests use fixed seeds; tolerances are stated in sigma of the binomial.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from iadsim.engine.radar_picture import build_geometry
from iadsim.engine.replication import run_replication
from iadsim.engine.rng import RngStreams, replication_seed
from iadsim.engine.states import sample_states
from iadsim.engine.world import build_world
from iadsim.errors import ScenarioError
from iadsim.readiness.crew import crew_profile
from iadsim.readiness.maintenance import availability
from iadsim.readiness.spec import MaintenanceSpec, ObservationSpec, posterior_for_component
from iadsim.scenario import load_scenario
from tests.builders import aircraft, component, make_scenario, unit, write_scenario

START = "2026-01-03T06:00:00Z"

# One MANPADS team under a helicopter that loiters 2.5 km away for five minutes by day: a
# working team (operational or degraded) with an elite, willing crew launches in practically
# every replication, so P(launch) ~ the team's availability.
HOVER = [
    (10.06, -66.0, 200),
    {"lat_deg": 10.0225, "lon_deg": -66.0, "alt_m": 200, "loiter_s": 300},
    (10.06, -66.0, 200),
]


def manpads(
    maintenance: dict,
    *,
    observations: list[dict] | None = None,
    readiness=None,
    crew: dict | None = None,
    environment: dict | None = None,
) -> dict:
    team = component("team", "manpads-team", maintenance=maintenance)
    if readiness is not None:
        team["readiness"] = readiness
    extra = {"observations": observations} if observations is not None else {}
    return make_scenario(
        "wiring",
        start_utc=START,
        duration_s=600,
        environment=environment or {"night": False},
        units=[
            unit(
                "MP",
                "manpads-section",
                [team],
                at=(10.0, -66.0, 0),
                crew=crew or {"proficiency": "elite", "morale": 1.0},
            )
        ],
        raid=[aircraft("HELO", "transport-helicopter", HOVER, altitude_mode="agl")],
        **extra,
    )


def sighting(observed: str, day: date, confidence: float, component: str = "MP/team", **kw):
    return {
        "component": component,
        "date": day,
        "observed": observed,
        **kw,
        "confidence": confidence,
    }


N_REP = 300


def manpads_scenario(tmp_path, maintenance: dict, name: str = "s.yaml", **kw):
    return write_scenario(tmp_path, manpads(maintenance, **kw), name)


def launch_fraction(path, n=N_REP) -> tuple[float, np.ndarray, np.ndarray]:
    """(fraction of replications where the team launched, launched per rep, working per rep)."""
    geom = build_geometry(build_world(load_scenario(path)))
    launched, working = np.zeros(n, bool), np.zeros(n, bool)
    for i in range(n):
        r = run_replication(geom, replication_seed(2026, i))
        launched[i] = r.aircraft[0]["engaged"]
        working[i] = r.states["MP/team"] in ("operational", "degraded")
    return float(launched.mean()), launched, working


def test_supplier_support_and_regime_move_launches_as_the_model_predicts(tmp_path):
    """minimal/no spares -> minimal/spares -> full/spares at 10 years: availability 0.64,
    0.92, 0.99 (docs/readiness.md). The launch fraction follows within 4 sigma, and on
    common random numbers the launches of the worse variant are a subset of the better's."""
    variants = {
        "minimal-nospares": {
            "years_since_overhaul": 10,
            "regime": "minimal",
            "supplier_support": False,
        },
        "minimal-spares": {
            "years_since_overhaul": 10,
            "regime": "minimal",
            "supplier_support": True,
        },
        "full-spares": {"years_since_overhaul": 10, "regime": "full", "supplier_support": True},
    }
    predicted = {
        "minimal-nospares": availability(10, "minimal", False),
        "minimal-spares": availability(10, "minimal", True),
        "full-spares": availability(10, "full", True),
    }
    assert predicted["minimal-nospares"] == pytest.approx(0.642, abs=0.002)
    assert predicted["minimal-spares"] == pytest.approx(0.922, abs=0.002)
    results = {
        k: launch_fraction(manpads_scenario(tmp_path, m, name=f"{k}.yaml"))
        for k, m in variants.items()
    }
    for k, (frac, launched, working) in results.items():
        a = predicted[k]
        sigma = math.sqrt(a * (1 - a) / N_REP)
        # sampled availability and launches both within 4 sigma of the model's availability
        assert abs(working.mean() - a) < 4 * sigma + 1e-9, (k, working.mean(), a)
        assert abs(frac - a) < 4 * sigma + 0.01, (k, frac, a)
        # launches happen only with a working team, and (almost) always with one
        assert not (launched & ~working).any()
        assert launched[working].mean() > 0.97
    # direction and size of the change, on common random numbers (paired: the same uniform
    # decides each replication's state, so the worse variant's working set is a subset)
    lo, hi = results["minimal-nospares"], results["minimal-spares"]
    assert not (lo[2] & ~hi[2]).any()
    delta = hi[0] - lo[0]
    d_pred = predicted["minimal-spares"] - predicted["minimal-nospares"]
    sd = math.sqrt(d_pred * (1 - d_pred) / N_REP)  # the paired difference is a Bernoulli(d)
    assert delta > 0 and abs(delta - d_pred) < 4 * sd + 0.01, (delta, d_pred)
    assert results["full-spares"][0] >= hi[0]


def test_engine_samples_the_posterior(tmp_path):
    """With maintenance and a storage sighting, the engine's sampled state frequencies match
    `posterior_for_component` (4 sigma per state, n = 20 000, fixed seeds)."""
    obs = [sighting("in_storage", date(2025, 12, 1), 0.8, source="imagery")]
    maint = {"last_overhaul_year": 2017, "regime": "minimal", "supplier_support": False}
    scenario = load_scenario(manpads_scenario(tmp_path, maint, observations=obs))
    world = build_world(scenario)
    comp = world.components[0]
    prior, post = posterior_for_component(
        None,
        MaintenanceSpec(last_overhaul_year=2017, regime="minimal", supplier_support=False),
        [
            ObservationSpec(
                component="MP/team",
                date="2025-12-01",
                observed="in_storage",
                source="imagery",
                confidence=0.8,
            )
        ],
        scenario.spec.start_utc,
    )
    assert comp.state_probs == pytest.approx(post.as_dict())
    assert comp.prior_probs == pytest.approx(prior.as_dict())
    assert comp.readiness_basis == "maintenance+observations"
    # the sighting moves mass to storage
    assert post["in_storage"] > prior["in_storage"] + 0.2
    n = 20_000
    counts = {s: 0 for s in post.as_dict()}
    for i in range(n):
        counts[sample_states(world, RngStreams(i))[0]] += 1
    for s, p in post.as_dict().items():
        sigma = math.sqrt(p * (1 - p) / n)
        assert abs(counts[s] / n - p) < 4 * sigma + 1e-9, (s, counts[s] / n, p)


def test_caracas_samples_from_mechanisms_and_evidence(caracas_prepared):
    """Caracas: every SAM component's readiness comes from the maintenance model (no
    hand-set probabilities), the imagery sightings move the stored ones to storage, and the
    replications sample those posteriors."""
    world = caracas_prepared.geometry.world
    by_id = {c.id: c for c in world.components}
    for c in world.components:
        if c.unit.startswith(("S300", "BUK", "MANPADS", "EW")):
            assert "maintenance" in c.readiness_basis, c.id
            assert "readiness" not in c.readiness_basis, c.id
    surv = by_id["S300-BN/surv-radar"]
    assert surv.state_probs["in_storage"] > 0.7 > surv.prior_probs["in_storage"]
    eng = by_id["S300-BN/engage-radar"]
    years = eng.maintenance.years_at(world.scenario.spec.start_utc)  # delivered mid-2013
    assert years == pytest.approx(12.5, abs=0.02)
    a = availability(years, "minimal", False)
    # its posture in doubt: the scenario's storage prior (no sighting of it), the rest by
    # the maintenance model
    p_s = 0.15
    assert eng.state_probs["in_storage"] == pytest.approx(p_s)
    ready = eng.state_probs["operational"] + eng.state_probs["degraded"]
    assert ready == pytest.approx((1 - p_s) * a, 0.01)
    n = 4000
    stored = sum(sample_states(world, RngStreams(i))[surv.index] == "in_storage" for i in range(n))
    p = surv.state_probs["in_storage"]
    assert abs(stored / n - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_declared_state_overrides_maintenance_and_evidence(tmp_path):
    """`readiness: operational` (e.g. --set units.*.readiness=operational) is a certainty."""
    path = manpads_scenario(
        tmp_path,
        {"years_since_overhaul": 20, "regime": "none"},
        observations=[sighting("in_storage", date(2025, 12, 1), 0.9)],
        readiness="operational",
    )
    comp = build_world(load_scenario(path)).components[0]
    assert comp.state_probs["operational"] == 1.0 and comp.readiness_basis == "declared"


def test_readiness_with_maintenance_keeps_posture(tmp_path):
    """A probability readiness with maintenance: storage mass kept, the rest split by the
    maintenance model (readiness.spec.prior_for_component)."""
    path = manpads_scenario(
        tmp_path, {"years_since_overhaul": 10, "regime": "minimal"}, readiness={"in_storage": 0.5}
    )
    comp = build_world(load_scenario(path)).components[0]
    a = availability(10, "minimal", True)
    assert comp.state_probs["in_storage"] == pytest.approx(0.5)
    assert comp.state_probs["operational"] + comp.state_probs["degraded"] == pytest.approx(a / 2)


# ---------------------------------------------------------------- refusals with lines
def _problems(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def _line_of(path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("observation", "field", "needle", "message"),
    [
        (
            sighting("in_storage", date(2026, 2, 1), 0.8),
            "observations[0].date",
            "2026-02-01",
            "is after the scenario time",
        ),
        (
            sighting("in_storage", date(2025, 12, 1), 1.3),
            "observations[0].confidence",
            "confidence: 1.3",
            "confidence must be a number in [0, 1]",
        ),
        (
            sighting("in_storage", date(2025, 12, 1), 0.8, component="MP/teem"),
            "observations[0].component",
            "MP/teem",
            "unknown component 'MP/teem'; did you mean 'MP/team'?",
        ),
        (
            sighting("rusty", date(2025, 12, 1), 0.8),
            "observations[0].observed",
            "rusty",
            "",
        ),
    ],
)
def test_bad_observations_refused_with_file_line_field(
    tmp_path, observation, field, needle, message
):
    path = manpads_scenario(
        tmp_path,
        {"years_since_overhaul": 10, "regime": "minimal"},
        observations=[sighting("emitting", date(2025, 11, 1), 0.5), observation],
    )
    # the bad observation is the second one (index 1)
    field = field.replace("[0]", "[1]")
    problems = _problems(path)
    match = [p for p in problems if p.field == field]
    assert match, [str(p) for p in problems]
    p = match[0]
    assert p.file == str(path) and p.line == _line_of(path, needle), str(p)
    assert message in p.message
    assert str(p).startswith(f"{path}:{p.line}:")


def test_overhaul_after_the_scenario_refused_with_line(tmp_path):
    path = manpads_scenario(tmp_path, {"last_overhaul_year": 2027, "regime": "full"})
    problems = _problems(path)
    assert [p.field for p in problems] == ["units[0].components[0].maintenance.last_overhaul_year"]
    assert problems[0].line == _line_of(path, "2027")
    assert "after the scenario time" in problems[0].message


def test_bad_crew_refused_with_line(tmp_path):
    path = manpads_scenario(
        tmp_path,
        {"years_since_overhaul": 1, "regime": "full"},
        crew={"proficiency": "heroic", "morale": 1.0},
    )
    problems = _problems(path)
    assert problems[0].field.startswith("units[0].crew.proficiency")
    assert problems[0].line == _line_of(path, "heroic")


def test_cli_validate_exits_2_on_bad_observation(tmp_path, capsys):
    from iadsim.cli import main

    path = manpads_scenario(
        tmp_path,
        {"years_since_overhaul": 10, "regime": "minimal"},
        observations=[sighting("emitting", date(2027, 1, 1), 0.5)],
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{_line_of(path, '2027-01-01')}" in err and "observations[0].date" in err


# ---------------------------------------------------------------- crews and suppression
def test_unit_crew_profile_from_readiness_crew(tmp_path):
    """The catalog's crew_reaction_s is a trained day median; proficiency and night scale it."""
    path = manpads_scenario(
        tmp_path,
        {"years_since_overhaul": 1, "regime": "full"},
        environment={"night": True, "night_vision": False},
        crew={"proficiency": "basic", "morale": 1.0, "night_vision": True},
    )
    world = build_world(load_scenario(path))
    unit = world.units[0]
    ref = crew_profile("basic", night=True, night_vision=True, reaction_scale=8.0 / 25.0)
    assert unit.crew_profile == ref
    assert unit.crew.proficiency == "basic"


def test_reaction_times_follow_the_crew_lognormal(tmp_path):
    """Launch-decision delays over many replications: lognormal with the profile's median."""
    path = manpads_scenario(tmp_path, {"years_since_overhaul": 0.1, "regime": "full"})
    geom = build_geometry(build_world(load_scenario(path)))
    prof = geom.world.units[0].crew_profile
    delays = []
    for i in range(300):
        r = run_replication(geom, replication_seed(7, i))
        rows = [row for row in r.events.rows() if row[1] == "launch_decision"]
        if rows and r.states["MP/team"] == "operational":
            delays.append(rows[0][6])
    logs = np.log(delays)
    n = len(logs)
    assert n > 250
    assert abs(logs.mean() - math.log(prof.median_reaction_s)) < 4 * prof.sigma_log / math.sqrt(n)
    assert abs(logs.std() - prof.sigma_log) < 0.25 * prof.sigma_log


def test_suppression_probability_matches_the_willingness_model(tmp_path):
    """A return-fire burst on the team 60 s ago: the crew refuses with CREW_SUPPRESSED with
    probability 1 - S(t), S = 1 - a s exp(-dt/tau) (one latent uniform per crew per
    replication), within 4 sigma over 4000 seeds; later, as it recovers, less often."""
    from iadsim.engine.crews import Crews
    from iadsim.engine.events import EventLog
    from iadsim.engine.rng import RngStreams
    from iadsim.killchain import Reason
    from iadsim.readiness.suppression import willingness
    from iadsim.threats.returnfire import SuppressionEvent

    path = manpads_scenario(
        tmp_path,
        {"years_since_overhaul": 1, "regime": "full"},
        crew={"proficiency": "basic", "morale": 1.0},
    )
    geom = build_geometry(build_world(load_scenario(path)))
    unit = geom.world.units[0]
    team = geom.world.components[geom.world.component_index["MP/team"]]
    sens = unit.crew_profile.suppression_sensitivity

    def p_suppressed(t: float, n: int = 4000) -> float:
        hits = 0
        for seed in range(n):
            crews = Crews(geom.world, RngStreams(seed), EventLog())
            crews.hear(SuppressionEvent(100.0, "HELO", "MP/team", tuple(team.enu), ()))
            hits += crews.refusal(unit, 0, t) is Reason.CREW_SUPPRESSED
        return hits / n

    for t in (160.0, 700.0):
        w = willingness(t, np.array([100.0]), np.array([0.0]), np.array([0.6]), sens)
        p = 1.0 - w
        got = p_suppressed(t)
        assert abs(got - p) < 4 * math.sqrt(p * (1 - p) / 4000), (t, got, p)


def test_return_fire_deters_crews_in_the_ledger(tmp_path):
    """Two MANPADS sections 300 m apart; an attack helicopter that fires back loiters nearby
    and a transport helicopter arrives later: some replications end with CREW_SUPPRESSED in
    the ledger against the late one, always after return fire."""

    def section(id: str, lon: float, proficiency: str) -> dict:
        team = [component("team", "manpads-team")]
        return unit(
            id, "manpads-section", team, at=(10.0, lon, 0), crew={"proficiency": proficiency}
        )

    def hover(lon: float, loiter_s: float) -> list:
        stop = {"lat_deg": 10.02, "lon_deg": lon, "alt_m": 200, "loiter_s": loiter_s}
        return [(10.06, lon, 200), stop, (10.06, lon, 200)]

    two = make_scenario(
        "supp",
        start_utc=START,
        duration_s=900,
        environment={"night": False},
        units=[section("MP1", -66.0, "basic"), section("MP2", -65.9973, "untrained")],
        raid=[
            aircraft("GUN", "attack-helicopter", hover(-66.0, 600), altitude_mode="agl"),
            aircraft(
                "LATE",
                "transport-helicopter",
                hover(-66.01, 300),
                altitude_mode="agl",
                start_s=150,
            ),
        ],
    )
    path = write_scenario(tmp_path, two, "two.yaml")
    geom = build_geometry(build_world(load_scenario(path)))
    suppressed = 0
    for i in range(60):
        r = run_replication(geom, replication_seed(3, i))
        kinds = {row[1] for row in r.events.rows()}
        rows = r.ledger.table().to_pylist()
        if any(row["reason"] == "CREW_SUPPRESSED" for row in rows):
            suppressed += 1
            assert "return_fire" in kinds and "suppressed" in kinds
    assert suppressed > 0
