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

import numpy as np

from iadsim.engine.world import World
from iadsim.geo.horizon import above_horizon
from iadsim.killchain import REASON_CODE, Reason
from iadsim.sensors import first_model

DEGRADED_SNR_LOSS_DB = 6.0
"""Notional: a degraded radar (worn transmitter, drifted receiver) loses this much SNR."""
CLUTTER_HEIGHT_M = 300.0
"""Notional: below this height above ground a target competes with ground clutter, so a
radar's MTI rejects it when its radial speed is under the radar's blind speed."""
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
        # only paths that could otherwise be seen; identical positions (loiters) once
        need = (code == OK) & airborne
        if need.any():
            pts, inverse = np.unique(pos[need], axis=0, return_inverse=True)
            masked = world.terrain.terrain_masked(sensor, pts)[inverse.ravel()]
            sub = code[need]
            sub[masked] = CODE_TERRAIN
            code[need] = sub
    if comp.radar is not None:
        radar = comp.radar
        unit_los = delta / np.maximum(slant, 1.0)[..., None]
        radial = np.abs(np.einsum("akx,akx->ak", vel, unit_los))
        in_clutter = (agl < CLUTTER_HEIGHT_M) & (radial < radar.min_radial_speed_mps)
        code[(code == OK) & in_clutter] = CODE_CLUTTER
        speed = np.linalg.norm(vel, axis=-1)
        cos_aspect = np.einsum("akx,akx->ak", vel, unit_los) / np.maximum(speed, 1e-9)
        aspect = np.where(speed > 1e-9, np.arccos(np.clip(cos_aspect, -1, 1)), np.pi / 2)
        rcs = np.stack(
            [first_model.rcs_m2(ac.spec.rcs_dbsm, aspect[i]) for i, ac in enumerate(world.aircraft)]
        )
        snr = first_model.snr_db(radar, slant, rcs)
        pd_nom = first_model.pd_swerling1(snr, radar.pfa)
        pd_deg = first_model.pd_swerling1(snr - DEGRADED_SNR_LOSS_DB, radar.pfa)
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


def _visual_reach(world: World, comp) -> float:
    """How far a team sees an aircraft by eye in this scenario's light (notional)."""
    vis = comp.visual
    if not world.night:
        return vis.detection_range_day_m
    return vis.detection_range_night_nvg_m if world.night_vision else vis.detection_range_night_m


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
    return Geometry(world=world, sensors=sensors, units=units)
