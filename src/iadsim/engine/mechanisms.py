"""Every mechanism of the engine and its contract, registered in one place.

A mechanism is a modelled cause a user can change (a jammer, a generator, a crew, an
anti-radiation missile, ...). Its contract (`Mechanism`) says:

- `reads`: the catalog and scenario fields it reads, as dotted paths into the two models:
  `catalog.<section>.<field>...` (the entry's name left out: `catalog.aircraft.jammer`) and
  `scenario.<field>...` (list indices left out: `scenario.raid.jamming`). A path covers
  every field below it;
- `owns`: the state it owns in a replication (`Process.attribute`);
- `hears` / `emits`: the outcomes (`engine.events.Outcome`) it hears through
  `Replication.emit` (at `Replication.<route>.hear`) and announces (`Context.emit`);
- `reasons`: the kill-chain reasons whose home it is (each reason has exactly one home: a
  mechanism, or the frame: `GEOMETRY_REASONS`, `CHAIN_REASONS`); `also_gives`: reasons
  homed elsewhere that it also causes (an ARM hit destroys: NODE_DESTROYED, the home of
  strikes and destruction);
- `records`: the event-log records it writes; `doc`: its documentation section.

Contracts are declared beside the code, as `CONTRACTS` (a tuple of `Mechanism`) in the
mechanism's own module under `iadsim.engine`; `registry()` collects them from every module
of the package, so adding a mechanism touches its module, its catalog entry, its doc section
and its tests, and nothing here. `tests/engine/test_mechanisms.py` checks the contracts
against the code: every reason has exactly one home, every outcome named exists and is
routed by `Replication.emit`, every module that declares `emits` constructs that outcome,
and every catalog or scenario field a replication reads is declared (docs/architecture.md,
"Mechanisms").
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from iadsim.engine.events import EventKind
from iadsim.killchain import Reason

GEOMETRY_REASONS: frozenset[Reason] = frozenset(
    {
        Reason.OUT_OF_RANGE,
        Reason.OUTSIDE_ALTITUDE,
        Reason.BELOW_HORIZON,
        Reason.TERRAIN_MASKED,
        Reason.CLUTTER,
        Reason.NOT_DETECTED,
    }
)
"""Reasons of the seed-independent geometry and the detection draw (engine.radar_picture,
engine.sensing): where the target is, what the sensor can see of it, the Pd draw."""

CHAIN_REASONS: frozenset[Reason] = frozenset(
    {
        Reason.NONE,
        Reason.NO_SENSOR,
        Reason.NOT_TRACKED,
        Reason.NO_LAUNCHER,
        Reason.NO_FIRE_CONTROL_RADAR,
        Reason.NOT_ASSIGNED,
        Reason.NO_MISSILES,
        Reason.MISSED,
        Reason.TARGET_LOST,
        Reason.TARGET_ALREADY_DOWN,
    }
)
"""Reasons of the kill chain itself (engine.gates, engine.fight): the gates, channels and
assignment, magazines, the intercept and the Pk draw."""

FRAME_READS: tuple[str, ...] = (
    # where things are and when: the world and the routes (engine.world, threats.routes)
    "scenario.origin",
    "scenario.terrain",
    "scenario.start_utc",
    "scenario.duration_s",
    "scenario.environment",
    "scenario.units.id",
    "scenario.units.type",
    "scenario.units.position",
    "scenario.units.components.id",
    "scenario.units.components.type",
    "scenario.units.components.position",
    "scenario.units.fallback",  # the gates' autonomous fallback
    "scenario.raid.id",
    "scenario.raid.type",
    "scenario.raid.start_s",
    "scenario.raid.speed_mps",
    "scenario.raid.altitude_mode",
    "scenario.raid.min_clearance_m",
    "scenario.raid.route",
    "scenario.raid.formation",
    # the geometry: sensors, signatures, envelopes (engine.radar_picture)
    "catalog.components.kind",
    "catalog.components.radar",
    "catalog.components.visual",
    "catalog.aircraft.category",
    "catalog.aircraft.rcs_dbsm",
    "catalog.aircraft.swerling",
    "catalog.aircraft.length_m",
    "catalog.aircraft.acoustic_range_m",
    "catalog.aircraft.cruise_speed_mps",
    "catalog.aircraft.decoy",  # summed up apart
    "catalog.weapons.description",
    "catalog.weapons.guidance",
    "catalog.weapons.min_range_m",
    "catalog.weapons.max_range_m",
    "catalog.weapons.min_altitude_m",
    "catalog.weapons.max_altitude_m",
    "catalog.weapons.flyout",
    "catalog.weapons.pk",
    "catalog.weapons.pk_factors",
    # the kill chain and the fight: roles, channels, doctrine, magazines (engine.gates,
    # engine.fight)
    "catalog.units.roles",
    "catalog.units.decision_period_s",
    "catalog.units.max_channels",
    "catalog.units.salvo",
    "catalog.units.doctrine",
    "catalog.units.assessment_delay_s",
    "catalog.units.fallback_delay_s",
    "catalog.components.launcher",
)
"""Fields the frame reads (the world, the geometry, the kill chain and the fight), not a
mechanism: a read of one of these (or below) needs no contract."""

UNUSED_REASONS: frozenset[Reason] = frozenset({Reason.UNIT_DESTROYED})
"""Reasons of the closed enum that no engine code gives (kept so older stores read)."""


@dataclass(frozen=True)
class Mechanism:
    """A mechanism's contract (see the module docstring)."""

    name: str
    summary: str
    module: str  # the module it lives in (dotted)
    process: str | None = None  # the class that owns its state in a replication
    reads: tuple[str, ...] = ()
    owns: tuple[str, ...] = ()
    hears: tuple[type, ...] = ()
    emits: tuple[type, ...] = ()
    route: str | None = None  # Replication.<route>.hear gets what it hears
    reasons: tuple[Reason, ...] = ()
    also_gives: tuple[Reason, ...] = ()
    records: tuple[EventKind, ...] = ()
    doc: str = ""

    def declares(self, path: str) -> bool:
        """Whether a read of `path` (dotted, as in `reads`) is one this contract declares:
        the path itself, a field below a declared one, or the field above declared ones
        (reading `unit.posture` to find it unset is part of reading its fields)."""
        return any(
            path == r or path.startswith(r + ".") or r.startswith(path + ".") for r in self.reads
        )


def registry() -> tuple[Mechanism, ...]:
    """Every contract declared by a module of `iadsim.engine` (`CONTRACTS`), by name."""
    import iadsim.engine as package

    found: list[Mechanism] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.extend(getattr(module, "CONTRACTS", ()))
    return tuple(sorted(found, key=lambda m: m.name))


def declared(path: str) -> bool:
    """Whether a field read (dotted, as in `Mechanism.reads`) is declared by a contract of
    the registry or by the frame (`FRAME_READS`)."""
    frame = Mechanism("frame", "", __name__, reads=FRAME_READS)
    return any(m.declares(path) for m in (frame, *registry()))


def home_of(reason: Reason) -> str:
    """The home of a reason: a mechanism's name, "geometry", "chain" or "unused"."""
    if reason in GEOMETRY_REASONS:
        return "geometry"
    if reason in CHAIN_REASONS:
        return "chain"
    if reason in UNUSED_REASONS:
        return "unused"
    homes = [m.name for m in registry() if reason in m.reasons]
    if len(homes) != 1:
        raise LookupError(f"reason {reason} has {len(homes)} homes: {homes}")
    return homes[0]
