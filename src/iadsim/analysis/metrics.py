"""The outcome metrics of a replication: one registry for every analysis command.

`mc`, `compare`, `attribute`, `sweep` and `case-study` take `--metric NAME` from this
registry, with the same default everywhere (`DEFAULT_METRIC`, aircraft shot down). Each metric
is one column of the results store's `replications` table (analysis.records), read either as
a count per replication or as "at least one" (0/1).

Per weapon class (the SAMs' own question: "why did the long- and medium-range SAMs not fire?"
is not answered by aircraft shot down, which are mostly MANPADS kills): a weapon's class comes
from its catalog type, never from its unit's name (`weapon_class`):
- `gun`: a component whose catalog type carries a gun (anti-aircraft guns, machine guns);
- `manpads`: a launcher of infrared-guided missiles (MANPADS and other IR missiles);
- `sam`: a launcher of any other missile (semi-active, command, active guidance).
So a weapon type added to the catalog falls into its class without editing this module.

Counted per replication and class: launches (LAUNCH events, a salvo is one launch, as the
record's `launches`), engagements (aircraft fired at, at least once, by that class) and kills
(aircraft shot down by that class). Launches of all classes add up to `launches`, kills to
`killed` (tests/analysis/test_metrics.py).

No numpy at import: the command line reads the names for --help.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from iadsim.errors import ValueRangeError

WEAPON_CLASSES = ("sam", "manpads", "gun")
"""Every weapon class, in report order."""

CLASS_WORDS = {"sam": "SAM batteries", "manpads": "MANPADS teams", "gun": "anti-aircraft guns"}

CLASS_COLUMNS = tuple(
    f"{c}_{what}" for c in WEAPON_CLASSES for what in ("launches", "engagements", "kills")
)
"""The per-class columns of the `replications` table (analysis.records), in column order."""

FIRE_KINDS = ("launch", "gun_fire")  # a gun's burst counts as one launch
"""Event kinds that count as a weapon firing at an aircraft (engine.events.EventKind values)."""
KILL_KINDS = ("kill",)


@dataclass(frozen=True)
class Metric:
    """An outcome per replication: the `column` of the replications table, as a count or as
    whether it is at least one (`any`)."""

    name: str
    column: str
    any: bool
    meaning: str

    @property
    def vector_name(self) -> str:
        """Its name in `stats.metric_vectors` and in compare/sweep tables."""
        return f"p_any_{self.column}" if self.any else f"mean_{self.column}"

    def values(self, rows: Iterable[Mapping[str, Any]]):
        """The metric of each row of a replications table (a float array; NaN where the
        column is NULL: a store older than the column does not know it, and it is not
        guessed)."""
        import numpy as np

        x = np.array([np.nan if r[self.column] is None else r[self.column] for r in rows], float)
        return np.where(np.isnan(x), np.nan, x > 0).astype(float) if self.any else x


def _metrics() -> dict[str, Metric]:
    base = {
        "killed": "aircraft shot down",
        "damaged": "aircraft hit and not lost (flew on damaged or aborted)",
        "engaged": "aircraft engaged (fired at by any weapon)",
        "launches": "launches by every weapon (a salvo, a gun's burst is one)",
    }
    for c in WEAPON_CLASSES:
        words = CLASS_WORDS[c]
        base[f"{c}_launches"] = f"launches by the {words}"
        base[f"{c}_engagements"] = f"aircraft engaged by the {words}"
        base[f"{c}_kills"] = f"aircraft shot down by the {words}"
    out: dict[str, Metric] = {}
    for col, meaning in base.items():
        out[col] = Metric(col, col, False, meaning)
        out[f"any_{col}"] = Metric(f"any_{col}", col, True, f"at least one: {meaning}")
    return out


METRICS: dict[str, Metric] = _metrics()
"""Every metric by name: each column as a count (`killed`) and as at least one
(`any_killed`)."""

DEFAULT_METRIC = "killed"
NAMES = tuple(sorted(METRICS))


def metric(name: str) -> Metric:
    """The metric of that name, or a refusal naming the known ones (`--metric`)."""
    try:
        return METRICS[name]
    except KeyError:
        raise ValueRangeError(
            f"unknown metric {name!r}; one of: {', '.join(NAMES)}", parameter="metric"
        ) from None


def by_vector_name(name: str) -> str:
    """A registry name for a metric_vectors name (mean_killed -> killed), or `name` itself."""
    for m in METRICS.values():
        if m.vector_name == name:
            return m.name
    return name


def weapon_class(component_type: Any, weapons: Mapping[str, Any]) -> str | None:
    """The class of a catalog component type's weapon, or None if it has none."""
    if getattr(component_type, "gun", None) is not None:
        return "gun"
    launcher = getattr(component_type, "launcher", None)
    if launcher is None:
        return None
    weapon = weapons[launcher.missile]
    for attr in ("weapon_class", "kind"):  # a catalog weapon that names its class
        kind = getattr(weapon, attr, None)
        if kind in WEAPON_CLASSES:
            return kind
    return "manpads" if weapon.guidance == "infrared" else "sam"


def component_classes(scenario: Any) -> dict[str, str]:
    """Component id as the event log writes it (UNIT/COMPONENT) -> weapon class, for every
    armed component of a scenario."""
    cat = scenario.catalog
    out = {}
    for u in scenario.spec.units:
        for c in u.components:
            comp = cat.components.get(c.type)
            kind = weapon_class(comp, cat.weapons) if comp is not None else None
            if kind is not None:
                out[f"{u.id}/{c.id}"] = kind
    for g in getattr(scenario.spec, "guns", ()):  # gun sites log their own id (engine/guns.py)
        out[g.id] = "gun"
    return out


def units_of_class(scenario: Any, kind: str) -> list[str]:
    """The units (in scenario order) with at least one weapon of that class."""
    classes = component_classes(scenario)
    return [
        u.id
        for u in scenario.spec.units
        if any(classes.get(f"{u.id}/{c.id}") == kind for c in u.components)
    ]


def class_counts(events: Iterable[tuple], classes: Mapping[str, str], aircraft: set[str]) -> dict:
    """The per-class columns of one replication from its event rows
    (time_s, kind, aircraft, unit, component, ...); only the `aircraft` given count as
    engaged or killed (decoys are not aircraft lost), every launch counts."""
    launches = dict.fromkeys(WEAPON_CLASSES, 0)
    engaged: dict[str, set] = {c: set() for c in WEAPON_CLASSES}
    killed: dict[str, set] = {c: set() for c in WEAPON_CLASSES}
    for row in events:
        kind = row[1]
        if kind not in FIRE_KINDS and kind not in KILL_KINDS:
            continue
        c = classes.get(row[4])
        if c is None:
            continue
        if kind in FIRE_KINDS:
            launches[c] += 1
            if row[2] in aircraft:
                engaged[c].add(row[2])
        elif row[2] in aircraft:
            killed[c].add(row[2])
    out = {}
    for c in WEAPON_CLASSES:
        out[f"{c}_launches"] = launches[c]
        out[f"{c}_engagements"] = len(engaged[c])
        out[f"{c}_kills"] = len(killed[c])
    return out
