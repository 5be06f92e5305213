"""What each sensor saw in one replication: detections drawn against the shared geometry,
and firm tracks, on the sensor's own look times.

Two trackers make detections into firm tracks: "mofn" (the default, fast Monte Carlo: M
detections in the last N looks) and "kalman" (radars only: noisy polar plots and false alarms
through `iadsim.tracking.Tracker`, firm = a confirmed track of sufficient quality; see
`engine.kalman_tracks`). The choice rides on the geometry (`prepare(path, tracker=...)` gives
radars a `KalmanSensorGeometry`) or is passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engine.anti_radiation import Emissions
from iadsim.engine.c2 import Connectivity
from iadsim.engine.events import EventKind
from iadsim.engine.kalman_tracks import TrackReports, kalman_firm
from iadsim.engine.radar_picture import Geometry, SensorGeometry
from iadsim.engine.rng import RngStreams
from iadsim.engine.states import Equipment, Outage, state_code, working_code
from iadsim.engine.world import World
from iadsim.errors import ValueRangeError
from iadsim.killchain import CODE_NOT_DETECTED, CODE_RADAR_OFF
from iadsim.memo import ByIdentity
from iadsim.scenario.readiness import ComponentState
from iadsim.sensors.measurement import check_pd

TRACK_M, TRACK_N = 2, 3
"""M-of-N confirmation: a firm track needs M detections in the last N looks."""
DETECTION_MEMORY = 3
"""A target counts as detected if any of the last N looks saw it."""
TRACKERS = ("mofn", "kalman")
"""The ways of confirming firm tracks: M-of-N counting, or the Kalman tracker."""


@dataclass
class SensorState:
    """One sensor's draws in this replication, on its own look times."""

    geo: SensorGeometry
    working: np.ndarray  # (K,) int8 code, 0 = working
    detected: np.ndarray  # (A, K) bool: detection at this look
    recent: np.ndarray  # (A, K) bool: any detection in the last DETECTION_MEMORY looks
    firm: np.ndarray  # (A, K) bool: M-of-N confirmed track
    reports: TrackReports | None = None  # Kalman radars: confirmed tracks sent per look


def window_count(x: np.ndarray, n: int, running: np.ndarray | None = None) -> np.ndarray:
    """Number of True values in the last n >= 1 samples along axis 1 (inclusive): the
    running count minus the count n samples earlier (nothing to subtract in the first n).
    `running`: x's running count along axis 1 (int32), when the caller already has it
    (several windows over the same samples)."""
    c = np.cumsum(x, axis=1, dtype=np.int32) if running is None else running
    out = c.copy()
    out[:, n:] -= c[:, :-n]
    return out


def tracker_of(geo: SensorGeometry, tracker: str | None = None) -> str:
    """The tracker a sensor uses: the explicit choice, else the one its geometry carries."""
    name = tracker if tracker is not None else getattr(geo, "tracker", "mofn")
    if name not in TRACKERS:
        raise ValueRangeError(f"tracker must be one of {', '.join(TRACKERS)}, got {name!r}")
    return name


_CHECKED: ByIdentity[list[int]] = ByIdentity()
"""A geometry's Pd array (made read-only) -> the rows with some Pd above 0: a geometry's Pd
is checked once, not in every replication. An entry goes with its array."""


def _checked_rows(pd) -> tuple[np.ndarray, list[int]]:
    """pd checked to lie in [0, 1] (`check_pd`), and the aircraft (rows) with some Pd above
    0. Kept for the geometry's arrays, which are read-only from then on (a geometry is
    shared by the replications and never changed in place)."""
    rows = _CHECKED.value_for(pd)
    if rows is not None:
        return pd, rows
    p = check_pd(pd)
    rows = np.flatnonzero(p.any(axis=1)).tolist()
    if p is not pd or pd.base is not None:  # a view or a copy: not a geometry's own array
        return p, rows
    pd.flags.writeable = False
    return pd, _CHECKED.keep(pd, rows)


def detection_draws(
    world: World, sensor_id: str, pd: np.ndarray, rs: RngStreams, dice: dict | None = None
) -> np.ndarray:
    """(A, K) detections of one sensor, one stream per sensor-aircraft pair
    (`sensor:ID:detect:AIRCRAFT`). A pair the sensor cannot detect at any look (Pd 0) draws
    nothing: its outcome is False whatever the draw, and streams are independent by name, so
    not building its stream changes no other draw. `dice` (stream name -> the uniforms its
    fresh stream gives first) keeps the draws of a sensor drawn again from the same seed."""
    pd, rows = _checked_rows(pd)
    out = np.zeros(pd.shape, bool)
    shape = pd.shape[1:]
    for a in rows:
        name = f"sensor:{sensor_id}:detect:{world.aircraft[a].id}"
        u = dice.get((name, shape)) if dice is not None else None
        if u is None:
            u = rs.stream(name).random(shape)
            if dice is not None:
                dice[(name, shape)] = u
        out[a] = u < pd[a]
    return out


