"""Seed-independent geometry, computed once per scenario and shared by every replication.

For each sensor: its look times, and per (aircraft, look) whether the aircraft is airborne,
its range, whether geometry lets the sensor see it (and if not, why), and the detection
probability when the sensor is operational or degraded. For each unit: its decision times
and whether each aircraft is inside the weapon envelope. Replications only draw dice
against these arrays (../shared/DESIGN.md, "Where the time goes").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import numpy as np

from iadsim.engine.weapons import WeaponModel, weapon_model
from iadsim.engine.world import World
from iadsim.geo.horizon import above_horizon
from iadsim.killchain import REASON_CODE, Reason
from iadsim.sensors import clutter as clutter_model
from iadsim.sensors.detection import PdCurve
from iadsim.sensors.radar_equation import RadarParameters, snr_db
from iadsim.sensors.signatures import aspect_angle_rad

TERRAIN_LOS_STEP_S = 6.0
"""Looks of fast-scanning radars are tested for terrain masking on this coarser step first."""
VISUAL_PD_PER_LOOK = 0.5
"""Notional probability that a team watching the sky picks up a visible aircraft per look."""

OK = 0
CODE_HORIZON = REASON_CODE[Reason.BELOW_HORIZON]
CODE_TERRAIN = REASON_CODE[Reason.TERRAIN_MASKED]
CODE_RANGE = REASON_CODE[Reason.OUT_OF_RANGE]
CODE_CLUTTER = REASON_CODE[Reason.CLUTTER]
CODE_ALTITUDE = REASON_CODE[Reason.OUTSIDE_ALTITUDE]


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


@dataclass(frozen=True)
class Geometry:
    """All precomputed geometry of a world."""

    world: World
    sensors: dict[int, SensorGeometry]
    units: tuple[UnitGeometry, ...]
    weapons: dict[str, WeaponModel]  # by catalog missile name


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


def sensor_geometry(world: World, comp_index: int, period_s: float) -> SensorGeometry:
    """Visibility and Pd of every aircraft at every look of one sensor."""
    comp = world.components[comp_index]
    times = _times(period_s, world.duration_s, look_phase(comp.id, period_s))
    pos, vel, agl, airborne = _aircraft_tracks(world, times)
    sensor = comp.enu + np.array([0.0, 0.0, comp.sensor_height_m])
    delta = sensor[None, None, :] - pos  # target -> sensor
    ground_range = np.hypot(delta[..., 0], delta[..., 1])
    slant = np.sqrt(ground_range**2 + delta[..., 2] ** 2)
    code = np.zeros(slant.shape, np.int8)
    # 4/3-earth horizon over the sea-level sphere (heights MSL), then terrain if any
    horizon_ok = above_horizon(ground_range, sensor[2], pos[..., 2])
    code[~horizon_ok] = CODE_HORIZON
    reach_m = comp.radar.max_range_m if comp.radar is not None else _visual_reach(world, comp)
    code[(code == OK) & (slant > reach_m)] = CODE_RANGE
    if world.terrain is not None:
        masked = _terrain_masked(world, sensor, pos, (code == OK) & airborne, period_s)
        code[masked] = CODE_TERRAIN
    if comp.radar is not None:
        pd_nom, pd_deg, lost = _radar_pd(world, comp, pos, vel, agl, sensor, ground_range, slant)
        code[(code == OK) & lost] = CODE_CLUTTER
    else:  # acquisition by eye
        pd_nom = np.full(slant.shape, VISUAL_PD_PER_LOOK)
        pd_deg = pd_nom * 0.5
    visible = (code == OK) & airborne
    return SensorGeometry(
        component=comp_index,
        times_s=times,
        airborne=airborne,
        range_m=slant,
        geo_code=code,
        pd_nominal=np.where(visible, pd_nom, 0.0),
        pd_degraded=np.where(visible, pd_deg, 0.0),
    )


def _masked_at(world: World, sensor: np.ndarray, pos: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Terrain masking of the paths marked in `need` (identical positions computed once)."""
    out = np.zeros(need.shape, bool)
    if need.any():
        pts, inverse = np.unique(pos[need], axis=0, return_inverse=True)
        out[need] = world.terrain.terrain_masked(sensor, pts)[inverse.ravel()]
    return out


