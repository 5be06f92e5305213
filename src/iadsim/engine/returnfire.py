"""Return fire in the engine: aircraft fire back at launches they see (guns, rockets, bombs)
and at emitting radars (anti-radiation missiles), through the threats room's `ReturnFire`.

Launches trigger return fire in the event loop. Emitting radars are handled in a pre-pass
before sensing is drawn (like scheduled strikes): every EMITTER_CHECK_S a working radar that
an anti-radiation shooter has within reach is a trigger, so a radar disabled this way stops
detecting from then on. Radars of units in emission control are silent and never triggers.
Every burst is also a typed `SuppressionEvent` (a launcher disabled by it a second one, a
casualty) that the crews hear (`engine.crews.Crews.hear`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.rng import RngStreams
from iadsim.engine.states import Equipment
from iadsim.engine.world import World
from iadsim.readiness.suppression import SuppressiveKind
from iadsim.threats.returnfire import (
    ReturnFire,
    ReturnFireCapability,
    ReturnFireEffect,
    ReturnFireEvent,
    SuppressionEvent,
    Trigger,
    TriggerKind,
)

EMITTER_CHECK_S = 30.0
"""How often an emitting radar is checked against anti-radiation shooters (notional)."""


def return_fire_capabilities(world) -> dict[str, ReturnFireCapability]:
    """Capabilities of the raid's aircraft from the catalog's return_fire entries."""
    caps = {}
    for ac in world.aircraft:
        rf = ac.spec.return_fire
        reach = max(rf.range_m, rf.emitter_range_m)
        if reach <= 0 or rf.p_hit <= 0:
            continue
        caps[ac.id] = ReturnFireCapability(
            weapon_range_m=reach,
            reaction_time_s=rf.reaction_time_s,
            p_disable=rf.p_hit,
            sees_launches=rf.range_m > 0,
            sees_emitters=rf.emitter_range_m > 0,
            launch_detect_range_m=rf.range_m if rf.range_m > 0 else None,
            emitter_detect_range_m=rf.emitter_range_m if rf.emitter_range_m > 0 else None,
            rounds=rf.rounds,
        )
    return caps


class ReturnFireProcess:
    """The raid firing back, one replication.

    State: the threats room's `ReturnFire` (rounds left, who is busy, whom each aircraft fired
    at last). Consumes launches (`at_launch`) and, before sensing, emitting radars
    (`at_emitting_radars`); emits RETURN_FIRE and DESTROYED records and returns the typed
    `SuppressionEvent`s of every burst for the crews.
    """

    def __init__(self, world: World, rs: RngStreams, log: EventLog):
        self.world, self.rs, self.log = world, rs, log
        self.model = ReturnFire(return_fire_capabilities(world))
        self._ids = [ac.id for ac in world.aircraft]

    def _aircraft_now(self, t: float, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions (A, 3) and airborne-and-alive mask of every aircraft at time t."""
        w = self.world
        ground = w.terrain.ground_m if w.terrain is not None else None
        times = np.array([t])
        pos = np.stack([ac.route.positions(times, ground)[0] for ac in w.aircraft])
        up = np.array([bool(ac.route.airborne(times)[0]) for ac in w.aircraft]) & alive
        return pos, up

    def _respond(
        self, trigger: Trigger, alive: np.ndarray
    ) -> tuple[ReturnFireEvent | None, SuppressionEvent | None]:
        now, live = self._aircraft_now(trigger.time_s, alive)
        return self.model.respond(
            self.rs.stream(f"returnfire:{trigger.source_id}"), trigger, self._ids, now, alive=live
        )

    def at_emitting_radars(self, equipment: Equipment) -> list[SuppressionEvent]:
        """Emitting radars within reach of anti-radiation shooters may be destroyed (recorded
        in `equipment`); returns the bursts' suppressive events in time order."""
        w = self.world
        emitters = {
            ac.id
            for ac in w.aircraft
            if ac.spec.return_fire.emitter_range_m > 0 and ac.spec.return_fire.p_hit > 0
        }
        if not emitters:
            return []
        checks = np.arange(0.0, w.duration_s + 1e-9, EMITTER_CHECK_S)
        ground = w.terrain.ground_m if w.terrain is not None else None
        shooters = [a for a, ac in enumerate(w.aircraft) if ac.id in emitters]
        pos = np.stack([w.aircraft[a].route.positions(checks, ground) for a in shooters])
        up = np.stack([w.aircraft[a].route.airborne(checks) for a in shooters])
        reach = np.array([w.aircraft[a].spec.return_fire.emitter_range_m for a in shooters])
        candidates = []
        for comp in w.components:
            unit = w.units[w.unit_index[comp.unit]]
            if not comp.is_radar or unit.c2_mode == "emcon":
                continue
            code = equipment.working(comp.index, checks)
            dist = np.linalg.norm(pos - comp.enu[None, None, :], axis=-1)
            near = ((dist <= reach[:, None]) & up).any(axis=0) & (code == 0)
            candidates += [(float(checks[k]), comp.index) for k in np.flatnonzero(near)]
        heard = []
        all_alive = np.ones(len(w.aircraft), bool)
        for t, ci in sorted(candidates):
            comp = w.components[ci]
            if equipment.outage(comp.id)[0] <= t:
                continue
            trigger = Trigger(t, TriggerKind.EMITTER, comp.id, tuple(comp.enu))
            fire, supp = self._respond(trigger, all_alive)
            if fire is None:
                continue
            heard.append(supp)
            if self._log_burst(fire, comp, "anti-radiation", "anti-radiation missile"):
                equipment.destroy(comp.id, fire.time_s)
        return heard

    def at_launch(
        self, li: int, t: float, alive: np.ndarray
    ) -> tuple[ReturnFireEvent | None, list[SuppressionEvent]]:
        """A launch from launcher li seen by an aircraft within reach draws fire; a hit
        disables the launcher. Returns the burst (None if nobody fired) and its suppressive
        events: the fire itself, and a casualty when the launcher was hit."""
        launcher = self.world.components[li]
        trigger = Trigger(t, TriggerKind.LAUNCH, launcher.id, tuple(launcher.enu))
        fire, supp = self._respond(trigger, alive)
        if fire is None:
            return None, []
        if not self._log_burst(fire, launcher, "", "return fire"):
            return fire, [supp]
        return fire, [supp, replace(supp, kind=str(SuppressiveKind.CASUALTY))]

    def _log_burst(self, fire: ReturnFireEvent, comp, detail: str, cause: str) -> bool:
        """Record a burst at a component (RETURN_FIRE) and, if it hit, the component put out
        of action by `cause` (DESTROYED); returns whether it hit."""
        self.log.add(
            fire.time_s, EventKind.RETURN_FIRE, fire.shooter_id, comp.unit, comp.id, detail
        )
        hit = fire.effect is ReturnFireEffect.DISABLED
        if hit:
            self.log.add(
                fire.time_s, EventKind.DESTROYED, unit=comp.unit, component=comp.id, detail=cause
            )
        return hit
