"""Scenario checks of the command echelons: which unit takes its targets from which sector
command post (`units[].higher`), and where command posts may stand.

A sector command post is the command post of a unit whose catalog type has a command role
and no launcher (e.g. `sector-command-post`): it assigns targets across the batteries that
name it as `higher` (engine.sector). A command post placed in a unit whose type gives it no
command role would receive tracks and assign nothing, so it is refused; a sector post that
no unit names only relays, which is warned.
"""

from __future__ import annotations

from iadsim.errors import Problem
from iadsim.scenario.catalog import Catalog, ComponentKind
from iadsim.scenario.errors_map import field_path
from iadsim.scenario.schema import ScenarioSpec
from iadsim.scenario.yaml_loader import locate


def is_sector_type(catalog: Catalog, unit_type: str) -> bool:
    """Whether units of this type are sector command posts (a command role, no launcher)."""
    utype = catalog.units.get(unit_type)
    return bool(utype and utype.roles.get("command") and not utype.roles.get("launcher"))


def _command_post(catalog: Catalog, unit) -> str | None:
    """The unit's command post filling its type's command role (its id), or None."""
    utype = catalog.units.get(unit.type)
    kinds = utype.roles.get("command", []) if utype is not None else []
    for comp in unit.components:
        ctype = catalog.components.get(comp.type)
        if ctype is not None and ctype.kind in kinds:
            return comp.id
    return None


def check_echelons(spec: ScenarioSpec, catalog: Catalog, file: str, locations) -> list[Problem]:
    """FILE:LINE problems of `higher` references and of command posts without a command
    role (see the module docstring)."""
    problems: list[Problem] = []

    def report(path: tuple, message: str) -> None:
        line, col = locate(locations, path)
        problems.append(Problem(file, line, col, field_path(path), message))

    units = {u.id: u for u in spec.units}
    for i, unit in enumerate(spec.units):
        utype = catalog.units.get(unit.type)
        if utype is None:
            continue  # an unknown type: reported by the cross-checks
        for j, comp in enumerate(unit.components):
            ctype = catalog.components.get(comp.type)
            kind = ctype.kind if ctype is not None else None
            if kind is ComponentKind.COMMAND_POST and kind not in utype.roles.get("command", []):
                report(
                    ("units", i, "components", j, "type"),
                    f"a command post in a unit of type {unit.type!r}, which has no command "
                    "role, would receive tracks and assign nothing; put a standalone post in "
                    "a sector-command-post unit and name it in the batteries' `higher`",
                )
        if unit.higher is None:
            continue
        where = ("units", i, "higher")
        owner_id, _, comp_id = unit.higher.partition("/")
        owner = units.get(owner_id)
        if (
            owner is None
            or owner.type not in catalog.units
            or comp_id not in {c.id for c in owner.components}
        ):
            continue  # an unknown reference: reported by the cross-checks
        if owner.id == unit.id:
            report(where, "a unit cannot be its own higher command post")
            continue
        if not is_sector_type(catalog, owner.type) or _command_post(catalog, owner) != comp_id:
            report(
                where,
                f"{unit.higher!r} is not the command post of a sector command post unit "
                "(a unit type with a command role and no launchers, e.g. sector-command-post)",
            )
            continue
        if is_sector_type(catalog, unit.type):
            report(where, "sector posts under a higher sector post are not modelled")
        elif not utype.roles.get("launcher") or _command_post(catalog, unit) is None:
            report(
                where,
                "only a weapon unit with its own command post takes targets from a sector post",
            )
        elif unit.c2_mode == "autonomous":
            report(where, "an autonomous unit takes no targets from a sector post (c2_mode)")
    return problems


def echelon_warnings(spec: ScenarioSpec, catalog: Catalog, file: str, locations) -> list[Problem]:
    """Sector command posts that no unit names as `higher`: they relay, but assign nothing."""
    named = {u.higher for u in spec.units if u.higher is not None}
    out = []
    for i, unit in enumerate(spec.units):
        if not is_sector_type(catalog, unit.type):
            continue
        cp = _command_post(catalog, unit)
        if cp is not None and f"{unit.id}/{cp}" not in named:
            line, col = locate(locations, ("units", i, "id"))
            out.append(
                Problem(
                    file,
                    line,
                    col,
                    field_path(("units", i, "id")),
                    f"no unit names {unit.id}/{cp} as `higher`: the sector post relays tracks "
                    "but assigns no targets",
                )
            )
    return out
