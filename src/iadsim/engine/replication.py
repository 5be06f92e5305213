"""One replication: sample the dice against the shared geometry, run the event loop of
engagement decisions, and fill the event log and the kill-chain ledger.

Stages up to fire control are computed as whole timelines per unit (numpy over aircraft x
decision times); only the moments where a unit could launch enter the event queue, where
crews, magazines, missiles in flight, return fire and kills are resolved one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from iadsim.engagement.assignment import WTAProblem, assign
from iadsim.engagement.intercept import predict_intercept
from iadsim.engagement.magazine import Magazine
from iadsim.engine.c2 import Connectivity
from iadsim.engine.chain import ChainMixin
from iadsim.engine.crews import CrewMixin
from iadsim.engine.events import EventKind, EventLog
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
from iadsim.killchain import Reason, Stage

_FIRE_CONTROL = int(Stage.FIRE_CONTROL)
MAX_MANOEUVRE_MISS_M = 250.0
"""Notional: a target further than this from the predicted intercept point when the
missiles arrive has out-manoeuvred them (no guidance laws are modelled)."""


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


class Replication(ChainMixin, CrewMixin, ReturnFireMixin):
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

    def _decide(self, ci: int, k: int) -> None:
        """A unit with targets at fire control decides whether and with what to shoot: the
        launchers that can fire are assigned to targets (weapon-target assignment), within
        the unit's free fire channels; the crews then react or refuse."""
        chain = self.chains[ci]
        unit, t = chain.unit, float(chain.geo.times_s[k])
        ready = np.flatnonzero((chain.stage[:, k] == _FIRE_CONTROL) & self.alive)
        order = ready[np.argsort(chain.geo.range_m[ready, k], kind="stable")]
        targets, loaded_by = [], {}
        for a in order:
            if (ci, a) in self.engaged:
                continue
            usable = [
                li
                for li, r in chain.ready.items()
                if r[a, k] and self.disabled_at.get(li, np.inf) > t
            ]
            if not usable:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NODE_DESTROYED, t)
                continue
            loaded = [li for li in usable if self.magazines[li].available(t) > 0]
            if not loaded:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NO_MISSILES, t)
                continue
            targets.append(a)
            loaded_by[a] = loaded
        plan = self._assign(ci, k, targets, loaded_by)
        for a in targets:
            li = plan.get(a)
            if li is None:  # the channels or launchers went to other targets
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NOT_ASSIGNED, t)
                continue
            refusal = self._crew_refusal(unit, a, t)
            if refusal is not None:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, refusal, t)
                continue
            delay = self._reaction_delay_s(unit, li)
            self._engage(ci, a)
            self.log.add(
                t,
                EventKind.LAUNCH_DECISION,
                self.world.aircraft[a].id,
                unit.id,
                self.world.components[li].id,
                value=delay,
            )
            self.queue.schedule(t + delay, self._launch, ci, a, li)
        self._schedule_next_decision(ci, k + 1)

    def _assign(self, ci: int, k: int, targets: list[int], loaded_by: dict[int, list[int]]):
        """Which launcher engages which target now: {aircraft: launcher}. One launcher per
        target and per decision, at most the unit's free channels; the nearest target first
        when there is no choice, else the engagement room's optimal or greedy assignment on
        the expected kill probability."""
        chain = self.chains[ci]
        free = chain.unit.spec.max_channels - self.active[ci]
        if free <= 0 or not targets:
            return {}
        launchers = sorted({li for a in targets for li in loaded_by[a]})
        if len(targets) == 1 or len(launchers) == 1:
            plan, used = {}, set()
            for a in targets[:free]:
                li = next((li for li in loaded_by[a] if li not in used), None)
                if li is not None:
                    plan[a] = li
                    used.add(li)
            return plan
        w = self.world
        pk = np.zeros((len(launchers), len(targets)))
        feasible = np.zeros(pk.shape, bool)
        for j, a in enumerate(targets):
            ac = w.aircraft[a]
            for i, li in enumerate(launchers):
                if li in loaded_by[a]:
                    model = self.geom.weapons[w.components[li].launcher.missile]
                    rng = float(chain.geo.range_m[a, k])
                    pk[i, j] = float(model.pk_model.pk(ac.spec.category, rng))
                    feasible[i, j] = True
        problem = WTAProblem.build(
            [w.components[li].id for li in launchers],
            [w.aircraft[a].id for a in targets],
            pk,
            feasible=feasible,
            channels=1,
            max_units_per_target=1,
        )
        result = assign(problem, chain.unit.wta)
        pairs = [(pk[i, j], targets[j], launchers[i]) for i, j in np.argwhere(result.matrix)]
        pairs.sort(key=lambda p: -p[0])
        return {a: li for _, a, li in pairs[:free]}

    def _outage(self, cid: str) -> Outage:
        """When a component goes out of action (strike, anti-radiation missile) and why."""
        return outage(self.world, cid, self.destroyed_at, self.strike_disabled_at)

    def _engage(self, ci: int, a: int) -> None:
        """Unit ci commits a fire channel to aircraft a."""
        self.engaged.add((ci, a))
        self.active[ci] += 1

    def _disengage(self, ci: int, a: int) -> None:
        """Unit ci frees the channel it had on aircraft a (if any)."""
        if (ci, a) in self.engaged:
            self.engaged.remove((ci, a))
            self.active[ci] -= 1

    def _velocity(self, a: int, t: float) -> np.ndarray:
        return self.world.aircraft[a].route.velocities(np.array([t]))[0]

    def _solution(self, li: int, a: int, t: float):
        """Predicted intercept of aircraft a by a missile launched now from launcher li, and
        the reason there is none (None when there is one inside the envelope)."""
        w = self.world
        comp = w.components[li]
        m = comp.missile
        if not bool(w.aircraft[a].route.airborne(np.array([t]))[0]):
            return None, Reason.TARGET_LOST
        rel = self._position(a, t) - comp.enu
        model = self.geom.weapons[comp.launcher.missile]
        icpt = predict_intercept(
            model.flyout, rel, self._velocity(a, t), 0.0, m.max_range_m, m.min_range_m
        )
        if not bool(icpt.feasible):
            return None, Reason.TARGET_LOST
        point = comp.enu + icpt.point_m
        agl = float(point[2] - w.ground_m(point[0], point[1]))
        if agl < m.min_altitude_m or point[2] > m.max_altitude_m:
            return None, Reason.OUTSIDE_ALTITUDE
        return icpt, None

    def _launch_failure_p(self, li: int) -> float:
        """Chance that a launch attempt fails: only degraded launchers fail (per type)."""
        if self.states[li] != "degraded":
            return 0.0
        return self.world.components[li].degraded.launch_failure_prob

    def _launch(self, ci: int, a: int, li: int) -> None:
        """The crew fires a salvo if the target is still there and a predicted intercept
        point lies inside the envelope; the missiles fly to it (time of flight from the
        flyout)."""
        w = self.world
        t = self.queue.now_s
        unit = self.chains[ci].unit
        ac, comp = w.aircraft[a], w.components[li]
        if not self.alive[a]:
            self._disengage(ci, a)
            self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.TARGET_ALREADY_DOWN, t)
            return
        icpt, why = (None, Reason.NODE_DESTROYED)
        if self.disabled_at.get(li, np.inf) > t:
            icpt, why = self._solution(li, a, t)
        magazine = self.magazines[li]
        if icpt is not None and magazine.available(t) == 0:
            icpt, why = None, Reason.NO_MISSILES
        # a degraded launcher sometimes fails to launch (one draw per attempt, always)
        fails = self.rs.stream(f"launch:{comp.id}").random() < self._launch_failure_p(li)
        if icpt is not None and fails:
            icpt, why = None, Reason.NOT_MISSION_CAPABLE
        if icpt is None:
            self._disengage(ci, a)
            self.ledger.observe(a, ci, Stage.FIRE_CONTROL, why, t)
            self.log.add(t, EventKind.LAUNCH_ABORTED, ac.id, unit.id, comp.id, str(why))
            return
        n = magazine.launch(t, unit.spec.salvo)
        model = self.geom.weapons[comp.launcher.missile]
        point = comp.enu + icpt.point_m
        agl = float(point[2] - w.ground_m(point[0], point[1]))
        pk = float(
            model.pk_model.pk(
                ac.spec.category, float(icpt.slant_range_m), float(icpt.aspect_rad), agl
            )
        )
        self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.MISSED, t)
        self.log.add(t, EventKind.LAUNCH, ac.id, unit.id, comp.id, comp.missile.description, n)
        tof = float(icpt.time_of_flight_s)
        self.queue.schedule(t + tof, self._intercept, ci, a, li, n, pk, point)
        self._return_fire(li, t)

    def _fire_control_holds(self, ci: int, li: int, a: int, t: float) -> bool:
        """Semi-active missiles need a fire-control radar to keep the target in track."""
        w = self.world
        chain = self.chains[ci]
        if w.components[li].missile.guidance != "semi_active":
            return True
        for fi in chain.unit.role("fire_control"):
            if fi not in self.sensors:
                continue
            idx = int(self._look(fi, np.array([t]))[0])
            if idx < 0 or self._sensor_code(fi, chain.unit, np.array([idx]))[0] != 0:
                continue
            if not self.sensors[fi].firm[a, idx]:
                continue
            if (
                fi == li
                or self.conn.status(w.components[fi].id, w.components[li].id, np.array([t])).ok[0]
            ):
                return True
        return False

    def _intercept(self, ci: int, a: int, li: int, n: int, pk: float, point: np.ndarray) -> None:
        """The salvo reaches the predicted intercept point: it needs the target near it and,
        for semi-active guidance, the fire-control radar's track; then one Pk draw per
        missile. Shoot-look-shoot: the unit may fire again after the assessment delay."""
        w = self.world
        t = self.queue.now_s
        unit = self.chains[ci].unit
        ac, comp = w.aircraft[a], w.components[li]
        release = t + (
            unit.spec.assessment_delay_s if unit.spec.doctrine == "shoot_look_shoot" else 0.0
        )
        self.queue.schedule(release, self._release, ci, a)
        draws = self.rs.stream(f"engagement:{unit.id}:{ac.id}:pk").random(n)
        if not self.alive[a]:
            self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.TARGET_ALREADY_DOWN, t)
            return
        if not self._fire_control_holds(ci, li, a, t):
            self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.NO_FIRE_CONTROL_RADAR, t)
            self.log.add(t, EventKind.MISS, ac.id, unit.id, comp.id, "NO_FIRE_CONTROL_RADAR")
            return
        miss_distance = float(np.linalg.norm(self._position(a, t) - point))
        if miss_distance > MAX_MANOEUVRE_MISS_M:
            # the target manoeuvred (turned, landed) away from the predicted intercept point
            self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.TARGET_LOST, t)
            self.log.add(t, EventKind.MISS, ac.id, unit.id, comp.id, "TARGET_LOST", miss_distance)
            return
        self.ledger.observe(a, ci, Stage.INTERCEPTED, Reason.MISSED, t)
        p_kill = 1.0 - (1.0 - pk) ** n
        self.log.add(t, EventKind.INTERCEPT, ac.id, unit.id, comp.id, value=p_kill)
        if bool((draws < pk).any()):
            self.alive[a] = False
            self.kill_time[a] = t
            self.ledger.observe(a, ci, Stage.KILLED, Reason.NONE, t)
            self.log.add(t, EventKind.KILL, ac.id, unit.id, comp.id, value=p_kill)
        else:
            self.log.add(t, EventKind.MISS, ac.id, unit.id, comp.id, "MISSED", p_kill)

    def _release(self, ci: int, a: int) -> None:
        """The unit has assessed its last salvo and may engage this aircraft again."""
        self._disengage(ci, a)

    # ---------------------------------------------------------------- finish
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
