"""What-if variants of a scenario: the `--set PATH=VALUE` path language.

A path walks the scenario as written (the spec's dict, field names as in the YAML file):

- a mapping is entered by key: `environment.night=true`, `duration_s=1800`;
- a list is entered by item id (`units.S300-BN`, `network.links.ew-relay`; a link without
  an id is named `FROM--TO`, e.g. `network.links.S300-BN/engage-radar--S300-BN/tel-1`),
  by position (`raid.0`), or by `*` for every item (`network.links.*.up=true`);
- `*` also matches every value of a mapping;
- `units.ID.readiness=VALUE` sets the readiness of every component of the unit (a unit has
  no readiness of its own); `units.*.readiness=operational` makes everything operational.

Values are read as YAML scalars: `true`, `0.5`, `operational`, `{operational: 0.8}`.
The modified scenario is validated again by the schema; a path that does not exist is
refused with an InputError naming the nearest valid paths.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.error import YAMLError

from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario
from iadsim.scenario.load import check_scenario, resolve_links
from iadsim.scenario.schema import ScenarioSpec
from iadsim.scenario.yaml_loader import parse_text

WILDCARD = "*"


@dataclass(frozen=True)
class Assignment:
    """One `PATH=VALUE`: the path text, its segments and the parsed value."""

    path: str
    value: Any
    text: str

    @property
    def segments(self) -> list[str]:
        return self.path.split(".")


def parse_value(text: str) -> Any:
    """A value as the scenario files read it (YAML 1.2, ruamel): `yes`/`on` stay strings,
    `1e3` is a number, `010` is ten; text YAML cannot parse stays a string."""
    if not text.strip():
        return ""
    try:
        return parse_text(text)
    except YAMLError:
        return text


def parse_assignment(text: str, option: str = "--set") -> Assignment:
    if "=" not in text:
        raise InputError(
            Problem("<command line>", None, None, option, f"expected PATH=VALUE, got {text!r}")
        )
    path, value = text.split("=", 1)
    path = path.strip()
    if not path or any(not s for s in path.split(".")):
        raise InputError(
            Problem("<command line>", None, None, option, f"empty path segment in {path!r}")
        )
    return Assignment(path, parse_value(value), text)


def parse_group(text: str, option: str = "--set") -> list[Assignment]:
    """One factor group: assignments separated by ';' (e.g. `a.b=1;c.d=2`)."""
    return [parse_assignment(part.strip(), option) for part in text.split(";") if part.strip()]


# ------------------------------------------------------------------------ walking


def _item_name(item: Any, position: int) -> str:
    if isinstance(item, dict):
        if item.get("id"):
            return str(item["id"])
        if "from" in item and "to" in item:
            return f"{item['from']}--{item['to']}"
    return str(position)


class _Missing(Exception):
    def __init__(self, prefix: list[str], segment: str, node: Any):
        self.prefix, self.segment, self.node = prefix, segment, node


def _children(node: Any) -> list[tuple[str, Any, Any]]:
    """(name, key-or-index, child) of a container node."""
    if isinstance(node, dict):
        return [(str(k), k, v) for k, v in node.items()]
    if isinstance(node, list):
        return [(_item_name(v, i), i, v) for i, v in enumerate(node)]
    return []


def _match(node: Any, segs: list[str], pos: int) -> list[tuple[Any, int]]:
    """Children of `node` matched by segs[pos:]: (key-or-index, number of segments used).

    A list item's id may contain dots, so the longest run of segments naming an item wins."""
    seg = segs[pos]
    if seg == WILDCARD:
        return [(key, 1) for _, key, _ in _children(node)]
    if isinstance(node, dict):
        return [(seg, 1)] if seg in node else []
    if isinstance(node, list):
        names = {name: key for name, key, _ in _children(node)}
        for end in range(len(segs), pos, -1):
            name = ".".join(segs[pos:end])
            if name in names:
                return [(names[name], end - pos)]
        if seg.lstrip("-").isdigit() and -len(node) <= int(seg) < len(node):
            return [(int(seg) % len(node), 1)]
    return []


def _is_unit(node: Any, prefix: list[str]) -> bool:
    return (
        isinstance(node, dict)
        and len(prefix) == 2
        and prefix[0] == "units"
        and "components" in node
    )


def _set(
    node: Any, segs: list[str], pos: int, value: Any, prefix: list[str], wild: bool = False
) -> int:
    """Set value at segs[pos:] below node; return the number of places set. Below a
    wildcard (`wild`), items that lack the rest of the path are skipped."""
    seg = segs[pos]
    last = pos == len(segs) - 1
    if last and seg == "readiness" and _is_unit(node, prefix) and "readiness" not in node:
        for comp in node["components"]:
            comp["readiness"] = copy.deepcopy(value)
        return len(node["components"])
    matches = _match(node, segs, pos)
    if not matches:
        raise _Missing(prefix, seg, node)
    count = 0
    for key, used in matches:
        if seg == WILDCARD:
            name = WILDCARD
        else:
            name = _item_name(node[key], key) if isinstance(node, list) else str(key)
        if pos + used == len(segs):
            node[key] = copy.deepcopy(value)
            count += 1
        else:
            child = node[key]
            if not isinstance(child, dict | list):
                if wild or seg == WILDCARD:  # `units.*.power.*`: skip units without power
                    continue
                raise _Missing(prefix + [name], segs[pos + used], child)
            count += _set(child, segs, pos + used, value, prefix + [name], wild or seg == WILDCARD)
    return count


def values_at(node: Any, path: str) -> list[Any]:
    """The values a path names (several below a `*`); [] where it names nothing."""
    segs = path.split(".")

    def walk(node: Any, pos: int) -> list[Any]:
        if pos == len(segs):
            return [node]
        if not isinstance(node, dict | list):
            return []
        return [v for key, used in _match(node, segs, pos) for v in walk(node[key], pos + used)]

    return walk(node, 0)


