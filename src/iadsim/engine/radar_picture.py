"""Seed-independent geometry, computed once per scenario and shared by every replication.

For each sensor: its look times, and per (aircraft, look) whether the aircraft is airborne,
its range, whether geometry lets the sensor see it (and if not, why), and the detection
probability when the sensor is operational or degraded. For each unit: its decision times
and whether each aircraft is inside the weapon envelope. Replications only draw dice
against these arrays (../shared/DESIGN.md, "Where the time goes").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np

from iadsim.engagement.manpads import lock_probability, look_probability
from iadsim.engine.anti_radiation import ArmSightlines, arm_sightlines
from iadsim.engine.electronic_attack import (
    active_jammers,
    comms_jammers,
    jam_to_noise,
    radars_covered,
    radio_link_jamming,
)
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.weapons import WeaponModel, weapon_model
from iadsim.engine.world import World
from iadsim.geo.line_of_sight import horizon_obstruction
from iadsim.killchain import (
    CODE_BELOW_HORIZON,
    CODE_CLUTTER,
    CODE_JAMMED,
    CODE_OUT_OF_RANGE,
    CODE_OUTSIDE_ALTITUDE,
    CODE_TERRAIN_MASKED,
    Reason,
)
from iadsim.sensors import clutter as clutter_model
from iadsim.sensors.detection import PdCurve
from iadsim.sensors.radar_equation import RadarParameters, snr_db
from iadsim.sensors.signatures import aspect_angle_rad

TERRAIN_LOS_STEP_S = 6.0
"""Looks of fast-scanning radars are tested for terrain masking on this coarser step first."""
VISUAL_PD_FLOOR = 1e-3
"""Below this chance per look a team is taken not to see the aircraft (saves the terrain
profile test of far paths; over 100 looks it would add under 10%)."""
DEGRADED_VISUAL_FACTOR = 0.5
"""Notional: a degraded team (damaged sight, tired crew) sees with half the per-look chance."""

OK = 0
OBSTRUCTION_CODE = np.array([OK, CODE_BELOW_HORIZON, CODE_TERRAIN_MASKED], np.int8)
"""Kill-chain code of each `geo.terrain.Obstruction` value."""


@dataclass(frozen=True)
class SensorGeometry:
    """Per sensor: look times and per-(aircraft, look) visibility and Pd."""

    component: int
    times_s: np.ndarray  # (K,)
    airborne: np.ndarray  # (A, K) bool
    range_m: np.ndarray  # (A, K)
    geo_code: np.ndarray  # (A, K) int8: 0 visible, else a reason code
    pd_nominal: np.ndarray  # (A, K)
    pd_degraded: np.ndarray  # (A, K)


@dataclass(frozen=True)
class UnitGeometry:
    """Per unit: decision times and the weapon envelope test per (aircraft, time)."""

    unit: int
    times_s: np.ndarray  # (K,)
    airborne: np.ndarray  # (A, K)
    env_code: np.ndarray  # (A, K) int8: 0 inside, else OUT_OF_RANGE / OUTSIDE_ALTITUDE
    range_m: np.ndarray  # (A, K) from the unit's position
    # infrared launchers: IR lock probability per attempt on each aircraft, (A, K)
    p_lock: dict[int, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Geometry:
    """All precomputed geometry of a world."""

    world: World
    sensors: dict[int, SensorGeometry]
    units: tuple[UnitGeometry, ...]
    weapons: dict[str, WeaponModel]  # by catalog missile name
    arm: ArmSightlines | None = None  # anti-radiation carriers against every radar
    link_jamming: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    # seed-independent lookups worked out on first use and shared by the replications
    # (e.g. `LookCache.index`); keyed by what they were worked out from
    memo: dict = field(default_factory=dict, compare=False, repr=False)


def look_phase(name: str, period_s: float) -> float:
    """A stable pseudo-random phase in [0, period) so that radars do not all scan in lockstep."""
    h = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "little")
    return (h / 2**32) * period_s


def _times(period_s: float, duration_s: float, phase_s: float) -> np.ndarray:
    return np.arange(phase_s, duration_s + 1e-9, period_s)


def _aircraft_tracks(world: World, times_s: np.ndarray):
    """Positions, velocities, heights above ground and airborne masks: (A, K, 3), (A, K, 3),
    (A, K), (A, K)."""
    ground = world.terrain.ground_m if world.terrain is not None else None
    pos = np.stack([a.route.positions(times_s, ground) for a in world.aircraft])
    vel = np.stack([a.route.velocities(times_s) for a in world.aircraft])
    agl = pos[..., 2] - world.ground_m(pos[..., 0], pos[..., 1])
    airborne = np.stack([a.route.airborne(times_s) for a in world.aircraft])
    return pos, vel, agl, airborne


def sensor_geometry(
    world: World,
    comp_index: int,
    period_s: float,
    jam_stop_s: Mapping[int, float] | None = None,
) -> SensorGeometry:
    """Visibility and Pd of every aircraft at every look of one sensor (jammers in
    `jam_stop_s` radiate only before their time there: shot down)."""
    comp = world.components[comp_index]
    times = _times(period_s, world.duration_s, look_phase(comp.id, period_s))
    pos, vel, agl, airborne = _aircraft_tracks(world, times)
    sensor = comp.enu + np.array([0.0, 0.0, comp.sensor_height_m])
    delta = sensor[None, None, :] - pos  # target -> sensor
    ground_range = np.hypot(delta[..., 0], delta[..., 1])
    slant = np.sqrt(ground_range**2 + delta[..., 2] ** 2)
    # the one line of sight (geo.line_of_sight): the smooth earth first (cheap, all paths),
    # the radar's instrumented range, then the terrain profile where there is terrain
    datum = 0.0 if world.terrain is None else min(0.0, float(world.terrain.lowest_m))
    code = OBSTRUCTION_CODE[horizon_obstruction(sensor, pos, datum)]
    if comp.radar is not None:
        code[(code == OK) & (slant > comp.radar.max_range_m)] = CODE_OUT_OF_RANGE
    if comp.radar is None:  # acquisition by eye: no hard range, the chance falls with range
        pd_eye = _visual_pd(world, comp, slant)
        pd_eye = np.where(pd_eye >= VISUAL_PD_FLOOR, pd_eye, 0.0)
    if world.terrain is not None:
        need = (code == OK) & airborne
        if comp.radar is None:
            need &= pd_eye > 0.0  # no profile test where the eye cannot see anyway
        blocked = _terrain_obstruction(world, sensor, pos, need, period_s)
        code[need] = OBSTRUCTION_CODE[blocked[need]]
    if comp.radar is not None:
        pd_nom, pd_deg, lost, jammed = _radar_pd(
            world, comp, pos, vel, agl, sensor, ground_range, slant, airborne, times, jam_stop_s
        )
        code[(code == OK) & lost] = CODE_CLUTTER
        code[(code == OK) & jammed] = CODE_JAMMED
    else:
        pd_nom = pd_eye
        pd_deg = pd_nom * DEGRADED_VISUAL_FACTOR
    # a jammed target keeps its (small) chance of detection; the code says why it is small
    visible = ((code == OK) | (code == CODE_JAMMED)) & airborne
    return SensorGeometry(
        component=comp_index,
        times_s=times,
        airborne=airborne,
        range_m=slant,
        geo_code=code,
        pd_nominal=np.where(visible, pd_nom, 0.0),
        pd_degraded=np.where(visible, pd_deg, 0.0),
    )


def _obstruction_at(
    world: World, sensor: np.ndarray, pos: np.ndarray, need: np.ndarray
) -> np.ndarray:
    """Terrain-profile obstruction codes of the paths marked in `need` (identical positions
    computed once); CLEAR elsewhere."""
    out = np.zeros(need.shape, np.int8)
    if need.any():
        pts, inverse = np.unique(pos[need], axis=0, return_inverse=True)
        out[need] = world.terrain.obstruction(sensor, pts)[inverse.ravel()]
    return out


def _terrain_obstruction(
    world: World, sensor: np.ndarray, pos: np.ndarray, need: np.ndarray, period_s: float
) -> np.ndarray:
    """Terrain-profile obstruction (`Obstruction` codes) per (aircraft, look) for the looks
    in `need`.

    Visibility changes slowly with the aircraft's motion, so fast-scanning radars are first
    tested every TERRAIN_LOS_STEP_S; looks between two tested ones are then tested exactly
    wherever the two differ or either was not tested. Same answer as testing every look
    except for a change shorter than the step that returns to the same state.
    """
    stride = max(1, int(round(TERRAIN_LOS_STEP_S / period_s)))
    if stride == 1 or need.shape[1] <= 2 * stride:
        return _obstruction_at(world, sensor, pos, need)
    coarse = np.zeros(need.shape, bool)
    coarse[:, ::stride] = True
    coarse[:, -1] = True
    code = _obstruction_at(world, sensor, pos, need & coarse)
    tested = np.flatnonzero(coarse[0])
    # for each look, the tested looks before and after it
    before = tested[np.searchsorted(tested, np.arange(need.shape[1]), side="right") - 1]
    after = tested[np.minimum(np.searchsorted(tested, np.arange(need.shape[1])), len(tested) - 1)]
    settled = need[:, before] & need[:, after] & (code[:, before] == code[:, after])
    fill = need & ~coarse & settled
    code[fill] = code[:, before][fill]
    rest = need & ~coarse & ~settled
    code = np.where(rest, _obstruction_at(world, sensor, pos, rest), code)
    return code


@cache
def pd_curve(pfa: float, swerling: int, n_pulses: int) -> PdCurve:
    """Exact Pd-vs-SNR table for one detector, shared by every radar that uses it."""
    return PdCurve(pfa, swerling, n_pulses)


def _rcs_m2(rcs_dbsm, aspect_rad: np.ndarray) -> np.ndarray:
    """RCS by aspect (0 nose-on, pi/2 beam, pi tail), interpolated in dB between the three."""
    db = np.interp(
        np.degrees(aspect_rad), [0.0, 90.0, 180.0], [rcs_dbsm.nose, rcs_dbsm.beam, rcs_dbsm.tail]
    )
    return 10.0 ** (db / 10.0)


def _radar_pd(world, comp, pos, vel, agl, sensor, ground_range, slant, airborne, times, jam_stop_s):
    """Pd when operational and when degraded, and where clutter/MTI or jamming is why a
    target is lost.

    Radar equation (single pulse) -> clutter and Doppler notch, and the raid's noise jamming
    (engine.electronic_attack): SINR = S / (N + C + J) -> exact Swerling detection with the
    radar's non-coherent integration, per aircraft type's Swerling case.
    """
    radar = comp.radar
    params = RadarParameters.from_spec(radar)
    aspect = aspect_angle_rad(pos, vel, sensor[None, None, :])
    rcs = np.stack([_rcs_m2(ac.spec.rcs_dbsm, aspect[i]) for i, ac in enumerate(world.aircraft)])
    snr = snr_db(params, np.maximum(slant, 1.0), rcs)
    los = (sensor[None, None, :] - pos) / np.maximum(slant, 1.0)[..., None]
    radial = np.einsum("akx,akx->ak", vel, los)
    clutter = clutter_model.ClutterParameters.from_spec(radar)
    ground_under_target = pos[..., 2] - agl
    grazing = clutter_model.grazing_angle_rad(sensor[2] - ground_under_target, ground_range)
    target_elev = np.maximum(agl, 0.0) / np.maximum(ground_range, 1.0)
    gamma = clutter_model.gamma_db(world.clutter_class)
    n = params.noncoherent_pulses
    effect = clutter_model.clutter_effect(
        snr, params, clutter, np.maximum(slant, 1.0), grazing, target_elev, radial, gamma
    )
    # jamming adds to noise and clutter: S/(N + C + J) = SNR - 10 log10(1 + C/N + J/N)
    jn = jam_to_noise(
        world, radar, params, sensor, pos, airborne, np.maximum(slant, 1.0), times, jam_stop_s
    )
    jammed_any = bool((jn > 0).any())
    sinr = effect.sinr_db
    if jammed_any:
        sinr = snr - 10.0 * np.log10(10.0 ** ((snr - effect.sinr_db) / 10.0) + jn)
    loss_db = comp.degraded.snr_loss_db  # per type, from the readiness room
    pd_nom = np.zeros(snr.shape)
    pd_deg = np.zeros(snr.shape)
    unjammed = np.zeros(snr.shape)
    for i, ac in enumerate(world.aircraft):
        curve = pd_curve(radar.pfa, ac.spec.swerling, n)
        pd_nom[i] = curve(sinr[i])
        pd_deg[i] = curve(sinr[i] - loss_db)
        unjammed[i] = curve(effect.sinr_db[i]) if jammed_any else pd_nom[i]
    # clutter is the reason where it turns a likely detection into an unlikely one, jamming
    # where it does so to a target clear of clutter
    clear = np.stack(
        [pd_curve(radar.pfa, ac.spec.swerling, n)(snr[i]) for i, ac in enumerate(world.aircraft)]
    )
    lost = (clear >= 0.5) & (unjammed < 0.5)
    jammed = (unjammed >= 0.5) & (pd_nom < 0.5)
    return pd_nom, pd_deg, lost, jammed


def _visual_pd(world: World, comp, slant: np.ndarray) -> np.ndarray:
    """Per-look chance that a team sees each aircraft (engagement.manpads.look_probability):
    its median range in this light, with night sights if its crew has them (the crew's own
    setting overrides the environment's), the aircraft's size, acoustic cueing."""
    crew = comp.crew or world.units[world.unit_index[comp.unit]].crew
    return np.stack(
        [
            look_probability(comp.visual, world.night, crew.night_vision, ac.spec, slant[i])
            for i, ac in enumerate(world.aircraft)
        ]
    )


def unit_geometry(world: World, unit_index: int) -> UnitGeometry:
    """Envelope test per aircraft and decision time for one unit (its launchers' missile)."""
    unit = world.units[unit_index]
    period = unit.spec.decision_period_s
    times = _times(period, world.duration_s, look_phase(unit.id, period))
    pos, vel, agl, airborne = _aircraft_tracks(world, times)
    delta = pos - unit.enu[None, None, :]
    rng = np.sqrt((delta**2).sum(-1))
    code = np.full(rng.shape, CODE_OUT_OF_RANGE, np.int8)
    missiles = [world.components[i].missile for i in unit.role("launcher")]
    missile = next((m for m in missiles if m is not None), None)
    if missile is not None:
        in_range = (rng >= missile.min_range_m) & (rng <= missile.max_range_m)
        in_alt = (agl >= missile.min_altitude_m) & (pos[..., 2] <= missile.max_altitude_m)
        code = np.where(
            in_range, np.where(in_alt, OK, CODE_OUTSIDE_ALTITUDE), CODE_OUT_OF_RANGE
        ).astype(np.int8)
    p_lock = {}
    for li in unit.role("launcher"):
        comp = world.components[li]
        if comp.missile is None or comp.missile.guidance != "infrared":
            continue
        seeker_at = comp.enu + np.array([0.0, 0.0, comp.sensor_height_m])
        aspect = aspect_angle_rad(pos, vel, seeker_at[None, None, :])
        slant = np.linalg.norm(pos - seeker_at, axis=-1)
        p_lock[li] = np.stack(
            [
                lock_probability(comp.missile, ac.spec, slant[i], aspect[i])
                for i, ac in enumerate(world.aircraft)
            ]
        )
    return UnitGeometry(unit_index, times, airborne, code, rng, p_lock)


def weapon_models(world: World) -> dict[str, WeaponModel]:
    """The flyout and Pk model of every missile the world's launchers fire, by catalog name."""
    return {c.launcher.missile: weapon_model(c.missile) for c in world.components if c.missile}


def seed_independent(world: World) -> tuple[dict[int, SensorGeometry], tuple, object]:
    """The parts of the geometry a what-if variant may reuse: every sensor's and unit's
    geometry and the ARM sightlines (engine.run records what they read)."""
    sensors: dict[int, SensorGeometry] = {}
    for comp in world.components:
        if comp.radar is not None:
            sensors[comp.index] = sensor_geometry(world, comp.index, comp.radar.scan_period_s)
        elif comp.visual is not None:
            period = world.units[world.unit_index[comp.unit]].spec.decision_period_s
            sensors[comp.index] = sensor_geometry(world, comp.index, period)
    units = tuple(unit_geometry(world, u.index) for u in world.units)
    return sensors, units, arm_sightlines(world)


def build_geometry(world: World, parts: tuple | None = None) -> Geometry:
    """Precompute every sensor's and unit's geometry for a world (`parts`: those of
    `seed_independent`, already worked out), with the weapon models and the radio links'
    jamming windows made from this world."""
    sensors, units, arm = parts if parts is not None else seed_independent(world)
    return Geometry(
        world=world,
        sensors=sensors,
        units=units,
        weapons=weapon_models(world),
        arm=arm,
        link_jamming=radio_link_jamming(world),
    )


def sensor_with_jammers_down(world: World, geo: SensorGeometry, stop_s: Mapping[int, float]):
    """A radar's geometry with the jammers of `stop_s` (aircraft index -> kill time)
    radiating only before their kill time: the Pd and the clutter/jamming codes worked out
    again from the radar equation; the line of sight and ranges are the ones already
    computed (a clutter or jamming code only ever replaces a clear one, so clearing them
    gives back the line-of-sight code). A Kalman-mode radar keeps its tracker fields."""
    comp = world.components[geo.component]
    times = geo.times_s
    pos, vel, agl, airborne = _aircraft_tracks(world, times)
    sensor = comp.enu + np.array([0.0, 0.0, comp.sensor_height_m])
    delta = sensor[None, None, :] - pos
    ground_range = np.hypot(delta[..., 0], delta[..., 1])
    slant = np.sqrt(ground_range**2 + delta[..., 2] ** 2)
    pd_nom, pd_deg, lost, jammed = _radar_pd(
        world, comp, pos, vel, agl, sensor, ground_range, slant, airborne, times, stop_s
    )
    code = geo.geo_code.copy()
    code[(code == CODE_CLUTTER) | (code == CODE_JAMMED)] = OK
    code[(code == OK) & lost] = CODE_CLUTTER
    code[(code == OK) & jammed] = CODE_JAMMED
    visible = ((code == OK) | (code == CODE_JAMMED)) & airborne
    return replace(
        geo,
        geo_code=code,
        pd_nominal=np.where(visible, pd_nom, 0.0),
        pd_degraded=np.where(visible, pd_deg, 0.0),
    )


def with_jammers_down(geometry: Geometry, stop_s: Mapping[int, float]) -> Geometry:
    """The geometry as a replication in which the screening jammers of `stop_s` (aircraft
    index -> kill time) were shot down sees it by its end: the radars their radar jammers
    cover get `sensor_with_jammers_down`, the radio links their jamming windows again when
    a communications jammer is among them. Everything else is shared with `geometry`."""
    if not stop_s:
        return geometry
    world = geometry.world
    jammers = [jam for a, jam in active_jammers(world) if a in stop_s]
    sensors = dict(geometry.sensors)
    for i in radars_covered(world, geometry.sensors, jammers):
        sensors[i] = sensor_with_jammers_down(world, geometry.sensors[i], stop_s)
    link_jamming = geometry.link_jamming
    if any(a in stop_s for a, _ in comms_jammers(world)):
        link_jamming = radio_link_jamming(world, stop_s)
    return replace(geometry, sensors=sensors, link_jamming=link_jamming)


CONTRACTS = (
    Mechanism(
        name="infrared-seeker",
        summary="an infrared missile's seeker locks on by range, aspect and the aircraft's "
        "IR intensity; flares and DIRCM lower its Pk",
        module=__name__,
        reads=(
            "catalog.weapons.seeker",
            "catalog.aircraft.ir_w_sr",
            "catalog.aircraft.countermeasures",
            "scenario.raid.countermeasures",
        ),  # fmt: skip
        reasons=(Reason.NO_LOCK,),
        doc="docs/engagement.md",
    ),
)
