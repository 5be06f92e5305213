"""One replication: sample the dice against the shared geometry, run the event loop of
engagement decisions, and fill the event log and the kill-chain ledger.

A replication is a few named processes, each owning its state and linked by explicit calls
and typed events (docs/architecture.md, "The engine"): readiness and strikes (`Equipment`),
return fire (`ReturnFireProcess`), the C2 network (`Connectivity`), what the sensors saw
(`Sensing`), the kill-chain gates (`Gates`), the crews (`Crews`) and the fight (`Fight`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from iadsim.engine.anti_radiation import Emissions
from iadsim.engine.c2 import replication_network
from iadsim.engine.crews import Crews, strike_suppression
from iadsim.engine.culprits import failing_element
from iadsim.engine.electronic_attack import screening_jammers
from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.fight import Fight
from iadsim.engine.gates import Gates
from iadsim.engine.ledger import Ledger
from iadsim.engine.radar_picture import Geometry, with_jammers_down
from iadsim.engine.returnfire import ReturnFireProcess
from iadsim.engine.rng import RngStreams
from iadsim.engine.scheduler import EventQueue
from iadsim.engine.sector import SectorCommand
from iadsim.engine.sensing import Sensing
from iadsim.engine.states import Equipment
from iadsim.killchain import REASONS, Reason, Stage


@dataclass
class ReplicationResult:
    """What one replication produced."""

    seed: int
    events: EventLog
    ledger: Ledger
    states: dict[str, str]
    destroyed_at: dict[str, float]
    disabled_at: dict[str, float] = field(default_factory=dict)  # by strikes
    aircraft: list[dict] = field(default_factory=list)
    # decoys (threats: `decoy: true` types) summed up apart: a decoy shot down is a missile
    # spent, not an aircraft lost, so the raid's metrics count `aircraft` only
    decoys: list[dict] = field(default_factory=list)


class Replication:
    """Runs one replication of a world given its precomputed geometry and a seed; after `run`
    its processes (`equipment`, `network`, `sensing`, `gates`, `crews`, `fight`) can be
    inspected."""

    def __init__(self, geometry: Geometry, seed: int, arm_cutoff_s: dict[int, float] | None = None):
        self.geom = geometry
        self.world = geometry.world
        self.seed = int(seed)
        self.rs = RngStreams(self.seed)
        self.log = EventLog()
        self.weapon_units = [u for u in self.world.units if u.role("launcher")]
        self.ledger = Ledger([a.id for a in self.world.aircraft], [u.id for u in self.weapon_units])
        self.queue = EventQueue()
        # aircraft index -> its kill time in an earlier pass: it fires no ARM from then on
        self.arm_cutoff_s = dict(arm_cutoff_s or {})
        self.arm_results: list = []

    def run(self) -> ReplicationResult:
        """The story of one replication."""
        w, rs, log = self.world, self.rs, self.log
        # readiness and strikes: what works tonight, what the strikes hit
        self.equipment = Equipment(w, rs)
        self.equipment.log_to(log)
        self.crews = Crews(w, rs, log)
        for event in strike_suppression(w, self.equipment.strikes):
            self.crews.hear(event)
        for ac in w.aircraft:
            log.add(ac.route.start_s, EventKind.AIRCRAFT_START, aircraft=ac.id)
        # the C2 network and what each sensor saw, radars radiating by their units' doctrine
        self.return_fire = ReturnFireProcess(w, rs, log)
        self.emissions = Emissions.of(w)
        self.network = replication_network(w, self.equipment, rs, self.geom.link_jamming)
        self.sensing = Sensing(w, self.geom, self.equipment, self.network, rs, self.emissions)
        # anti-radiation missiles against the radars that radiate; radars they kill or
        # silence see the rest of the night without them
        if self.geom.arm is not None and self.geom.arm.paths:
            self.arm_results, heard = self.return_fire.at_emitting_radars(
                self.equipment, self.emissions, self.geom.arm, self.arm_cutoff_s
            )
            for event in heard:
                self.crews.hear(event)
            if self.arm_results:
                self.network = replication_network(w, self.equipment, rs, self.geom.link_jamming)
                self.sensing = Sensing(
                    w, self.geom, self.equipment, self.network, rs, self.emissions
                )
        # each unit's kill chain gate by gate
        self.gates = Gates(w, self.equipment, self.network, self.sensing, rs)
        chains = [self.gates.unit_chain(u, self.geom.units[u.index]) for u in self.weapon_units]
        # the fight: decisions, crews, launches, return fire, intercepts
        # sector command posts assign targets across their batteries (engine.sector)
        sector = SectorCommand(self.geom, chains, self.equipment, self.network)
        self.fight = Fight(
            self.geom, chains, self.equipment, self.gates, self.crews, self.return_fire,
            self.queue, log, self.ledger, rs, sector,
        )  # fmt: skip
        self.fight.start()
        self.queue.run(w.duration_s)
        return self._finish()

    def _name_failing_elements(self) -> None:
        """The ledger's `element`: which link, set, generator or component broke each chain
        (engine.culprits), at the time it stopped; for a target its sector post's orders
        withheld (NOT_ASSIGNED then), the sector post."""
        for ci, chain in enumerate(self.fight.chains):
            sensors = self.gates.unit_sensors(chain.unit)
            for a in range(len(self.world.aircraft)):
                reason = REASONS[int(self.ledger.reason[a, ci])]
                t = float(self.ledger.time[a, ci])
                stage = int(self.ledger.stage[a, ci])
                el = failing_element(
                    self.world, self.equipment, self.network, sensors, chain.unit, reason, t, stage
                )
                if reason is Reason.NOT_ASSIGNED and self.fight.withheld.get((a, ci)) == t:
                    el = chain.unit.higher  # its sector post's orders gave the target elsewhere
                if el is not None:
                    self.ledger.element[(a, ci)] = el

    def _finish(self) -> ReplicationResult:
        """Fold the chains' timelines into the ledger, log the tracks, sum up each aircraft."""
        w, fight = self.world, self.fight
        for ci, chain in enumerate(fight.chains):
            after = chain.geo.times_s[None, :] > fight.kill_time[:, None]
            stage = np.where(after, -1, chain.stage).astype(np.int8)
            self.ledger.observe_timeline(ci, chain.geo.times_s, stage, chain.reason)
        self._name_failing_elements()
        summary, decoys = [], []
        for a, ac in enumerate(w.aircraft):
            end = min(fight.kill_time[a], ac.route.end_s)
            detected, first_det, tracked = self.sensing.log_track_changes(self.log, a, end)
            if not np.isfinite(fight.kill_time[a]):
                self.log.add(ac.route.end_s, EventKind.AIRCRAFT_END, aircraft=ac.id)
            (decoys if ac.spec.decoy else summary).append(
                {
                    "aircraft": ac.id,
                    "type": ac.type,
                    "detected": detected,
                    "first_detected_s": first_det if np.isfinite(first_det) else None,
                    "tracked": tracked,
                    "reported": bool((self.ledger.stage[a] >= Stage.REPORTED).any()),
                    "engaged": bool((self.ledger.stage[a] >= Stage.LAUNCHED).any()),
                    "killed": bool(not fight.alive[a]),
                    "killed_at_s": float(fight.kill_time[a]) if not fight.alive[a] else None,
                }
            )
        eq = self.equipment
        return ReplicationResult(
            seed=self.seed,
            events=self.log,
            ledger=self.ledger,
            states={c.id: s for c, s in zip(w.components, eq.states, strict=True)},
            destroyed_at=dict(eq.destroyed_at),
            disabled_at=dict(eq.strike_disabled_at),
            aircraft=summary,
            decoys=decoys,
        )


