"""Crews in the event loop: whether a crew fires (willingness, suppression, errors) and how
long it takes, from the readiness models (docs/readiness.md sections 3 and 4).

Each weapon unit has a `CrewProfile` (world.UnitRt.crew_profile: proficiency, night and
night vision, the system's reaction scale applied) and a baseline willingness W0 (the crew's
`morale`). Decisions, in order, at a launch opportunity of unit U on aircraft A at time t:

1. Willingness. The crew has one latent uniform c per replication (stream `unit:U:will`).
   `readiness.suppression.fire_decision(W0 S(t), W0, c)`: c < 1 - W0 -> CREW_NOT_READY (a
   reluctant crew, all night); c < 1 - W0 S(t) -> CREW_SUPPRESSED, where S(t) is the
   suppression factor of the return fire, strikes and casualties heard so far near the
   unit (it recovers with tau = 600 s, so a deterred crew stays off until its own threshold
   is passed); otherwise willing. One uniform per crew keeps variants with and without
   suppression on common random numbers and attributes to suppression only what it causes.
2. Error. Stream `unit:U:crew:A` gives a uniform u and a normal z per opportunity (always
   both): u < p_err -> CREW_NOT_READY (a botched engagement: the crew needs one reaction time,
   from z, before it can try again on that aircraft).
3. Otherwise the launch follows after the lognormal reaction time from z (slower with a
   degraded launcher: `degraded.reaction_time_factor`).
"""

from __future__ import annotations

import math

import numpy as np

from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.rng import RngStreams
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import Reason
from iadsim.readiness.crew import CrewProfile
from iadsim.readiness.suppression import (
    DEFAULT_SUPPRESSION,
    SuppressiveKind,
    fire_decision,
    perceived,
    reluctant,
    severity_of,
)
from iadsim.threats.returnfire import SuppressionEvent

DEFAULT_CREW = CrewProfile(30.0, 0.4, 0.05, 0.75)
"""Used only for a unit built without a crew profile (a trained crew, day, 30 s median)."""


def radio_networks(world: World) -> dict[str, int]:
    """Unit id -> its network: units whose components are joined by designed links (any
    kind, directly or through other units) share one, and hear each other's reports of fire;
    a unit without links is a network of its own (its teams still talk to each other)."""
    parent = {u.id: u.id for u in world.units}

    def root(u: str) -> str:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    def unit_of(ref: str) -> str | None:
        i = world.component_index.get(str(ref))
        return world.components[i].unit if i is not None else None

    for lk in world.links:
        a, b = unit_of(lk.from_), unit_of(lk.to)
        if a is not None and b is not None:
            parent[root(a)] = root(b)
    roots = sorted({root(u.id) for u in world.units})
    index = {r: i for i, r in enumerate(roots)}
    return {u.id: index[root(u.id)] for u in world.units}


def strike_suppression(world: World, strikes: list[tuple]) -> list[SuppressionEvent]:
    """Scheduled strikes as suppressive events at their sites (`Equipment.strikes` records)."""
    spec = world.scenario.spec
    sites = {s.id: s.position for s in spec.sites}
    events = []
    for t, sid, site, _weapon in strikes:
        x, y = world.frame.to_enu(sites[site].lat_deg, sites[site].lon_deg, 0.0)[:2]
        where = (float(x), float(y), 0.0)
        events.append(SuppressionEvent(t, sid, site, where, (), str(SuppressiveKind.STRIKE)))
    return events


