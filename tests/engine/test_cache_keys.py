"""Caches keyed by what they read (issue 23.3): `prepare` records the fields the
seed-independent geometry reads (`engine.reads`) and `prepare_variant` reuses the geometry
when the variant's world holds the same values there. Every number and flag of a small
scenario, its links and the catalog entries it uses is changed in turn (the fields found by
walking the pydantic models, not a hand list): a field the geometry read must make the
variant rebuild it, and a variant that reuses it must hold the same geometry (every array
compared) and replicate exactly as the variant prepared afresh (no stale geometry)."""

from __future__ import annotations

import dataclasses
import hashlib
from enum import Enum
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from iadsim.engine.reads import recording
from iadsim.engine.run import prepare, prepare_variant
from iadsim.engine.world import build_world
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
    """(name, path read, variant scenario) for every leaf of the spec, the links and the
    catalog entries the scenario uses; the path as `engine.reads` records it (from the world)."""
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
            ("world", "scenario", "spec", *path),
            dataclasses.replace(scenario, spec=_set(spec, path, _changed(v))),
        )
    for path, v in _leaves(scenario.links):
        new = _set(scenario.links, path, _changed(v))
        yield (
            "links." + ".".join(map(str, path)),
            ("world", "scenario", "links", *path),
            dataclasses.replace(scenario, links=new),
        )
    for section, names in used.items():
        for name in sorted(names):
            entry = getattr(cat, section)[name]
            for path, v in _leaves(entry):
                new = _set(entry, path, _changed(v))
                table = {**getattr(cat, section), name: new}
                yield (
                    f"catalog.{section}.{name}." + ".".join(map(str, path)),
                    ("world", "scenario", "catalog", section, name, *path),
                    dataclasses.replace(scenario, catalog=cat.model_copy(update={section: table})),
                )


def _was_read(reads, path) -> bool:
    """Whether the geometry read the field at `path` (or a whole model or value above it;
    the links are reached from the world as well)."""
    alias = ("world", "links", *path[3:]) if path[2] == "links" else path
    return any(
        kind != "shape" and (p == q[: len(p)]) for p, kind in reads.paths for q in (path, alias)
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


def test_a_variant_rebuilds_the_geometry_exactly_when_it_changes_a_field_read():
    base = prepare(TUTORIAL)
    checked, reused, rebuilt, stale, missed = 0, 0, 0, [], []
    for name, path, variant in _variants(base.scenario):
        try:
            fresh = prepare(variant)
        except (IadsimError, ValueError):
            continue  # the change made the scenario invalid: nothing to compare
        checked += 1
        again = prepare_variant(base, variant)
        if again.geometry.sensors is not base.geometry.sensors:
            rebuilt += 1
            continue
        reused += 1
        if _was_read(base.reads, path):
            missed.append(name)  # read by the geometry, yet the variant reused it
        elif _fingerprint(again.geometry) != _fingerprint(fresh.geometry):
            stale.append(name)
        elif _outputs(again) != _outputs(fresh):
            stale.append(name)
    assert checked > 100 and reused > 20 and rebuilt > 10, (checked, reused, rebuilt)
    assert not missed, f"fields the geometry read, yet reused: {missed}"
    assert not stale, f"geometry reused although these fields change it: {stale}"


def test_reads_are_recorded_from_the_world_down_to_the_catalog():
    base = prepare(TUTORIAL)
    world = base.geometry.world
    radar = next(c for c in world.components if c.radar is not None)
    with recording(world) as rec:
        radar.radar.peak_power_w  # noqa: B018 - a read, recorded
        world.units[0].spec.decision_period_s  # noqa: B018
    read = {p for p, _ in rec.reads}
    unit_type = world.units[0].type
    catalog = ("world", "scenario", "catalog")
    assert (*catalog, "components", radar.type, "radar", "peak_power_w") in read
    assert (*catalog, "units", unit_type, "decision_period_s") in read
    # the classes are left as they were
    assert "__getattribute__" not in type(radar).__dict__
    variant = dataclasses.replace(
        base.scenario,
        catalog=base.scenario.catalog.model_copy(
            update={
                "components": {
                    **base.scenario.catalog.components,
                    radar.type: base.scenario.catalog.components[radar.type].model_copy(
                        update={
                            "radar": radar.radar.model_copy(
                                update={"peak_power_w": 2 * radar.radar.peak_power_w}
                            )
                        }
                    ),
                }
            }
        ),
    )
    assert base.reads.same_in(world)
    assert not base.reads.same_in(build_world(variant, terrain=world.terrain))
