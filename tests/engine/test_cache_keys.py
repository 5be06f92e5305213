"""Caches keyed by what they read (issue 23.3): every number and flag of a small scenario,
its links and the catalog entries it uses is changed in turn (the fields found by walking
the pydantic models, not a hand list), and a variant prepared on the reused geometry
(`prepare_variant`, which reuses it when `geometry_key` is unchanged) must hold the same
geometry (every array compared) and replicate exactly as the variant prepared afresh. A
field the geometry reads but its key missed makes the two differ (a stale geometry): with
`rcs_dbsm` left out of `run._AIRCRAFT_GEOMETRY_FIELDS` this test fails on it."""

from __future__ import annotations

import dataclasses
import hashlib
from enum import Enum
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from iadsim.engine.run import geometry_key, prepare, prepare_variant
from iadsim.errors import IadsimError

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def _leaves(value, path=()):
    """(path, value) of every number and flag inside pydantic models, lists and dicts."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _leaves(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, bool) or (
        isinstance(value, (int, float)) and not isinstance(value, Enum)
    ):
        yield path, value


def _changed(value):
    """A different, usually still valid value: a flag flipped, a number moved by 10 %."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return value * 0.9 if value else 0.05


def _set(obj, path, new):
    """A copy of `obj` with the leaf at `path` replaced (models copied, not mutated)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(obj, BaseModel):
        return obj.model_copy(update={head: _set(getattr(obj, head), rest, new)})
    if isinstance(obj, (list, tuple)):
        items = list(obj)
        items[head] = _set(items[head], rest, new)
        return type(obj)(items)
    return {**obj, head: _set(obj[head], rest, new)}


def _variants(scenario):
    """(name, variant scenario) for every leaf of the spec, the links and the catalog
    entries the scenario uses."""
    spec, cat = scenario.spec, scenario.catalog
    used = {
        "units": {u.type for u in spec.units},
        "components": {c.type for u in spec.units for c in u.components},
        "aircraft": {a.type for a in spec.raid},
    }
    used["weapons"] = {
        cat.components[c].launcher.missile for c in used["components"] if cat.components[c].launcher
    }
    for path, v in _leaves(spec):
        yield (
            "spec." + ".".join(map(str, path)),
            dataclasses.replace(scenario, spec=_set(spec, path, _changed(v))),
        )
    for path, v in _leaves(scenario.links):
        new = _set(scenario.links, path, _changed(v))
        yield "links." + ".".join(map(str, path)), dataclasses.replace(scenario, links=new)
    for section, names in used.items():
        for name in sorted(names):
            entry = getattr(cat, section)[name]
            for path, v in _leaves(entry):
                new = _set(entry, path, _changed(v))
                table = {**getattr(cat, section), name: new}
                yield (
                    f"catalog.{section}.{name}." + ".".join(map(str, path)),
                    dataclasses.replace(scenario, catalog=cat.model_copy(update={section: table})),
                )


def _fingerprint(value, h=None):
    """A digest of the seed-independent numbers of a geometry: every array and number in its
    sensors, units and ARM sightlines (the world, the weapons and the links' jamming are
    rebuilt from the variant by `prepare_variant`, so they are not compared; `memo` is a
    cache of lookups keyed by identity)."""
    h = h or hashlib.sha256()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in ("world", "weapons", "link_jamming", "memo"):
                h.update(f.name.encode())
                _fingerprint(getattr(value, f.name), h)
    elif isinstance(value, np.ndarray):
        h.update(repr((value.dtype, value.shape)).encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        for k in sorted(value, key=repr):
            h.update(repr(k).encode())
            _fingerprint(value[k], h)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _fingerprint(v, h)
    elif callable(value):
        h.update(type(value).__name__.encode())
    else:
        h.update(repr(value).encode())
    return h.hexdigest()


def _outputs(prepared, seeds=(1, 2)):
    out = []
    for seed in seeds:
        r = prepared.replicate(seed)
        led = r.ledger
        out.append(
            (
                r.events.rows(),
                led.stage.tobytes(),
                led.reason.tobytes(),
                led.time.tobytes(),
                led.first.tobytes(),
                sorted(led.element.items()),
                r.states,
                r.destroyed_at,
            )
        )
    return out


def test_a_variant_on_a_reused_geometry_replicates_as_one_prepared_afresh():
    base = prepare(TUTORIAL)
    key = geometry_key(base.scenario)
    checked, reused, stale = 0, 0, []
    for name, variant in _variants(base.scenario):
        try:
            fresh = prepare(variant)
        except (IadsimError, ValueError):
            continue  # the change made the scenario invalid: nothing to compare
        checked += 1
        if geometry_key(variant) != key:
            continue  # prepared afresh by prepare_variant as well
        reused += 1
        again = prepare_variant(base, variant)
        if _fingerprint(again.geometry) != _fingerprint(fresh.geometry):
            stale.append(name)
        elif _outputs(again) != _outputs(fresh):
            stale.append(name)
    assert checked > 100 and reused > 20, (checked, reused)  # the walk found the fields
    assert not stale, f"geometry reused although these fields change it: {stale}"
