"""One replication: sample the dice against the shared geometry, run the event loop of
engagement decisions, and fill the event log and the kill-chain ledger.

Stages up to fire control are computed as whole timelines per unit (numpy over aircraft x
decision times); only the moments where a unit could launch enter the event queue, where
crews, magazines, missiles in flight, return fire and kills are resolved one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from iadsim.engine.c2 import Connectivity
from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.geometry import (
    CODE_CLUTTER,
    CODE_HORIZON,
    CODE_RANGE,
    CODE_TERRAIN,
    Geometry,
    SensorGeometry,
    UnitGeometry,
)
from iadsim.engine.ledger import Ledger
from iadsim.engine.rng import RngStreams
from iadsim.engine.scheduler import EventQueue
from iadsim.engine.states import sample_states, sample_strikes, state_code, working_code
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import REASON_CODE, REASONS, Reason, Stage

TRACK_M, TRACK_N = 2, 3
"""M-of-N confirmation: a firm track needs M detections in the last N looks."""
DETECTION_MEMORY = 3
"""A target counts as detected if any of the last N looks saw it."""
P_LOCK = 0.6
"""Notional chance per look that an IR seeker locks on a visible helicopter-class target."""
P_CREW_ERROR = 0.1
"""Notional chance per launch decision that the crew fumbles (night doubles it)."""
REACTION_SIGMA = 0.35
"""Log-normal spread of crew reaction times around the unit type's median."""
SUPPRESSION_RADIUS_M = 3000.0
"""Notional: crews within this distance of a return-fire burst may be deterred."""
P_SUPPRESSED = 0.7
"""Notional chance that a crew near a return-fire burst stops fighting for a while."""
SUPPRESSION_S = 900.0
"""Notional time a deterred crew stays off its weapon."""
RETURN_FIRE_DELAY_S = 5.0
"""Notional time from seeing a launch to the burst arriving."""

C_NOT_DETECTED = REASON_CODE[Reason.NOT_DETECTED]
C_NOT_TRACKED = REASON_CODE[Reason.NOT_TRACKED]
C_NO_FC = REASON_CODE[Reason.NO_FIRE_CONTROL_RADAR]
C_NO_LOCK = REASON_CODE[Reason.NO_LOCK]
C_NO_LAUNCHER = REASON_CODE[Reason.NO_LAUNCHER]
C_RADAR_OFF = REASON_CODE[Reason.RADAR_OFF]


@dataclass
class SensorState:
    """One sensor's draws in this replication, on its own look times."""

    geo: SensorGeometry
    working: np.ndarray  # (K,) int8 code, 0 = working
    detected: np.ndarray  # (A, K) bool: detection at this look
    recent: np.ndarray  # (A, K) bool: any detection in the last DETECTION_MEMORY looks
    firm: np.ndarray  # (A, K) bool: M-of-N confirmed track


@dataclass
class UnitChain:
    """A weapon unit's precomputed chain and what the event loop needs to launch."""

    unit: UnitRt
    geo: UnitGeometry
    stage: np.ndarray  # (A, K) int8, -1 where not airborne
    reason: np.ndarray  # (A, K) int8
    ready: dict[int, np.ndarray]  # launcher component -> (A, K) bool: can fire on a now
    candidates: np.ndarray  # decision indices where some aircraft reached fire control


@dataclass
class ReplicationResult:
    """What one replication produced."""

    seed: int
    events: EventLog
    ledger: Ledger
    states: dict[str, str]
    destroyed_at: dict[str, float]
    aircraft: list[dict] = field(default_factory=list)


def _window_any(x: np.ndarray, n: int) -> np.ndarray:
    """Count of True in the last n samples along axis 1 (inclusive)."""
    c = np.concatenate(
        [np.zeros((x.shape[0], 1), np.int32), np.cumsum(x, axis=1, dtype=np.int32)], 1
    )
    k = np.arange(x.shape[1])
    return c[:, k + 1] - c[:, np.maximum(k + 1 - n, 0)]


