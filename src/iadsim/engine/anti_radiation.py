"""Anti-radiation missiles and emission control in the engine (threats/arm.py,
threats/emcon.py): which radars radiate when, which ARMs are fired at them, when they land
and what they do.

`ArmSightlines` (seed-independent, once per scenario): for every ARM carrier and every
radar, on a grid of ARM_CHECK_S, the slant range from the aircraft to the radar's antenna,
whether the aircraft flies, and the one line of sight between them (`geo.line_of_sight`:
a terrain-masked radar is neither heard nor hit).

`Emissions` (per replication): each radar's emission-control doctrine (its unit's `emcon:`
block; `c2_mode: emcon` means cued), the time its unit was cued (told by the sensing,
`set_cues`), the launch warnings it got, and a blink phase; `radiating(ci, times)` says
when it radiates.

`ArmProcess` (per replication, in the event queue): at each listening step of the grid a
carrier with rounds left, not busy, flying and not shot down picks the nearest radar that
radiates, works, is in sight and inside launch range; it fires after its reaction time if it
is still flying then. The radar's crew is warned at the launch (EMCON_WARNING_DELAY_S
later), so a doctrine that falls silent on warning may shut down before the impact; the ARM
lands one flyout time of flight later and kills with p_kill if the radar radiated all the
way, else p_kill_after_shutdown. A kill is announced (ComponentLost) at the impact: the
sensing, the network and the gates take it from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from iadsim.engagement.flyout import Flyout
from iadsim.engine.events import (
    AircraftDown,
    AircraftWithdrawn,
    ComponentLost,
    EmissionsChanged,
    EventKind,
)
from iadsim.engine.mechanisms import Mechanism
from iadsim.geo.line_of_sight import obstruction
from iadsim.killchain import Reason
from iadsim.readiness.suppression import SuppressiveKind
from iadsim.threats.arm import ArmShot, ArmType, shot_outcome_p
from iadsim.threats.emcon import NO_EMCON, EmconDoctrine, radiating, radiating_throughout
from iadsim.threats.returnfire import SuppressionEvent

ARM_CHECK_S = 5.0
"""How often a carrier's radar-warning receiver is checked against the radars (notional)."""
PICK_ABOVE = 64
"""A listening step with more paths than this picks the ones it weighs (`ArmProcess._weighed`);
a smaller one weighs them all, which costs less than picking."""
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
        by aircraft and radar index): the order in which `ArmProcess` considers shots. It
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

    @cached_property
    def pair_indices(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """Per opportunity, its paths' (carrier indices, radar indices), in the paths' order:
        to pick at once the paths a listening step still has to weigh."""
        return tuple(
            (
                np.array([p.aircraft for p in paths], dtype=np.intp),
                np.array([p.radar for p in paths], dtype=np.intp),
            )
            for _, paths in self.opportunities
        )

    @cached_property
    def carriers(self) -> tuple[frozenset[int], ...]:
        """Per opportunity, the carriers of its paths."""
        return tuple(frozenset(p.aircraft for p in paths) for _, paths in self.opportunities)

    @cached_property
    def times_list(self) -> list[float]:
        """`times_s` as floats (read one at a time)."""
        return self.times_s.tolist()


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

    def set_cues(self, cues: dict[str, float]) -> None:
        """The sensing's answer: when each cued unit was first cued (unit id -> time)."""
        self.cue_time.update(cues)

    def warn(self, ci: int, t: float) -> None:
        """A launch warning reaches radar ci's crew at t."""
        self.warnings.setdefault(ci, []).append(float(t))


class ArmProcess:
    """Anti-radiation missiles of one replication, in the event queue (see the module
    docstring).

    State: rounds left and the time each carrier is busy until, the radars already
    targeted, the carriers shot down. Reads the carriers' `arm:` entries and raid
    `anti_radiation:` flags (through `ArmSightlines`), readiness (`Equipment`) and emission
    control (`Emissions`, which it warns). Hears AircraftDown (a carrier fires nothing from
    its kill on). Emits EmissionsChanged at a warning and ComponentLost at a radar's kill;
    logs RETURN_FIRE ("anti-radiation"), DESTROYED and MISS records, and passes the crews
    the suppressive event of every impact.
    """

    def __init__(self, ctx, world, sight: ArmSightlines, equipment, emissions: Emissions, crews):
        self.ctx, self.world, self.sight = ctx, world, sight
        self.equipment, self.emissions, self.crews = equipment, emissions, crews
        self.rounds = {a: arm.rounds for a, arm in sight.arms.items()}
        self.busy = {a: -np.inf for a in sight.arms}
        self.targeted: set[int] = set()
        self.down: dict[int, float] = {}  # carrier -> kill time
        # carriers shot down or out of rounds: they fire no more (`_spent`'s first part)
        self._done = {a for a, n in self.rounds.items() if n <= 0}
        self.shots: list[ArmShot] = []
        self._on_air: dict[tuple[int, float], np.ndarray] = {}
        self._version = 0  # bumped when readiness or emissions change: on-air answers expire
        self._out: dict[int, float] = {}  # radar -> out of action from (`_out_at`)
        self._out_version = -1
        self._free_carrier = np.zeros(len(world.aircraft), bool)  # `_listen`'s: may fire now

    def start(self) -> None:
        """Put the first listening step in the queue."""
        self._schedule(0)

    def _schedule(self, j: int) -> None:
        """Put the first listening step from opportunity j on in the queue where some carrier
        in sight of a radar may still fire at it (`_spent`): a step where none can does
        nothing, and none of them can again later."""
        opportunities, times = self.sight.opportunities, self.sight.times_list
        carriers, done = self.sight.carriers, self._done
        for jj in range(j, len(opportunities)):
            if done >= carriers[jj]:  # every carrier there is down or out of rounds
                continue
            k, paths = opportunities[jj]
            t = times[k]
            if not all(self._spent(p.aircraft, p.radar, t) for p in paths):
                self.ctx.queue.schedule(t, self._listen, jj)
                return

    def _spent(self, a: int, ci: int, t: float) -> bool:
        """Whether carrier a can no longer fire at radar ci from time t on: shot down, out
        of rounds, or the radar out of action before the carrier's reaction time is up
        (what `_listen` checks first; each can only become true, never false again)."""
        if a in self.down or self.rounds[a] <= 0:
            return True
        return self._out_at(ci) <= t + self.sight.arms[a].reaction_time_s

    def _out_at(self, ci: int) -> float:
        """When radar ci goes out of action (`Equipment.outage`), kept until a component is
        destroyed (`Equipment.version`)."""
        if self._out_version != self.equipment.version:
            self._out.clear()
            self._out_version = self.equipment.version
        t = self._out.get(ci)
        if t is None:
            t = self._out[ci] = self.equipment.outage(self.world.components[ci].id)[0]
        return t

    def hear(self, outcome) -> None:
        """AircraftDown: a carrier fires nothing more; a change of readiness or emissions:
        the radars' on-air timelines are worked out again when next asked."""
        if isinstance(outcome, AircraftDown | AircraftWithdrawn):
            self.down.setdefault(outcome.aircraft, outcome.time_s)
            self._done.add(outcome.aircraft)
        else:
            self._version += 1
            self._on_air.clear()

    def _works_and_radiates(self, ci: int, reaction_s: float) -> np.ndarray:
        """Per grid step t: radar ci works and radiates at t and one reaction time later,
        as known now; kept per radar and reaction time until readiness or emissions change."""
        key = (ci, reaction_s)
        if key not in self._on_air:
            t_grid = self.sight.times_s
            ok = np.ones(t_grid.size, bool)
            for when in (t_grid, t_grid + reaction_s):
                ok &= (self.equipment.working(ci, when) == 0) & self.emissions.radiating(ci, when)
            self._on_air[key] = ok
        return self._on_air[key]

    def _weighed(self, j: int, t: float) -> Sequence[int]:
        """The positions of opportunity j's paths a listening step at t weighs, in order.
        A carrier busy, down or out of rounds at the step's start stays so through it, and
        a radar fired at stays so: their paths would be passed over wherever they come in
        the order, so they are left out at once (a step of a big raid holds thousands).
        A step of at most `PICK_ABOVE` paths weighs them all: picking would cost more."""
        n_paths = len(self.sight.opportunities[j][1])
        if n_paths <= PICK_ABOVE:
            return range(n_paths)
        free = self._free_carrier
        for a in self.sight.carriers[j]:
            free[a] = self.busy[a] <= t and a not in self._done
        carrier, radar = self.sight.pair_indices[j]
        weighed = free[carrier]
        if self.targeted:
            weighed &= ~np.isin(radar, list(self.targeted))
        return np.flatnonzero(weighed).tolist()

    def _listen(self, j: int) -> None:
        """A listening step: each carrier with rounds left, not busy and still flying takes
        the nearest radar in sight and range that works and radiates (now and at its launch,
        one reaction time on) and nobody has fired at yet."""
        k, paths = self.sight.opportunities[j]
        t = self.sight.times_list[k]
        w = self.world
        ground = w.terrain.ground_m if w.terrain is not None else None
        for i in self._weighed(j, t):
            p = paths[i]
            a, ci = p.aircraft, p.radar
            arm = self.sight.arms[a]
            if self.busy[a] > t or ci in self.targeted or self._spent(a, ci, t):
                continue
            launch = t + arm.reaction_time_s
            comp = w.components[ci]
            if not self._works_and_radiates(ci, arm.reaction_time_s)[k]:
                continue
            # the missile flies from where the carrier is at launch to the fixed radar
            at = w.aircraft[a].route.positions(np.array([launch]), ground)[0]
            antenna = comp.enu + np.array([0.0, 0.0, comp.sensor_height_m])
            slant = float(np.linalg.norm(at - antenna))
            tof = arm.time_of_flight_s(slant)
            if not np.isfinite(tof):
                continue
            self.rounds[a] -= 1
            if self.rounds[a] <= 0:
                self._done.add(a)
            self.busy[a] = launch
            self.targeted.add(ci)
            self.ctx.queue.schedule(launch, self._launch, a, ci, slant, tof)
        self._schedule(j + 1)

    def _launch(self, a: int, ci: int, slant: float, tof: float) -> None:
        """The carrier fires, unless it was shot down since it heard the radar (then the radar
        is free for another carrier). A silent-on-warning crew is warned a little later."""
        if a in self.down:
            self.targeted.discard(ci)
            return
        t = self.ctx.now_s
        w, comp = self.world, self.world.components[ci]
        shot = ArmShot(w.aircraft[a].id, comp.id, t, t + tof, slant)
        self.shots.append(shot)
        self.ctx.log.add(
            t, EventKind.RETURN_FIRE, shot.shooter_id, comp.unit, comp.id, "anti-radiation",
            shot.impact_s,
        )  # fmt: skip
        if self.emissions.doctrine.get(ci, NO_EMCON).silence_s > 0:
            self.emissions.warn(ci, t + EMCON_WARNING_DELAY_S)
            self.ctx.emit(EmissionsChanged(t + EMCON_WARNING_DELAY_S, ci))
        self.ctx.queue.schedule(shot.impact_s, self._impact, a, ci, shot)

    def _impact(self, a: int, ci: int, shot: ArmShot) -> None:
        """The ARM lands: it kills with p_kill if the radar radiated all the way, else with
        p_kill_after_shutdown; a radar already out of action is not killed again."""
        w, comp = self.world, self.world.components[ci]
        arm = self.sight.arms[a]
        radiated = self.emissions.radiating_throughout(ci, shot.launch_s, shot.impact_s)
        u = float(self.ctx.rs.stream(f"arm:{w.aircraft[a].id}:{comp.id}").random())
        up = self.equipment.outage(comp.id)[0] > shot.impact_s
        killed = u < shot_outcome_p(arm, radiated) and up
        where = tuple(float(x) for x in comp.enu)
        log, t = self.ctx.log, shot.impact_s
        self.crews.hear(SuppressionEvent(t, shot.shooter_id, comp.id, where, ()))
        if not killed:
            why = "radar silent" if not radiated else "missed"
            log.add(t, EventKind.MISS, shot.shooter_id, comp.unit, comp.id,
                    f"anti-radiation missile: {why}")  # fmt: skip
            return
        self.equipment.destroy(comp.id, t)
        log.add(t, EventKind.DESTROYED, unit=comp.unit, component=comp.id,
                detail="anti-radiation missile")  # fmt: skip
        self.crews.hear(
            SuppressionEvent(t, shot.shooter_id, comp.id, where, (), str(SuppressiveKind.CASUALTY))
        )
        self.ctx.emit(ComponentLost(t, ci))


CONTRACTS = (
    Mechanism(
        name="emission-control",
        summary="a unit's radars radiate by doctrine: only when cued, blinking, silent "
        "after a launch warning",
        module=__name__,
        process="Emissions",
        reads=("scenario.units.emcon", "scenario.units.c2_mode"),
        owns=("Emissions.doctrine", "Emissions.cue_time", "Emissions.warnings"),
        reasons=(Reason.RADAR_OFF,),
        doc="docs/engagement.md",
    ),
    Mechanism(
        name="anti-radiation-missiles",
        summary="carriers fire ARMs at radars that radiate in sight and range; a hit "
        "destroys the radar, a warning silences it under its doctrine",
        module=__name__,
        process="ArmProcess",
        reads=("catalog.aircraft.arm", "scenario.raid.anti_radiation"),
        owns=(
            "ArmProcess.rounds",
            "ArmProcess.busy",
            "ArmProcess.targeted",
            "ArmProcess.down",
            "ArmProcess.shots",
        ),  # fmt: skip
        hears=(AircraftDown, AircraftWithdrawn),
        emits=(ComponentLost, EmissionsChanged),
        route="arms",
        also_gives=(Reason.NODE_DESTROYED, Reason.RADAR_OFF),
        records=(EventKind.RETURN_FIRE, EventKind.DESTROYED, EventKind.MISS),
        doc="docs/engagement.md",
    ),
)
