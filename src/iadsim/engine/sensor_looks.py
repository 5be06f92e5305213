"""One sensor's part of every weapon unit's kill chain: how far it gets, worked out once per
drawn timeline on the sensor's own look grid (line of sight, detected, tracked; whether it
holds the target as a fire-control radar), so that the gates (`engine.gates`) take it per
unit with one index operation instead of working it out again for every unit the sensor
feeds; and why it stops there, worked out only at the looks a ledger row reads, after the
fight (`Gates.explain`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engine.sensing import SensorState
from iadsim.killchain import (
    CODE_BELOW_HORIZON,
    CODE_CLUTTER,
    CODE_JAMMED,
    CODE_NO_FIRE_CONTROL_RADAR,
    CODE_NOT_DETECTED,
    CODE_NOT_TRACKED,
    CODE_OUT_OF_RANGE,
    CODE_TERRAIN_MASKED,
    Stage,
    bits,
)


@dataclass(frozen=True)
class SensorStages:
    """How far one sensor's part of every chain gets, on its own look grid (A, L + 1): what
    the fight reads, independent of the unit asking. The last column stands for "no look
    yet" (stage in_envelope, not tracking)."""

    state: SensorState  # the timeline these were worked out from
    stage: np.ndarray  # int8, up to TRACKED
    fc_tracking: np.ndarray  # bool: working, in sight, firm track (as a fire-control radar)


@dataclass(frozen=True)
class SensorLooks:
    """One sensor's part of every chain, explained, at some of its looks (A, C): how far it
    got and why it stopped there. A look index L (the grid's length) stands for "no look
    yet": stage in_envelope, reason BELOW_HORIZON; as a fire-control radar not working."""

    stage: np.ndarray  # int8, up to TRACKED
    reason: np.ndarray  # int8, why it stopped there
    fc_tracking: np.ndarray  # bool: working, in sight, firm track (as a fire-control radar)
    fc_rank: np.ndarray  # int8: how far it got as a fire-control radar (0..3)
    fc_reason: np.ndarray  # int8: why not, as a fire-control radar
    blocks: np.ndarray  # int64 mask (killchain.BIT) of every reason it did not track (0: tracked)
    fc_blocks: np.ndarray  # int64 mask of every reason it does not hold the target for fire


def _looked(geo: np.ndarray, working: np.ndarray, recent: np.ndarray, firm: np.ndarray):
    """Line of sight, the sensor working, detected, tracked (A, C) from the geometry's codes,
    the state per look and the detections' and tracks' windows; and the stage reached."""
    los = (geo != CODE_BELOW_HORIZON) & (geo != CODE_TERRAIN_MASKED)
    works = (working == 0)[None, :]
    stage = np.where(los, int(Stage.LINE_OF_SIGHT), int(Stage.IN_ENVELOPE)).astype(np.int8)
    det = los & works & recent
    stage[det] = Stage.DETECTED
    trk = det & firm
    stage[trk] = Stage.TRACKED
    return los, works, det, trk, stage


def sensor_stages(st: SensorState) -> SensorStages:
    """Line of sight -> detected -> tracked per aircraft and look of one sensor, and whether
    it holds each aircraft as a fire-control radar, with the "no look yet" column appended."""
    A, L = st.geo.geo_code.shape
    stage = np.full((A, L + 1), int(Stage.IN_ENVELOPE), np.int8)
    tracking = np.zeros((A, L + 1), bool)
    los, works, _, _, stage[:, :L] = _looked(st.geo.geo_code, st.working, st.recent, st.firm)
    np.logical_and(works & los, st.firm, out=tracking[:, :L])
    return SensorStages(st, stage, tracking)


