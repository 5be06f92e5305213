"""Return fire in the engine: aircraft fire back at launches they see (guns, rockets, bombs)
and at emitting radars (anti-radiation missiles), through the threats room's `ReturnFire`.

Launches trigger return fire in the event loop. Emitting radars are handled in a pre-pass
before sensing is drawn (like scheduled strikes): every EMITTER_CHECK_S a working radar that
an anti-radiation shooter has within reach is a trigger, so a radar disabled this way stops
detecting from then on. Radars of units in emission control are silent and never triggers.
Crews near a return-fire burst are deterred through the crews' suppression model, which
reads the RETURN_FIRE and DESTROYED events this writes.
"""

from __future__ import annotations

import numpy as np

from iadsim.engine.events import EventKind
from iadsim.engine.states import working_code
from iadsim.threats.returnfire import (
    ReturnFire,
    ReturnFireCapability,
    ReturnFireEffect,
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


class ReturnFireMixin:
    """Return fire for a Replication (uses world, rs, log, alive, destroyed_at, disabled_at)."""

    def _setup_return_fire(self) -> None:
        self.return_fire = ReturnFire(return_fire_capabilities(self.world))
        self._ids = [ac.id for ac in self.world.aircraft]

    def _aircraft_now(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Positions (A, 3) and airborne-and-alive mask of every aircraft at time t."""
        w = self.world
        ground = w.terrain.ground_m if w.terrain is not None else None
        times = np.array([t])
        pos = np.stack([ac.route.positions(times, ground)[0] for ac in w.aircraft])
        up = np.array([bool(ac.route.airborne(times)[0]) for ac in w.aircraft]) & self.alive
        return pos, up

    def _anti_radiation_prepass(self) -> None:
        """Emitting radars within reach of anti-radiation shooters may be disabled."""
        w = self.world
        emitters = {
            ac.id
            for ac in w.aircraft
            if ac.spec.return_fire.emitter_range_m > 0 and ac.spec.return_fire.p_hit > 0
        }
        if not emitters:
            return
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
            code = working_code(
                w,
                comp.index,
                self.states[comp.index],
                self._outage(comp.id),
                checks,
            )
            dist = np.linalg.norm(pos - comp.enu[None, None, :], axis=-1)
            near = ((dist <= reach[:, None]) & up).any(axis=0) & (code == 0)
            candidates += [(float(checks[k]), comp.index) for k in np.flatnonzero(near)]
        for t, ci in sorted(candidates):
            comp = w.components[ci]
            if self._outage(comp.id)[0] <= t:
                continue
            now, live = self._aircraft_now(t)
            fire, _ = self.return_fire.respond(
                self.rs.stream(f"returnfire:{comp.id}"),
                Trigger(t, TriggerKind.EMITTER, comp.id, tuple(comp.enu)),
                self._ids,
                now,
                alive=live,
            )
            if fire is None:
                continue
            self.log.add(
                fire.time_s,
                EventKind.RETURN_FIRE,
                fire.shooter_id,
                comp.unit,
                comp.id,
                "anti-radiation",
            )
            if fire.effect is ReturnFireEffect.DISABLED:
                self.destroyed_at[comp.id] = min(
                    self.destroyed_at.get(comp.id, np.inf), fire.time_s
                )
                self.log.add(
                    fire.time_s,
                    EventKind.DESTROYED,
                    unit=comp.unit,
                    component=comp.id,
                    detail="anti-radiation missile",
                )

    def _return_fire(self, li: int, t: float) -> None:
        """A launch seen by an aircraft within reach draws fire; a hit disables the launcher."""
        launcher = self.world.components[li]
        now, live = self._aircraft_now(t)
        fire, _ = self.return_fire.respond(
            self.rs.stream(f"returnfire:{launcher.id}"),
            Trigger(t, TriggerKind.LAUNCH, launcher.id, tuple(launcher.enu)),
            self._ids,
            now,
            alive=live,
        )
        if fire is None:
            return
        self.log.add(
            fire.time_s, EventKind.RETURN_FIRE, fire.shooter_id, launcher.unit, launcher.id
        )
        if fire.effect is ReturnFireEffect.DISABLED:
            self.disabled_at[li] = min(self.disabled_at.get(li, np.inf), fire.time_s)
            self.log.add(
                fire.time_s,
                EventKind.DESTROYED,
                unit=launcher.unit,
                component=launcher.id,
                detail="return fire",
            )
