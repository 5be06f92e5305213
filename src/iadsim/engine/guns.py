"""Guns and damage in the engine: anti-aircraft guns, heavy machine guns and small arms fire
bursts at the aircraft their crews see; a hit kills, makes the aircraft abort its mission,
or leaves it flying on damaged (engagement/gunnery.py; the data: scenario/guns.py).

Seed-independent (`GunSightlines`, once per geometry, kept in `Geometry.memo` keyed by the
data it reads): per gun site and aircraft on a 1 s grid, the slant range, whether it is in
the gun's effective range and in sight (the one line of sight, engine radar_picture's), and
whether the crew can acquire it (laying by eye at night without night sights: only within
the gun type's `acquisition_night_m`). Per replication (`GunProcess`): whether each site is
manned (one draw), its rounds, and in the event queue the crew laying on the nearest live
aircraft it sees, its first burst a reaction time later, the next every burst interval
while the target stays in sight. Each burst is a binomial number of hits and one draw per
hit (`gunnery.fire_burst`).

A kill is announced as `AircraftDown` (the fight, the ARM carriers and the jammers hear it);
an abort as `AircraftWithdrawn`: the aircraft leaves the fight at once (no longer a target,
fires and jams no more; the model does not re-plan its way home). A hit that neither kills
nor turns it back is the DAMAGED event and the ledger's INTERCEPTED stage with reason DAMAGED:
its own outcome, neither a kill nor a miss. A burst shows where the gun is (muzzle flash,
tracers): the raid's return fire answers it as it answers a launch (engine/returnfire.py), and
a hit silences the site.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from iadsim.engagement.gunnery import Damage, fire_burst, p_round_hit
from iadsim.engine.events import AircraftDown, AircraftWithdrawn, EventKind
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.returnfire import ReturnFireProcess
from iadsim.engine.scheduler import Context
from iadsim.geo.line_of_sight import obstruction
from iadsim.geo.terrain import Obstruction
from iadsim.killchain import REASON_CODE, Reason, Stage
from iadsim.scenario.guns import GunType

GUN_STEP_S = 1.0
"""The sightline grid (s): a crew looks for targets, and a target in sight is checked, at
this step."""

GUN_HEIGHT_M = 2.0
"""Notional: the gun's (or rifleman's) eye and muzzle above the ground it stands on."""


@dataclass(frozen=True)
class GunSite:
    """A gun site at run time."""

    index: int
    id: str
    gun: GunType
    count: int
    enu: np.ndarray  # muzzle, m (east, north, altitude MSL)
    p_manned: float
    reach_m: float  # how far the crew acquires an aircraft (<= the effective range)


@dataclass(frozen=True)
class GunSightlines:
    """Seed-independent: per site, (A, K) slant ranges, targets it can fire at (airborne,
    acquired, in sight, in range), and its ledger timeline as far as geometry goes (stage
    and reason codes, int8), the steps with a target, on the grid `times_s`."""

    times_s: np.ndarray
    sites: tuple[GunSite, ...]
    slant: tuple[np.ndarray, ...]
    sight: tuple[np.ndarray, ...]
    stage: tuple[np.ndarray, ...]
    reason: tuple[np.ndarray, ...]
    steps: tuple[list[int], ...]


def gun_sites(world) -> tuple[GunSite, ...]:
    """The scenario's gun sites, placed on the ground."""
    spec, cat = world.scenario.spec, world.scenario.catalog
    sites = []
    for i, g in enumerate(spec.guns):
        gun = cat.guns[g.type]
        enu = world.frame.to_enu(g.position.lat_deg, g.position.lon_deg, 0.0)
        ground = float(world.ground_m(np.array([enu[0]]), np.array([enu[1]]))[0])
        by_eye = gun.laying == "visual" and world.night and not world.night_vision
        reach = min(gun.acquisition_night_m, gun.effective_range_m) if by_eye else None
        muzzle = np.array([float(enu[0]), float(enu[1]), ground + GUN_HEIGHT_M])
        sites.append(
            GunSite(i, g.id, gun, g.count, muzzle, g.p_manned, reach or gun.effective_range_m)
        )
    return tuple(sites)


