"""What a precompute read, recorded while it runs, and a key derived from it.

The seed-independent geometry is a function of the fields it reads: of the scenario and
catalog models (pydantic) and of the world built from them (`World`, `ComponentRt`,
`UnitRt`, `AircraftRt`). While it is computed (`recording`), attribute reads on those objects
are recorded as paths from the world (`("world", "components", 3, "enu")`,
`("world", "scenario", "catalog", "aircraft", "strike-fighter", "rcs_dbsm", "nose")`); the
key (`Reads.key`) is a content hash of the values at those paths. A what-if variant whose
world gives the same values at every path read would compute the same geometry, so it may
reuse it (`engine.run.prepare_variant`): no hand-kept list of fields decides.

What is recorded, per object reached from the world (each registered with its path before
the run):
- a field holding another registered object: nothing (that object's own reads are);
- a field holding a list, tuple or dict of registered objects: its shape (length, keys);
- any other field: its value (a leaf: a number, an array, a model copied during the build,
  a route, the terrain model);
- any other attribute of a pydantic model (a method such as `model_dump`, a property):
  the whole model, conservatively.

Recording swaps `__getattribute__` on the classes of the objects reached for the duration of
the `with` block (the geometry is computed in one thread; other threads using those
classes meanwhile are slower, not wrong). Reads that bypass attribute access (comparing two
models with `==`, `vars()`) are not seen: the geometry code does not use them on inputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

Path = tuple  # ("world", field or key or index, ...)
_SHAPE, _LEAF, _WHOLE = "shape", "leaf", "whole"
_recording: _Recorder | None = None  # the recorder of the `recording` block in progress


def _fields(obj) -> tuple[str, ...] | None:
    """The field names of a pydantic model or dataclass instance (None for anything else)."""
    if isinstance(obj, BaseModel):
        return tuple(type(obj).model_fields)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return tuple(f.name for f in dataclasses.fields(obj))
    return None


class _Recorder:
    """The objects reachable from the root, by id, with their paths; the reads seen."""

    def __init__(self, root, name: str = "world"):
        self.paths: dict[int, list[Path]] = {}
        self.keep: list = []  # the objects registered (their ids stay theirs meanwhile)
        self.field_names: dict[type, frozenset[str]] = {}
        self.reads: dict[tuple[Path, str], None] = {}
        self._register(root, (name,))

    def _register(self, obj, path: Path) -> None:
        names = _fields(obj)
        if names is not None:
            known = self.paths.setdefault(id(obj), [])
            first = not known
            known.append(path)
            if first:
                self.keep.append(obj)
                self.field_names.setdefault(type(obj), frozenset(names))
                for name in names:
                    self._register(getattr(obj, name), (*path, name))
        elif isinstance(obj, (list, tuple)):
            for i, item in enumerate(obj):
                self._register(item, (*path, i))
        elif isinstance(obj, dict):
            for k, item in obj.items():
                if isinstance(k, (str, int)):
                    self._register(item, (*path, k))

    def _registered(self, value) -> bool:
        return id(value) in self.paths and _fields(value) is not None

    def _holds_registered(self, value) -> bool:
        items = value.values() if isinstance(value, dict) else value
        return any(self._registered(v) for v in items)

    def saw(self, obj, name: str, value) -> None:
        paths = self.paths.get(id(obj))
        if not paths:
            return  # not reached from the root (a copy made during the build)
        if name in self.field_names[type(obj)]:
            if self._registered(value):
                return
            if isinstance(value, (list, tuple, dict)) and self._holds_registered(value):
                kind = _SHAPE
            else:
                kind = _LEAF
            for p in paths:
                self.reads[((*p, name), kind)] = None
        elif isinstance(obj, BaseModel):
            for p in paths:
                self.reads[(p, _WHOLE)] = None


def _recording_getattribute(original):
    def __getattribute__(self, name):
        value = original(self, name)
        if _recording is not None and name[:2] != "__":
            _recording.saw(self, name, value)
        return value

    __getattribute__.__recording__ = True
    return __getattribute__


@contextmanager
def recording(root, name: str = "world") -> Iterator[_Recorder]:
    """Record the reads of everything reachable from `root` (a World, or a Scenario with
    `name="scenario"`) in the block."""
    global _recording
    if _recording is not None:
        raise RuntimeError("reads are already being recorded")  # pragma: no cover
    rec = _Recorder(root, name)
    patched = []
    for cls in rec.field_names:
        own = cls.__dict__.get("__getattribute__")
        if getattr(own, "__recording__", False):
            continue
        original = cls.__getattribute__
        type.__setattr__(cls, "__getattribute__", _recording_getattribute(original))
        patched.append((cls, own))
    _recording = rec
    try:
        yield rec
    finally:
        _recording = None
        for cls, own in patched:
            if own is None:
                type.__delattr__(cls, "__getattribute__")
            else:
                type.__setattr__(cls, "__getattribute__", own)


def _at(root, path: Path):
    """The value at `path` (its first element names the root); KeyError if it has none."""
    obj = root
    for step in path[1:]:
        try:
            if isinstance(obj, (list, tuple)):
                obj = obj[step]
            elif isinstance(obj, dict):
                obj = obj[step]
            else:
                obj = getattr(obj, step)
        except (IndexError, KeyError, AttributeError, TypeError):
            raise KeyError(path) from None
    return obj


def _digest_value(h, value, kind: str) -> None:
    if kind == _SHAPE:
        shape = sorted(map(repr, value)) if isinstance(value, dict) else len(value)
        h.update(repr(shape).encode())
    elif isinstance(value, BaseModel):
        h.update(type(value).__name__.encode())
        h.update(value.model_dump_json().encode())
    elif isinstance(value, np.ndarray):
        h.update(repr((value.dtype.str, value.shape)).encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (str, int, float, bool, type(None))):
        h.update(repr(value).encode())
    else:
        h.update(pickle.dumps(value, protocol=4))


@dataclass(frozen=True)
class Reads:
    """The paths a precompute read (each with what was read there: a leaf, a shape, a whole
    model) and the content hash of their values in the world it ran on."""

    paths: tuple[tuple[Path, str], ...]
    digest: str

    @classmethod
    def of(cls, recorder: _Recorder, root) -> Reads:
        paths = tuple(sorted(recorder.reads, key=repr))
        return cls(paths, key(paths, root))

    def same_in(self, root) -> bool:
        """Whether `root` (a variant's world) holds the same values at every path read."""
        return key(self.paths, root) == self.digest

    def scenario_fields(self) -> set[str]:
        """The scenario and catalog fields read (not counting how many entries a list or
        section has), as dotted paths without entry names and list indices
        (`catalog.aircraft.rcs_dbsm.nose`, `scenario.raid.route.alt_m`), the form the
        mechanisms' contracts use (engine.mechanisms)."""
        out = set()
        for path, kind in self.paths:
            if path[0] == "scenario":  # recorded from the scenario itself
                path = ("world", *path)
            if kind == _SHAPE or len(path) < 4 or path[1] != "scenario":
                continue
            if path[2] not in ("spec", "catalog"):
                continue
            if path[2] == "spec":
                steps = ["scenario", *(s for s in path[3:] if isinstance(s, str))]
            else:  # catalog.<section>.<entry name>.<fields>: the entry name left out
                steps = ["catalog", path[3], *(s for s in path[5:] if isinstance(s, str))]
            out.add(".".join(steps))
        return out


def key(paths: tuple[tuple[Path, str], ...], root) -> str:
    """Content hash of the values at `paths` in `root` (a missing one counts as such)."""
    h = hashlib.sha256()
    for path, kind in paths:
        h.update(repr((path, kind)).encode())
        try:
            _digest_value(h, _at(root, path), kind)
        except KeyError:
            h.update(b"<missing>")
    return h.hexdigest()
