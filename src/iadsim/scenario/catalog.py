"""The equipment catalog: every entry, by kind, loaded from the catalog's data files and
validated (errors name file, line and field), with the references between entries checked.
The entries' models are in `catalog_defence` (components, missiles, units, connections) and
`catalog_aircraft` (aircraft and what they carry); they are importable from here too."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from iadsim.errors import ScenarioError
from iadsim.scenario.catalog_aircraft import (
    AircraftType,
    ArmSpec,
    CountermeasuresSpec,
    IrTable,
    JammerSpec,
    RcsTable,
    ReturnFireSpec,
)
from iadsim.scenario.catalog_defence import (
    AgeingSpec,
    CommsType,
    ComponentKind,
    ComponentType,
    CrewType,
    FlyoutSpec,
    IntegrationEntry,
    IrSeekerSpec,
    LauncherSpec,
    LinkDefault,
    MessageKindName,
    MissileType,
    NetworkSetupSpec,
    PkFactors,
    PowerType,
    RadarSpec,
    RolePair,
    UnitType,
    VisualSpec,
    _Strict,
)
from iadsim.scenario.errors_map import problems_from_validation
from iadsim.scenario.guns import GunType, Vulnerability
from iadsim.scenario.yaml_loader import load_yaml

__all__ = [
    "AgeingSpec",
    "AircraftType",
    "ArmSpec",
    "Catalog",
    "CommsType",
    "ComponentKind",
    "ComponentType",
    "CountermeasuresSpec",
    "CrewType",
    "FlyoutSpec",
    "GunType",
    "IntegrationEntry",
    "IrSeekerSpec",
    "IrTable",
    "JammerSpec",
    "LauncherSpec",
    "LinkDefault",
    "MessageKindName",
    "MissileType",
    "NetworkSetupSpec",
    "PkFactors",
    "PowerType",
    "RadarSpec",
    "RcsTable",
    "ReturnFireSpec",
    "RolePair",
    "UnitType",
    "VisualSpec",
    "Vulnerability",
    "catalog_from_data",
    "default_catalog",
    "load_catalog_dir",
    "read_catalog_dir",
]


class Catalog(_Strict):
    """All catalog entries, keyed by the names scenario files use in `type:`."""

    components: dict[str, ComponentType]
    weapons: dict[str, MissileType]
    units: dict[str, UnitType]
    aircraft: dict[str, AircraftType]
    comms: dict[str, CommsType] = Field(default_factory=dict)
    power: dict[str, PowerType] = Field(default_factory=dict)
    integration: dict[str, IntegrationEntry] = Field(default_factory=dict)
    crews: dict[str, CrewType] = Field(default_factory=dict)
    guns: dict[str, GunType] = Field(default_factory=dict)


_FILES = {
    "components": ComponentType,
    "weapons": MissileType,
    "units": UnitType,
    "aircraft": AircraftType,
    "comms": CommsType,
    "power": PowerType,
    "integration": IntegrationEntry,
    "crews": CrewType,
    "guns": GunType,
}
_OPTIONAL = frozenset({"guns"})  # a catalog directory without this file has none


def read_catalog_dir(directory: Path) -> dict[str, tuple[Any, dict]]:
    """Each catalog file's data (numbers written as distributions still in place) and the
    line/column of its fields: section name -> (data, locations)."""
    return {
        section: load_yaml(directory / f"{section}.yaml")
        for section in _FILES
        if section not in _OPTIONAL or (directory / f"{section}.yaml").exists()
    }


def load_catalog_dir(directory: Path) -> Catalog:
    """Load and validate every catalog file in a directory; errors name file, line and field.
    Numbers written as distributions take their nominal value (scenario.distributions)."""
    from iadsim.scenario.distributions import nominal

    raw = read_catalog_dir(directory)
    plain = {}
    for section, (data, locations) in raw.items():
        path = str(directory / f"{section}.yaml")
        plain[section] = (nominal(data, path, locations, section)[0], locations)
    return catalog_from_data(plain, directory)


def catalog_from_data(raw: dict[str, tuple[Any, dict]], directory: Path) -> Catalog:
    """Validate plain catalog data (section -> (data, locations)) into a Catalog."""
    sections = {}
    for section, model in _FILES.items():
        path = directory / f"{section}.yaml"
        if section not in raw and section in _OPTIONAL:
            continue
        data, locations = raw[section]
        problems = []
        entries = {}
        if not isinstance(data, dict):
            raise ScenarioError(problems_from_validation(None, str(path), locations, ()))
        for key, value in data.items():
            try:
                entries[key] = model.model_validate(value)
            except ValidationError as exc:
                problems += problems_from_validation(exc, str(path), locations, (key,))
        if problems:
            raise ScenarioError(problems)
        sections[section] = entries
    catalog = Catalog(**sections)
    _check_references(catalog, directory)
    return catalog


def _check_references(catalog: Catalog, directory: Path) -> None:
    """Launchers must name a missile the catalog has; comms and power types must exist."""
    from iadsim.errors import Problem

    problems = []

    def bad(file: str, field: str, message: str) -> None:
        problems.append(Problem(str(directory / file), None, None, field, message))

    for key, comp in catalog.components.items():
        if comp.launcher and comp.launcher.missile not in catalog.weapons:
            bad(
                "components.yaml",
                f"{key}.launcher.missile",
                f"unknown missile {comp.launcher.missile!r}",
            )
        for i, ct in enumerate(comp.comms):
            if ct not in catalog.comms:
                bad("components.yaml", f"{key}.comms[{i}]", f"unknown comms type {ct!r}")
    for key, unit in catalog.units.items():
        for i, pt in enumerate(unit.power):
            if pt not in catalog.power:
                bad("units.yaml", f"{key}.power[{i}]", f"unknown power type {pt!r}")
    if problems:
        raise ScenarioError(problems)


@cache
def default_catalog() -> Catalog:
    """The catalog bundled with iadsim (src/iadsim/catalog/*.yaml)."""
    directory = Path(str(resources.files("iadsim") / "catalog"))
    return load_catalog_dir(directory)