def sensor_state(
    world: World,
    geo: SensorGeometry,
    state: str,
    destroyed_at: float | Outage,
    rs: RngStreams,
    tracker: str | None = None,
    radiating: np.ndarray | None = None,
    cause_code: np.ndarray | None = None,
    dice: dict | None = None,
) -> SensorState:
    """Draw one sensor's detections of every aircraft (one stream per sensor-aircraft pair)
    and confirm firm tracks: M-of-N, or (radars, `tracker="kalman"`) by the Kalman tracker.
    `tracker=None` takes the geometry's choice (M-of-N for a plain SensorGeometry).
    `radiating` (K,) is the radar's emission-control timeline: a working radar that does not
    radiate is RADAR_OFF and detects nothing (its tracks must be built again after).
    `cause_code`: per look, a modelled cause stopping the sensor (no power, not deployed).
    `dice`: the uniforms of earlier draws from fresh streams of the same seed, kept
    (`detection_draws`)."""
    name = tracker_of(geo, tracker)
    comp = world.components[geo.component]
    working = working_code(world, comp.index, state, destroyed_at, geo.times_s)
    if cause_code is not None and state_code(world, comp.index, state) == 0:
        working = np.where(cause_code != 0, cause_code, working).astype(np.int8)
    if radiating is not None:
        working = np.where((working == 0) & ~radiating, CODE_RADAR_OFF, working).astype(np.int8)
    pd = geo.pd_degraded if state == ComponentState.DEGRADED else geo.pd_nominal
    detected = detection_draws(world, comp.id, pd, rs, dice) & (working == 0)[None, :]
    running = np.cumsum(detected, axis=1, dtype=np.int32)  # both windows count from it
    recent = window_count(detected, DETECTION_MEMORY, running) > 0
    if name == "kalman" and comp.is_radar:
        run = kalman_firm(world, geo, detected, rs)
        return SensorState(geo, working, detected, recent, run.firm, run.reports)
    m, n = (TRACK_M, TRACK_N) if comp.is_radar else (1, DETECTION_MEMORY)
    firm = window_count(detected, n, running) >= m
    return SensorState(geo, working, detected, recent, firm)


