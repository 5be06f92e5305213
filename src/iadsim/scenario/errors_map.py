"""Turn pydantic validation errors into located Problems (file:line:col: field: message)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from iadsim.errors import InputError, Problem
from iadsim.scenario.yaml_loader import Location, load_yaml, locate

M = TypeVar("M", bound=BaseModel)


def field_path(loc: tuple) -> str:
    """A dotted field path with list indices in brackets: units[2].components[0].type."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def problems_from_validation(
    exc: ValidationError | None, file: str, locations: dict[tuple, Location], prefix: tuple
) -> list[Problem]:
    """One Problem per pydantic error, located at the deepest field the YAML file has."""
    if exc is None:
        return [Problem(file, 1, 1, "", "expected a mapping at the top level")]
    problems = []
    for err in exc.errors(include_url=False):
        loc = prefix + _drop_union_tags(err["loc"])
        line, col = locate(locations, loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see docs/scenario-format.md)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        if "input" in err and err["type"] not in ("missing", "extra_forbidden"):
            shown = repr(err["input"])
            if len(shown) <= 60:
                msg += f" (got {shown})"
        problems.append(Problem(file, line, col, field_path(loc), msg))
    return problems


def load_validated(path: Path, model: type[M]) -> tuple[M, dict[tuple, Location]]:
    """Read the YAML file `path` (a mapping at its top level) and validate it as `model`:
    the model and its fields' locations (for the checks that follow), or an InputError
    listing every problem at FILE:LINE:COL. For the files beside a scenario that are not the
    scenario (a case's record, a case study's conclusions)."""
    data, locations = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), 1, 1, "", "expected a mapping at the top level"))
    try:
        return model.model_validate(data), locations
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, str(path), locations, ())) from None


def _drop_union_tags(loc: tuple) -> tuple:
    """The field path without pydantic's union member names; 'date'/'datetime' count as one
    only right after a field name (an observation's `date` field keeps its name)."""
    out: list = []
    for part in loc:
        if _is_union_tag(part):
            continue
        if part in ("date", "datetime") and out and isinstance(out[-1], str):
            continue
        out.append(part)
    return tuple(out)


def _is_union_tag(part) -> bool:
    """Pydantic adds union member names (e.g. 'str', 'dict[...]') to locations; drop them."""
    return isinstance(part, str) and (
        part in ("str", "float", "int", "bool") or "[" in part or part.startswith("function-")
    )
