"""The fire-control gate of a weapon unit's kill chain: per launcher, whether it can fire on
each aircraft at each decision time (an infrared seeker's lock, or a fire-control radar's firm
track reaching it over the network), why not, and whether a semi-active missile's guidance
still holds at its intercept. Part of `engine.gates`, which asks it with the network as it
stands."""

from __future__ import annotations

import numpy as np

from iadsim.engine.c2 import Connectivity
from iadsim.engine.radar_picture import UnitGeometry
from iadsim.engine.rng import RngStreams
from iadsim.engine.sensing import Sensing
from iadsim.engine.sensor_looks import LookCache
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import (
    CODE_NO_FIRE_CONTROL_RADAR,
    CODE_NO_LOCK,
    Step,
    bits,
    first_blocking,
)
from iadsim.network.kinds import MessageKind

FIRE_CONTROL = MessageKind.FIRE_CONTROL


def ir_lock(
    rs: RngStreams, launcher_id: str, aircraft_ids: list[str], p_lock: np.ndarray
) -> np.ndarray:
    """The MANPADS seam: (A, K) whether an infrared seeker on `launcher_id` locks on each
    aircraft at each decision time, one attempt per decision time against the seeker model's
    lock probability (`UnitGeometry.p_lock`: range, aspect, the aircraft's IR intensity;
    engagement.manpads.lock_probability); one stream per (launcher, aircraft)."""
    K = p_lock.shape[1]
    locks = np.zeros(p_lock.shape, bool)
    for a, ac in enumerate(aircraft_ids):
        if p_lock[a].any():  # never a chance: no lock whatever the draw, and no stream built
            locks[a] = rs.stream(f"lock:{launcher_id}:{ac}").random(K) < p_lock[a]
    return locks