def gun_sightlines(world) -> GunSightlines:
    """Every site's sightlines to every aircraft on the GUN_STEP_S grid."""
    times = np.arange(0.0, world.duration_s + 1e-9, GUN_STEP_S)
    ground = world.terrain.ground_m if world.terrain is not None else None
    pos = np.stack([a.route.positions(times, ground) for a in world.aircraft])
    up = np.stack([a.route.airborne(times) for a in world.aircraft])
    out: dict[str, list] = {k: [] for k in ("slant", "sight", "stage", "reason", "steps")}
    sites = gun_sites(world)
    for site in sites:
        slant = np.linalg.norm(pos - site.enu, axis=-1)
        near = up & (slant <= site.gun.effective_range_m)
        blocked = np.full(slant.shape, Obstruction.CLEAR, np.int8)
        if near.any():
            blocked[near] = obstruction(site.enu, pos[near], world.terrain)
        seen = near & (blocked == Obstruction.CLEAR)
        sight = seen & (slant <= site.reach_m)
        stage = np.where(near, int(Stage.IN_ENVELOPE), -1)
        stage = np.where(seen, int(Stage.LINE_OF_SIGHT), stage)
        stage = np.where(sight, int(Stage.FIRE_CONTROL), stage).astype(np.int8)
        masked = np.where(
            blocked == Obstruction.HORIZON,
            REASON_CODE[Reason.BELOW_HORIZON],
            REASON_CODE[Reason.TERRAIN_MASKED],
        )
        reason = np.where(seen, REASON_CODE[Reason.NOT_DETECTED], masked)
        reason = np.where(sight, REASON_CODE[Reason.NOT_ASSIGNED], reason)
        reason = np.where(near, reason, REASON_CODE[Reason.OUT_OF_RANGE]).astype(np.int8)
        for key, value in zip(
            ("slant", "sight", "stage", "reason", "steps"),
            (slant, sight, stage, reason, np.flatnonzero(sight.any(axis=0)).tolist()),
            strict=True,
        ):
            out[key].append(value)
    return GunSightlines(times, sites, *(tuple(out[k]) for k in out))


def sightlines_of(geometry) -> GunSightlines | None:
    """The geometry's gun sightlines, worked out once per geometry and the gun data it reads
    (a what-if with other guns on the same geometry gets its own); None without guns."""
    world = geometry.world
    spec = world.scenario.spec
    if not spec.guns:
        return None
    cat = world.scenario.catalog
    key = (
        "guns",
        tuple(g.model_dump_json() for g in spec.guns),
        tuple(cat.guns[g.type].model_dump_json() for g in spec.guns),
    )
    found = geometry.memo.get(key)
    if found is None:
        found = geometry.memo[key] = gun_sightlines(world)
    return found


