"""One replication: sample the dice against the shared geometry, run the event loop of
engagement decisions, and fill the event log and the kill-chain ledger.

A replication is a few named processes, each owning its state and linked by explicit calls
and typed outcomes (docs/architecture.md, "The engine"): readiness and strikes
(`Equipment`), return fire (`ReturnFireProcess`), anti-radiation missiles (`ArmProcess`),
jamming (`Jamming`), the C2 network (`Connectivity`), what the sensors saw (`Sensing`), the
kill-chain gates (`Gates`), the crews (`Crews`) and the fight (`Fight`). It runs once, in
time order: an outcome (a kill, an ARM hit, a warning) is announced at its time
(`Replication.emit`) and the processes it affects take it from then on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from iadsim.engagement.gunnery import Damage
from iadsim.engine.anti_radiation import ArmProcess, Emissions
from iadsim.engine.authority import Authority
from iadsim.engine.c2 import Connectivity, replication_network, sample_link_outages
from iadsim.engine.crews import Crews, strike_suppression
from iadsim.engine.culprits import failing_elements
from iadsim.engine.cyber import Cyber
from iadsim.engine.electronic_attack import Jamming
from iadsim.engine.events import (
    AircraftDown,
    AircraftWithdrawn,
    ComponentLost,
    EmissionsChanged,
    EventKind,
    EventLog,
    Outcome,
)
from iadsim.engine.fight import Fight
from iadsim.engine.gates import Gates
from iadsim.engine.guns import GunProcess, sightlines_of
from iadsim.engine.ledger import Ledger, stops
from iadsim.engine.radar_picture import Geometry
from iadsim.engine.returnfire import ReturnFireProcess
from iadsim.engine.rng import RngStreams
from iadsim.engine.scheduler import Context, EventQueue
from iadsim.engine.sector import SectorCommand
from iadsim.engine.sensing import Sensing
from iadsim.engine.states import Equipment
from iadsim.killchain import REASONS, Reason, Stage, reasons_of


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
    """Runs one replication of a world given its precomputed geometry and a seed, once, in
    time order; after `run` its processes (`equipment`, `network`, `sensing`, `gates`,
    `crews`, `fight`, `arms`, `jamming`) can be inspected."""

    def __init__(self, geometry: Geometry, seed: int):
        self.geom = geometry
        self.world = geometry.world
        self.seed = int(seed)
        self.rs = RngStreams(self.seed)
        self.log = EventLog()
        self.weapon_units = [u for u in self.world.units if u.role("launcher")]
        self.gun_sight = sightlines_of(geometry)  # gun sites take the ledger's last columns
        guns = [s.id for s in self.gun_sight.sites] if self.gun_sight is not None else []
        self.ledger = Ledger(
            [a.id for a in self.world.aircraft], [u.id for u in self.weapon_units] + guns
        )
        self.queue = EventQueue()
        self.ctx = Context(self.queue, self.log, self.ledger, self.rs, self.emit)
        self.network: Connectivity | None = None  # the C2 network as it stands (`_network`)

    def run(self) -> ReplicationResult:
        """The story of one replication."""
        w, rs, log, ctx = self.world, self.rs, self.log, self.ctx
        # readiness and strikes: what works tonight, what the strikes hit
        self.equipment = Equipment(w, rs)
        self.equipment.log_to(log)
        # attacks on the picture and the power: blanked displays and cut grids are causes
        self.cyber = Cyber(w, rs)
        self.cyber.log_to(log)
        self.equipment.add_causes(self.cyber.causes(self.equipment.causes))
        # release authority tonight: hold, tight or free; delegated when cut off
        self.authority = Authority(w, rs)
        self.authority.log_to(log)
        self.crews = Crews(w, rs, log)
        for event in strike_suppression(w, self.equipment.strikes):
            self.crews.hear(event)
        for ac in w.aircraft:
            log.add(ac.route.start_s, EventKind.AIRCRAFT_START, aircraft=ac.id)
        # the C2 network and what each sensor saw, radars radiating by their units' doctrine
        self.return_fire = ReturnFireProcess(w, rs, log)
        self.emissions = Emissions.of(w)
        self.jamming = Jamming(self.geom)
        self.outages = sample_link_outages(w, rs)
        self.network = self._network()
        self.sensing = Sensing(w, self.geom, self.equipment, self.network, rs, self.emissions)
        # each unit's kill chain gate by gate
        self.gates = Gates(
            w,
            self.equipment,
            self.network,
            self.sensing,
            rs,
            self.cyber,
            self.geom.memo,
            self.authority,
        )
        chains = list(self._chains().values())
        # the fight: decisions, crews, launches, return fire, intercepts; sector command
        # posts assign targets across their batteries (engine.sector)
        self.sector = SectorCommand(self.geom, chains, self.equipment, self.network)
        self.fight = Fight(
            ctx, self.geom, chains, self.equipment, self.gates, self.crews, self.return_fire,
            self.sector, self.authority,
        )  # fmt: skip
        # anti-radiation missiles against the radars that radiate, as the night goes
        self.arms = None
        if self.geom.arm is not None and self.geom.arm.paths:
            self.arms = ArmProcess(
                ctx, w, self.geom.arm, self.equipment, self.emissions, self.crews
            )
            self.arms.start()
        # guns and small arms at the aircraft their crews see; hits that kill or not
        self.guns = None
        if self.gun_sight is not None:
            self.guns = GunProcess(
                ctx, self.gun_sight, len(self.weapon_units), self.return_fire, self.fight.alive
            )
            self.guns.start([a.id for a in w.aircraft], [a.spec.vulnerability for a in w.aircraft])
        self.fight.start()
        self.queue.run(w.duration_s)
        return self._finish()

    def _network(self):
        return replication_network(
            self.world,
            self.equipment,
            self.outages,
            self.jamming.link_windows,
            previous=self.network,
        )

    def _chains(
        self,
        sensors: set[int] | None = None,
        component: int | None = None,
        from_s: float | None = None,
    ) -> dict:
        """Weapon unit position -> its chain worked out as things stand (from time `from_s`
        on, when given): every unit's, or (`sensors`) only those of the units fed by one of
        these sensors or (`component`) having that component."""
        w = self.world
        owner = w.components[component].unit if component is not None else None
        return {
            ci: self.gates.unit_chain(u, self.geom.units[u.index], from_s)
            for ci, u in enumerate(self.weapon_units)
            if sensors is None or sensors & self.gates.feeding(u) or u.id == owner
        }

    def _relays(self, component: int) -> bool:
        """Whether a component passes on other elements' traffic (a command post, a relay):
        losing it can change paths between any two others."""
        node = self.network.net.nodes.get(self.world.components[component].id)
        return node is None or node.relays

    def emit(self, outcome: Outcome) -> None:
        """An outcome at its time, routed to the processes that hear it: a kill to the ARM
        carriers and the jammers; whatever changes what the sensors see or the network
        carries to the network, the sensing, then the gates and the fight, which take it
        from its time on."""
        t = outcome.time_s
        geos: dict = {}
        changed: set[int] = set()
        network = False
        if self.arms is not None:
            self.arms.hear(outcome)
        # out of the fight: lost, or withdrawn after a hit (heard as a loss is, not one)
        if isinstance(outcome, AircraftDown) or isinstance(outcome, AircraftWithdrawn):
            self.fight.hear(outcome)
            if self.guns is not None:
                self.guns.hear(outcome)
            geos, network = self.jamming.hear(outcome)
            if not geos and not network:
                return
        elif isinstance(outcome, ComponentLost):
            changed, network = {outcome.component}, True
        elif isinstance(outcome, EmissionsChanged):
            changed = {outcome.radar}
        else:
            raise TypeError(f"no route for the outcome {outcome!r}")
        if network:
            self.network = self._network()
            self.gates.use_network(self.network)
            self.sector.conn = self.network
        redrawn = self.sensing.update(t, self.network, changed, geos)
        if not network:
            self.fight.rechain(t, self._chains(redrawn, from_s=t))
        elif isinstance(outcome, ComponentLost) and not self._relays(outcome.component):
            # an end point lost (a radar, a launcher): no path between two others changes,
            # so only its unit's chain and those its sensor fed change; every unit's next
            # decision goes back in the queue, as after any change of the network
            lost = self._chains(redrawn, outcome.component, from_s=t)
            self.fight.rechain(t, lost, requeue=range(len(self.weapon_units)))
        else:
            self.fight.rechain(t, self._chains(from_s=t))

    def _name_failing_elements(self) -> None:
        """The ledger's `element` and `elements`: which link, set, generator or component
        gave each blocking reason of each chain (engine.culprits), at the time it stopped;
        for a target its sector post's orders withheld (NOT_ASSIGNED then), the sector post."""
        ledger = self.ledger
        codes, times = ledger.reason.tolist(), ledger.time.tolist()
        stages, masks = ledger.stage.tolist(), ledger.blocks.tolist()
        for ci, chain in enumerate(self.fight.chains):
            sensors = self.gates.unit_sensors(chain.unit)
            for a in range(len(self.world.aircraft)):
                headline = REASONS[codes[a][ci]]
                t, stage = times[a][ci], stages[a][ci]
                reasons = reasons_of(masks[a][ci], headline)
                named = failing_elements(
                    self.world, self.equipment, self.network, sensors, chain.unit, reasons, t, stage
                )
                for reason in reasons:
                    el = self._element_of(chain, a, ci, reason, t, named.get(reason))
                    if el is not None:
                        named[reason] = el
                if named:
                    self.ledger.elements[(a, ci)] = named
                if headline in named:
                    self.ledger.element[(a, ci)] = named[headline]

    def _element_of(self, chain, a: int, ci: int, reason: Reason, t: float, el: str | None):
        """The failing element behind one reason of chain ci against aircraft a: the one the
        culprits found (`el`), else what the fight or an attack names, or None."""
        if reason is Reason.WEAPONS_HOLD:
            el = f"{chain.unit.id}:authority"
        if el is None and reason is Reason.PICTURE_DENIED:
            cps = chain.unit.role("command")
            el = self.cyber.element(self.world.components[cps[0]].id, t) if cps else None
        if reason is Reason.NOT_ASSIGNED and self.fight.withheld.get((a, ci)) == t:
            el = chain.unit.higher  # its sector post's orders gave the target elsewhere
        return el

    def _finish(self) -> ReplicationResult:
        """Fold the chains' timelines into the ledger, log the tracks, sum up each aircraft."""
        w, fight = self.world, self.fight
        for ci, chain in enumerate(fight.chains):
            after = chain.geo.times_s[None, :] > fight.out_time[:, None]
            stage = np.where(after, -1, chain.stage).astype(np.int8)
            if stage.shape[1] == 0:
                continue
            # why each chain stopped, worked out where it stopped only (`Gates.explain`)
            best, last = stops(stage)
            cols = np.unique(last[best >= 0])
            _, reason, blocks = self.gates.explain(chain.unit, chain.geo, cols)
            self.ledger.observe_timeline(ci, chain.geo.times_s, stage, reason, blocks, cols)
        if self.guns is not None:
            self.guns.fold_into(self.ledger, fight.out_time)
        self._name_failing_elements()
        guns = self.guns
        summary, decoys = [], []
        ends = np.array([min(fight.out_time[a], ac.route.end_s) for a, ac in enumerate(w.aircraft)])
        seen, first_seen, held, changes = self.sensing.track_changes(ends)
        for a, ac in enumerate(w.aircraft):
            for t, kind, unit, component in changes[a]:  # each sensor's track firm and lost
                self.log.add(t, kind, ac.id, unit, component)
            detected, first_det, tracked = bool(seen[a]), float(first_seen[a]), bool(held[a])
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
                    "killed": bool(np.isfinite(fight.kill_time[a])),
                    "killed_at_s": (
                        float(fight.kill_time[a]) if np.isfinite(fight.kill_time[a]) else None
                    ),
                    # hit and not lost (guns): flew on damaged, or aborted and left
                    "damaged": bool(
                        guns is not None and guns.damage[a] in (Damage.DAMAGED, Damage.ABORTED)
                    ),
                    "aborted": bool(guns is not None and guns.damage[a] == Damage.ABORTED),
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


def run_replication(geometry: Geometry, seed: int) -> ReplicationResult:
    """Run one replication of the world behind `geometry` with the given seed."""
    return Replication(geometry, seed).run()
