"""Firm tracks from a real tracker: noisy polar plots -> `iadsim.tracking.Tracker` per radar.

The engine's default ("mofn") calls a track firm when M of the last N looks detected the
aircraft. This module is the "kalman" alternative: for one radar and one replication it turns
the detection draws into noisy (range, azimuth, elevation) plots, adds Poisson false alarms,
runs a Kalman tracker (CV, EKF update, GNN association, 2-of-3 confirmation, deletion after
3 misses) over the looks, and calls a track on aircraft `a` firm at look `k` when the tracker
holds a confirmed track whose last plot came from `a` and whose horizontal position standard
deviation is below the radar's quality threshold ("a launcher can be cued only by a firm
track of sufficient quality"; a fire-control radar needs a tighter track than a search radar).

Cost: the tracker only runs over stretches of looks where the radar detected something (plus
a margin in which tracks coast and are deleted); each stretch starts a fresh tracker, so long
empty stretches cost nothing. Where numba is installed (the `fast` extra) a radar's stretches
run in one call of the compiled `iadsim.tracking.fast_cv.run_scans` (the same tracks as
`Tracker`, which stays the reference and still runs with `record=True`): the Kalman mode then
costs about what the M-of-N mode does per Caracas replication, instead of about 8 times.
Randomness: one named stream per radar,
``f"sensor:{comp.id}:measure"`` (plot noise, then false alarms), drawn in one call each.

All figures here are notional (see each constant).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from iadsim.engine.radar_picture import SensorGeometry
from iadsim.engine.rng import RngStreams
from iadsim.engine.world import ComponentRt, World
from iadsim.scenario.catalog import ComponentKind
from iadsim.sensors.measurement import MeasurementNoise, noise_for
from iadsim.tracking import Tracker, TrackerConfig, fast_cv

TRACKER_CONFIG = TrackerConfig(
    measurement="polar",
    motion="cv",
    q=50.0,
    association="gnn",
    gate=4.0,
    init_gate=4.0,
    confirm_m=2,
    confirm_n=3,
    delete_misses=3,
    init_velocity_std=300.0,
)
"""Notional tracker settings: CV with a process noise (50 m^2/s^3) that follows aircraft
through moderate turns at scan periods of 1-12 s; 2-of-3 confirmation like the M-of-N mode."""

NOISE_TYPE_BY_KIND: dict[ComponentKind, str] = {
    ComponentKind.EARLY_WARNING_RADAR: "early-warning-radar",
    ComponentKind.SURVEILLANCE_RADAR: "surveillance-radar",
    ComponentKind.ACQUISITION_RADAR: "surveillance-radar",
    ComponentKind.ENGAGEMENT_RADAR: "engagement-radar",
    ComponentKind.TELAR: "engagement-radar",
}
"""Which of `iadsim.sensors.measurement.NOISE_BY_RADAR_TYPE` applies to each radar kind
(nominal sigmas, not scaled with SNR: the tracker takes one R per scan)."""

FIRE_CONTROL_KINDS = frozenset({ComponentKind.ENGAGEMENT_RADAR, ComponentKind.TELAR})
MAX_POS_STD_FIRE_CONTROL_M = 150.0
"""Notional: a fire-control radar's track is firm when its horizontal position std is under
this (good enough to guide a missile's midcourse)."""
MAX_POS_STD_CUE_M = 1500.0
"""Notional: a search radar's track is firm (can cue a launcher's own radar) when its
horizontal position std is under this (the cue basket of an acquisition search)."""

RANGE_RESOLUTION_M = 150.0
BEAMWIDTH_RAD = math.radians(1.5)
"""Notional resolution cell of every radar, for the false-alarm rate: mean false alarms per
scan = pfa x (max range / range resolution) x (2 pi / beamwidth) (about 0.5 for a 300 km
radar at pfa 1e-6)."""
FALSE_ALARM_MAX_EL_RAD = math.radians(20.0)
"""False plots are uniform in range, azimuth and in elevation from 0 to this."""


def track_margin(config: TrackerConfig = TRACKER_CONFIG) -> int:
    """Looks after a detection during which a track may still exist (coasting, then deleted)."""
    return int((config.delete_misses or 0) + (config.confirm_n or config.confirm_m) + 1)


def noise_of(comp: ComponentRt) -> MeasurementNoise:
    """The nominal plot noise of a radar component."""
    return noise_for(NOISE_TYPE_BY_KIND.get(comp.kind, "surveillance-radar"))


def max_pos_std_of(comp: ComponentRt) -> float:
    """Quality threshold of a firm track for this radar (horizontal position std, m)."""
    return MAX_POS_STD_FIRE_CONTROL_M if comp.kind in FIRE_CONTROL_KINDS else MAX_POS_STD_CUE_M


def false_alarm_rate(comp: ComponentRt) -> float:
    """Mean false plots per scan (notional resolution cell, the catalog's pfa)."""
    radar = comp.radar
    cells = (radar.max_range_m / RANGE_RESOLUTION_M) * (2 * math.pi / BEAMWIDTH_RAD)
    return float(radar.pfa * cells)


@dataclass(frozen=True, kw_only=True)
class KalmanSensorGeometry(SensorGeometry):
    """A radar's geometry plus what its tracker needs, precomputed once per scenario: the
    antenna's ENU position, every aircraft's ENU position at every look, and the plot noise.
    `engine.sensing.sensor_state` runs the Kalman tracker for sensors of this type."""

    sensor_enu: np.ndarray  # (3,)
    truth_enu: np.ndarray  # (A, K, 3)
    noise: MeasurementNoise
    tracker: str = field(default="kalman")


def kalman_sensor_geometry(world: World, geo: SensorGeometry) -> KalmanSensorGeometry:
    """Extend one radar's geometry with antenna and aircraft positions at its looks."""
    if isinstance(geo, KalmanSensorGeometry):
        return geo
    comp = world.components[geo.component]
    ground = world.terrain.ground_m if world.terrain is not None else None
    times = geo.times_s
    if world.aircraft:
        truth = np.stack([a.route.positions(times, ground) for a in world.aircraft])
    else:
        truth = np.zeros((0, times.size, 3))
    base = {f.name: getattr(geo, f.name) for f in fields(SensorGeometry)}
    return KalmanSensorGeometry(
        **base,
        sensor_enu=comp.enu + np.array([0.0, 0.0, comp.sensor_height_m]),
        truth_enu=truth,
        noise=noise_of(comp),
    )


def with_kalman_tracking(world, sensors: dict) -> dict:
    """The same sensor geometries where every radar tracks with the Kalman tracker (eyes
    keep M-of-N)."""
    fast_cv.warm_up()  # compiled once here, before any pool worker is forked
    return {
        i: (kalman_sensor_geometry(world, g) if world.components[i].is_radar else g)
        for i, g in sensors.items()
    }


@dataclass
class TrackReports:
    """The confirmed tracks a radar reports after each look it processed (what it sends to
    command posts; `engine.fusion_picture` fuses them there).

    Report `r` is valid at look `look[r]` and holds rows `start[r]:start[r + 1]` of the long
    arrays `ids` (local track ids, unique over the run), `x` (N, 6), `p` (N, 6, 6) and `truth`
    (aircraft index of the track's last plot, -1 for clutter). Every report is the radar's
    whole confirmed list, so an empty report (also sent at the look after each processed
    stretch, when that stretch's tracker is dropped) tells the receiver that nothing is held.
    """

    look: np.ndarray  # (R,) int64, increasing
    start: np.ndarray  # (R + 1,) int64
    ids: np.ndarray  # (N,) int64
    x: np.ndarray  # (N, 6)
    p: np.ndarray  # (N, 6, 6)
    truth: np.ndarray  # (N,) int64

    @staticmethod
    def empty(d: int = 6) -> TrackReports:
        return TrackReports(
            np.zeros(0, np.int64),
            np.zeros(1, np.int64),
            np.zeros(0, np.int64),
            np.zeros((0, d)),
            np.zeros((0, d, d)),
            np.zeros(0, np.int64),
        )


class _ReportLog:
    """Collects a tracker's confirmed tracks look by look (see TrackReports)."""

    def __init__(self) -> None:
        self.looks: list[int] = []
        self.counts: list[int] = []
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, k: int, ids: np.ndarray, x: np.ndarray, p: np.ndarray, truth: np.ndarray):
        self.looks.append(k)
        self.counts.append(ids.size)
        self.rows.append((ids, x, p, truth))

    def add_empty(self, k: int) -> None:
        self.looks.append(k)
        self.counts.append(0)

    def done(self) -> TrackReports:
        if not self.looks:
            return TrackReports.empty()
        start = np.concatenate([[0], np.cumsum(self.counts, dtype=np.int64)])
        if self.rows:
            ids, x, p, truth = (np.concatenate(c) for c in zip(*self.rows, strict=True))
        else:
            e = TrackReports.empty()
            ids, x, p, truth = e.ids, e.x, e.p, e.truth
        return TrackReports(np.asarray(self.looks, np.int64), start, ids, x, p, truth)


