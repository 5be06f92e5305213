"""Anti-radiation missiles and emission control in the engine (threats/arm.py,
threats/emcon.py): which radars radiate when, which ARMs are fired at them, when they land
and what they do.

`ArmSightlines` (seed-independent, once per scenario): for every ARM carrier and every
radar, on a grid of ARM_CHECK_S, the slant range from the aircraft to the radar's antenna,
whether the aircraft flies, and the one line of sight between them (`geo.line_of_sight`:
a terrain-masked radar is neither heard nor hit).

`Emissions` (per replication): each radar's emission-control doctrine (its unit's `emcon:`
block; `c2_mode: emcon` means cued), the time its unit was cued, the launch warnings it got,
and a blink phase; `radiating(ci, times)` says when it radiates.

`fire_arms` (per replication) walks the grid in time order: a carrier with rounds left, not
busy, flying and not yet shot down (`cutoff_s`) fires at the nearest radar that radiates,
works, is in sight and inside launch range, after its reaction time; the radar's crew is
warned at the launch (EMCON_WARNING_DELAY_S later), so a doctrine that falls silent on
warning may shut down before the impact; the ARM lands one flyout time of flight later and
kills with p_kill if the radar radiated all the way, else p_kill_after_shutdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from iadsim.engagement.flyout import Flyout
from iadsim.geo.line_of_sight import obstruction
from iadsim.threats.arm import ArmShot, ArmType, shot_outcome_p
from iadsim.threats.emcon import NO_EMCON, EmconDoctrine, radiating, radiating_throughout

ARM_CHECK_S = 5.0
"""How often a carrier's radar-warning receiver is checked against the radars (notional)."""
EMCON_WARNING_DELAY_S = 5.0
"""From an ARM launch to the radar's crew shutting down under a silent-on-warning doctrine
(notional: missile-launch warning over the net or from an observer, and the switch)."""


def arm_type(spec) -> ArmType | None:
    """The threats room's ArmType for an aircraft type's catalog `arm:` entry."""
    a = spec.arm
    if a is None:
        return None
    f = a.flyout
    flyout = Flyout(
        boost_time_s=f.boost_time_s,
        boost_accel_mps2=f.boost_accel_mps2,
        drag_k_per_m=f.drag_k_per_m,
        launch_speed_mps=f.launch_speed_mps,
        min_speed_mps=f.min_speed_mps,
        max_time_s=f.max_time_s,
    )
    return ArmType(
        flyout, a.launch_range_m, a.p_kill, a.p_kill_after_shutdown, a.rounds, a.reaction_time_s
    )


@dataclass(frozen=True)
class ArmPath:
    """One carrier against one radar on the ARM grid."""

    aircraft: int
    radar: int
    slant_m: np.ndarray  # (K,)
    in_sight: np.ndarray  # (K,) bool
    up: np.ndarray  # (K,) bool: the carrier flies


@dataclass(frozen=True)
class ArmSightlines:
    """Seed-independent ARM geometry of a world."""

    times_s: np.ndarray
    arms: dict[int, ArmType]  # aircraft index -> its ARM
    paths: tuple[ArmPath, ...]

    @cached_property
    def opportunities(self) -> tuple[tuple[int, tuple[ArmPath, ...]], ...]:
        """The grid steps at which some carrier flies with a radar in sight and inside its
        launch range, in time order, each with those carrier-radar paths nearest first (then
        by aircraft and radar index): the order in which `fire_arms` considers shots. It
        depends only on this seed-independent geometry, so it is worked out once and shared
        by every replication."""
        by_time: dict[int, list[ArmPath]] = {}
        for p in self.paths:
            ok = p.in_sight & p.up & (p.slant_m <= self.arms[p.aircraft].launch_range_m)
            for k in np.flatnonzero(ok):
                by_time.setdefault(int(k), []).append(p)
        return tuple(
            (k, tuple(sorted(by_time[k], key=lambda p: (p.slant_m[k], p.aircraft, p.radar))))
            for k in sorted(by_time)
        )


def arm_sightlines(world) -> ArmSightlines:
    """Slant range, flight and line of sight from every ARM carrier to every radar."""
    times = np.arange(0.0, world.duration_s + 1e-9, ARM_CHECK_S)
    raid = world.scenario.spec.raid  # `anti_radiation: false` holds a carrier's ARMs
    arms = {
        a: t
        for a, ac in enumerate(world.aircraft)
        if raid[a].anti_radiation and (t := arm_type(ac.spec)) is not None
    }
    ground = world.terrain.ground_m if world.terrain is not None else None
    paths = []
    for a in arms:
        route = world.aircraft[a].route
        pos = route.positions(times, ground)
        up = route.airborne(times)
        for comp in world.components:
            if not comp.is_radar:
                continue
            antenna = comp.enu + np.array([0.0, 0.0, comp.sensor_height_m])
            slant = np.linalg.norm(pos - antenna, axis=-1)
            sight = np.zeros(times.size, bool)
            near = up & (slant <= arms[a].launch_range_m)
            if near.any():
                sight[near] = obstruction(antenna, pos[near], world.terrain) == 0
            paths.append(ArmPath(a, comp.index, slant, sight, up))
    return ArmSightlines(times, arms, tuple(paths))


