"""YAML loading that keeps line and column numbers, so every error can point at the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from iadsim.errors import Problem, ScenarioError

Location = tuple[int, int]  # 1-based line, column


def load_yaml(path: Path) -> tuple[Any, dict[tuple, Location]]:
    """Parse a YAML file; return plain Python data and a map from field path to (line, col)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(Problem(str(path), None, None, "", "file not found")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            Problem(str(path), None, None, "", f"cannot read file: {exc}")
        ) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        doc = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg = " ".join(s for s in (exc.context, exc.problem) if s) or "malformed YAML"
        raise ScenarioError(Problem(str(path), line, col, "", f"malformed YAML: {msg}")) from None
    except YAMLError as exc:
        raise ScenarioError(Problem(str(path), None, None, "", f"malformed YAML: {exc}")) from None
    if doc is None:
        raise ScenarioError(Problem(str(path), 1, 1, "", "the file is empty"))
    locations: dict[tuple, Location] = {}
    data = _to_plain(doc, (), locations)
    return data, locations


def _to_plain(node: Any, path: tuple, locations: dict[tuple, Location]) -> Any:
    """Convert ruamel's commented containers to dicts/lists, recording each key's position."""
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            try:
                line, col = (
                    node.lc.value(key)
                    if not isinstance(value, CommentedMap | CommentedSeq)
                    else node.lc.key(key)
                )
            except (KeyError, TypeError):
                line, col = node.lc.line, node.lc.col
            locations[path + (key,)] = (line + 1, col + 1)
            out[key] = _to_plain(value, path + (key,), locations)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for i, value in enumerate(node):
            try:
                line, col = node.lc.item(i)
            except (KeyError, TypeError, IndexError):
                line, col = node.lc.line, node.lc.col
            locations[path + (i,)] = (line + 1, col + 1)
            out_list.append(_to_plain(value, path + (i,), locations))
        return out_list
    if hasattr(node, "isoformat") or isinstance(node, bool | int | float | str) or node is None:
        # ruamel scalar subclasses (ScalarFloat, etc.) become plain Python values
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, str):
            return str(node)
        return node
    return node


def locate(locations: dict[tuple, Location], path: tuple) -> Location | tuple[None, None]:
    """The position of the deepest existing prefix of a field path."""
    p = tuple(path)
    while p:
        if p in locations:
            return locations[p]
        p = p[:-1]
    return (1, 1) if locations else (None, None)