MAX_CUTOFF_PASSES = 8
"""At most this many passes to settle which ARMs were fired before their carriers died and
which jammers were shot down when."""


def late_arm_shots(rep: Replication) -> dict[int, float]:
    """Carriers that fired an ARM at or after their own kill time: {aircraft: kill time}."""
    index = {ac.id: i for i, ac in enumerate(rep.world.aircraft)}
    late = {}
    for r in rep.arm_results:
        a = index[r.shot.shooter_id]
        kill = float(rep.fight.kill_time[a])
        if r.shot.launch_s >= kill and rep.arm_cutoff_s.get(a, np.inf) > kill:
            late[a] = kill
    return late


def downed_jammers(rep: Replication, screening: set[int]) -> dict[int, float]:
    """Screening jammers shot down in this pass: {aircraft: kill time}."""
    return {a: float(rep.fight.kill_time[a]) for a in sorted(screening) if not rep.fight.alive[a]}


def settled_replication(geometry: Geometry, seed: int) -> tuple[Replication, ReplicationResult]:
    """Run one replication of the world behind `geometry` with the given seed; return the
    replication (its processes can be inspected) and its result.

    Aircraft do nothing after their kill time. ARMs are fired, and the jamming picture is
    built, before the event loop decides who is shot down, so a pass in which a carrier
    fired after its kill time, or a screening jammer was shot down, is run again (same seed,
    same streams) with that carrier's ARMs stopped at its kill time and that jammer silent
    from its kill time (`radar_picture.with_jammers_down`), until the passes agree. What
    happens before a kill does not depend on what comes after it, so each pass settles the
    next kill in time and this ends."""
    screening = screening_jammers(geometry.world)
    cutoff: dict[int, float] = {}
    stopped: dict[int, float] = {}
    geom = geometry
    for _ in range(MAX_CUTOFF_PASSES):
        rep = Replication(geom, seed, cutoff)
        result = rep.run()
        late = late_arm_shots(rep)
        downed = downed_jammers(rep, screening)
        if not late and downed == stopped:
            break
        cutoff.update(late)
        if downed != stopped:
            stopped = downed
            geom = with_jammers_down(geometry, stopped)
    return rep, result


def run_replication(geometry: Geometry, seed: int) -> ReplicationResult:
    """Run one replication of the world behind `geometry` with the given seed (see
    `settled_replication`)."""
    return settled_replication(geometry, seed)[1]