def unit_doctrine(world, unit) -> EmconDoctrine:
    """A unit's emission-control doctrine from its scenario `emcon:` block (c2_mode emcon:
    cued)."""
    spec = world.scenario.spec.units[unit.index].emcon
    cued = unit.c2_mode == "emcon"
    if spec is None:
        return EmconDoctrine(cued=True) if cued else NO_EMCON
    return EmconDoctrine(
        cued=cued or spec.cued,
        blink_on_s=spec.blink_on_s,
        blink_off_s=spec.blink_off_s,
        silence_s=spec.silence_s,
    )


@dataclass
class Emissions:
    """When each radar of one replication radiates (given that it works)."""

    world: object
    doctrine: dict[int, EmconDoctrine]  # radar component index -> its unit's doctrine
    phase_s: dict[int, float]
    cue_time: dict[str, float] = field(default_factory=dict)  # unit id -> first cue
    warnings: dict[int, list[float]] = field(default_factory=dict)  # radar -> warning times

    @classmethod
    def of(cls, world) -> Emissions:
        from iadsim.engine.radar_picture import look_phase

        doctrine, phase = {}, {}
        for comp in world.components:
            if comp.is_radar:
                unit = world.units[world.unit_index[comp.unit]]
                doctrine[comp.index] = unit_doctrine(world, unit)
                d = doctrine[comp.index]
                cycle = d.blink_on_s + d.blink_off_s
                phase[comp.index] = look_phase(comp.id + ":blink", cycle) if cycle > 0 else 0.0
        return cls(world, doctrine, phase)

    @property
    def any_cued(self) -> bool:
        return any(d.cued for d in self.doctrine.values())

    def _args(self, ci: int):
        comp = self.world.components[ci]
        return (
            self.doctrine.get(ci, NO_EMCON),
            self.cue_time.get(comp.unit, np.inf),
            self.warnings.get(ci, ()),
            self.phase_s.get(ci, 0.0),
        )

    def radiating(self, ci: int, times_s) -> np.ndarray:
        """Whether radar ci radiates at each time (its doctrine only; not whether it works)."""
        return radiating(times_s, *self._args(ci))

    def radiating_throughout(self, ci: int, start_s: float, end_s: float) -> bool:
        return radiating_throughout(start_s, end_s, *self._args(ci))

    def warn(self, ci: int, t: float) -> None:
        """A launch warning reaches radar ci's crew at t."""
        self.warnings.setdefault(ci, []).append(float(t))


@dataclass(frozen=True)
class ArmResult:
    """One ARM shot and its outcome."""

    shot: ArmShot
    killed: bool
    radiated_to_impact: bool


def fire_arms(
    sight: ArmSightlines,
    world,
    equipment,
    emissions: Emissions,
    rs,
    cutoff_s: dict[int, float] | None = None,
) -> list[ArmResult]:
    """Every ARM fired in one replication and what it did (see the module docstring).
    Destroyed radars are recorded in `equipment`; warnings in `emissions`."""
    cutoff_s = cutoff_s or {}
    t_grid = sight.times_s
    rounds = {a: arm.rounds for a, arm in sight.arms.items()}
    busy = {a: -np.inf for a in sight.arms}
    targeted: set[int] = set()
    on_air: dict[tuple[int, float], np.ndarray] = {}

    def works_and_radiates(ci: int, reaction_s: float) -> np.ndarray:
        """Per grid step t: radar ci works and radiates both at t and at the launch, one
        reaction time later. Worked out once per radar and reaction time over the whole grid
        (the same elementwise answers as asking at each step): a radar's working state and
        emissions change within this pass only once it is targeted, after which it is never
        asked again."""
        key = (ci, reaction_s)
        if key not in on_air:
            ok = np.ones(t_grid.size, bool)
            for when in (t_grid, t_grid + reaction_s):
                ok &= (equipment.working(ci, when) == 0) & emissions.radiating(ci, when)
            on_air[key] = ok
        return on_air[key]

    results = []
    for k, paths in sight.opportunities:
        t = float(t_grid[k])
        for p in paths:
            a, ci = p.aircraft, p.radar
            arm = sight.arms[a]
            if rounds[a] <= 0 or busy[a] > t or ci in targeted:
                continue
            launch = t + arm.reaction_time_s
            if launch >= cutoff_s.get(a, np.inf):
                continue  # shot down before it could fire
            comp = world.components[ci]
            if equipment.outage(comp.id)[0] <= launch:
                continue
            if not works_and_radiates(ci, arm.reaction_time_s)[k]:
                continue
            # the missile flies from where the carrier is at launch to the fixed radar
            ground = world.terrain.ground_m if world.terrain is not None else None
            at = world.aircraft[a].route.positions(np.array([launch]), ground)[0]
            antenna = comp.enu + np.array([0.0, 0.0, comp.sensor_height_m])
            slant = float(np.linalg.norm(at - antenna))
            tof = arm.time_of_flight_s(slant)
            if not np.isfinite(tof):
                continue
            impact = launch + tof
            rounds[a] -= 1
            busy[a] = launch
            targeted.add(ci)
            if emissions.doctrine.get(ci, NO_EMCON).silence_s > 0:
                emissions.warn(ci, launch + EMCON_WARNING_DELAY_S)
            radiated = emissions.radiating_throughout(ci, launch, impact)
            u = float(rs.stream(f"arm:{world.aircraft[a].id}:{comp.id}").random())
            killed = u < shot_outcome_p(arm, radiated) and equipment.outage(comp.id)[0] > impact
            shot = ArmShot(world.aircraft[a].id, comp.id, launch, impact, slant)
            results.append(ArmResult(shot, killed, radiated))
            if killed:
                equipment.destroy(comp.id, impact)
    return results
