"""The search gate of a weapon unit's kill chain: line of sight -> detected -> tracked ->
reported to the command post, per feeding sensor; the sensor that got furthest speaks for the
unit (the first one on ties). In Kalman mode the radars feeding a command post send their
tracks there, where they are fused into an air picture (`engine.fusion_picture`); `reported`
then means "the command post's picture holds a firm system track of the aircraft", whichever
radars built it. Part of `engine.gates`, which asks it with the network as it stands: how far
each chain gets during the fight (`stages`), and why it stopped, at the few decision times a
ledger row reads, after it (`explain`)."""

from __future__ import annotations

import numpy as np

from iadsim.engine.c2 import Connectivity
from iadsim.engine.fusion_picture import CpPicture, cp_picture, make_feed
from iadsim.engine.sensing import Sensing
from iadsim.engine.sensor_looks import LookCache
from iadsim.engine.states import Equipment
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import CODE_NO_SENSOR, CODE_NOT_TRACKED, Stage, Step, bits, first_blocking
from iadsim.network.kinds import MessageKind

TRACKS = MessageKind.TRACK_REPORT


class SearchGate:
    """The search gate of the units of one replication. State: `pictures` (unit id -> the
    command post's fused air picture, Kalman mode) and each sensor's part of each unit's
    chain, kept until the sensor's drawn timeline, the network or the equipment change."""

    def __init__(self, world: World, equipment: Equipment, sensing: Sensing, looks: LookCache):
        self.world, self.equipment, self.sensing, self.looks = world, equipment, sensing, looks
        self.sensors = sensing.sensors
        self.pictures: dict[str, CpPicture] = {}
        self._stages: dict[tuple, tuple] = {}

    def unit_sensors(self, unit: UnitRt, conn: Connectivity, fallback: bool = False) -> list[int]:
        """The sensors whose picture this unit fights from: its own search sensors, and (when
        centralized) every outside sensor its command post is connected to by design for
        track reports. Fighting on its own after losing its post (`fallback`): only the
        launchers' own radars (TELARs)."""
        w = self.world
        own = [i for i in unit.role("search") if i in self.sensors]
        if fallback:
            return [i for i in own if i in unit.role("launcher")]
        if unit.c2_mode == "autonomous" or not unit.role("command"):
            return own
        cp = w.components[unit.role("command")[0]].id
        outside = [
            i
            for i in self.sensors
            if w.components[i].unit != unit.id
            and w.components[i].is_radar
            and conn.designed(w.components[i].id, cp, TRACKS)
        ]
        return own + outside

    def fuses(self, unit: UnitRt, conn: Connectivity) -> bool:
        """Whether the unit's command post fuses an air picture (Kalman mode), which numbers
        its tracks from the start: its columns cannot be worked out apart."""
        return any(self.sensors[si].reports is not None for si in self.unit_sensors(unit, conn))

    def _fused(self, sensors: list[int], cp) -> list[int]:
        return [si for si in sensors if self.sensors[si].reports is not None] if cp else []

    def stages(
        self,
        unit: UnitRt,
        all_times: np.ndarray,
        span: slice,
        cp,
        cp_code: np.ndarray | None,
        conn: Connectivity,
        fallback: bool = False,
    ) -> np.ndarray:
        """(A, K) how far the search gets at the decision times `all_times[span]`: the best
        stage of any feeding sensor, reported where its track reaches the post (or, Kalman
        mode, where the post's fused picture holds a firm track)."""
        times = all_times[span]
        best = np.full((len(self.world.aircraft), len(times)), -1, np.int8)
        sensors = self.unit_sensors(unit, conn, fallback)
        fused = self._fused(sensors, cp)
        for si in sensors:
            got = self._sensor_stage(si, unit, all_times, span, cp, cp_code, si in fused, conn)
            np.maximum(best, got, out=best)
        if fused:
            pic = self._cp_picture(unit, cp, fused, times, conn)
            up = pic.firm & (cp_code == 0)[None, :] & (best < Stage.REPORTED)
            best = np.where(up, int(Stage.REPORTED), best).astype(np.int8)
        return best

    def _sensor_stage(self, si, unit, all_times, span: slice, cp, cp_code, fused, conn):
        """`_worked_sensor_stage`, kept until the sensor's timeline, the network or the
        equipment change (a unit's other sensors are not worked out again when one radar's
        emissions change), at the decision indices `span` or a part of them."""
        key = (si, unit.index, cp.index if cp is not None else -1, fused)
        hit = self._stages.get(key)
        read = (self.sensors[si], conn, all_times)
        if (
            hit is not None
            and hit[1] == self.equipment.version
            and hit[2].start <= span.start
            and span.stop <= hit[2].stop
            and all(a is b for a, b in zip(hit[0], read, strict=True))
        ):
            return hit[3][:, span.start - hit[2].start : span.stop - hit[2].start]
        got = self._worked_sensor_stage(si, all_times, span, cp, cp_code, fused, conn)
        self._stages[key] = (read, self.equipment.version, span, got)
        return got

    def _worked_sensor_stage(self, si, all_times, span: slice, cp, cp_code, fused, conn):
        """One sensor's stage for the unit per aircraft and decision time: line of sight,
        detection and track from the sensor's look grid; reported where its track reaches
        the post (the path, the post working, the post using its tracks)."""
        j = self.looks.index(si, all_times)[span]
        stage = self.looks.stages(si).stage.take(j, axis=1)
        trk = stage == Stage.TRACKED
        comp = self.world.components[si]
        if cp is None or comp.index == cp.index:
            if not fused:  # fused: its track is at the post, but only the picture reports
                stage[trk] = Stage.REPORTED
            return stage
        if not fused:
            path = conn.status_at(comp.id, cp.id, all_times, span, TRACKS)
            integ = conn.integration_code(comp.id, cp.id)
            reaches = (path.code == 0) & (cp_code == 0) & (integ == 0)
            stage[trk & reaches[None, :]] = Stage.REPORTED
        return stage

    def explain(
        self,
        unit: UnitRt,
        all_times: np.ndarray,
        cols: np.ndarray,
        cp,
        cp_code: np.ndarray | None,
        conn: Connectivity,
        fallback: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(stage, reason, blocks) (A, C) of the search gate at the decision times
        `all_times[cols]`: the stage as `stages` has it, the best sensor's reason, and every
        reason blocking a sensor's way to the post over all sensors (a mask: the gate is
        blocked only if every sensor's way is)."""
        A, C = len(self.world.aircraft), len(cols)
        best_stage = np.full((A, C), -1, np.int8)
        best_reason = np.full((A, C), CODE_NO_SENSOR, np.int8)
        blocks = np.zeros((A, C), np.int64)  # the sensors' own reasons
        routes = np.zeros(C, np.int64)  # their ways' to the post (a union: OR distributes)
        sensors = self.unit_sensors(unit, conn, fallback)
        fused = self._fused(sensors, cp)
        for si in sensors:
            s_stage, s_reason, own, route = self._explained_sensor(
                si, all_times, cols, cp, cp_code, si in fused, conn
            )
            blocks |= own
            routes |= route
            better = s_stage > best_stage
            best_stage = np.where(better, s_stage, best_stage)
            best_reason = np.where(better, s_reason, best_reason)
        if fused:  # the picture numbers its tracks from the start: fused over every time
            firm = self._cp_picture(unit, cp, fused, all_times, conn).firm[:, cols]
            up = firm & (cp_code == 0)[None, :] & (best_stage < Stage.REPORTED)
            best_stage = np.where(up, int(Stage.REPORTED), best_stage).astype(np.int8)
            best_reason = np.where(up, 0, best_reason).astype(np.int8)
        blocks |= routes[None, :]
        return best_stage, best_reason, blocks

    def _explained_sensor(self, si, all_times, cols, cp, cp_code, fused, conn):
        """One sensor's (stage, reason) per aircraft at the decision times `all_times[cols]`,
        and every reason blocking its way to the post, whether or not it tracked: its own
        (A, C) and its route's (C,) (masks)."""
        pre = self.looks.explained(si, all_times, cols)
        s_stage, s_reason, own = pre.stage, pre.reason, pre.blocks
        trk = s_stage == Stage.TRACKED
        comp = self.world.components[si]
        if cp is None or comp.index == cp.index:
            if fused:  # its track is at the post, but only the fused picture reports
                s_reason[trk] = CODE_NOT_TRACKED
                own[trk] = bits(CODE_NOT_TRACKED)
            else:
                s_stage[trk] = Stage.REPORTED
                s_reason[trk] = 0
            return s_stage, s_reason, own, np.zeros(len(cols), np.int64)
        path = conn.status_at(comp.id, cp.id, all_times, cols, TRACKS)
        # the first break along the way, in the stated order (killchain.GATE_ORDER): the
        # path to the command post, the post, whether the post can use this sensor's tracks
        integ = conn.integration_code(comp.id, cp.id)
        why = first_blocking(
            {Step.SENSOR_TO_POST: path.code, Step.POST: cp_code, Step.INTEGRATION: integ}
        )
        reaches = why == 0
        if fused:  # its track reaches the command post, but only the fused picture reports
            why = np.where(reaches, CODE_NOT_TRACKED, why)
        s_reason = np.where(trk, why[None, :], s_reason).astype(np.int8)
        route = bits(path.code) | bits(cp_code) | bits(integ)  # every break on the way
        if fused:
            route |= bits(why)  # NOT_TRACKED where it reaches: the fused picture decides
        else:
            s_stage[trk & reaches[None, :]] = Stage.REPORTED
        return s_stage, s_reason, own, route

    def _cp_picture(
        self, unit: UnitRt, cp, sources: list[int], times: np.ndarray, conn: Connectivity
    ) -> CpPicture:
        """Kalman mode: the air picture the unit's command post fuses from `sources` (radars
        with track reports) at the unit's decision times; kept in `pictures[unit.id]`."""
        feeds = []
        for si in sources:
            st = self.sensors[si]
            looks = st.reports.look
            t_rep = st.geo.times_s[looks]
            sid = self.world.components[si].id
            path = conn.status(sid, cp.id, t_rep, TRACKS)
            usable = path.ok & (conn.integration_code(sid, cp.id) == 0)
            sent = self.sensing.code(si, looks) == 0
            feeds.append(make_feed(si, st.reports, st.geo.times_s, sent, usable, path.latency_s))
        pic = cp_picture(feeds, times, len(self.world.aircraft))
        self.pictures[unit.id] = pic
        return pic
