"""Return fire in the engine: aircraft fire back at launches they see (guns, rockets, bombs),
through the threats room's `ReturnFire` (anti-radiation missiles at radiating radars are
their own mechanism, `engine.anti_radiation`).

Launches trigger return fire in the event loop; it lands only if its shooter is still
flying then (the fight checks). Every burst is also a typed `SuppressionEvent` (a launcher
disabled by it a second one, a casualty) that the crews hear (`engine.crews.Crews.hear`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.rng import RngStreams
from iadsim.engine.world import World
from iadsim.killchain import Reason
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


def return_fire_capabilities(world) -> dict[str, ReturnFireCapability]:
    """Capabilities of the raid's aircraft from the catalog's return_fire entries."""
    caps = {}
    for ac in world.aircraft:
        rf = ac.spec.return_fire
        if rf.range_m <= 0 or rf.p_hit <= 0:
            continue
        caps[ac.id] = ReturnFireCapability(
            weapon_range_m=rf.range_m,
            reaction_time_s=rf.reaction_time_s,
            p_disable=rf.p_hit,
            sees_launches=True,
            sees_emitters=False,
            launch_detect_range_m=rf.range_m,
            rounds=rf.rounds,
        )
    return caps


class ReturnFireProcess:
    """The raid firing back, one replication.

    State: the threats room's `ReturnFire` (rounds left, who is busy, whom each aircraft fired
    at last). Consumes launches (`at_launch`); emits RETURN_FIRE and DESTROYED records and
    returns the typed `SuppressionEvent`s of every burst for the crews.
    """

    def __init__(self, world: World, rs: RngStreams, log: EventLog):
        self.world, self.rs, self.log = world, rs, log
        self.model = ReturnFire(return_fire_capabilities(world))
        self._ids = [ac.id for ac in world.aircraft]
        caps = self.model.capabilities
        self._capable = [a for a, ac in enumerate(world.aircraft) if ac.id in caps]
        self._agl = [a for a in self._capable if world.aircraft[a].route.agl]

    def _aircraft_now(
        self, t: float, alive: np.ndarray, source_id: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions (A, 3) and airborne-and-alive mask of every aircraft at time t. Only the
        aircraft that could fire back at `source_id` now are placed (`ReturnFire.free`,
        `may_answer`); the others' rows stay zero: `respond` reads no other position."""
        w = self.world
        times = np.array([t])
        pos = np.zeros((len(w.aircraft), 3))
        up = np.zeros(len(w.aircraft), bool)
        if not self.model.may_answer(source_id, t):
            return pos, up
        for a in self._capable:
            route = w.aircraft[a].route
            if alive[a] and route.start_s <= t <= route.end_s and self.model.free(self._ids[a], t):
                up[a] = True
                pos[a] = route.positions(times)[0]
        agl = [a for a in self._agl if up[a]]
        if agl and w.terrain is not None:  # heights above the ground: one terrain lookup
            pos[agl, 2] += w.terrain.ground_m(pos[agl, 0], pos[agl, 1])
        return pos, up

    def _respond(
        self, trigger: Trigger, alive: np.ndarray
    ) -> tuple[ReturnFireEvent | None, SuppressionEvent | None]:
        now, live = self._aircraft_now(trigger.time_s, alive, trigger.source_id)
        return self.model.respond(
            self.rs.stream(f"returnfire:{trigger.source_id}"), trigger, self._ids, now, alive=live
        )

    def at_launch(
        self, li: int, t: float, alive: np.ndarray
    ) -> tuple[ReturnFireEvent | None, SuppressionEvent | None]:
        """A launch from launcher li seen by an aircraft within reach draws fire: which
        aircraft fires, and when it lands (None if nobody fires). Nothing happens yet: the
        fight calls `lands` at that time, if the shooter is still flying then."""
        launcher = self.world.components[li]
        trigger = Trigger(t, TriggerKind.LAUNCH, launcher.id, tuple(launcher.enu))
        return self._respond(trigger, alive)

    def at_gun(
        self, site_id: str, enu: np.ndarray, t: float, alive: np.ndarray
    ) -> tuple[ReturnFireEvent | None, SuppressionEvent | None]:
        """A gun site's burst (its muzzle flashes and tracers seen at night) draws fire as a
        launch does: which aircraft fires and when it lands (None if nobody fires)."""
        trigger = Trigger(t, TriggerKind.LAUNCH, site_id, tuple(float(x) for x in enu))
        return self._respond(trigger, alive)

    def gun_lands(self, site_id: str, fire: ReturnFireEvent) -> bool:
        """The burst lands on a gun site; True if it put the site out of action."""
        self.log.add(fire.time_s, EventKind.RETURN_FIRE, fire.shooter_id, site_id, site_id)
        if fire.effect is not ReturnFireEffect.DISABLED:
            return False
        self.log.add(
            fire.time_s,
            EventKind.DESTROYED,
            unit=site_id,
            component=site_id,
            detail="return fire on a gun",
        )
        return True

    def lands(
        self, li: int, fire: ReturnFireEvent, supp: SuppressionEvent
    ) -> list[SuppressionEvent]:
        """The burst lands on launcher li (a hit disables it); returns its suppressive events:
        the fire itself, and a casualty when the launcher was hit."""
        launcher = self.world.components[li]
        self.log.add(
            fire.time_s, EventKind.RETURN_FIRE, fire.shooter_id, launcher.unit, launcher.id
        )
        if fire.effect is not ReturnFireEffect.DISABLED:
            return [supp]
        self.log.add(
            fire.time_s,
            EventKind.DESTROYED,
            unit=launcher.unit,
            component=launcher.id,
            detail="return fire",
        )
        return [supp, replace(supp, kind=str(SuppressiveKind.CASUALTY))]


CONTRACTS = (
    Mechanism(
        name="return-fire",
        summary="aircraft fire back at launches they see (guns, rockets, bombs): a hit "
        "disables the launcher; every burst suppresses crews nearby",
        module=__name__,
        process="ReturnFireProcess",
        reads=("catalog.aircraft.return_fire", "scenario.raid.loadout"),
        owns=("ReturnFireProcess.model",),
        also_gives=(Reason.NODE_DESTROYED,),
        records=(EventKind.RETURN_FIRE, EventKind.DESTROYED),
        doc="docs/engagement.md",
    ),
)