class Crews:
    """The weapon crews of one replication: whether a crew fires at a launch opportunity and
    how long it takes.

    State: each crew's latent willingness uniform (`courage`), crews blocked after an error
    until a time (`blocked`), the normal draw kept from a decision for its reaction time
    (`pending`), and the suppressive events heard so far (`heard`). Consumes typed
    `SuppressionEvent`s (return fire, strikes, casualties) through `hear`; emits SUPPRESSED
    and CREW_ERROR records.
    """

    def __init__(self, world: World, rs: RngStreams, log: EventLog):
        self.world, self.rs, self.log = world, rs, log
        self.courage: dict[str, float] = {}
        self.blocked: dict[tuple[str, int], float] = {}
        self._crews: dict[tuple[int, int | None], tuple] = {}  # (unit, launcher) -> `_crew`
        self.pending: dict[str, float] = {}
        self.heard: list[SuppressionEvent] = []
        self._arrays: tuple[int, tuple] | None = None
        self._perceived: dict[tuple[str, float], tuple[int, tuple]] = {}
        # per event heard, in hearing order: the radio networks it hit, and per unit the
        # (delay, weight) with which its crew perceives it; extended as events are heard
        self._nets: list[frozenset[int]] = []
        self._seen_by: dict[str, tuple[list[float], list[float]]] = {}
        self._network = radio_networks(world)

    def hear(self, event: SuppressionEvent | None) -> None:
        """A suppressive event: crews near it feel it from its time on."""
        if event is not None:
            self.heard.append(event)

    # ------------------------------------------------------------ decision
    def _crew(self, unit: UnitRt, launcher: int | None):
        """(CrewSpec, CrewProfile) of the crew firing `launcher`: its own (a MANPADS team
        with its own settings), else the unit's."""
        key = (unit.index, launcher)
        got = self._crews.get(key)
        if got is None:
            comp = self.world.components[launcher] if launcher is not None else None
            if comp is not None and comp.crew is not None:
                got = comp.crew, comp.crew_profile or DEFAULT_CREW
            else:
                got = unit.crew, unit.crew_profile or DEFAULT_CREW
            self._crews[key] = got
        return got

    def refusal(self, unit: UnitRt, a: int, t: float, launcher: int | None = None) -> Reason | None:
        """Why the crew (of `launcher`, else the unit's) does not fire now (CREW_NOT_READY,
        CREW_SUPPRESSED), or None."""
        crew, profile = self._crew(unit, launcher)
        ac = self.world.aircraft[a].id
        w0 = crew.morale
        courage = self._courage(unit)
        if reluctant(w0, courage) or not crew.suppressible:
            factor = 1.0  # reluctant whatever the suppression: S(t) not needed
        else:
            factor = self.suppression_factor(unit, profile, t)
        why = fire_decision(w0 * factor, w0, courage)
        if why is Reason.CREW_SUPPRESSED:
            self.log.add(t, EventKind.SUPPRESSED, ac, unit.id, value=w0 * factor)
            return why
        if why is Reason.CREW_NOT_READY:
            return why
        if self.blocked.get((unit.id, a), -np.inf) > t:
            return Reason.CREW_NOT_READY
        rng = self.rs.stream(f"unit:{unit.id}:crew:{ac}")
        u, z = float(rng.random()), float(rng.standard_normal())
        if u < profile.error_prob:
            self.blocked[(unit.id, a)] = t + profile.median_reaction_s * math.exp(
                profile.sigma_log * z
            )
            self.log.add(t, EventKind.CREW_ERROR, ac, unit.id)
            return Reason.CREW_NOT_READY
        self.pending[unit.id] = z
        return None

    def _courage(self, unit: UnitRt) -> float:
        """The crew's latent uniform for this replication (its willingness threshold)."""
        if unit.id not in self.courage:
            self.courage[unit.id] = float(self.rs.stream(f"unit:{unit.id}:will").random())
        return self.courage[unit.id]

    def reaction_delay_s(
        self, unit: UnitRt, degraded_factor: float = 1.0, launcher: int | None = None
    ) -> float:
        """Decision to launch: the crew's lognormal, its median scaled by `degraded_factor`
        (slower with a degraded launcher)."""
        _, profile = self._crew(unit, launcher)
        z = self.pending.pop(unit.id, None)
        if z is None:  # called without a decision: draw from the unit's stream
            z = float(self.rs.stream(f"unit:{unit.id}:crew").standard_normal())
        median = profile.median_reaction_s * degraded_factor
        return float(median * math.exp(profile.sigma_log * z))

    # --------------------------------------------------------- suppression
    def suppression_factor(self, unit: UnitRt, profile: CrewProfile, t: float) -> float:
        """S(t) in [0, 1]: the product over the suppressive events the crew perceived so far,
        each by its strongest channel (readiness.suppression.perceived): close fire, the
        sight and sound of fire, or a radio report to crews on the same network.

        The same numbers as `readiness.suppression.willingness` (baseline 1, the perceived
        weights), computed from the per-unit arrays `_perceived_by` keeps: only the events
        perceived by t count, each recovering with tau."""
        if not self.heard:
            return 1.0
        perceived = self._perceived_by(unit, profile.suppression_sensitivity)
        # a short loop in plain floats (a handful of events per crew; numpy's per-call cost
        # is more than the arithmetic): the same operations in the same order as the
        # vectorised form, so the same numbers
        factor, tau = 1.0, DEFAULT_SUPPRESSION.recovery_s
        for at, amp in perceived:  # none before it is heard (perceived after, or never)
            if at <= t:
                factor *= min(max(1.0 - amp * math.exp(-(t - at) / tau), 0.0), 1.0)
        return factor

    def _perceived_by(self, unit: UnitRt, sensitivity: float) -> list[tuple[float, float]]:
        """(time perceived, amplitude) of each event heard that `unit`'s crew perceives
        (readiness.suppression.perceived: its distance to the event and whether the event
        hit its radio network; weight 0, not perceived, left out); amplitude: sensitivity x
        severity x weight. They depend only on the unit, the sensitivity and the events
        heard, not on the time asked, so they are cached until a new event is heard (the
        same key as `_suppressive_events`)."""
        n = len(self.heard)
        key = (unit.id, sensitivity)
        cached = self._perceived.get(key)
        if cached is not None and cached[0] == n:
            return cached[1]
        times, _, sev, _, order = self._suppressive_events()
        delay, weight = self._perceptions(unit)
        at = times + np.asarray(delay, float)[order]
        w = np.asarray(weight, float)[order]
        seen = w > 0
        amp = (sensitivity * sev[seen]) * w[seen]
        out = list(zip(at[seen].tolist(), amp.tolist(), strict=True))
        self._perceived[key] = (n, out)
        return out

    def _perceptions(self, unit: UnitRt) -> tuple[list[float], list[float]]:
        """Per event heard, in hearing order: (delay, weight) with which `unit`'s crew
        perceives it. Worked out once per unit and event (it reads only the two), as the
        events are heard: asking again after a new event costs that event, not them all
        (units x events instead of units x events^2). Needs `_nets` up to date
        (`_suppressive_events`)."""
        delay, weight = self._seen_by.setdefault(unit.id, ([], []))
        new = self.heard[len(delay) :]
        if new:
            xy = np.asarray([e.position_m[:2] for e in new], float).reshape(-1, 2)
            d = np.hypot(xy[:, 0] - unit.enu[0], xy[:, 1] - unit.enu[1])
            mine = self._network.get(unit.id)
            for k, nets in enumerate(self._nets[len(delay) : len(self.heard)]):
                dt, w = perceived(float(d[k]), mine in nets, DEFAULT_SUPPRESSION)
                delay.append(dt)
                weight.append(w)
        return delay, weight

    def _suppressive_events(self):
        """(times, ENU xy, severities, networks, hearing index) of the events heard, in time
        order (stable: same-time events keep the order they were heard); networks: the radio
        networks of the units the event hit, worked out once per event. Cached until a new
        event is heard."""
        n = len(self.heard)
        if self._arrays is not None and self._arrays[0] == n:
            return self._arrays[1]
        self._nets.extend(self._event_networks(e) for e in self.heard[len(self._nets) :])
        order = sorted(range(n), key=lambda i: self.heard[i].time_s)
        events = [self.heard[i] for i in order]
        out = (
            np.asarray([e.time_s for e in events], float),
            np.asarray([e.position_m[:2] for e in events], float).reshape(-1, 2),
            np.asarray([severity_of(e.kind) for e in events], float),
            [self._nets[i] for i in order],
            np.asarray(order, dtype=np.int64),
        )
        self._arrays = (n, out)
        return out

    def _event_networks(self, event: SuppressionEvent) -> frozenset[int]:
        """The radio networks of the units an event hit (a component, or a struck site's
        members)."""
        w = self.world
        units = set()
        if event.target_id in w.component_index:
            units.add(w.components[w.component_index[event.target_id]].unit)
        for site in w.scenario.spec.sites:
            if site.id == event.target_id:
                units.update(str(m).split("/")[0] for m in site.members)
        return frozenset(self._network[u] for u in units if u in self._network)


CONTRACTS = (
    Mechanism(
        name="crew-readiness",
        summary="a crew's willingness, errors and reaction time at each launch opportunity",
        module=__name__,
        process="Crews",
        reads=(
            "scenario.units.crew",
            "scenario.units.components.crew",
            "scenario.environment.night",
            "scenario.environment.night_vision",
            "catalog.units.crew_reaction_s",
        ),  # fmt: skip
        owns=("Crews.courage", "Crews.blocked", "Crews.pending"),
        reasons=(Reason.CREW_NOT_READY,),
        records=(EventKind.CREW_ERROR,),
        doc="docs/readiness.md",
    ),
    Mechanism(
        name="suppression",
        summary="crews near return fire, strikes and casualties, or on the radio net that "
        "hears of them, are deterred (deterrence recovering with time)",
        module=__name__,
        process="Crews",
        reads=("scenario.units.crew.suppressible", "scenario.units.crew.morale"),
        owns=("Crews.heard",),
        reasons=(Reason.CREW_SUPPRESSED,),
        records=(EventKind.SUPPRESSED,),
        doc="docs/readiness.md",
    ),
)
