"""YAML loading that keeps line and column numbers, so every error can point at the file."""

from __future__ import annotations

import codecs
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

import iadsim.limits as limits
from iadsim.errors import Problem, ScenarioError

Location = tuple[int, int]  # 1-based line, column


def read_text(path: Path) -> str:
    """The file's text, refused with a reason (and a line where there is one) unless it is a
    regular file of at most limits.MAX_SCENARIO_BYTES holding UTF-8 text without NUL bytes.

    The size and kind are checked before reading: /dev/zero or a FIFO is refused, not read."""
    file = str(path)

    def refuse(message: str, line: int | None = None, col: int | None = None) -> ScenarioError:
        return ScenarioError(Problem(file, line, col, "", message))

    try:
        st = path.stat()
    except FileNotFoundError:
        raise refuse("file not found") from None
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise refuse("is a directory, not a scenario file")
    if not stat.S_ISREG(st.st_mode):
        raise refuse("not a regular file (a device, FIFO or socket); give a scenario YAML file")
    if st.st_size > limits.MAX_SCENARIO_BYTES:
        raise refuse(
            f"file is {st.st_size:,} bytes, more than the limit of "
            f"{limits.MAX_SCENARIO_BYTES:,} (limits.MAX_SCENARIO_BYTES, docs/limits.md)"
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(limits.MAX_SCENARIO_BYTES + 1)
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limits.MAX_SCENARIO_BYTES:
        raise refuse(f"file is larger than {limits.MAX_SCENARIO_BYTES:,} bytes")
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise refuse(f"the file is {name} text; save it as UTF-8", 1, 1)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise refuse(
            "NUL byte in the file: not a text file (UTF-16? binary?); save it as UTF-8",
            line,
            col,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise refuse(
            f"byte 0x{data[exc.start]:02x} is not UTF-8 (a Latin-1 or Windows-1252 file?); "
            "save the file as UTF-8",
            line,
            col,
        ) from None


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _line_col(data: bytes, offset: int) -> Location:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def check_structure(text: str, file: str) -> None:
    """Walk the YAML events (no recursion, no expansion) and refuse, at the line where the limit
    is crossed, nesting deeper than MAX_YAML_DEPTH, more than MAX_YAML_ALIASES aliases, an alias
    inside the collection it names (a recursive structure), or a document that would expand to
    more than MAX_YAML_NODES nodes ("billion laughs").

    The events come from a parser that does not recurse (libyaml, else PyYAML's pure-Python
    state machine), and a document that parser refuses is refused here with its line and
    column: it never reaches the round-trip parser, whose composer and constructor do recurse.
    """
    depth, aliases = 0, 0
    sizes: list[int] = [0]  # expanded node count of each open collection
    anchors_open: list[str | None] = []
    anchored: dict[str, int | None] = {}  # expanded size of each anchor; None while still open

    def refuse(event, message: str) -> ScenarioError:
        mark = event.start_mark
        return ScenarioError(Problem(file, mark.line + 1, mark.column + 1, "", message))

    for event in _events(text, file):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > limits.MAX_YAML_DEPTH:
                raise refuse(event, _DEPTH_MESSAGE)
            sizes.append(1)
            anchors_open.append(event.anchor)
            if event.anchor is not None:
                anchored[event.anchor] = None
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
            size = sizes.pop()
            anchor = anchors_open.pop()
            if anchor is not None:
                anchored[anchor] = size
            sizes[-1] += size
        elif isinstance(event, ScalarEvent):
            sizes[-1] += 1
            if event.anchor is not None:
                anchored[event.anchor] = 1
        elif isinstance(event, AliasEvent):
            aliases += 1
            if aliases > limits.MAX_YAML_ALIASES:
                raise refuse(
                    event,
                    f"more than {limits.MAX_YAML_ALIASES} aliases (*name) "
                    "(limits.MAX_YAML_ALIASES, docs/limits.md)",
                )
            if event.anchor in anchored and anchored[event.anchor] is None:
                raise refuse(
                    event,
                    f"alias *{event.anchor} inside the collection &{event.anchor} it names: "
                    "a recursive structure (docs/limits.md)",
                )
            sizes[-1] += anchored.get(event.anchor) or 1
        else:
            continue
        if sum(sizes) > limits.MAX_YAML_NODES:
            raise refuse(
                event,
                f"the aliases expand the document to more than {limits.MAX_YAML_NODES:,} "
                "values (limits.MAX_YAML_NODES, docs/limits.md)",
            )


_DEPTH_MESSAGE = (
    f"nested more than {limits.MAX_YAML_DEPTH} levels deep (limits.MAX_YAML_DEPTH, docs/limits.md)"
)


def _events(text: str, file: str):
    """The YAML event stream from libyaml (PyYAML's C parser, ~70x faster than the pure-Python
    round-trip parser), else PyYAML's Python parser; neither recurses. A document it refuses is
    a ScenarioError at the parser's line and column (libyaml's own nesting limit, 1,000 flow
    levels, is reported as ours: it is met while scanning ahead, before the first event)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        if "nesting depth" in str(exc.problem):
            msg = _DEPTH_MESSAGE
        else:
            msg = "malformed YAML: " + (
                " ".join(s for s in (exc.context, exc.problem) if s) or "malformed YAML"
            )
        raise ScenarioError(Problem(file, line, col, "", msg)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters)
        raise _bad_character(text, file, exc.position, exc.character) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(Problem(file, None, None, "", f"malformed YAML: {exc}")) from None
    finally:
        loader.dispose()


def _bad_character(text: str, file: str, position: int, character: Any) -> ScenarioError:
    if isinstance(character, int):
        character = chr(character)
    line, col = _line_col(text.encode("utf-8"), len(text[:position].encode("utf-8")))
    return ScenarioError(
        Problem(file, line, col, "", f"character {character!r} is not allowed in YAML")
    )


class _Constructor(RoundTripConstructor):
    """Round-trip construction, except that timestamps stay text: the schema parses and
    validates dates (2026-13-45 is a located error, not a ValueError from the YAML layer)."""

    def construct_yaml_timestamp(self, node, values=None):  # noqa: ANN001
        return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def parse_text(text: str, source: str = "<command line>") -> Any:
    """A small YAML text (a `--set` value) read exactly as a scenario file's value is: YAML
    1.2, timestamps kept as text, and every structure check a file gets (depth, aliases,
    recursion, expansion). A value YAML cannot parse raises ruamel's YAMLError (the caller
    may keep it as text); a value over a limit raises ScenarioError naming `source`."""
    check_structure(text, source)
    return _to_plain(_round_trip().load(text), (), {})


def _round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(path: Path) -> tuple[Any, dict[tuple, Location]]:
    """Parse a YAML file; return plain Python data and a map from field path to (line, col).

    Limits (docs/limits.md) are checked before the document is built: file kind and size,
    encoding, nesting depth, aliases and their expansion."""
    path = Path(path)
    text = read_text(path)
    check_structure(text, str(path))
    try:
        doc = _round_trip().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        msg = " ".join(s for s in (exc.context, exc.problem) if s) or "malformed YAML"
        raise ScenarioError(Problem(str(path), line, col, "", f"malformed YAML: {msg}")) from None
    except ReaderError as exc:  # a character YAML does not allow (control characters)
        raise _bad_character(text, str(path), exc.position, exc.character) from None
    except YAMLError as exc:
        raise ScenarioError(Problem(str(path), None, None, "", f"malformed YAML: {exc}")) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor's own error
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
