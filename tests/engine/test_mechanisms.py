"""The mechanism registry (engine.mechanisms) checked against the code it describes: every
reason has one home, every outcome named exists and is routed by `Replication.emit`, the
modules that say they emit an outcome construct it (and nothing undeclared does), every
field a contract says it reads exists in the catalog or scenario model, and every field a
replication actually reads (recorded, engine.reads) is declared."""

from __future__ import annotations

import ast
import importlib
import inspect
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from iadsim.engine import events, replication
from iadsim.engine.mechanisms import (
    CHAIN_REASONS,
    GEOMETRY_REASONS,
    UNUSED_REASONS,
    declared,
    home_of,
    registry,
)
from iadsim.engine.reads import Reads, recording
from iadsim.engine.run import prepare
from iadsim.engine.world import build_world
from iadsim.killchain import Reason
from iadsim.scenario import load_scenario
from iadsim.scenario.catalog import Catalog
from iadsim.scenario.schema import ScenarioSpec

ENGINE = Path(replication.__file__).parent
OUTCOMES = typing.get_args(events.Outcome)
FRAME_EMITS = {"iadsim.engine.fight": {"AircraftDown"}}
"""Outcomes the kill chain itself announces (a kill), not a mechanism."""


def test_the_registry_finds_the_mechanisms_named_in_the_issue():
    names = {m.name for m in registry()}
    for name in (
        "radar-jamming",
        "radio-link-jamming",
        "anti-radiation-missiles",
        "emission-control",
        "comms-sets",
        "power",
        "deployment",
        "network-setup",
        "integration",
        "crew-readiness",
        "suppression",
        "return-fire",
        "strikes",
        "readiness",
    ):
        assert name in names
    assert len(names) == len(registry()), "two contracts share a name"


@pytest.mark.parametrize("reason", list(Reason), ids=str)
def test_every_reason_has_exactly_one_home(reason):
    homes = [m.name for m in registry() if reason in m.reasons]
    homes += [
        frame
        for frame, members in (
            ("geometry", GEOMETRY_REASONS),
            ("chain", CHAIN_REASONS),
            ("unused", UNUSED_REASONS),
        )
        if reason in members
    ]
    assert len(homes) == 1, f"{reason}: homes {homes}"
    assert home_of(reason) == homes[0]


def test_also_gives_names_reasons_homed_elsewhere():
    for m in registry():
        for r in m.also_gives:
            assert r not in m.reasons
            assert home_of(r) not in ("unused", m.name)


def test_unused_reasons_appear_nowhere_in_the_engine():
    for reason in UNUSED_REASONS:
        for path in ENGINE.glob("*.py"):
            if path.name == "mechanisms.py":
                continue
            text = path.read_text()
            assert f"Reason.{reason.name}" not in text, path
            assert f"CODE_{reason.name}" not in text, path


def test_modules_and_processes_exist():
    for m in registry():
        module = importlib.import_module(m.module)
        if m.process is not None:
            declaring = [
                importlib.import_module(f"iadsim.engine.{p.stem}") for p in ENGINE.glob("*.py")
            ]
            assert any(hasattr(mod, m.process) for mod in [module, *declaring]), m.process
        for owned in m.owns:
            assert owned.split(".")[0] == m.process, (m.name, owned)


def _emit_source() -> ast.FunctionDef:
    tree = ast.parse(inspect.getsource(replication.Replication.emit).strip())
    return tree.body[0]


def test_outcomes_heard_and_emitted_exist_and_are_routed_by_emit():
    emit = _emit_source()
    routed = {
        node.args[1].id
        for node in ast.walk(emit)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "isinstance"
        and isinstance(node.args[1], ast.Name)
    }
    hear_calls = {
        node.func.value.attr
        for node in ast.walk(emit)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "hear"
        and isinstance(node.func.value, ast.Attribute)
    }
    assert routed == {o.__name__ for o in OUTCOMES}, "emit must route every Outcome by type"
    for m in registry():
        for outcome in (*m.hears, *m.emits):
            assert outcome in OUTCOMES, (m.name, outcome)
        if m.hears:
            assert m.route in hear_calls, f"{m.name}: emit never calls self.{m.route}.hear"


def _constructed_outcomes(module_path: Path) -> set[str]:
    tree = ast.parse(module_path.read_text())
    names = {o.__name__ for o in OUTCOMES}
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names
    }


def test_declared_emits_are_constructed_and_nothing_else_is():
    declared: dict[str, set[str]] = {k: set(v) for k, v in FRAME_EMITS.items()}
    for m in registry():
        declared.setdefault(m.module, set()).update(o.__name__ for o in m.emits)
    for path in ENGINE.glob("*.py"):
        module = f"iadsim.engine.{path.stem}"
        if module == "iadsim.engine.events":
            continue
        made = _constructed_outcomes(path)
        assert made == declared.get(module, set()), (module, made, declared.get(module))


def _model_of(annotation) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (Optional, list, dict values), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def resolve(path: str) -> bool:
    """Whether a dotted read path names a field of the catalog or scenario model (the
    entry names of catalog sections and list indices left out)."""
    root, *parts = path.split(".")
    model: type[BaseModel] | None = {"catalog": Catalog, "scenario": ScenarioSpec}.get(root)
    for i, part in enumerate(parts):
        if model is None or part not in model.model_fields:
            return False
        annotation = model.model_fields[part].annotation
        model = _model_of(annotation)
        if model is None and i < len(parts) - 1:
            return False
    return model is not None or bool(parts)


def test_resolve_refuses_made_up_paths():
    assert resolve("catalog.aircraft.jammer.erp_dbw")
    assert resolve("scenario.units.components.readiness")
    assert not resolve("catalog.aircraft.jammer.power")
    assert not resolve("scenario.raid.jammer")
    assert not resolve("catalog.weapons.pk.helicopter.x")


def test_every_declared_read_is_a_field():
    bad = [(m.name, r) for m in registry() for r in m.reads if not resolve(r)]
    assert not bad, bad


ROOT = ENGINE.parents[2]


@pytest.mark.parametrize("name", ["caracas-2026-01-03.yaml", "tutorial.yaml"])
def test_every_field_a_replication_reads_is_declared(name):
    """The reads of building the world, of the geometry and of one replication, recorded
    (engine.reads), each declared by a mechanism's contract or by the frame."""
    scenario = load_scenario(ROOT / "scenarios" / name)
    with recording(scenario, "scenario") as rec:
        build_world(scenario)
    fields = Reads.of(rec, scenario).scenario_fields()
    prepared = prepare(scenario)
    fields |= prepared.reads.scenario_fields()
    world = prepared.geometry.world
    with recording(world) as rec:
        replication.Replication(prepared.geometry, 5).run()
    fields |= Reads.of(rec, world).scenario_fields()
    assert len(fields) > 100  # the recording saw the reads
    assert "catalog.aircraft.rcs_dbsm.nose" in fields
    undeclared = sorted(f for f in fields if not declared(f))
    assert not undeclared, f"read but declared by no contract: {undeclared}"


def test_declared_refuses_what_no_contract_names():
    assert declared("catalog.aircraft.arm.p_kill")  # anti-radiation-missiles
    assert declared("scenario.units.emcon.silence_s")  # emission-control
    assert declared("scenario.units.emcon")  # read to find it unset
    assert not declared("catalog.aircraft.made_up")
    assert not declared("scenario.units.made_up")