class GunProcess:
    """The guns of one replication.

    State: which sites are manned (`manned`, one draw each), rounds left, the target each
    crew is laid on, each aircraft's worst damage (`damage`) and when (`damaged_at`), and
    whether it is still in the fight (`live`). Hears AircraftDown and AircraftWithdrawn
    (from anyone: a target gone is not fired at); emits both; writes GUN_FIRE, DAMAGED,
    KILL records and ledger observations in the sites' ledger columns (`first_column` on).
    """

    def __init__(
        self,
        ctx: Context,
        sight: GunSightlines,
        first_column: int,
        return_fire: ReturnFireProcess | None = None,
        alive: np.ndarray | None = None,
    ):
        self.ctx, self.sight, self.col0 = ctx, sight, first_column
        # the raid fires back at a burst it sees, as at a launch (`alive`: the fight's)
        self.return_fire, self.alive = return_fire, alive
        self.world_aircraft = None
        n_aircraft = sight.slant[0].shape[0]
        self.live = np.ones(n_aircraft, bool)
        self.damage = np.zeros(n_aircraft, np.int8)
        self.damaged_at = np.full(n_aircraft, np.inf)
        self.manned = [
            bool(ctx.rs.stream(f"gun:{s.id}:manned").random() < s.p_manned) for s in sight.sites
        ]
        self.rounds = [s.gun.rounds * s.count for s in sight.sites]
        self.laid_on: list[int | None] = [None] * len(sight.sites)
        self.silenced_at = [np.inf] * len(sight.sites)  # put out of action by return fire

    def start(self, aircraft_ids: list[str], vulnerability: list) -> None:
        """Each manned site's first look for a target into the queue."""
        self.ids, self.vulnerability = aircraft_ids, vulnerability
        for s, manned in enumerate(self.manned):
            if manned:
                self._seek(s, 0.0)

    def hear(self, outcome) -> None:
        """An aircraft gone (shot down, or withdrawn) is no longer a target."""
        if isinstance(outcome, AircraftDown | AircraftWithdrawn):
            self.live[outcome.aircraft] = False

    def _seek(self, s: int, t: float) -> None:
        """Put site s's next look, at the first step at or after t where it sees a live
        aircraft, into the queue."""
        steps, times = self.sight.steps[s], self.sight.times_s
        sight = self.sight.sight[s]
        for j in steps[bisect_left(steps, int(np.ceil(t / GUN_STEP_S - 1e-9))) :]:
            if (sight[:, j] & self.live).any():
                self.ctx.queue.schedule(max(float(times[j]), t), self._lay, s, j)
                return

    def _target(self, s: int, j: int) -> int | None:
        """The nearest live aircraft site s sees at step j."""
        seen = self.sight.sight[s][:, j] & self.live
        if not seen.any():
            return None
        slant = np.where(seen, self.sight.slant[s][:, j], np.inf)
        return int(np.argmin(slant))

    def _lay(self, s: int, j: int) -> None:
        """The crew lays on the nearest aircraft it sees; the first burst a reaction later."""
        a = self._target(s, j)
        t = self.ctx.now_s
        if a is None:
            self._seek(s, t + GUN_STEP_S)
            return
        self.laid_on[s] = a
        self.ctx.queue.schedule(t + self.sight.sites[s].gun.reaction_s, self._burst, s, a)

    def _burst(self, s: int, a: int) -> None:
        """A burst at aircraft a if it is still in sight and live; the next one a burst
        interval later, or a new look."""
        site, t = self.sight.sites[s], self.ctx.now_s
        j = min(int(t / GUN_STEP_S), self.sight.times_s.size - 1)
        if self.silenced_at[s] <= t:
            return
        if not (self.live[a] and self.sight.sight[s][a, j]) or self.rounds[s] <= 0:
            self.laid_on[s] = None
            if self.rounds[s] > 0:
                self._seek(s, t + GUN_STEP_S)
            return
        gun = site.gun
        n = min(site.count * gun.barrels * gun.burst_rounds, self.rounds[s])
        self.rounds[s] -= n
        slant = float(self.sight.slant[s][a, j])
        vul = self.vulnerability[a]
        area = vul.presented_area_m2 if vul is not None else 0.0
        pk = vul.p_kill_given_hit(gun.projectile) if vul is not None else 0.0
        pa = vul.p_abort_given_hit(gun.projectile) if vul is not None else 0.0
        p = p_round_hit(area, slant, gun.dispersion_mrad) if area > 0 else 0.0
        rng = self.ctx.rs.stream(f"gun:{site.id}:{self.ids[a]}")
        hits, worst = fire_burst(rng, n, p, pk, pa)
        self.ctx.log.add(t, EventKind.GUN_FIRE, self.ids[a], site.id, site.id, gun.projectile, n)
        self.ctx.ledger.observe(a, self.col0 + s, Stage.LAUNCHED, Reason.MISSED, t)
        if hits:
            self._hit(s, a, t, hits, worst)
        if self.return_fire is not None and self.alive is not None:
            fire, _ = self.return_fire.at_gun(site.id, site.enu, t, self.alive)
            if fire is not None:
                self.ctx.queue.schedule(fire.time_s, self._fired_on, s, fire)
        self.ctx.queue.schedule(t + gun.burst_interval_s, self._burst, s, a)

    def _fired_on(self, s: int, fire) -> None:
        """Return fire lands on site s, unless its shooter is out of the fight by now; a hit
        silences the site for good."""
        if not self.alive[self.ids.index(fire.shooter_id)]:
            return
        if self.return_fire.gun_lands(self.sight.sites[s].id, fire):
            self.silenced_at[s] = min(self.silenced_at[s], fire.time_s)

    def _hit(self, s: int, a: int, t: float, hits: int, worst: Damage) -> None:
        """Hits on aircraft a: its damage is the worst yet; a kill or an abort is announced."""
        site, col = self.sight.sites[s], self.col0 + s
        if worst > self.damage[a]:
            self.damage[a] = int(worst)
        self.damaged_at[a] = min(self.damaged_at[a], t)
        if worst is Damage.KILLED:
            self.live[a] = False
            self.ctx.ledger.observe(a, col, Stage.KILLED, Reason.NONE, t)
            self.ctx.log.add(t, EventKind.KILL, self.ids[a], site.id, site.id, "gun", hits)
            self.ctx.emit(AircraftDown(t, a))
            return
        what = "abort" if worst is Damage.ABORTED else "continues"
        self.ctx.ledger.observe(a, col, Stage.INTERCEPTED, Reason.DAMAGED, t)
        self.ctx.log.add(t, EventKind.DAMAGED, self.ids[a], site.id, site.id, what, hits)
        if worst is Damage.ABORTED and self.live[a]:
            self.live[a] = False
            self.ctx.emit(AircraftWithdrawn(t, a))

    def fold_into(self, ledger, out_time: np.ndarray) -> None:
        """The sites' geometric timelines into the ledger (before each aircraft left the
        fight); an unmanned site stops at DETECTED with CREW_NOT_READY."""
        times = self.sight.times_s
        after = times[None, :] > out_time[:, None]
        for s in range(len(self.sight.sites)):
            stage, reason = self.sight.stage[s], self.sight.reason[s]
            if not self.manned[s]:
                acquired = stage == Stage.FIRE_CONTROL
                stage = np.where(acquired, int(Stage.DETECTED), stage).astype(np.int8)
                code = REASON_CODE[Reason.CREW_NOT_READY]
                reason = np.where(acquired, code, reason).astype(np.int8)
            ledger.observe_timeline(self.col0 + s, times, np.where(after, -1, stage), reason)


CONTRACTS = (
    Mechanism(
        name="guns",
        summary="anti-aircraft guns, heavy machine guns and small arms fire bursts at the "
        "aircraft their crews see: hits from dispersion against the presented area; a hit "
        "kills, turns the aircraft back or leaves it flying on damaged (per type)",
        module=__name__,
        process="GunProcess",
        reads=("catalog.guns", "catalog.aircraft.vulnerability", "scenario.guns"),
        owns=(
            "GunProcess.manned",
            "GunProcess.rounds",
            "GunProcess.damage",
            "GunProcess.live",
            "GunProcess.silenced_at",
        ),
        hears=(AircraftDown, AircraftWithdrawn),
        emits=(AircraftDown, AircraftWithdrawn),
        route="guns",
        reasons=(Reason.DAMAGED,),
        also_gives=(Reason.CREW_NOT_READY,),
        records=(EventKind.GUN_FIRE, EventKind.DAMAGED, EventKind.KILL),  # return fire's own
        doc="docs/engagement.md",
    ),
)
