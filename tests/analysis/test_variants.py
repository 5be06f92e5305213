"""The --set path language: wildcards, ids, unit readiness, and refusals with nearest paths."""

from __future__ import annotations

import pytest

from iadsim.analysis.variants import (
    apply_assignments,
    make_variant,
    parse_assignment,
    parse_group,
    parse_value,
)
from iadsim.cli import main
from iadsim.errors import InputError
from iadsim.scenario import load_scenario
from tests.builders import aircraft, component, link, make_scenario, unit, write_scenario

SCENARIO = make_scenario(
    "tiny-variants",
    start_utc="2026-01-03T06:00:00Z",
    duration_s=600,
    units=[
        unit(
            "SAM",
            "sam-medium-range",
            [
                component("acq", "acquisition-radar-mr", readiness={"operational": 0.7}),
                component("cp", "command-post-mr", readiness="in_storage"),
                component("telar-1", "telar-mr", readiness=0.6),
            ],
        ),
        unit(
            "EW.1",
            "early-warning-site",
            [component("radar", "early-warning-radar")],
            at=(10.2, -66.0),
        ),
    ],
    links=[
        link("SAM/acq", "SAM/cp", id="acq-cp", up=False),
        link("EW.1/radar", "SAM/cp", kind="radio", up=False),
    ],
    raid=[aircraft("HELO-1", "transport-helicopter", [(10.3, -66.0, 300), (9.8, -66.0, 300)])],
)


@pytest.fixture()
def scenario(scenario_file):
    return load_scenario(scenario_file(SCENARIO))


def sets(*texts):
    return [parse_assignment(t) for t in texts]


def test_values_are_yaml_scalars():
    assert parse_value("true") is True
    assert parse_value("0.5") == 0.5
    assert parse_value("operational") == "operational"
    assert parse_value("{operational: 0.8}") == {"operational": 0.8}


def test_wildcard_sets_every_link(scenario):
    v = make_variant(scenario, sets("network.links.*.up=true"))
    assert [lk.up for lk in v.spec.network.links] == [True, True]
    assert all(lk.up for lk in v.links)
    assert [lk.up for lk in scenario.spec.network.links] == [False, False]  # base untouched


def test_links_by_id_or_from_to_and_ids_with_dots(scenario):
    v = make_variant(scenario, sets("network.links.EW.1/radar--SAM/cp.latency_s=3"))
    base = scenario.spec.network.links[0].latency_s
    assert [lk.latency_s for lk in v.spec.network.links] == [base, 3.0]
    v = make_variant(
        scenario, sets("network.links.acq-cp.up=true", "units.EW.1.c2_mode=autonomous")
    )
    assert v.spec.network.links[0].up and v.spec.units[1].c2_mode == "autonomous"


def test_unit_readiness_sets_all_components(scenario):
    v = make_variant(scenario, sets("units.SAM.readiness=operational"))
    assert [c.readiness for c in v.spec.units[0].components] == ["operational"] * 3
    v = make_variant(scenario, parse_group("units.*.readiness=0.5;units.SAM.c2_mode=autonomous"))
    assert all(c.readiness == 0.5 for u in v.spec.units for c in u.components)
    v = make_variant(scenario, sets("units.SAM.components.acq.readiness.operational=0.9"))
    assert v.spec.units[0].components[0].readiness.operational == 0.9


def test_unknown_path_refused_with_nearest_valid_paths(scenario):
    with pytest.raises(InputError) as exc:
        make_variant(scenario, sets("units.SAM.readines=operational"))
    msg = str(exc.value)
    assert "no 'readines' in units.SAM" in msg and "units.SAM.readiness" in msg
    with pytest.raises(InputError) as exc:
        make_variant(scenario, sets("network.link.*.up=true"))
    assert "nearest valid paths" in str(exc.value) and "network.links.*.up" in str(exc.value)
    with pytest.raises(InputError) as exc:
        make_variant(scenario, sets("units.S300.readiness=operational"))
    assert "units.SAM.readiness" in str(exc.value)


def test_bad_value_refused_by_the_schema(scenario):
    with pytest.raises(InputError, match="c2_mode.*centralized"):
        make_variant(scenario, sets("units.SAM.c2_mode=telepathic"))


def test_malformed_assignment():
    with pytest.raises(InputError, match="PATH=VALUE"):
        parse_assignment("units.SAM.readiness")
    with pytest.raises(InputError, match="empty path segment"):
        parse_assignment("units..x=1")


def test_apply_reports_every_bad_path_at_once(scenario):
    data = scenario.spec.model_dump(mode="json", by_alias=True)
    with pytest.raises(InputError) as exc:
        apply_assignments(data, sets("foo=1", "units.SAM.bar=2"))
    assert len(exc.value.problems) == 2


def test_cli_compare_refuses_a_bad_path(tmp_path, capsys):
    path = write_scenario(tmp_path, SCENARIO)
    rc = main(
        [
            "compare",
            str(path),
            "--set",
            "network.links.*.upp=true",
            "-n",
            "2",
            "--out",
            str(tmp_path / "o"),
            "--quiet",
        ]
    )
    assert rc == 2
    err = capsys.readouterr().err
    assert "error:" in err and "network.links.*.up" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()  # refused before anything ran


@pytest.mark.parametrize(
    "text",
    ["yes", "no", "on", "off", "y", "010", "1e3", "0o17", "1_000", "~", "2026-01-03", "0x1f"],
)
def test_set_values_read_as_the_scenario_loader_reads_them(text, tmp_path):
    """YAML 1.2 like the scenarios (ruamel), not PyYAML's 1.1 (where `yes` is True, `010` is 8
    and `1e3` a string): the same token in a scenario file and after --set gives one value."""
    from iadsim.scenario.yaml_loader import load_yaml

    f = tmp_path / "v.yaml"
    f.write_text(f"v: {text}\n")
    data, _ = load_yaml(f)
    assert parse_value(text) == data["v"]
    assert type(parse_value(text)) is type(data["v"])


def test_set_values_follow_yaml_1_2():
    assert parse_value("yes") == "yes" and parse_value("off") == "off"
    assert parse_value("010") == 10 and parse_value("0o17") == 15
    assert parse_value("1e3") == 1000.0


def test_a_numeric_readiness_that_maintenance_overrides_is_refused_not_ignored():
    """A sweep over engage-radar.readiness once changed nothing silently: the maintenance
    model decides that component's condition. Now the --set says so."""
    from tests.builders import CARACAS

    sc = load_scenario(CARACAS)
    for value in ("0.5", "{operational: 0.9}"):
        a = parse_assignment(f"units.S300-BN.components.engage-radar.readiness={value}")
        with pytest.raises(InputError) as exc:
            make_variant(sc, [a])
        (p,) = exc.value.problems
        assert p.field == "units.S300-BN.components.engage-radar.readiness"
        assert "overrides a numeric readiness" in p.message
    # a declared state, or a storage share, does act: accepted
    for value in ("operational", "{operational: 0.5, in_storage: 0.5}"):
        a = parse_assignment(f"units.S300-BN.components.engage-radar.readiness={value}")
        assert make_variant(sc, [a]) is not sc