class Replication:
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
        self.suppressed_until: dict[str, float] = {}
        self.missiles = {
            c.index: c.launcher.missiles for c in w.components if c.launcher is not None
        }
        self.engaged: set[tuple[int, int]] = set()
        self.queue = EventQueue()

    # ---------------------------------------------------------------- set-up
    def run(self) -> ReplicationResult:
        w = self.world
        self.states = sample_states(w, self.rs)
        self.destroyed_at, strikes = sample_strikes(w, self.rs)
        for comp, state in zip(w.components, self.states, strict=True):
            self.log.add(
                0.0, EventKind.STATE_SAMPLED, unit=comp.unit, component=comp.id, detail=state
            )
        for t, sid, site, weapon in strikes:
            self.log.add(t, EventKind.STRIKE, component=site, detail=f"{sid}: {weapon}")
        for cid, t in sorted(self.destroyed_at.items()):
            comp = w.components[w.component_index[cid]]
            self.log.add(t, EventKind.DESTROYED, unit=comp.unit, component=cid)
        for ac in w.aircraft:
            self.log.add(ac.route.start_s, EventKind.AIRCRAFT_START, aircraft=ac.id)
        out_of_service = {
            c.id: state_code(w, c.index, s)
            for c, s in zip(w.components, self.states, strict=True)
            if state_code(w, c.index, s) != 0
        }
        self.conn = Connectivity(
            [c.id for c in w.components], w.links, self.destroyed_at, out_of_service
        )
        self.sensors = {i: self._sensor_state(g) for i, g in self.geom.sensors.items()}
        self.cue_time = self._emcon_cues()
        self.chains = [self._unit_chain(u, self.geom.units[u.index]) for u in self.weapon_units]
        for ci in range(len(self.chains)):
            self._schedule_next_decision(ci, 0)
        self.queue.run(w.duration_s)
        return self._finish()

    def _sensor_state(self, geo: SensorGeometry) -> SensorState:
        w = self.world
        comp = w.components[geo.component]
        state = self.states[comp.index]
        working = working_code(
            w, comp.index, state, self.destroyed_at.get(comp.id, np.inf), geo.times_s
        )
        pd = geo.pd_degraded if state == "degraded" else geo.pd_nominal
        draws = np.stack(
            [
                self.rs.stream(f"sensor:{comp.id}:detect:{ac.id}").random(len(geo.times_s))
                for ac in w.aircraft
            ]
        )
        detected = (draws < pd) & (working == 0)[None, :]
        recent = _window_any(detected, DETECTION_MEMORY) > 0
        m, n = (TRACK_M, TRACK_N) if comp.is_radar else (1, DETECTION_MEMORY)
        firm = _window_any(detected, n) >= m
        return SensorState(geo, working, detected, recent, firm)

    def _emcon_cues(self) -> dict[str, float]:
        """For units in emission control: the first time an outside sensor's firm track reaches
        the command post, after which the unit's own radars radiate."""
        w = self.world
        cues = {}
        for unit in w.units:
            if unit.c2_mode != "emcon" or not unit.role("command"):
                continue
            cp = w.components[unit.role("command")[0]].id
            first = np.inf
            for si, st in self.sensors.items():
                comp = w.components[si]
                if comp.unit == unit.id or not self.conn.designed(comp.id, cp):
                    continue
                ok = self.conn.status(comp.id, cp, st.geo.times_s).ok
                hit = st.firm.any(axis=0) & ok
                if hit.any():
                    first = min(first, float(st.geo.times_s[np.argmax(hit)]))
            cues[unit.id] = first
        return cues

    # ------------------------------------------------------------ the chain
    def _unit_sensors(self, unit: UnitRt) -> list[int]:
        """The sensors whose picture this unit fights from: its own search sensors, and (when
        centralized) every outside sensor its command post is connected to by design."""
        w = self.world
        own = [i for i in unit.role("search") if i in self.sensors]
        if unit.c2_mode == "autonomous" or not unit.role("command"):
            return own
        cp = w.components[unit.role("command")[0]].id
        outside = [
            i
            for i in self.sensors
            if w.components[i].unit != unit.id
            and w.components[i].is_radar
            and self.conn.designed(w.components[i].id, cp)
        ]
        return own + outside

    def _look(self, si: int, times: np.ndarray):
        """Index of each sensor's latest look at or before each time (-1 if none yet)."""
        return np.searchsorted(self.sensors[si].geo.times_s, times, side="right") - 1

    def _sensor_code(self, si: int, unit: UnitRt, idx: np.ndarray) -> np.ndarray:
        """Working code of a sensor at look indices, with emission control applied."""
        st = self.sensors[si]
        code = np.where(idx >= 0, st.working[np.maximum(idx, 0)], C_NOT_DETECTED).astype(np.int8)
        comp = self.world.components[si]
        owner = self.world.units[self.world.unit_index[comp.unit]]
        if owner.c2_mode == "emcon" and comp.is_radar:
            cue = self.cue_time.get(owner.id, np.inf)
            times = st.geo.times_s[np.maximum(idx, 0)]
            code = np.where((code == 0) & (times < cue), C_RADAR_OFF, code).astype(np.int8)
        return code

    def _unit_chain(self, unit: UnitRt, ug: UnitGeometry) -> UnitChain:
        w = self.world
        times = ug.times_s
        A, K = ug.env_code.shape
        stage = np.where(ug.airborne, int(Stage.NONE), -1).astype(np.int8)
        reason = ug.env_code.copy()
        cont = ug.airborne & (ug.env_code == 0)
        stage[cont] = Stage.IN_ENVELOPE

        cps = unit.role("command")
        centralized = unit.c2_mode != "autonomous" and bool(cps)
        cp = w.components[cps[0]] if cps else None
        cp_code = None
        if centralized:
            cp_code = working_code(
                w, cp.index, self.states[cp.index], self.destroyed_at.get(cp.id, np.inf), times
            )

        # sensor chains: LOS -> detected -> tracked -> reported; the best sensor wins
        best_stage = np.full((A, K), int(Stage.IN_ENVELOPE), np.int8)
        best_reason = np.full((A, K), CODE_HORIZON, np.int8)
        for si in self._unit_sensors(unit):
            st = self.sensors[si]
            idx = self._look(si, times)
            valid = idx >= 0
            j = np.maximum(idx, 0)
            geo = np.where(valid[None, :], st.geo.geo_code[:, j], CODE_HORIZON)
            s_stage = np.full((A, K), int(Stage.IN_ENVELOPE), np.int8)
            s_reason = geo.astype(np.int8)
            los = (geo != CODE_HORIZON) & (geo != CODE_TERRAIN)
            s_stage[los] = Stage.LINE_OF_SIGHT
            work = self._sensor_code(si, unit, idx)
            ok = los & (work == 0)[None, :]
            s_reason = np.where(los & ~ok, work[None, :], s_reason)
            det = ok & st.recent[:, j] & valid[None, :]
            blind = np.where((geo == CODE_CLUTTER) | (geo == CODE_RANGE), geo, C_NOT_DETECTED)
            s_reason = np.where(ok & ~det, blind, s_reason)
            s_stage[det] = Stage.DETECTED
            trk = det & st.firm[:, j]
            s_reason = np.where(det & ~trk, C_NOT_TRACKED, s_reason)
            s_stage[trk] = Stage.TRACKED
            comp = w.components[si]
            if centralized and comp.index != cp.index:
                path = self.conn.status(comp.id, cp.id, times)
                link_code = np.where(cp_code != 0, cp_code, path.code)
                rep = trk & ((cp_code == 0) & path.ok)[None, :]
                s_reason = np.where(trk & ~rep, link_code[None, :], s_reason)
            else:
                rep = trk
            s_stage[rep] = Stage.REPORTED
            s_reason = np.where(rep, 0, s_reason)
            better = s_stage > best_stage
            best_stage = np.where(better, s_stage, best_stage)
            best_reason = np.where(better, s_reason, best_reason)
        stage = np.where(cont, best_stage, stage)
        reason = np.where(cont, best_reason, reason)
        cont &= best_stage >= Stage.REPORTED

        # assignment: some launcher works and is connected to the command post
        launchers = unit.role("launcher")
        avail: dict[int, np.ndarray] = {}
        link_reason = np.zeros(K, np.int8)
        state_reason = np.full(K, C_NO_LAUNCHER, np.int8)
        for li in reversed(launchers):  # the first launcher's reason wins
            comp = w.components[li]
            code = working_code(
                w, li, self.states[li], self.destroyed_at.get(comp.id, np.inf), times
            )
            ok = code == 0
            if centralized and li != cp.index:
                path = self.conn.status(cp.id, comp.id, times)
                link_reason = np.where(ok & ~path.ok, path.code, link_reason)
                ok &= path.ok
            state_reason = np.where(code != 0, code, state_reason)
            avail[li] = ok
        any_avail = np.logical_or.reduce(list(avail.values())) if avail else np.zeros(K, bool)
        why = np.where(link_reason != 0, link_reason, state_reason)
        fail = cont & ~any_avail[None, :]
        reason = np.where(fail, why[None, :], reason)
        cont &= any_avail[None, :]
        stage[cont] = Stage.ASSIGNED

        # fire control: a fire-control radar tracks the target and reaches a launcher
        ready: dict[int, np.ndarray] = {li: np.zeros((A, K), bool) for li in launchers}
        missile = next(w.components[li].missile for li in launchers)
        if missile.guidance == "infrared":
            fc_reason = np.full((A, K), C_NO_LOCK, np.int8)
            for li in launchers:
                draws = np.stack(
                    [
                        self.rs.stream(f"lock:{w.components[li].id}:{ac.id}").random(K)
                        for ac in w.aircraft
                    ]
                )
                ready[li] = avail[li][None, :] & (draws < P_LOCK)
        else:
            fcs = [i for i in unit.role("fire_control") if i in self.sensors]
            fc_reason = np.full((A, K), C_NO_FC, np.int8)
            fc_rank = np.zeros((A, K), np.int8)  # how far the best fire-control radar got
            for fi in fcs:
                st = self.sensors[fi]
                comp = w.components[fi]
                idx = self._look(fi, times)
                j = np.maximum(idx, 0)
                geo = np.where((idx >= 0)[None, :], st.geo.geo_code[:, j], CODE_HORIZON)
                work = self._sensor_code(fi, unit, idx)
                seen = (geo != CODE_HORIZON) & (geo != CODE_TERRAIN)
                tracking = (work == 0)[None, :] & seen & st.firm[:, j] & (idx >= 0)[None, :]
                rank = np.where(work != 0, 0, 1)[None, :] + seen + tracking
                r = np.where(work[None, :] != 0, work[None, :], np.where(~seen, geo, C_NO_FC))
                for li in launchers:
                    if li == fi:
                        link_ok = np.ones(K, bool)
                        link_code = np.zeros(K, np.int8)
                    else:
                        path = self.conn.status(comp.id, w.components[li].id, times)
                        link_ok, link_code = path.ok, path.code
                    fire = tracking & (avail[li] & link_ok)[None, :]
                    ready[li] |= fire
                    r_l = np.where(tracking & ~link_ok[None, :], link_code[None, :], r)
                    better = (rank + (tracking & link_ok[None, :])) > fc_rank
                    fc_reason = np.where(better, r_l, fc_reason)
                    fc_rank = np.where(better, rank + (tracking & link_ok[None, :]), fc_rank)
        any_ready = np.logical_or.reduce(list(ready.values()))
        fail = cont & ~any_ready
        reason = np.where(fail, fc_reason, reason)
        cont &= any_ready
        stage[cont] = Stage.FIRE_CONTROL
        reason = np.where(cont, 0, reason)
        candidates = np.flatnonzero(cont.any(axis=0))
        return UnitChain(unit, ug, stage, reason.astype(np.int8), ready, candidates)

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
        """A unit with targets at fire control decides whether and with what to shoot."""
        chain = self.chains[ci]
        unit, t = chain.unit, float(chain.geo.times_s[k])
        col = chain.stage[:, k]
        order = np.argsort(chain.geo.range_m[:, k], kind="stable")
        for a in order:
            if col[a] != Stage.FIRE_CONTROL or not self.alive[a] or (ci, a) in self.engaged:
                continue
            active = sum(1 for (c, _) in self.engaged if c == ci)
            if active >= unit.spec.max_channels:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NOT_ASSIGNED, t)
                continue
            usable = [
                li
                for li, r in chain.ready.items()
                if r[a, k] and self.disabled_at.get(li, np.inf) > t
            ]
            if not usable:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NODE_DESTROYED, t)
                continue
            loaded = [li for li in usable if self.missiles[li] > 0]
            if not loaded:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NO_MISSILES, t)
                continue
            if self.suppressed_until.get(unit.id, -np.inf) > t:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.CREW_SUPPRESSED, t)
                continue
            crew = self.rs.stream(f"unit:{unit.id}:crew")
            p_err = P_CREW_ERROR * (2.0 if self.world.night else 1.0)
            if crew.random() < p_err:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.CREW_NOT_READY, t)
                self.log.add(t, EventKind.CREW_ERROR, self.world.aircraft[a].id, unit.id)
                continue
            li = loaded[0]
            median = unit.spec.crew_reaction_s
            if self.states[li] == "degraded":
                median *= 1.5
            delay = float(median * np.exp(REACTION_SIGMA * crew.standard_normal()))
            self.engaged.add((ci, a))
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

    def _in_envelope(self, li: int, a: int, t: float) -> bool:
        w = self.world
        comp = w.components[li]
        m = comp.missile
        p = self._position(a, t)
        rng = float(np.linalg.norm(p - comp.enu))
        agl = p[2] - float(w.ground_m(p[0], p[1]))
        return (
            m.min_range_m <= rng <= m.max_range_m
            and agl >= m.min_altitude_m
            and p[2] <= m.max_altitude_m
            and bool(w.aircraft[a].route.airborne(np.array([t]))[0])
        )

    def _launch(self, ci: int, a: int, li: int) -> None:
        w = self.world
        t = self.queue.now_s
        unit = self.chains[ci].unit
        ac, comp = w.aircraft[a], w.components[li]
        if not self.alive[a]:
            self.engaged.discard((ci, a))
            self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.TARGET_ALREADY_DOWN, t)
            return
        if self.disabled_at.get(li, np.inf) <= t or not self._in_envelope(li, a, t):
            self.engaged.discard((ci, a))
            why = (
                Reason.TARGET_LOST
                if self.disabled_at.get(li, np.inf) > t
                else Reason.NODE_DESTROYED
            )
            self.ledger.observe(a, ci, Stage.FIRE_CONTROL, why, t)
            self.log.add(t, EventKind.LAUNCH_ABORTED, ac.id, unit.id, comp.id, str(why))
            return
        n = min(unit.spec.salvo, self.missiles[li])
        self.missiles[li] -= n
        self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.MISSED, t)
        self.log.add(t, EventKind.LAUNCH, ac.id, unit.id, comp.id, comp.missile.description, n)
        tof = self._time_of_flight(li, a, t)
        self.queue.schedule(t + tof, self._intercept, ci, a, li, n)
        self._return_fire(li, t)

    def _time_of_flight(self, li: int, a: int, t: float) -> float:
        """Time for the missile at its mean speed to meet the target on its route."""
        comp = self.world.components[li]
        speed = comp.missile.mean_speed_mps
        tof = float(np.linalg.norm(self._position(a, t) - comp.enu)) / speed
        for _ in range(3):  # fixed-point iteration on the predicted intercept point
            tof = float(np.linalg.norm(self._position(a, t + tof) - comp.enu)) / speed
        return max(tof, 1.0)

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

    def _intercept(self, ci: int, a: int, li: int, n: int) -> None:
        w = self.world
        t = self.queue.now_s
        unit = self.chains[ci].unit
        ac, comp = w.aircraft[a], w.components[li]
        self.engaged.discard((ci, a))
        if not self.alive[a]:
            self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.TARGET_ALREADY_DOWN, t)
            return
        if not self._fire_control_holds(ci, li, a, t):
            self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.NO_FIRE_CONTROL_RADAR, t)
            self.log.add(t, EventKind.MISS, ac.id, unit.id, comp.id, "NO_FIRE_CONTROL_RADAR")
            return
        m = comp.missile
        p = self._position(a, t)
        if float(np.linalg.norm(p - comp.enu)) > m.max_range_m * 1.05:
            self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.TARGET_LOST, t)
            self.log.add(t, EventKind.MISS, ac.id, unit.id, comp.id, "TARGET_LOST")
            return
        self.ledger.observe(a, ci, Stage.INTERCEPTED, Reason.MISSED, t)
        pk = m.pk.get(ac.spec.category, 0.0)
        p_kill = 1.0 - (1.0 - pk) ** n
        self.log.add(t, EventKind.INTERCEPT, ac.id, unit.id, comp.id, value=p_kill)
        if self.rs.stream(f"engagement:{unit.id}:{ac.id}:pk").random() < p_kill:
            self.alive[a] = False
            self.kill_time[a] = t
            self.ledger.observe(a, ci, Stage.KILLED, Reason.NONE, t)
            self.log.add(t, EventKind.KILL, ac.id, unit.id, comp.id, value=p_kill)
        else:
            self.log.add(t, EventKind.MISS, ac.id, unit.id, comp.id, "MISSED", p_kill)

    def _return_fire(self, li: int, t: float) -> None:
        """Aircraft that see a launch within reach fire back; nearby crews may be deterred."""
        w = self.world
        launcher = w.components[li]
        rng = self.rs.stream(f"returnfire:{launcher.id}")
        hit = False
        for b, ac in enumerate(w.aircraft):
            reach = ac.spec.return_fire.range_m
            if not self.alive[b] or reach <= 0 or not ac.route.airborne(np.array([t]))[0]:
                continue
            if float(np.linalg.norm(self._position(b, t) - launcher.enu)) > reach:
                continue
            self.log.add(
                t + RETURN_FIRE_DELAY_S, EventKind.RETURN_FIRE, ac.id, launcher.unit, launcher.id
            )
            if rng.random() < ac.spec.return_fire.p_hit:
                hit = True
        if not hit:
            return
        self.disabled_at[li] = min(self.disabled_at.get(li, np.inf), t + RETURN_FIRE_DELAY_S)
        self.log.add(
            t + RETURN_FIRE_DELAY_S,
            EventKind.DESTROYED,
            unit=launcher.unit,
            component=launcher.id,
            detail="return fire",
        )
        for unit in w.units:
            if unit.id == launcher.unit or not unit.role("launcher"):
                continue
            if float(np.linalg.norm(unit.enu[:2] - launcher.enu[:2])) > SUPPRESSION_RADIUS_M:
                continue
            if rng.random() < P_SUPPRESSED:
                until = t + RETURN_FIRE_DELAY_S + SUPPRESSION_S
                self.suppressed_until[unit.id] = max(self.suppressed_until.get(unit.id, 0.0), until)
                self.log.add(
                    t + RETURN_FIRE_DELAY_S, EventKind.SUPPRESSED, unit=unit.id, value=until
                )

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


def reason_name(code: int) -> str:
    return str(REASONS[code])
