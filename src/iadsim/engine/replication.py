"""One replication: sample the dice against the shared geometry, run the event loop of
engagement decisions, and fill the event log and the kill-chain ledger.

Stages up to fire control are computed as whole timelines per unit (numpy over aircraft x
decision times); only the moments where a unit could launch enter the event queue, where
crews, magazines, missiles in flight, return fire and kills are resolved one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from iadsim.engagement.magazine import Magazine
from iadsim.engine.c2 import Connectivity
from iadsim.engine.chain import ChainMixin
from iadsim.engine.crews import CrewMixin
from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.fight import FightMixin
from iadsim.engine.geometry import Geometry
from iadsim.engine.ledger import Ledger
from iadsim.engine.returnfire import ReturnFireMixin
from iadsim.engine.rng import RngStreams
from iadsim.engine.scheduler import EventQueue
from iadsim.engine.sensing import sensor_state
from iadsim.engine.states import (
    Outage,
    outage,
    sample_link_outages,
    sample_states,
    sample_strikes,
    state_code,
)
from iadsim.engine.world import World
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


class Replication(ChainMixin, CrewMixin, ReturnFireMixin, FightMixin):
    """Runs one replication of a world given its precomputed geometry and a seed."""

    def __init__(self, geometry: Geometry, seed: int):
        self.geom = geometry
        self.world: World = geometry.world
        self.seed = int(seed)
        self.rs = RngStreams(self.seed)
        self.log = EventLog()
        w = self.world
        self.weapon_units = [u for u in w.units if u.role("launcher")]
        self.ledger = Ledger([a.id for a in w.aircraft], [u.id for u in self.weapon_units])
        self.alive = np.ones(len(w.aircraft), bool)
        self.kill_time = np.full(len(w.aircraft), np.inf)
        self.disabled_at: dict[int, float] = {}
        self.magazines = {
            c.index: Magazine(
                capacity=c.launcher.missiles,
                ready=c.launcher.missiles,
                reserve=c.launcher.reserve,
                reload_time_s=c.launcher.reload_s,
            )
            for c in w.components
            if c.launcher is not None
        }
        self.engaged: set[tuple[int, int]] = set()
        self.active = [0] * len(self.weapon_units)  # channels in use per weapon unit
        self.queue = EventQueue()

    # ---------------------------------------------------------------- set-up
    def run(self) -> ReplicationResult:
        w = self.world
        self.states = sample_states(w, self.rs)
        self.destroyed_at, self.strike_disabled_at, strikes = sample_strikes(w, self.rs)
        for comp, state in zip(w.components, self.states, strict=True):
            self.log.add(
                0.0, EventKind.STATE_SAMPLED, unit=comp.unit, component=comp.id, detail=state
            )
        for t, sid, site, weapon in strikes:
            self.log.add(t, EventKind.STRIKE, component=site, detail=f"{sid}: {weapon}")
        for cid, t in sorted(self.destroyed_at.items()):
            comp = w.components[w.component_index[cid]]
            self.log.add(t, EventKind.DESTROYED, unit=comp.unit, component=cid)
        for cid, t in sorted(self.strike_disabled_at.items()):
            comp = w.components[w.component_index[cid]]
            self.log.add(t, EventKind.DISABLED, unit=comp.unit, component=cid, detail="strike")
        self._setup_return_fire()
        self._anti_radiation_prepass()
        for ac in w.aircraft:
            self.log.add(ac.route.start_s, EventKind.AIRCRAFT_START, aircraft=ac.id)
        out_of_service = {
            c.id: state_code(w, c.index, s)
            for c, s in zip(w.components, self.states, strict=True)
            if state_code(w, c.index, s) != 0
        }
        self.conn = Connectivity(
            {c.id: c.kind for c in w.components},
            w.links,
            self.destroyed_at,
            out_of_service,
            sample_link_outages(w, self.rs),
            {cid: self._outage(cid) for cid in self.strike_disabled_at},
        )
        self.sensors = {
            i: sensor_state(w, g, self.states[i], self._outage(w.components[i].id), self.rs)
            for i, g in self.geom.sensors.items()
        }
        self.cue_time = self._emcon_cues()
        self.chains = [self._unit_chain(u, self.geom.units[u.index]) for u in self.weapon_units]
        for ci in range(len(self.chains)):
            self._schedule_next_decision(ci, 0)
        self.queue.run(w.duration_s)
        return self._finish()

    # ------------------------------------------------------------ the chain
    # ----------------------------------------------------------- event loop
    def _schedule_next_decision(self, ci: int, start: int) -> None:
        chain = self.chains[ci]
        c = chain.candidates
        pos = int(np.searchsorted(c, start))
        if pos < len(c):
            k = int(c[pos])
            self.queue.schedule(float(chain.geo.times_s[k]), self._decide, ci, k)

    def _position(self, a: int, t: float) -> np.ndarray:
        w = self.world
        ground = w.terrain.ground_m if w.terrain is not None else None
        return w.aircraft[a].route.positions(np.array([t]), ground)[0]

    def _outage(self, cid: str) -> Outage:
        """When a component goes out of action (strike, anti-radiation missile) and why."""
        return outage(self.world, cid, self.destroyed_at, self.strike_disabled_at)

    def _finish(self) -> ReplicationResult:
        w = self.world
        for ci, chain in enumerate(self.chains):
            after = chain.geo.times_s[None, :] > self.kill_time[:, None]
            stage = np.where(after, -1, chain.stage).astype(np.int8)
            self.ledger.observe_timeline(ci, chain.geo.times_s, stage, chain.reason)
        summary = []
        for a, ac in enumerate(w.aircraft):
            end = min(self.kill_time[a], ac.route.end_s)
            detected = tracked = False
            first_det = np.inf
            for si, st in self.sensors.items():
                before = st.geo.times_s <= end
                d = st.detected[a] & before
                if d.any():
                    detected = True
                    first_det = min(first_det, float(st.geo.times_s[np.argmax(d)]))
                f = st.firm[a] & before
                tracked |= bool(f.any())
                self._log_track_changes(si, a, f)
            if np.isfinite(self.kill_time[a]):
                pass
            else:
                self.log.add(ac.route.end_s, EventKind.AIRCRAFT_END, aircraft=ac.id)
            row = {
                "aircraft": ac.id,
                "type": ac.type,
                "detected": detected,
                "first_detected_s": first_det if np.isfinite(first_det) else None,
                "tracked": tracked,
                "reported": bool((self.ledger.stage[a] >= Stage.REPORTED).any()),
                "engaged": bool((self.ledger.stage[a] >= Stage.LAUNCHED).any()),
                "killed": bool(not self.alive[a]),
                "killed_at_s": float(self.kill_time[a]) if not self.alive[a] else None,
            }
            summary.append(row)
        return ReplicationResult(
            seed=self.seed,
            events=self.log,
            ledger=self.ledger,
            states={c.id: s for c, s in zip(w.components, self.states, strict=True)},
            destroyed_at=dict(self.destroyed_at),
            disabled_at=dict(self.strike_disabled_at),
            aircraft=summary,
        )

    def _log_track_changes(self, si: int, a: int, firm: np.ndarray) -> None:
        """Log when a sensor's track on an aircraft becomes firm and when it is dropped."""
        if not firm.any():
            return
        w = self.world
        comp = w.components[si]
        times = self.sensors[si].geo.times_s
        change = np.diff(firm.astype(np.int8), prepend=0)
        for k in np.flatnonzero(change):
            kind = EventKind.TRACK_FIRM if change[k] > 0 else EventKind.TRACK_LOST
            self.log.add(float(times[k]), kind, w.aircraft[a].id, comp.unit, comp.id)


def run_replication(geometry: Geometry, seed: int) -> ReplicationResult:
    """Run one replication of the world behind `geometry` with the given seed."""
    return Replication(geometry, seed).run()