class Sensing:
    """What every sensor saw in one replication, and when the units in emission control
    were cued.

    State: `sensors` (component index -> SensorState). Reads readiness (`Equipment`), the C2
    network and emission control (`Emissions`: when each radar radiates), and tells
    `Emissions` the cue times it finds (the first time an outside sensor's firm track
    reaches the command post of a unit whose doctrine is to radiate only when cued). Hears
    what changes a sensor's timeline from a time on (`update`: a radar lost, a warning, a
    jammer shot down, the network changed) and draws that sensor again from the same dice,
    keeping what it saw before that time. The gates and the fight ask it explicitly
    (`look`, `code`). Emits TRACK_FIRM and TRACK_LOST records at the end of the replication.
    """

    def __init__(
        self,
        world: World,
        geometry: Geometry,
        equipment: Equipment,
        network: Connectivity,
        rs: RngStreams,
        emissions: Emissions | None = None,
    ):
        self.world, self.equipment, self.seed = world, equipment, rs.seed
        self._dice: dict = {}  # the detection uniforms of each pair, the same in every draw
        self.emissions = emissions if emissions is not None else Emissions.of(world)
        self.geos: dict[int, SensorGeometry] = dict(geometry.sensors)
        em = self.emissions
        self.cued = {i for i in self.geos if em.doctrine.get(i) is not None and em.doctrine[i].cued}
        # radars of cued units radiate only once an outside sensor's track reached their
        # command post: draw the others first, find the cues, then draw the cued radars
        self.sensors: dict[int, SensorState] = {
            i: self._draw(i) for i in self.geos if i not in self.cued
        }
        em.set_cues(self._emcon_cues(network))
        for i in sorted(self.cued):
            self.sensors[i] = self._draw(i)
        self.sensors = {i: self.sensors[i] for i in self.geos}  # the geometry's order

    def _draw(self, i: int) -> SensorState:
        """Sensor i's timeline as things stand, from fresh streams of the replication's seed:
        the same dice every time it is drawn again, so that only what changed differs."""
        g, comp = self.geos[i], self.world.components[i]
        on = self.emissions.radiating(i, g.times_s) if comp.is_radar else None
        return sensor_state(
            self.world,
            g,
            self.equipment.state(i),
            self.equipment.outage(comp.id),
            RngStreams(self.seed),
            None,
            on,
            cause_code=self.equipment.cause_code(i, g.times_s),
            dice=self._dice,
        )

    def _splice(self, i: int, t: float, new: SensorState) -> None:
        """Sensor i's timeline: as it was before t, the new one from t on (Kalman reports,
        drawn again as a whole, are the same before t: the tracker runs forward in time)."""
        old = self.sensors[i]
        after = old.geo.times_s >= t
        self.sensors[i] = SensorState(
            new.geo,
            np.where(after, new.working, old.working).astype(np.int8),
            np.where(after[None, :], new.detected, old.detected),
            np.where(after[None, :], new.recent, old.recent),
            np.where(after[None, :], new.firm, old.firm),
            new.reports,
        )

    def update(
        self,
        t: float,
        network: Connectivity,
        changed: set[int] = frozenset(),
        geos: dict[int, SensorGeometry] | None = None,
    ) -> set[int]:
        """Something changed from t on: sensors `changed` (lost, warned) and those with a
        new geometry (`geos`: a jammer silenced) are drawn again; the cues are found again
        on `network`, and the cued radars whose cue moved are drawn again. Returns the
        sensors whose timeline was drawn again."""
        self.geos.update(geos or {})
        redraw = (set(changed) | set(geos or {})) & set(self.geos)
        for i in sorted(redraw - self.cued):
            self._splice(i, t, self._draw(i))
        before = dict(self.emissions.cue_time)
        self.emissions.set_cues(self._emcon_cues(network))
        moved = {
            i
            for i in self.cued
            if before.get(self.world.components[i].unit)
            != self.emissions.cue_time.get(self.world.components[i].unit)
        }
        for i in sorted((redraw & self.cued) | moved):
            self._splice(i, t, self._draw(i))
        return redraw | moved

    def _emcon_cues(self, network: Connectivity) -> dict[str, float]:
        """For units whose doctrine is to radiate only when cued: the first time the firm
        track of a sensor outside the unit (and not itself waiting for a cue) reaches the
        command post, after which the unit's radars radiate."""
        w = self.world
        cues = {}
        cued_units = {w.components[ci].unit for ci in self.cued}
        for unit in w.units:
            if unit.id not in cued_units or not unit.role("command"):
                continue
            cp = w.components[unit.role("command")[0]].id
            first = np.inf
            for si, st in self.sensors.items():
                comp = w.components[si]
                if si in self.cued or comp.unit == unit.id or not network.designed(comp.id, cp):
                    continue
                ok = network.status(comp.id, cp, st.geo.times_s).ok
                hit = st.firm.any(axis=0) & ok
                if hit.any():
                    first = min(first, float(st.geo.times_s[np.argmax(hit)]))
            cues[unit.id] = first
        return cues

    def look(self, si: int, times: np.ndarray) -> np.ndarray:
        """Index of sensor si's latest look at or before each time (-1 if none yet)."""
        return np.searchsorted(self.sensors[si].geo.times_s, times, side="right") - 1

    def code(self, si: int, idx: np.ndarray) -> np.ndarray:
        """Working code of sensor si at look indices, emission control applied (RADAR_OFF
        where a working radar does not radiate)."""
        st = self.sensors[si]
        return np.where(idx >= 0, st.working[np.maximum(idx, 0)], CODE_NOT_DETECTED).astype(np.int8)

    def track_changes(self, until_s: np.ndarray):
        """Per aircraft, over every sensor's looks up to its `until_s` (A,): whether any
        sensor detected it, the first detection time (inf: none), whether any held a firm
        track, and the times each sensor's track became firm or was dropped (in sensor
        order, then time: `(time, TRACK_FIRM or TRACK_LOST, unit, component)`), worked out
        per sensor over all aircraft at once."""
        A = len(until_s)
        detected, tracked = np.zeros(A, bool), np.zeros(A, bool)
        first_det = np.full(A, np.inf)
        changes: list[list[tuple]] = [[] for _ in range(A)]
        rows = np.arange(A)
        for si, st in self.sensors.items():
            times = st.geo.times_s
            # each aircraft's looks up to its end: the first n of the sensor's
            n = np.searchsorted(times, until_s, side="right")
            k_det = np.argmax(st.detected, axis=1)  # the first detection (0 if none)
            seen = st.detected[rows, k_det] & (k_det < n)
            detected |= seen
            first_det = np.minimum(first_det, np.where(seen, times[k_det], np.inf))
            k_firm = np.argmax(st.firm, axis=1)
            tracked |= st.firm[rows, k_firm] & (k_firm < n)
            comp = self.world.components[si]
            # where the firm track starts or ends: flat indices of a boolean array are much
            # cheaper to find than np.nonzero's pairs
            firm = st.firm
            edge = np.empty_like(firm)
            edge[:, 0] = firm[:, 0]
            np.not_equal(firm[:, 1:], firm[:, :-1], out=edge[:, 1:])
            aa, kk = np.divmod(np.flatnonzero(edge), firm.shape[1])
            # a firm track still held at the end is dropped at the next look
            held = st.firm[rows, np.maximum(n - 1, 0)] & (n > 0) & (n < times.size)
            # the look times of the changes only (a grid holds thousands of looks)
            inside = kk < n[aa]
            aa, kk = aa[inside], kk[inside]
            rising = firm[aa, kk].tolist()
            for a, t, rises in zip(aa.tolist(), times[kk].tolist(), rising, strict=True):
                kind = EventKind.TRACK_FIRM if rises else EventKind.TRACK_LOST
                changes[a].append((t, kind, comp.unit, comp.id))
            dropped = np.flatnonzero(held)
            for a, t in zip(dropped.tolist(), times[n[dropped]].tolist(), strict=True):
                changes[a].append((t, EventKind.TRACK_LOST, comp.unit, comp.id))
        return detected, first_det, tracked, changes
