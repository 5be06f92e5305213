"""The DIS enumerations of the catalog's types (catalog/enumerations.yaml): entity types and
emitter names from SISO-REF-010, with a generic enumeration for any type the table lacks.

The table is read once; a lookup never fails: an unknown component, aircraft or weapon type
gets the generic entry of its kind (documented in the file and in docs/interop.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from iadsim.errors import InputError, Problem


@dataclass(frozen=True)
class EntityType:
    """A DIS entity type record (IEEE 1278.1-2012, 6.2.30): seven enumerations."""

    kind: int
    domain: int
    country: int
    category: int
    subcategory: int
    specific: int
    extra: int
    ref: str = ""


@dataclass(frozen=True)
class Emitter:
    """An emitter system: SISO-REF-010 EmitterName and EmitterSystemFunction."""

    name: int
    function: int
    ref: str = ""


def _path() -> Path:
    return Path(str(resources.files("iadsim") / "catalog" / "enumerations.yaml"))


@lru_cache(maxsize=1)
def table() -> dict:
    """The enumerations table (the bundled catalog/enumerations.yaml), checked."""
    path = _path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for section in ("generic", "components", "aircraft", "weapons"):
        for key, entry in (data.get(section) or {}).items():
            ent, emi = entry.get("entity"), entry.get("emitter")
            ok = (ent is None or (len(ent) == 7 and all(isinstance(x, int) for x in ent))) and (
                emi is None or (len(emi) == 2 and all(isinstance(x, int) for x in emi))
            )
            if not ok or not entry.get("ref"):
                raise InputError(
                    Problem(
                        str(path),
                        None,
                        None,
                        f"{section}.{key}",
                        "needs entity: [7 integers] and/or emitter: [name, function], and a ref",
                    )
                )
    return data


def _entity(entry: dict) -> EntityType:
    return EntityType(*entry["entity"], ref=entry["ref"])


def component_entity(ctype: str) -> EntityType:
    """A ground component's entity type (generic land platform when unknown)."""
    entry = table()["components"].get(ctype)
    return _entity(entry) if entry and "entity" in entry else _entity(table()["generic"]["ground"])


def aircraft_entity(atype: str, category: str) -> EntityType:
    """An aircraft's entity type (generic air platform when unknown)."""
    entry = table()["aircraft"].get(atype)
    if entry and "entity" in entry:
        return _entity(entry)
    generic = table()["generic"]
    return _entity(generic.get(category, generic["fixed_wing"]))


def munition_entity(weapon: str | None, generic: str = "missile") -> EntityType:
    """A munition's entity type: a catalog weapon id, "arm", else the named generic one."""
    entry = table()["weapons"].get(weapon or "")
    return _entity(entry) if entry else _entity(table()["generic"][generic])


def component_emitter(ctype: str) -> Emitter:
    """A radar's emitter (EmitterName 0, surveillance function, when unknown)."""
    entry = table()["components"].get(ctype) or {}
    if "emitter" not in entry:
        entry = table()["generic"]["radar"]
    return Emitter(*entry["emitter"], ref=entry["ref"])


def jammer_emitter(atype: str) -> Emitter:
    """An aircraft's jammer (the generic internal jammer when unknown)."""
    entry = table()["aircraft"].get(atype) or {}
    if "emitter" not in entry:
        entry = table()["generic"]["jammer"]
    return Emitter(*entry["emitter"], ref=entry["ref"])


def rows() -> list[tuple[str, str, str, str, str]]:
    """(section, type, entity, emitter, reference) per entry, for docs/interop.md."""
    out = []
    for section in ("components", "aircraft", "weapons", "generic"):
        for key, e in table()[section].items():
            ent = ":".join(str(x) for x in e["entity"]) if "entity" in e else ""
            emi = "{}/{}".format(*e["emitter"]) if "emitter" in e else ""
            out.append((section, key, ent, emi, e["ref"]))
    return out
