"""The fight in the event loop: at a unit's decision times the launchers are assigned to
targets at fire control, crews react, missiles fly to the predicted intercept point and
each is a Pk draw; the unit's doctrine (`engagement.doctrine`) sets the salvo size, how many
salvos a target gets, and when the channel is free again (after the kill assessment under
shoot-look-shoot)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from iadsim.engagement.doctrine import Doctrine
from iadsim.engagement.magazine import Magazine
from iadsim.engagement.manpads import countermeasure_factor
from iadsim.engagement.pk import draw_salvo, salvo_pk
from iadsim.engine.authority import Authority
from iadsim.engine.crews import Crews
from iadsim.engine.events import AircraftDown, AircraftWithdrawn, EventKind
from iadsim.engine.gates import Gates, UnitChain
from iadsim.engine.launch_plan import FireControlOrder, intercept_solution, plan_launchers
from iadsim.engine.radar_picture import Geometry
from iadsim.engine.returnfire import ReturnFireProcess
from iadsim.engine.scheduler import Context
from iadsim.engine.sector import SectorCommand
from iadsim.engine.states import Equipment
from iadsim.killchain import Reason, Stage
from iadsim.scenario.readiness import ComponentState
from iadsim.threats.returnfire import ReturnFireEffect

SKIP_AT_MOST = 32
"""Decision indices a unit's search for its next decision passes over at most: then it puts
that one in the queue all the same (a decision with nothing to do, which searches on). The
search starts again whenever the unit frees a channel or its chain changes, so an unbounded
one would walk the rest of the night each time (channels freed x decisions left)."""

MAX_MANOEUVRE_MISS_M = 250.0
"""Notional: a target further than this from the predicted intercept point when the
missiles arrive has out-manoeuvred them (no guidance laws are modelled)."""


class Fight:
    """The fight of one replication: launch decisions, launches and intercepts, in the event
    queue, from the units' precomputed chains (`UnitChain`, the gates' output).

    State: which aircraft are still flying (`alive`, `kill_time`), launchers disabled by return
    fire (`disabled_at`), magazines, and the fire channels each unit has committed (`engaged`,
    `active`). Asks the crews whether and when they fire and the gates whether semi-active
    guidance holds; calls return fire at every launch and passes the crews its suppressive
    events. Emits AircraftDown at each kill (`ctx.emit`) and hears changed chains
    (`rechain`); writes LAUNCH_DECISION, LAUNCH, LAUNCH_ABORTED, INTERCEPT, KILL and MISS
    records and ledger observations.
    """

    def __init__(
        self,
        ctx: Context,
        geometry: Geometry,
        chains: list[UnitChain],
        equipment: Equipment,
        gates: Gates,
        crews: Crews,
        return_fire: ReturnFireProcess,
        sector: SectorCommand | None = None,
        authority: Authority | None = None,
    ):
        self.ctx, self.geom, self.world = ctx, geometry, geometry.world
        self.authority = authority  # release authority: a unit on weapons hold does not fire
        self.sector = sector if sector is not None and sector.posts else None
        self.chains = chains
        self.equipment, self.gates, self.crews = equipment, gates, crews
        self.return_fire = return_fire
        self.queue, self.log, self.ledger, self.rs = ctx.queue, ctx.log, ctx.ledger, ctx.rs
        w = self.world
        self.alive = np.ones(len(w.aircraft), bool)  # still in the fight (a target)
        self.kill_time = np.full(len(w.aircraft), np.inf)
        self.out_time = np.full(len(w.aircraft), np.inf)  # lost or withdrawn (aborted)
        self._index_of = {ac.id: i for i, ac in enumerate(w.aircraft)}
        # a WTA problem -> its assignment, kept for the replications (`plan_launchers`)
        self._wta_solved: dict[tuple, list[tuple[int, int]]] = geometry.memo.setdefault("wta", {})
        self._pk_rows: list[dict] = [{} for _ in chains]  # per unit: (missile, aircraft) -> Pk
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
        self.active = [0] * len(chains)  # channels in use per weapon unit
        self.doctrines = [Doctrine.of(chain.unit.spec) for chain in chains]
        self._allowed = [d.salvos_allowed for d in self.doctrines]  # salvos per target
        self.salvos: dict[tuple[int, int], int] = {}  # salvos fired per (unit, aircraft)
        # (aircraft, unit) -> the last time a sector post's orders withheld the target
        self.withheld: dict[tuple[int, int], float] = {}
        self._fire_control_order = [FireControlOrder(chain) for chain in chains]
        self._times = [chain.geo.times_s.tolist() for chain in chains]  # decision times
        # per unit: the generation of its pending decision (a decision of an older one is
        # stale: the chain changed since it was put in the queue) and the last index decided
        self._generation, self._decided = [0] * len(chains), [-1] * len(chains)

    def start(self) -> None:
        """Put every sector post's assignment cycles (before any decision at the same time)
        and every unit's first launch opportunity in the queue."""
        if self.sector is not None:
            for p, post in enumerate(self.sector.posts):
                for t in self.sector.cycle_times(post):
                    self.queue.schedule(float(t), self._sector_cycle, p)
        for ci in range(len(self.chains)):
            self._schedule_next_decision(ci, 0)

    def hear(self, outcome: AircraftDown | AircraftWithdrawn) -> None:
        """An aircraft lost to another weapon (guns) or withdrawn after a hit: it is no longer
        a target from then on (a kill of the fight's own is already known)."""
        a, t = outcome.aircraft, outcome.time_s
        if not self.alive[a]:
            return
        self.alive[a] = False
        self.out_time[a] = t
        if isinstance(outcome, AircraftDown):
            self.kill_time[a] = t

    def _schedule_next_decision(self, ci: int, start: int) -> None:
        """Put unit ci's first decision at or after index `start` where some aircraft it may
        still engage (flying, no channel of the unit on it, salvos left) is at fire control
        in the queue.

        A decision where every aircraft at fire control is down, already engaged by the unit
        or out of salvos does nothing (no record, no draw), so it is not put in the queue:
        the first two last until the unit frees a channel (`_disengage` then looks again)
        and the others for good. The search passes over `SKIP_AT_MOST` indices at most."""
        order = self._fire_control_order[ci]
        c = order.candidates
        # what `_options` checks first, for every index a unit skips
        alive, engaged, salvos = self.alive, self.engaged, self.salvos
        allowed = self._allowed[ci]
        first = bisect_left(c, start)
        for pos in range(first, len(c)):
            k = c[pos]
            due = pos - first >= SKIP_AT_MOST  # searched far enough: queue this one
            if not due:
                for a in order.get(k):
                    if alive[a] and (ci, a) not in engaged and salvos.get((ci, a), 0) < allowed:
                        due = True
                        break
            if due:
                t = self._times[ci][k]
                self.queue.schedule(t, self._decide, ci, k, self._generation[ci])
                return

    def _look_again(self, ci: int) -> None:
        """Unit ci's pending decision is stale: its next one is looked for from now on."""
        self._generation[ci] += 1
        k_now = int(np.searchsorted(self.chains[ci].geo.times_s, self.queue.now_s, side="left"))
        self._schedule_next_decision(ci, max(k_now, self._decided[ci] + 1))

    def rechain(self, t: float, chains: dict[int, UnitChain], requeue: Iterable[int] = ()) -> None:
        """An outcome changed some units' chains from time t on (`chains`: unit position ->
        its chain worked out again by the gates): their timelines from t on replace the old
        ones, and each such unit's next decision is found again from what is left to do.
        The units in `requeue` whose chains did not change have their next decision put in
        the queue again all the same (as every unit's is when the network changed)."""
        for ci in sorted(set(chains) | set(requeue)):
            chain = self.chains[ci]
            times = chain.geo.times_s
            k0 = int(np.searchsorted(times, t, side="left"))
            if k0 >= times.size:
                continue
            new = chains.get(ci)
            if new is not None:
                d = k0 - new.k0  # the new chain's arrays begin at its decision index k0
                chain.stage[:, k0:] = new.stage[:, d:]
                for li, ready in chain.ready.items():
                    ready[:, k0:] = new.ready[li][:, d:]
                # the decisions with an aircraft at fire control: those before k0 as they
                # were, the new chain's (found by the gates) from k0 on
                kept = chain.candidates[: np.searchsorted(chain.candidates, k0)]
                later = new.candidates[np.searchsorted(new.candidates, k0) :]
                chain.candidates = np.concatenate((kept, later))
                self._fire_control_order[ci].resort_from(chain, k0)
            self._look_again(ci)

    def _position(self, a: int, t: float) -> np.ndarray:
        w = self.world
        ground = w.terrain.ground_m if w.terrain is not None else None
        return w.aircraft[a].route.positions(np.array([t]), ground)[0]

    def _ground_m(self, point: np.ndarray) -> float:
        """Terrain height under a point (the terrain keeps the points asked before)."""
        return float(self.world.ground_m(point[0], point[1]))

    def _options(self, ci: int, k: int, t: float, blocked: list | None = None):
        """The targets unit ci could engage at its decision k (time t), nearest first, and
        their loaded launchers: at fire control, alive, not already engaged by the unit,
        salvos left under its doctrine. `blocked` collects (aircraft, reason) of those
        stopped by no usable or no loaded launcher."""
        chain = self.chains[ci]
        alive, engaged, salvos = self.alive, self.engaged, self.salvos
        allowed = self._allowed[ci]
        disabled, magazines = self.disabled_at, self.magazines
        # the launchers return fire has not put out of action by t, with their readiness
        ready = [(li, r) for li, r in chain.ready.items() if disabled.get(li, np.inf) > t]
        targets, loaded_by = [], {}
        for a in self._fire_control_order[ci].get(k, ()):
            if not alive[a] or (ci, a) in engaged:
                continue
            if salvos.get((ci, a), 0) >= allowed:
                continue  # the doctrine fires no more at this target
            usable = [li for li, r in ready if r[a, k]]
            if not usable:
                if blocked is not None:
                    blocked.append((a, Reason.NODE_DESTROYED))
                continue
            loaded = [li for li in usable if magazines[li].available(t) > 0]
            if not loaded:
                if blocked is not None:
                    blocked.append((a, Reason.NO_MISSILES))
                continue
            targets.append(int(a))
            loaded_by[int(a)] = loaded
        return targets, loaded_by

    def _engaged_by_sector(self, ci: int, a: int, t: float, other_than: int | None = None):
        """Whether a battery of ci's sector that the sector post hears at t (other than
        `other_than`) is engaging aircraft a."""
        return self.sector.engaging(ci, a, t, self.engaged, other_than)

    def _sector_cycle(self, p: int) -> None:
        """A sector command post's assignment cycle (`SectorCommand.run_cycle`) on the
        targets each battery could engage now and its free channels."""
        self.sector.run_cycle(
            p,
            self.queue.now_s,
            self._options,
            lambda ci: self.chains[ci].unit.spec.max_channels - self.active[ci],
            self.engaged,
            self.log,
        )

    def _decide(self, ci: int, k: int, generation: int) -> None:
        """A unit with targets at fire control decides whether and with what to shoot: the
        launchers that can fire are assigned to targets (weapon-target assignment), within
        the unit's free fire channels and, under a sector post's control, to the targets
        its orders give the unit (engine.sector); the crews then react or refuse."""
        if generation != self._generation[ci]:
            return  # its chain changed since: the decision was put in the queue again
        self._decided[ci] = k
        chain = self.chains[ci]
        unit, t = chain.unit, self._times[ci][k]
        blocked: list = []
        targets, loaded_by = self._options(ci, k, t, blocked)
        for a, why in blocked:
            self.ledger.observe(a, ci, Stage.FIRE_CONTROL, why, t)
        if not targets:  # every one blocked, or none left to engage
            self._schedule_next_decision(ci, k + 1)
            return
        if self.sector is not None and ci in self.sector.post_of:
            kept = []
            for a in targets:
                other = self._engaged_by_sector(ci, a, t, other_than=ci)
                if self.sector.allows(ci, a, t, other) is False:
                    self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NOT_ASSIGNED, t)
                    self.withheld[(a, ci)] = t
                else:
                    kept.append(a)
            targets = kept
        plan = self._assign(ci, k, targets, loaded_by)
        for a in targets:
            li = plan.get(a)
            if li is None:  # the channels or launchers went to other targets
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.NOT_ASSIGNED, t)
                continue
            if self.authority is not None and self.authority.holds(unit):
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, Reason.WEAPONS_HOLD, t)
                continue
            refusal = self.crews.refusal(unit, a, t, li)
            if refusal is not None:
                self.ledger.observe(a, ci, Stage.FIRE_CONTROL, refusal, t)
                continue
            degraded = self._degraded(li)
            factor = degraded.reaction_time_factor if degraded is not None else 1.0
            delay = self.crews.reaction_delay_s(unit, factor, li)
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
        return plan_launchers(
            self.world, self.geom.weapons, chain, k, targets, loaded_by, free,
            self._wta_solved, self._pk_rows[ci],
        )  # fmt: skip

    def _engage(self, ci: int, a: int) -> None:
        """Unit ci commits a fire channel to aircraft a."""
        self.engaged.add((ci, a))
        self.active[ci] += 1

    def _disengage(self, ci: int, a: int) -> None:
        """Unit ci frees the channel it had on aircraft a (if any). If the unit may engage a
        again, its decisions from now on are looked for again: those it skipped while a was
        engaged (`_schedule_next_decision`) may have something to do now."""
        if (ci, a) not in self.engaged:
            return
        self.engaged.remove((ci, a))
        self.active[ci] -= 1
        if self.alive[a] and self.salvos.get((ci, a), 0) < self._allowed[ci]:
            self._look_again(ci)

    def _degraded(self, li: int):
        """Launcher li's type's numbers when degraded (slower crews, failed launches), or
        None when it is not degraded."""
        if self.equipment.state(li) != ComponentState.DEGRADED:
            return None
        return self.world.components[li].degraded

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
            icpt, why = intercept_solution(
                self.world, self.geom.weapons, li, a, t, self._position, self._ground_m
            )
        magazine = self.magazines[li]
        if icpt is not None:
            decision = self.doctrines[ci].decide(t, magazine, self.salvos.get((ci, a), 0))
            if not decision.allowed:
                icpt, why = None, decision.block.reason
        # a degraded launcher sometimes fails to launch (one draw per attempt, always)
        degraded = self._degraded(li)
        p_fail = degraded.launch_failure_prob if degraded is not None else 0.0
        fails = self.rs.stream(f"launch:{comp.id}").random() < p_fail
        if icpt is not None and fails:
            icpt, why = None, Reason.NOT_MISSION_CAPABLE
        if icpt is None:
            self._disengage(ci, a)
            self.ledger.observe(a, ci, Stage.FIRE_CONTROL, why, t)
            self.log.add(t, EventKind.LAUNCH_ABORTED, ac.id, unit.id, comp.id, str(why))
            return
        n = magazine.launch(t, decision.n_missiles)
        self.salvos[(ci, a)] = self.salvos.get((ci, a), 0) + 1
        model = self.geom.weapons[comp.launcher.missile]
        point = comp.enu + icpt.point_m
        agl = float(point[2] - self._ground_m(point))
        # flares and directed IR countermeasures of the target against infrared missiles
        cm = countermeasure_factor(comp.missile, ac.spec, w.scenario.spec.raid[a].countermeasures)
        pk = float(
            model.pk_model.pk(
                ac.spec.category, float(icpt.slant_range_m), float(icpt.aspect_rad), agl, cm
            )
        )
        self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.MISSED, t)
        self.log.add(t, EventKind.LAUNCH, ac.id, unit.id, comp.id, comp.missile.description, n)
        tof = float(icpt.time_of_flight_s)
        self.queue.schedule(t + tof, self._intercept, ci, a, li, n, pk, point)
        fire, supp = self.return_fire.at_launch(li, t, self.alive)
        if fire is not None:
            self.queue.schedule(fire.time_s, self._return_fire_lands, li, fire, supp)

    def _return_fire_lands(self, li: int, fire, supp) -> None:
        """Return fire decided at a launch lands now, unless its shooter was shot down in the
        meantime (aircraft do nothing after their kill time)."""
        shooter = self._index_of[fire.shooter_id]
        if not self.alive[shooter]:
            return
        for event in self.return_fire.lands(li, fire, supp):
            self.crews.hear(event)
        if fire.effect is ReturnFireEffect.DISABLED:
            self.disabled_at[li] = min(self.disabled_at.get(li, np.inf), fire.time_s)

    def _intercept(self, ci: int, a: int, li: int, n: int, pk: float, point: np.ndarray) -> None:
        """The salvo reaches the predicted intercept point: it needs the target near it and,
        for semi-active guidance, the fire-control radar's track; then one Pk draw per
        missile. Shoot-look-shoot: the unit may fire again after the assessment delay."""
        w = self.world
        t = self.queue.now_s
        unit = self.chains[ci].unit
        ac, comp = w.aircraft[a], w.components[li]
        self.queue.schedule(self.doctrines[ci].look_again_s(t), self._release, ci, a)
        _, killed = draw_salvo(self.rs.stream(f"engagement:{unit.id}:{ac.id}:pk"), pk, n)
        if not self.alive[a]:
            self.ledger.observe(a, ci, Stage.LAUNCHED, Reason.TARGET_ALREADY_DOWN, t)
            return
        if not self.gates.guidance_holds(unit, li, a, t):
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
        p_kill = float(salvo_pk(pk, n))
        self.log.add(t, EventKind.INTERCEPT, ac.id, unit.id, comp.id, value=p_kill)
        if bool(killed):
            self.alive[a] = False
            self.kill_time[a] = self.out_time[a] = t
            self.ledger.observe(a, ci, Stage.KILLED, Reason.NONE, t)
            self.log.add(t, EventKind.KILL, ac.id, unit.id, comp.id, value=p_kill)
            self.ctx.emit(AircraftDown(t, a))
        else:
            self.log.add(t, EventKind.MISS, ac.id, unit.id, comp.id, "MISSED", p_kill)

    def _release(self, ci: int, a: int) -> None:
        """The unit has assessed its last salvo and may engage this aircraft again."""
        self._disengage(ci, a)
