"""Numbers written as distributions: nominal values, quantiles against scipy's own laws, and
located errors."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from iadsim.errors import InputError
from iadsim.scenario import load_scenario
from iadsim.scenario.distributions import nominal, parse_distribution, substitute


def test_nominal_values_and_paths() -> None:
    data = {
        "units": [{"id": "SAM", "crew": {"morale": {"low": 0.5, "mode": 0.8, "high": 1.0}}}],
        "n": {"dist": "uniform", "low": 2, "high": 6},
        "p": {"dist": "lognormal", "median": 100.0, "sigma": 0.2, "why": "notional"},
        "readiness": {"operational": 0.9},  # a plain mapping stays as it is
    }
    plain, found = nominal(data, "f.yaml")
    assert plain["units"][0]["crew"]["morale"] == 0.8
    assert plain["n"] == 4 and isinstance(plain["n"], int)  # integer bounds: an integer
    assert plain["p"] == 100.0
    assert plain["readiness"] == {"operational": 0.9}
    assert [f.name for f in found] == ["units.SAM.crew.morale", "n", "p"]
    assert found[2].dist.why == "notional"
    out = substitute(plain, found, [0.6, 3, 120.0])
    assert out["units"][0]["crew"]["morale"] == 0.6 and out["n"] == 3 and out["p"] == 120.0
    assert plain["n"] == 4  # substitute copies


def test_quantiles_match_scipy() -> None:
    tri = parse_distribution({"low": 1.0, "mode": 2.0, "high": 5.0})
    ref = stats.triang(c=0.25, loc=1.0, scale=4.0)
    for u in (0.0, 0.1, 0.5, 0.9, 1.0):
        assert tri.ppf(u) == pytest.approx(ref.ppf(u))
    ln = parse_distribution({"dist": "lognormal", "low": 10.0, "high": 1000.0})
    # low/high are the 5% and 95% quantiles
    ref = stats.lognorm(s=ln.params["sigma"], scale=ln.params["median"])
    assert ref.ppf(0.05) == pytest.approx(10.0) and ref.ppf(0.95) == pytest.approx(1000.0)
    assert ln.nominal == pytest.approx(100.0)
    # unbounded laws are cut at 1% / 99%
    assert ln.ppf(0.0) == pytest.approx(ref.ppf(0.01))
    norm = parse_distribution({"dist": "normal", "mean": 3.0, "sd": 2.0})
    assert norm.plausible_range[1] == pytest.approx(3.0 + 2.0 * stats.norm.ppf(0.99))
    assert math.isclose(parse_distribution({"dist": "uniform", "low": 0, "high": 4}).ppf(0.25), 1)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"low": 3, "mode": 1, "high": 2}, "low <= mode <= high"),
        ({"dist": "beta", "low": 0, "high": 1}, "unknown distribution 'beta'"),
        ({"dist": "uniform", "low": 0}, "takes low, high"),
        ({"dist": "lognormal", "median": -1, "sigma": 1}, "median > 0"),
        ({"low": 0, "mode": "x", "high": 1}, "finite number"),
    ],
)
def test_malformed_distributions_are_refused(bad, message) -> None:
    with pytest.raises(ValueError, match=message):
        parse_distribution(bad)


def test_a_scenario_with_a_distribution_runs_at_its_nominal_value(tmp_path) -> None:
    from tests.builders import TUTORIAL

    text = TUTORIAL.read_text().replace(
        "readiness: {operational: 0.9}",
        "readiness: {operational: {low: 0.7, mode: 0.85, high: 0.95}}",
    )
    path = tmp_path / "u.yaml"
    path.write_text(text)
    sc = load_scenario(path)
    telar = sc.spec.units[0].components[2]
    assert telar.readiness.as_dict()["operational"] == 0.85


def test_errors_name_file_line_and_field(tmp_path) -> None:
    from tests.builders import TUTORIAL

    text = TUTORIAL.read_text().replace(
        "readiness: {operational: 0.9}", "readiness: {operational: {low: 0.9, mode: 0.5, high: 1}}"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    (p,) = exc.value.problems
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "id: telar-1" in t)
    assert (p.file, p.line) == (str(path), line)
    assert p.field == "units.SAM.components.telar-1.readiness.operational"
    assert "low <= mode <= high" in p.message
