"""The geometry's key: a what-if variant reuses the prepared geometry exactly when it changes
nothing the geometry read, catalog numbers included (`Prepared.reads`, recorded by
`engine.run.prepare`; `prepare_variant` compares the variant's world against it)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from iadsim.engine.run import prepare, prepare_variant
from iadsim.engine.world import build_world
from iadsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
CARACAS = ROOT / "scenarios" / "caracas-2026-01-03.yaml"
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def with_catalog(scenario, section: str, name: str, path: str, value):
    """The scenario with one catalog number changed: `section.name.path` (dotted) = value."""
    catalog = scenario.catalog

    def set_in(model, keys: list[str]):
        head, rest = keys[0], keys[1:]
        current = getattr(model, head)
        if not rest:
            return model.model_copy(update={head: value})
        if isinstance(current, dict):  # e.g. a missile's pk by category
            return model.model_copy(update={head: {**current, rest[0]: value}})
        return model.model_copy(update={head: set_in(current, rest)})

    entries = dict(getattr(catalog, section))
    entries[name] = set_in(entries[name], path.split("."))
    return dataclasses.replace(scenario, catalog=catalog.model_copy(update={section: entries}))


@pytest.fixture(scope="module")
def caracas():
    return load_scenario(CARACAS)


@pytest.fixture(scope="module")
def prepared(caracas):
    return prepare(caracas)


def reuses(prepared, variant) -> bool:
    """Whether `prepare_variant` would reuse the prepared geometry for `variant`."""
    world = build_world(variant, terrain=prepared.geometry.world.terrain)
    return prepared.reads.same_in(world)


@pytest.mark.parametrize(
    ("section", "name", "path", "value"),
    [
        ("weapons", "sam-vm-missile", "pk.helicopter", 0.2),
        ("comms", "radio-set", "ageing.failure_eta_years", 3.0),
        ("power", "diesel-generator", "ageing.failure_eta_years", 3.0),
        ("units", "sam-long-range-vm", "network_setup_s", 900.0),
        ("aircraft", "attack-helicopter", "return_fire.p_hit", 0.1),
    ],
)
def test_numbers_the_geometry_does_not_read_keep_the_key(
    caracas, prepared, section, name, path, value
):
    variant = with_catalog(caracas, section, name, path, value)
    assert variant.catalog != caracas.catalog  # the number did change
    assert reuses(prepared, variant)


@pytest.mark.parametrize(
    ("section", "name", "path", "value"),
    [
        ("components", "manpads-team", "visual.detection_range_night_m", 3500.0),
        ("weapons", "sam-vm-missile", "max_range_m", 100000.0),
        ("aircraft", "attack-helicopter", "rcs_dbsm.beam", 2.0),
        ("units", "sam-medium-range", "decision_period_s", 4.0),
    ],
)
def test_numbers_the_geometry_reads_change_the_key(caracas, prepared, section, name, path, value):
    assert not reuses(prepared, with_catalog(caracas, section, name, path, value))


def test_a_radars_power_changes_the_key(caracas, prepared):
    radars = sorted(
        {c.type for u in caracas.spec.units for c in u.components}
        & {n for n, ct in caracas.catalog.components.items() if ct.radar is not None}
    )
    assert radars
    power = caracas.catalog.components[radars[0]].radar.peak_power_w
    variant = with_catalog(caracas, "components", radars[0], "radar.peak_power_w", power / 2)
    assert not reuses(prepared, variant)


def _outcome(prepared, seeds):
    """Event rows, ledger rows and aircraft summaries of some replications (NaN-bearing rows:
    compare their reprs)."""
    out = []
    for seed in seeds:
        r = prepared.replicate(seed)
        out.append((r.events.rows(), r.ledger.table().to_pylist(), r.aircraft))
    return out


def test_a_pk_variant_on_the_shared_geometry_runs_as_if_prepared_afresh():
    base = prepare(TUTORIAL)
    variant = with_catalog(base.scenario, "weapons", "sam-mr-missile", "pk.fixed_wing", 0.0)
    variant = with_catalog(variant, "weapons", "sam-mr-missile", "pk.helicopter", 0.0)
    shared = prepare_variant(base, variant)
    assert shared.geometry.sensors is base.geometry.sensors  # the geometry was reused
    seeds = range(4)
    got = _outcome(shared, seeds)
    assert repr(got) == repr(_outcome(prepare(variant), seeds))
    # and the Pk did act: the base kills aircraft, the variant none
    assert any(a["killed"] for _, _, aircraft in _outcome(base, seeds) for a in aircraft)
    assert not any(a["killed"] for _, _, aircraft in got for a in aircraft)
