"""One sensor's part of every weapon unit's kill chain, worked out once per drawn timeline
on the sensor's own look grid (line of sight, detected, tracked; its standing as a
fire-control radar), so that the gates (`engine.gates`) take it per unit with one index
operation instead of working it out again for every unit the sensor feeds."""

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
class SensorLooks:
    """One sensor's part of every chain, on its own look grid (A, L + 1): what does not
    depend on the unit asking. The last column stands for "no look yet"."""

    state: SensorState  # the timeline these were worked out from
    stage: np.ndarray  # int8, up to TRACKED
    reason: np.ndarray  # int8, why it stopped there
    fc_tracking: np.ndarray  # bool: working, in sight, firm track (as a fire-control radar)
    fc_rank: np.ndarray  # int8: how far it got as a fire-control radar (0..3)
    fc_reason: np.ndarray  # int8: why not, as a fire-control radar
    blocks: np.ndarray  # int64 mask (killchain.BIT) of every reason it did not track (0: tracked)
    fc_blocks: np.ndarray  # int64 mask of every reason it does not hold the target for fire


def sensor_looks(st: SensorState) -> SensorLooks:
    """Line of sight -> detected -> tracked per aircraft and look of one sensor, and its
    standing as a fire-control radar, with the "no look yet" column appended (stage
    in_envelope, reason BELOW_HORIZON; as a fire-control radar not working). Each array is
    written into its (A, L + 1) output directly (no concatenation afterwards)."""
    geo = st.geo.geo_code
    A, L = geo.shape

    def out(dtype, last) -> tuple[np.ndarray, np.ndarray]:
        full = np.empty((A, L + 1), dtype)
        full[:, L] = last
        return full, full[:, :L]

    stage_x, stage = out(np.int8, int(Stage.IN_ENVELOPE))
    reason_x, reason = out(np.int8, CODE_BELOW_HORIZON)
    tracking_x, tracking = out(bool, False)
    rank_x, rank = out(np.int8, 0)
    fc_reason_x, fc_reason = out(np.int8, CODE_NOT_DETECTED)
    blocks_x, blocks = out(np.int64, int(bits(CODE_BELOW_HORIZON)))
    fc_blocks_x, fc_blocks = out(np.int64, int(bits(CODE_NOT_DETECTED)))

    los = (geo != CODE_BELOW_HORIZON) & (geo != CODE_TERRAIN_MASKED)
    works = (st.working == 0)[None, :]
    np.copyto(stage, np.where(los, int(Stage.LINE_OF_SIGHT), int(Stage.IN_ENVELOPE)))
    why = np.where(los & ~works, st.working[None, :], geo)
    ok = los & works
    det = ok & st.recent
    blind = np.where(
        (geo == CODE_CLUTTER) | (geo == CODE_OUT_OF_RANGE) | (geo == CODE_JAMMED),
        geo,
        CODE_NOT_DETECTED,
    )
    why = np.where(ok & ~det, blind, why)
    stage[det] = Stage.DETECTED
    trk = det & st.firm
    # a stray detection through jamming that forms no track: jamming is why
    lost = np.where(geo == CODE_JAMMED, CODE_JAMMED, CODE_NOT_TRACKED)
    np.copyto(reason, np.where(det & ~trk, lost, why))
    stage[trk] = Stage.TRACKED
    np.logical_and(works & los, st.firm, out=tracking)
    np.copyto(rank, works.astype(np.int8) + los + tracking)
    # a fire-control radar that sees the target but is jammed says so
    fc_blind = np.where(~los | (geo == CODE_JAMMED), geo, CODE_NO_FIRE_CONTROL_RADAR)
    np.copyto(fc_reason, np.where(~works, st.working[None, :], fc_blind))

    # every reason that blocks the sensor step: why it stopped, the geometry, its state
    own = bits(np.where(works, 0, st.working[None, :]))
    np.bitwise_or(bits(reason), bits(geo), out=blocks)
    blocks |= own
    blocks[trk] = 0
    np.bitwise_or(bits(fc_blind), own, out=fc_blocks)  # fc_reason is fc_blind or the state
    fc_blocks[tracking] = 0
    return SensorLooks(
        st, stage_x, reason_x, tracking_x, rank_x, fc_reason_x, blocks_x, fc_blocks_x
    )


class LookCache:
    """Each sensor's `SensorLooks`, worked out once per drawn timeline (a sensor drawn again,
    `Sensing.update`, is a new `SensorState`), and per decision time the column of them it
    reads (`index`: seed-independent, kept in the geometry's memo)."""

    def __init__(self, sensors: dict[int, SensorState], memo: dict):
        self.sensors = sensors  # the replication's sensor timelines, as they are now
        self.memo = memo
        self._looks: dict[int, SensorLooks] = {}

    def looks(self, si: int) -> SensorLooks:
        """Sensor si's chain on its own look grid, for its timeline as it stands."""
        st = self.sensors[si]
        cached = self._looks.get(si)
        if cached is None or cached.state is not st:
            cached = sensor_looks(st)
            self._looks[si] = cached
        return cached

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