def sensor_looks(st: SensorState, looks: np.ndarray) -> SensorLooks:
    """The sensor's part of every chain explained (`SensorLooks`) at the look indices `looks`
    (C,), L for "no look yet": the stage as `sensor_stages` has it, why it stopped there,
    its standing as a fire-control radar and every reason blocking either (masks)."""
    L = st.geo.geo_code.shape[1]
    none = looks >= L
    j = np.minimum(looks, max(L - 1, 0))
    geo = st.geo.geo_code.take(j, axis=1)
    state = st.working.take(j)
    los, works, det, trk, stage = _looked(geo, state, st.recent.take(j, axis=1), st.firm.take(j, 1))
    why = np.where(los & ~works, state[None, :], geo)
    blind = np.where(
        (geo == CODE_CLUTTER) | (geo == CODE_OUT_OF_RANGE) | (geo == CODE_JAMMED),
        geo,
        CODE_NOT_DETECTED,
    )
    why = np.where(los & works & ~det, blind, why)
    # a stray detection through jamming that forms no track: jamming is why
    lost = np.where(geo == CODE_JAMMED, CODE_JAMMED, CODE_NOT_TRACKED)
    reason = np.where(det & ~trk, lost, why).astype(np.int8)
    tracking = works & los & st.firm.take(j, axis=1)
    rank = (works.astype(np.int8) + los + tracking).astype(np.int8)
    # a fire-control radar that sees the target but is jammed says so
    fc_blind = np.where(~los | (geo == CODE_JAMMED), geo, CODE_NO_FIRE_CONTROL_RADAR)
    fc_reason = np.where(~works, state[None, :], fc_blind).astype(np.int8)
    # every reason that blocks the sensor step: why it stopped, the geometry, its state
    own = bits(np.where(works, 0, state[None, :]))
    blocks = bits(reason) | bits(geo) | own
    blocks[trk] = 0
    fc_blocks = bits(fc_blind) | own  # fc_reason is fc_blind or the state
    fc_blocks[tracking] = 0
    if none.any():  # no look yet
        stage[:, none] = Stage.IN_ENVELOPE
        reason[:, none] = CODE_BELOW_HORIZON
        tracking[:, none] = False
        rank[:, none] = 0
        fc_reason[:, none] = CODE_NOT_DETECTED
        blocks[:, none] = bits(CODE_BELOW_HORIZON)
        fc_blocks[:, none] = bits(CODE_NOT_DETECTED)
    return SensorLooks(stage, reason, tracking, rank, fc_reason, blocks, fc_blocks)


class LookCache:
    """Each sensor's `SensorStages`, worked out once per drawn timeline (a sensor drawn again,
    `Sensing.update`, is a new `SensorState`), and per decision time the column of them it
    reads (`index`: seed-independent, kept in the geometry's memo)."""

    def __init__(self, sensors: dict[int, SensorState], memo: dict):
        self.sensors = sensors  # the replication's sensor timelines, as they are now
        self.memo = memo
        self._stages: dict[int, SensorStages] = {}

    def stages(self, si: int) -> SensorStages:
        """Sensor si's chain on its own look grid, for its timeline as it stands."""
        st = self.sensors[si]
        cached = self._stages.get(si)
        if cached is None or cached.state is not st:
            cached = sensor_stages(st)
            self._stages[si] = cached
        return cached

    def explained(self, si: int, times: np.ndarray, cols) -> SensorLooks:
        """Sensor si's chain explained at the decision times `times[cols]`."""
        return sensor_looks(self.sensors[si], self.index(si, times)[cols])

    def index(self, si: int, times: np.ndarray) -> np.ndarray:
        """Per time the column of sensor si's `SensorLooks` arrays: its latest look at or
        before that time, else the last column (no look yet). Kept in the memo by the
        identity of the two time grids (held there, so their ids are not reused)."""
        looks = self.sensors[si].geo.times_s
        key = ("look_index", id(looks), id(times))
        hit = self.memo.get(key)
        if hit is not None and hit[0] is looks and hit[1] is times:
            return hit[2]
        idx = np.searchsorted(looks, times, side="right") - 1
        j = np.where(idx >= 0, idx, looks.size)
        self.memo[key] = (looks, times, j)
        return j
