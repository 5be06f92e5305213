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

from iadsim.engine.c2 import replication_network
from iadsim.engine.crews import Crews, strike_suppression
from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.fight import Fight
from iadsim.engine.gates import Gates
from iadsim.engine.ledger import Ledger
from iadsim.engine.radar_picture import Geometry
from iadsim.engine.returnfire import ReturnFireProcess
from iadsim.engine.rng import RngStreams
from iadsim.engine.scheduler import EventQueue
from iadsim.engine.sensing import Sensing
from iadsim.engine.states import Equipment
from iadsim.killchain import Stage


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


class Replication:
    """Runs one replication of a world given its precomputed geometry and a seed; after `run`
    its processes (`equipment`, `network`, `sensing`, `gates`, `crews`, `fight`) can be
    inspected."""

    def __init__(self, geometry: Geometry, seed: int):
        self.geom = geometry
        self.world = geometry.world
        self.seed = int(seed)
        self.rs = RngStreams(self.seed)
        self.log = EventLog()
        self.weapon_units = [u for u in self.world.units if u.role("launcher")]
        self.ledger = Ledger([a.id for a in self.world.aircraft], [u.id for u in self.weapon_units])
        self.queue = EventQueue()

    def run(self) -> ReplicationResult:
        """The story of one replication."""
        w, rs, log = self.world, self.rs, self.log
        # readiness and strikes: what works tonight, what the strikes hit
        self.equipment = Equipment(w, rs)
        self.equipment.log_to(log)
        self.crews = Crews(w, rs, log)
        for event in strike_suppression(w, self.equipment.strikes):
            self.crews.hear(event)
        # anti-radiation missiles against the radars that radiate
        self.return_fire = ReturnFireProcess(w, rs, log)
        for event in self.return_fire.at_emitting_radars(self.equipment):
            self.crews.hear(event)
        for ac in w.aircraft:
            log.add(ac.route.start_s, EventKind.AIRCRAFT_START, aircraft=ac.id)
        # the C2 network, what each sensor saw, and each unit's kill chain gate by gate
        self.network = replication_network(w, self.equipment, rs)
        self.sensing = Sensing(w, self.geom, self.equipment, self.network, rs)
        self.gates = Gates(w, self.equipment, self.network, self.sensing, rs)
        chains = [self.gates.unit_chain(u, self.geom.units[u.index]) for u in self.weapon_units]
        # the fight: decisions, crews, launches, return fire, intercepts
        self.fight = Fight(
            self.geom, chains, self.equipment, self.gates, self.crews, self.return_fire,
            self.queue, log, self.ledger, rs,
        )  # fmt: skip
        self.fight.start()
        self.queue.run(w.duration_s)
        return self._finish()

    def _finish(self) -> ReplicationResult:
        """Fold the chains' timelines into the ledger, log the tracks, sum up each aircraft."""
        w, fight = self.world, self.fight
        for ci, chain in enumerate(fight.chains):
            after = chain.geo.times_s[None, :] > fight.kill_time[:, None]
            stage = np.where(after, -1, chain.stage).astype(np.int8)
            self.ledger.observe_timeline(ci, chain.geo.times_s, stage, chain.reason)
        summary = []
        for a, ac in enumerate(w.aircraft):
            end = min(fight.kill_time[a], ac.route.end_s)
            detected, first_det, tracked = self.sensing.log_track_changes(self.log, a, end)
            if not np.isfinite(fight.kill_time[a]):
                self.log.add(ac.route.end_s, EventKind.AIRCRAFT_END, aircraft=ac.id)
            summary.append(
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
        )


def run_replication(geometry: Geometry, seed: int) -> ReplicationResult:
    """Run one replication of the world behind `geometry` with the given seed."""
    return Replication(geometry, seed).run()