def valid_paths(data: Any, prefix: str = "", depth: int = 8) -> list[str]:
    """Every path that names something in `data` (plus `units.ID.readiness`)."""
    out: list[str] = []

    def walk(node: Any, path: list[str], d: int) -> None:
        if path:
            out.append(".".join(path))
        if d == 0:
            return
        if _is_unit(node, path):
            out.append(".".join(path + ["readiness"]))
        for name, _, child in _children(node):
            walk(child, path + [name], d - 1)
        if isinstance(node, list) and node:
            walk(node[0], path + [WILDCARD], d - 1)  # e.g. network.links.*.up

    walk(data, prefix.split(".") if prefix else [], depth)
    return list(dict.fromkeys(out))


def apply_assignments(data: dict, assignments: list[Assignment], file: str = "<scenario>") -> dict:
    """A deep copy of the spec dict with every assignment applied; unknown paths refused."""
    data = copy.deepcopy(data)
    problems = []
    for a in assignments:
        try:
            n = _set(data, a.segments, 0, a.value, [])
        except _Missing as miss:
            problems.append(Problem(file, None, None, a.path, _missing_message(data, a, miss)))
            continue
        if n == 0:
            problems.append(
                Problem(file, None, None, a.path, "the path matches nothing (empty list?)")
            )
    if problems:
        raise InputError(problems)
    return data


def _missing_message(data: dict, a: Assignment, miss: _Missing) -> str:
    where = ".".join(miss.prefix) or "the scenario"
    paths = valid_paths(data)
    near = difflib.get_close_matches(a.path, paths, n=5, cutoff=0.5)
    siblings = [name for name, _, _ in _children(miss.node)]
    msg = f"no {miss.segment!r} in {where}"
    if not isinstance(miss.node, dict | list):
        msg = f"{where} is a value ({miss.node!r}), it has no {miss.segment!r}"
    if near:
        msg += "; nearest valid paths: " + ", ".join(near)
    elif siblings:
        shown = siblings[:12]
        prefix = ".".join(miss.prefix)
        msg += "; valid here: " + ", ".join(f"{prefix}.{s}" if prefix else s for s in shown)
        if len(siblings) > len(shown):
            msg += f" (and {len(siblings) - len(shown)} more)"
    return msg


def make_variant(scenario: Scenario, assignments: list[Assignment]) -> Scenario:
    """The scenario with the assignments applied, validated again, links re-resolved."""
    if not assignments:
        return scenario
    file = str(scenario.path)
    data = apply_assignments(
        scenario.spec.model_dump(mode="json", by_alias=True), assignments, file
    )
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        label = "; ".join(a.text for a in assignments)
        by_loc: dict[str, list[str]] = {}
        for err in exc.errors():
            msgs = by_loc.setdefault(_friendly_loc(data, err["loc"]), [])
            if err["msg"] not in msgs:
                msgs.append(err["msg"])
        problems = [
            Problem(file, None, None, loc, f"after --set {label}: " + " / or: ".join(msgs))
            for loc, msgs in by_loc.items()
        ]
        raise InputError(problems) from None
    # the same reference, uniqueness, terrain, readiness and limit checks as a file gets
    problems = check_scenario(data, spec, scenario.catalog, scenario.path, {})
    if problems:
        label = "; ".join(a.text for a in assignments)
        raise InputError(
            [
                Problem(file, None, None, p.field, f"after --set {label}: {p.message}")
                for p in problems
            ]
        )
    _refuse_overridden(scenario.spec, spec, file, label_of(assignments))
    return Scenario(
        spec=spec,
        catalog=scenario.catalog,
        path=scenario.path,
        links=resolve_links(spec, scenario.catalog),
    )


def _refuse_overridden(old: ScenarioSpec, new: ScenarioSpec, file: str, label: str) -> None:
    """A --set that writes a numeric readiness on a component whose condition a mechanism
    decides (its maintenance model keeps only the in_storage share of a direct readiness)
    would change nothing: say so instead of running a silent no-op."""
    problems = []
    for u_old, u_new in zip(old.units, new.units, strict=True):
        for c_old, c_new in zip(u_old.components, u_new.components, strict=True):
            r = c_new.readiness
            if r == c_old.readiness or r is None or isinstance(r, str):
                continue
            if getattr(r, "in_storage", 0.0) > 0.0:  # its storage share is kept: it acts
                continue
            if c_new.maintenance is None:
                continue
            problems.append(
                Problem(
                    file,
                    None,
                    None,
                    f"units.{u_new.id}.components.{c_new.id}.readiness",
                    f"--set {label}: this component's condition comes from its maintenance "
                    "model, which overrides a numeric readiness (only its in_storage share "
                    "is kept), so the value would change nothing; declare a state "
                    "(readiness=operational) or change its maintenance (regime, "
                    "supplier_support, last_overhaul_year)",
                )
            )
    if problems:
        raise InputError(problems)


def _friendly_loc(data: Any, loc: tuple) -> str:
    """A pydantic error location in the path language (list items by id, union tags dropped)."""
    out, node = [], data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(_item_name(node[part], part))
            node = node[part]
        elif isinstance(node, dict) and part in node:
            out.append(str(part))
            node = node[part]
        elif isinstance(part, str) and ("[" in part or "-" in part):
            continue  # a union member tag such as literal[...] or function-after[...]
        else:
            out.append(str(part))
            node = None
    return ".".join(out)


def label_of(assignments: list[Assignment]) -> str:
    return "; ".join(a.text for a in assignments)