class FireControlGate:
    """Fire control for the units of one replication. State: the IR lock draws of each
    infrared launcher (drawn once per replication, however often the chains are worked out
    again). Reads each fire-control radar's looks (`LookCache`) and the network it is given."""

    def __init__(self, world: World, sensing: Sensing, rs: RngStreams, looks: LookCache):
        self.world, self.sensing, self.rs, self.looks = world, sensing, rs, looks
        self.sensors = sensing.sensors
        self._locks: dict[int, np.ndarray] = {}  # IR launcher -> its lock draws (A, K)

    def _lock(self, li: int, p_lock: np.ndarray) -> np.ndarray:
        """IR launcher li's lock on each aircraft at each decision time, drawn once per
        replication (the same draws however often the chains are worked out again)."""
        if li not in self._locks:
            ids = [ac.id for ac in self.world.aircraft]
            self._locks[li] = ir_lock(self.rs, self.world.components[li].id, ids, p_lock)
        return self._locks[li]

    def ready(
        self,
        unit: UnitRt,
        span: slice | np.ndarray,
        avail: dict[int, np.ndarray],
        ug: UnitGeometry,
        conn: Connectivity,
    ) -> dict[int, np.ndarray]:
        """Per launcher, (A, K) whether it can fire now: an IR lock draw for infrared
        missiles, else a fire-control radar's firm track reaching it. At the unit's decision
        indices `span` (`avail`: at those)."""
        w = self.world
        launchers = unit.role("launcher")
        if self._infrared(unit):
            return {
                li: avail[li][None, :] & self._lock(li, ug.p_lock[li])[:, span] for li in launchers
            }
        A, K = len(w.aircraft), len(ug.times_s[span])
        ready: dict[int, np.ndarray] = {li: np.zeros((A, K), bool) for li in launchers}
        for fi in self._radars(unit):
            j = self.looks.index(fi, ug.times_s)[span]
            tracking = self.looks.stages(fi).fc_tracking.take(j, axis=1)
            for li, link_ok, _ in self._links(fi, launchers, ug.times_s, span, conn):
                ready[li] |= tracking & (avail[li] & link_ok)[None, :]
        return ready

    def explain(
        self,
        unit: UnitRt,
        cols: np.ndarray,
        avail: dict[int, np.ndarray],
        ug: UnitGeometry,
        conn: Connectivity,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Why no launcher can fire (the headline, (A, C)) and every reason blocking some
        fire-control radar's way to an available launcher (a mask), at the unit's decision
        indices `cols` (`avail`: at those): the best radar (the one that got furthest, the
        first listed on ties) speaks."""
        A, C = len(self.world.aircraft), len(cols)
        if self._infrared(unit):
            return np.full((A, C), CODE_NO_LOCK, np.int8), bits(np.int8(CODE_NO_LOCK))
        launchers = unit.role("launcher")
        fc_reason = np.full((A, C), CODE_NO_FIRE_CONTROL_RADAR, np.int8)
        fc_rank = np.zeros((A, C), np.int8)  # how far the best fire-control radar got
        blocks = np.zeros((A, C), np.int64)
        for fi in self._radars(unit):
            pre = self.looks.explained(fi, ug.times_s, cols)
            tracking, rank, r = pre.fc_tracking, pre.fc_rank, pre.fc_reason
            links_seen: set[bytes] = set()
            link_blocks = np.zeros(C, np.int64)
            for li, link_ok, link_code in self._links(fi, launchers, ug.times_s, cols, conn):
                link_blocks |= np.where(avail[li], bits(link_code), 0)
                # the best radar and its reason depend on the link only: the same link
                # timeline again (launchers of one battery) changes nothing
                seen_key = link_ok.tobytes() + link_code.tobytes()
                if seen_key in links_seen:
                    continue
                links_seen.add(seen_key)
                fire_rank = rank + (tracking & link_ok[None, :])
                r_l = first_blocking(
                    {
                        Step.FIRE_CONTROL: np.where(tracking, 0, r),
                        Step.FIRE_CONTROL_TO_LAUNCHER: link_code[None, :],
                    }
                )
                r_l = np.where(r_l == 0, r, r_l)  # a chain it holds: whatever its best says
                better = fire_rank > fc_rank
                fc_reason = np.where(better, r_l, fc_reason)
                fc_rank = np.where(better, fire_rank, fc_rank)
            # (read only where the chain stops at this gate: some launcher is available)
            blocks |= pre.fc_blocks
            blocks |= link_blocks[None, :]
        return fc_reason, blocks

    def _infrared(self, unit: UnitRt) -> bool:
        w = self.world
        return next(w.components[li].missile for li in unit.role("launcher")).guidance == (
            "infrared"
        )

    def _radars(self, unit: UnitRt) -> list[int]:
        """The unit's fire-control radars that are sensors of the replication."""
        return [i for i in unit.role("fire_control") if i in self.sensors]

    def _links(self, fi: int, launchers: list[int], grid: np.ndarray, at, conn: Connectivity):
        """(launcher, ok, code) of the fire-control link from radar fi to each launcher at
        the times `grid[at]` (a radar on its own launcher needs none)."""
        w = self.world
        n = len(grid[at])
        for li in launchers:
            if li == fi:
                yield li, np.ones(n, bool), np.zeros(n, np.int8)
            else:
                fc_id, l_id = w.components[fi].id, w.components[li].id
                path = conn.status_at(fc_id, l_id, grid, at, FIRE_CONTROL)
                yield li, path.ok, path.code

    def guidance_holds(self, unit: UnitRt, li: int, a: int, t: float, conn: Connectivity) -> bool:
        """Semi-active missiles from launcher li need a fire-control radar of the unit to keep
        aircraft a in track, and its data to reach the launcher, at time t."""
        w = self.world
        if w.components[li].missile.guidance != "semi_active":
            return True
        for fi in unit.role("fire_control"):
            if fi not in self.sensors:
                continue
            idx = int(self.sensing.look(fi, np.array([t]))[0])
            if idx < 0 or self.sensing.code(fi, np.array([idx]))[0] != 0:
                continue
            if not self.sensors[fi].firm[a, idx]:
                continue
            fc_id, l_id = w.components[fi].id, w.components[li].id
            if fi == li or conn.status(fc_id, l_id, np.array([t]), FIRE_CONTROL).ok[0]:
                return True
        return False