@dataclass
class KalmanRun:
    """What a radar's tracker did in one replication.

    `firm` (A, K): a confirmed track of sufficient quality follows aircraft a at look k.
    `reports`: the confirmed tracks after each processed look (for command-post fusion).
    With `record=True`, `hist_*` hold every logged state of tracks that were ever confirmed
    (long format; ids unique across the stretches) and `confirmed_at` their confirmation
    times, for GOSPA and track statistics.
    """

    firm: np.ndarray
    looks_processed: int
    hist_t: np.ndarray | None = None
    hist_ids: np.ndarray | None = None
    hist_pos: np.ndarray | None = None
    confirmed_at: dict[int, float] | None = None
    reports: TrackReports = field(default_factory=TrackReports.empty)


def _stretches(active: np.ndarray, margin: int) -> np.ndarray:
    """Looks to process: every look within `margin` looks after an active one."""
    c = np.concatenate([[0], np.cumsum(active, dtype=np.int64)])
    k = np.arange(active.size)
    return (c[k + 1] - c[np.maximum(k + 1 - margin, 0)]) > 0


def _plots(
    geo: KalmanSensorGeometry, detected: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noisy polar plots of every detection: look index, aircraft index and (range, az, el),
    ordered by look then aircraft."""
    k_idx, a_idx = np.nonzero(detected.T)
    rel = geo.truth_enu[a_idx, k_idx] - geo.sensor_enu
    ground = np.hypot(rel[:, 0], rel[:, 1])
    rng_m = np.sqrt(ground**2 + rel[:, 2] ** 2)
    az = np.arctan2(rel[:, 0], rel[:, 1])
    el = np.arctan2(rel[:, 2], ground)
    n = geo.noise
    z = rng.standard_normal((k_idx.size, 3))
    plots = np.empty((k_idx.size, 3))
    plots[:, 0] = np.abs(rng_m + n.sigma_range_m * z[:, 0])
    plots[:, 1] = np.mod(az + n.sigma_az_rad * z[:, 1], 2 * math.pi)
    plots[:, 2] = np.clip(el + n.sigma_el_rad * z[:, 2], -math.pi / 2, math.pi / 2)
    return k_idx, a_idx, plots


def _false_plots(
    comp: ComponentRt, looks: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson false plots on the given looks: look index per plot and (range, az, el)."""
    counts = rng.poisson(false_alarm_rate(comp), size=looks.size)
    k_idx = np.repeat(looks, counts)
    u = rng.random((k_idx.size, 3))
    plots = np.column_stack(
        [u[:, 0] * comp.radar.max_range_m, u[:, 1] * 2 * math.pi, u[:, 2] * FALSE_ALARM_MAX_EL_RAD]
    )
    return k_idx, plots


def kalman_firm(
    world: World,
    geo: SensorGeometry,
    detected: np.ndarray,
    rs: RngStreams,
    until_s: np.ndarray | None = None,
    record: bool = False,
    config: TrackerConfig = TRACKER_CONFIG,
) -> KalmanRun:
    """Run one radar's tracker over a replication's detection draws (A, K).

    `until_s` (A,) optionally drops each aircraft's plots after that time (a killed aircraft
    stops being seen; the engine draws sensing before the event loop, so it passes None).
    """
    comp = world.components[geo.component]
    kgeo = kalman_sensor_geometry(world, geo)
    n_air, n_looks = detected.shape
    firm = np.zeros((n_air, n_looks), bool)
    det = detected
    if until_s is not None:
        det = det & (kgeo.times_s[None, :] <= np.asarray(until_s, float)[:, None])
    process = _stretches(det.any(axis=0), track_margin(config))
    if not process.any():
        return KalmanRun(firm, 0, *_empty_history(record))
    rng = rs.stream(f"sensor:{comp.id}:measure")
    k_det, a_det, z_det = _plots(kgeo, det, rng)
    looks = np.flatnonzero(process)
    k_fa, z_fa = _false_plots(comp, looks, rng)
    k_all = np.concatenate([k_det, k_fa])
    order = np.argsort(k_all, kind="stable")
    k_all = k_all[order]
    z_all = np.concatenate([z_det, z_fa])[order]
    truth_all = np.concatenate([a_det, np.full(k_fa.size, -1, np.int64)])[order]
    lo = np.searchsorted(k_all, looks, "left")
    hi = np.searchsorted(k_all, looks, "right")
    noise = kgeo.noise
    r = np.diag([noise.sigma_range_m**2, noise.sigma_az_rad**2, noise.sigma_el_rad**2])
    max_var = 2.0 * max_pos_std_of(comp) ** 2  # on var_east + var_north
    times = kgeo.times_s
    if not record and _compiled(config):
        args = (looks, times, lo, hi, z_all, truth_all, r, kgeo.sensor_enu)
        return _run_compiled(args, config, max_var, n_air, n_looks)
    cfg = config if not record else _with_history(config)
    tracker: Tracker | None = None
    prev = -2
    offset = -STRETCH_ID_STRIDE
    hists: list = []
    confirmed_at: dict[int, float] = {}
    log = _ReportLog()
    for j, k in enumerate(looks):
        if k != prev + 1:  # a new stretch: the previous tracker's tracks are all deleted
            if tracker is not None:
                log.add_empty(prev + 1)  # the dropped tracker's tracks are gone
                if record:
                    _collect(tracker, offset, hists)
            offset += STRETCH_ID_STRIDE
            tracker = Tracker(cfg, n_dims=3)
        prev = k
        sl = slice(lo[j], hi[j])
        t = float(times[k])
        tracker.step(t, z_all[sl], r, kgeo.sensor_enu, truth_ids=truth_all[sl])
        if record:
            for tid in tracker.ids[tracker.confirmed_at == t].tolist():
                confirmed_at[int(tid) + offset] = t
        conf = np.flatnonzero(tracker.confirmed)
        if conf.size:  # the radar's report; firm: its own aircraft tracks of sufficient quality
            truth = tracker.truth[conf]
            p = tracker.p[conf, 0]  # CV: one model
            log.add(int(k), tracker.ids[conf] + offset, tracker.x[conf, 0], p, truth)
            ok = (truth >= 0) & ((p[:, 0, 0] + p[:, 2, 2]) <= max_var)
            firm[truth[ok], k] = True
        else:
            log.add_empty(int(k))
    if prev + 1 < n_looks:
        log.add_empty(int(prev + 1))
    if tracker is not None and record:
        _collect(tracker, offset, hists)
    reports = log.done()
    if not record:
        return KalmanRun(firm, int(looks.size), reports=reports)
    if hists:
        t = np.concatenate([h[0] for h in hists])
        ids = np.concatenate([h[1] for h in hists])
        pos = np.concatenate([h[2] for h in hists])
    else:
        t, ids, pos = _empty_history(True)[:3]
    return KalmanRun(firm, int(looks.size), t, ids, pos, confirmed_at, reports)


def _compiled(config: TrackerConfig) -> bool:
    """Whether the compiled tracker (`iadsim.tracking.fast_cv`) runs this configuration."""
    return (
        fast_cv.available()
        and config.motion == "cv"
        and config.measurement == "polar"
        and config.association == "gnn"
        and config.confirm_n is not None
        and config.delete_misses is not None
        and config.delete_cov_trace is None
        and config.tentative_delete_cov_trace is None
    )


def _run_compiled(args, config: TrackerConfig, max_var: float, n_air: int, n_looks: int):
    """`kalman_firm` through the compiled tracker: the same firm tracks and reports."""
    looks, times, lo, hi, z_all, truth_all, r, sensor = args
    firm, look, count, ids, x, p, truth = fast_cv.run_scans(
        looks.astype(np.int64),
        np.ascontiguousarray(times, dtype=float),
        lo.astype(np.int64),
        hi.astype(np.int64),
        np.ascontiguousarray(z_all, dtype=float),
        truth_all.astype(np.int64),
        r,
        np.ascontiguousarray(sensor, dtype=float),
        float(config.q),
        float(config.gate),
        float(config.init_gate),
        int(config.confirm_m),
        int(config.confirm_n),
        int(config.delete_misses),
        float(config.init_velocity_std) ** 2,
        float(config.noise_floor_m) ** 2,
        float(max_var),
        int(n_air),
        int(n_looks),
        STRETCH_ID_STRIDE,
    )
    start = np.concatenate([[0], np.cumsum(count, dtype=np.int64)])
    reports = TrackReports(look, start, ids, x, p, truth)
    return KalmanRun(firm, int(looks.size), reports=reports)


def _with_history(config: TrackerConfig) -> TrackerConfig:
    return replace(config, record_history=True)


def _empty_history(record: bool) -> tuple:
    if not record:
        return (None, None, None, None)
    return (np.zeros(0), np.zeros(0, np.int64), np.zeros((0, 3)), {})


STRETCH_ID_STRIDE = 1_000_000
"""Track ids of the n-th stretch's tracker are shifted by n x this (unique over a run)."""


def _collect(tracker: Tracker, offset: int, hists: list) -> None:
    """Append a finished stretch's confirmed-track history, ids shifted by `offset`."""
    h = tracker.history().confirmed_only()
    if h.t.size:
        hists.append((h.t, h.ids + offset, h.x[:, [0, 2, 4]]))