def _terrain_masked(
    world: World, sensor: np.ndarray, pos: np.ndarray, need: np.ndarray, period_s: float
) -> np.ndarray:
    """Terrain masking per (aircraft, look) for the looks in `need`.

    Masking changes slowly with the aircraft's motion, so fast-scanning radars are first
    tested every TERRAIN_LOS_STEP_S; looks between two tested ones are then tested exactly
    wherever the two differ or either was not tested. Same answer as testing every look
    except for a masking flicker shorter than the step that returns to the same state.
    """
    stride = max(1, int(round(TERRAIN_LOS_STEP_S / period_s)))
    if stride == 1 or need.shape[1] <= 2 * stride:
        return _masked_at(world, sensor, pos, need)
    coarse = np.zeros(need.shape, bool)
    coarse[:, ::stride] = True
    coarse[:, -1] = True
    masked = _masked_at(world, sensor, pos, need & coarse)
    tested = np.flatnonzero(coarse[0])
    # for each look, the tested looks before and after it
    before = tested[np.searchsorted(tested, np.arange(need.shape[1]), side="right") - 1]
    after = tested[np.minimum(np.searchsorted(tested, np.arange(need.shape[1])), len(tested) - 1)]
    settled = need[:, before] & need[:, after] & (masked[:, before] == masked[:, after])
    fill = need & ~coarse & settled
    masked[fill] = masked[:, before][fill]
    rest = need & ~coarse & ~settled
    masked |= _masked_at(world, sensor, pos, rest)
    return masked


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


def _radar_pd(world, comp, pos, vel, agl, sensor, ground_range, slant):
    """Pd when operational and when degraded, and where clutter/MTI is why a target is lost.

    Radar equation (single pulse) -> clutter and Doppler notch (SINR) -> exact Swerling
    detection with the radar's non-coherent integration, per aircraft type's Swerling case.
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
    loss_db = comp.degraded.snr_loss_db  # per type, from the readiness room
    pd_nom = np.zeros(snr.shape)
    pd_deg = np.zeros(snr.shape)
    for i, ac in enumerate(world.aircraft):
        curve = pd_curve(radar.pfa, ac.spec.swerling, n)
        pd_nom[i] = curve(effect.sinr_db[i])
        pd_deg[i] = curve(effect.sinr_db[i] - loss_db)
    # clutter is the reason where it turns a likely detection into an unlikely one
    clear = np.stack(
        [pd_curve(radar.pfa, ac.spec.swerling, n)(snr[i]) for i, ac in enumerate(world.aircraft)]
    )
    lost = (clear >= 0.5) & (pd_nom < 0.5)
    return pd_nom, pd_deg, lost


def _visual_reach(world: World, comp) -> float:
    """How far a team sees an aircraft by eye in this scenario's light, with night sights if
    the environment or the team's own crew has them (notional ranges from the catalog)."""
    vis = comp.visual
    if not world.night:
        return vis.detection_range_day_m
    crew = world.units[world.unit_index[comp.unit]].crew
    nvg = world.night_vision or crew.night_vision
    return vis.detection_range_night_nvg_m if nvg else vis.detection_range_night_m


def unit_geometry(world: World, unit_index: int) -> UnitGeometry:
    """Envelope test per aircraft and decision time for one unit (its launchers' missile)."""
    unit = world.units[unit_index]
    period = unit.spec.decision_period_s
    times = _times(period, world.duration_s, look_phase(unit.id, period))
    pos, _, agl, airborne = _aircraft_tracks(world, times)
    delta = pos - unit.enu[None, None, :]
    rng = np.sqrt((delta**2).sum(-1))
    code = np.full(rng.shape, CODE_RANGE, np.int8)
    missiles = [world.components[i].missile for i in unit.role("launcher")]
    missile = next((m for m in missiles if m is not None), None)
    if missile is not None:
        in_range = (rng >= missile.min_range_m) & (rng <= missile.max_range_m)
        in_alt = (agl >= missile.min_altitude_m) & (pos[..., 2] <= missile.max_altitude_m)
        code = np.where(in_range, np.where(in_alt, OK, CODE_ALTITUDE), CODE_RANGE).astype(np.int8)
    return UnitGeometry(unit_index, times, airborne, code, rng)


def build_geometry(world: World) -> Geometry:
    """Precompute every sensor's and unit's geometry for a world."""
    sensors: dict[int, SensorGeometry] = {}
    for comp in world.components:
        if comp.radar is not None:
            sensors[comp.index] = sensor_geometry(world, comp.index, comp.radar.scan_period_s)
        elif comp.visual is not None:
            period = world.units[world.unit_index[comp.unit]].spec.decision_period_s
            sensors[comp.index] = sensor_geometry(world, comp.index, period)
    units = tuple(unit_geometry(world, u.index) for u in world.units)
    weapons = {c.launcher.missile: weapon_model(c.missile) for c in world.components if c.missile}
    return Geometry(world=world, sensors=sensors, units=units, weapons=weapons)
