"""The kill-chain gates of each weapon unit, as whole (aircraft x decision time) timelines.

Gates in order: envelope, then per feeding sensor line of sight, detection, track and report
to the command post (the sensor that got furthest speaks for the unit), then a launcher
available through working links, then fire control. Computed once per replication before
the event loop; see docs/architecture.md.

In the Kalman tracker mode the radars feeding a command post send their tracks there, where
they are fused into an air picture (`engine.fusion_picture`); `reported` then means "the
command post's picture holds a firm system track of the aircraft", whichever radars built it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engine.authority import Authority, fallback_doctrine
from iadsim.engine.c2 import Connectivity
from iadsim.engine.cyber import Cyber
from iadsim.engine.fire_control_gate import FireControlGate
from iadsim.engine.fusion_picture import CpPicture, cp_picture, make_feed
from iadsim.engine.radar_picture import UnitGeometry
from iadsim.engine.rng import RngStreams
from iadsim.engine.sensing import Sensing
from iadsim.engine.sensor_looks import LookCache
from iadsim.engine.states import Equipment
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import (
    CODE_NO_LAUNCHER,
    CODE_NO_SENSOR,
    CODE_NOT_TRACKED,
    Stage,
    Step,
    bits,
    first_blocking,
)
from iadsim.network.kinds import MessageKind

TRACKS = MessageKind.TRACK_REPORT
DESIGNATION = MessageKind.TARGET_DESIGNATION
FIRE_CONTROL = MessageKind.FIRE_CONTROL


@dataclass
class UnitChain:
    """A weapon unit's precomputed chain and what the event loop needs to launch."""

    unit: UnitRt
    geo: UnitGeometry
    stage: np.ndarray  # (A, K) int8, -1 where not airborne
    reason: np.ndarray  # (A, K) int8: the headline reason (the first blocking in GATE_ORDER)
    blocks: np.ndarray  # (A, K) int64 mask (killchain.BIT): every reason blocking its gate
    ready: dict[int, np.ndarray]  # launcher component -> (A, K) bool: can fire on a now
    candidates: np.ndarray  # decision indices where some aircraft reached fire control
    # the first decision index the arrays cover (a chain worked out again from an outcome's
    # time on covers the decision times from then: columns k0.. of the unit's grid)
    k0: int = 0


def _within(x: np.ndarray | dict, cols: slice) -> np.ndarray | dict:
    """Timeline arrays (last axis: decision times; or a dict of them) at columns `cols`."""
    if isinstance(x, dict):
        return {k: v[..., cols] for k, v in x.items()}
    return x[..., cols]


class Gates:
    """The kill-chain gates of one replication: for each weapon unit, how far the chain gets
    against every aircraft at every decision time (envelope, the search picture at the
    command post, a launcher, fire control) and why it stops.

    State: `pictures` (unit id -> the command post's fused air picture, Kalman mode). Consumes
    readiness (`Equipment`), the C2 network (`Connectivity`) and what the sensors saw
    (`Sensing`) by explicit calls; produces one `UnitChain` per weapon unit (`unit_chain`) and
    answers the fight's question whether a semi-active missile's guidance still holds.
    """

    def __init__(
        self,
        world: World,
        equipment: Equipment,
        network: Connectivity,
        sensing: Sensing,
        rs: RngStreams,
        cyber: Cyber | None = None,
        memo: dict | None = None,
        authority: Authority | None = None,
    ):
        self.world = world
        self.cyber = cyber  # frozen command-post pictures (engine.cyber, effect stale)
        self.memo = memo if memo is not None else {}  # seed-independent lookups (Geometry.memo)
        self.authority = authority  # release authority: may it fight on its own when cut off
        self.equipment = equipment
        self.conn = network
        self.sensing = sensing
        self.sensors = sensing.sensors
        self.rs = rs
        self.pictures: dict[str, CpPicture] = {}
        self.looks = LookCache(self.sensors, self.memo)
        self.fire_control = FireControlGate(world, sensing, rs, self.looks)
        # a sensor's part of a unit's chain and a unit's launchers, worked out again only
        # when what they read changed: the sensor's drawn timeline, the network, a component
        # destroyed (`_unchanged`)
        self._sensor_chains: dict[tuple, tuple] = {}
        self._launchers: dict[tuple, tuple] = {}

    def _unchanged(self, memo: dict, key: tuple, span: slice, *read) -> tuple | None:
        """What `memo` holds under `key` at the decision indices `span`, if it was worked out
        from the same objects `read` (by identity) and the same equipment version over those
        indices or more, else None. Its arrays' last axis is the decision times."""
        hit = memo.get(key)
        if (
            hit is not None
            and hit[1] == self.equipment.version
            and hit[2].start <= span.start
            and span.stop <= hit[2].stop
            and all(a is b for a, b in zip(hit[0], read, strict=True))
        ):
            if hit[2] == span:
                return hit[3]
            cols = slice(span.start - hit[2].start, span.stop - hit[2].start)
            return tuple(_within(x, cols) for x in hit[3])
        return None

    def use_network(self, network: Connectivity) -> None:
        """The C2 network changed (a component lost, a link's jamming ended): chains asked
        from now on are worked out on the new one."""
        self.conn = network

    def unit_sensors(self, unit: UnitRt, fallback: bool = False) -> list[int]:
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
            and self.conn.designed(w.components[i].id, cp, TRACKS)
        ]
        return own + outside

    def feeding(self, unit: UnitRt) -> set[int]:
        """Every sensor whose timeline the unit's chain reads: its picture's sensors, with
        and without its post, and its fire-control radars."""
        fc = {i for i in unit.role("fire_control") if i in self.sensors}
        return set(self.unit_sensors(unit)) | set(self.unit_sensors(unit, True)) | fc

    def _cp_picture(self, unit: UnitRt, cp, sources: list[int], times: np.ndarray) -> CpPicture:
        """Kalman mode: the air picture the unit's command post fuses from `sources` (radars
        with track reports) at the unit's decision times; kept in `pictures[unit.id]`."""
        feeds = []
        for si in sources:
            st = self.sensors[si]
            looks = st.reports.look
            t_rep = st.geo.times_s[looks]
            sid = self.world.components[si].id
            path = self.conn.status(sid, cp.id, t_rep, TRACKS)
            usable = path.ok & (self.conn.integration_code(sid, cp.id) == 0)
            sent = self.sensing.code(si, looks) == 0
            feeds.append(make_feed(si, st.reports, st.geo.times_s, sent, usable, path.latency_s))
        pic = cp_picture(feeds, times, len(self.world.aircraft))
        self.pictures[unit.id] = pic
        return pic

    def unit_chain(self, unit: UnitRt, ug: UnitGeometry, from_s: float | None = None) -> UnitChain:
        """The unit's kill chain against every aircraft at every decision time (from time
        `from_s` on, when given: an outcome changed it then), gate by gate: envelope, the
        search sensors' picture at the command post, an available launcher, fire control.
        A centralized unit whose doctrine allows it fights on its launchers' own radars once
        it has lost its command post for the fallback delay."""
        w = self.world
        cps = unit.role("command")
        centralized = unit.c2_mode != "autonomous" and bool(cps)
        cp = w.components[cps[0]] if centralized else None
        k0 = self._first_column(unit, ug, cp, from_s)
        K = ug.times_s.size
        active = None
        if cp is not None:
            active = self.fallback_active(unit, ug.times_s, cp)[k0:]
        if active is None or not active.any():
            stage, reason, blocks, ready = self._chain(unit, ug, cp, slice(k0, K))
        else:
            stage, reason, blocks, ready = self._with_fallback(unit, ug, cp, k0, active)
        candidates = np.flatnonzero((stage == Stage.FIRE_CONTROL).any(axis=0)) + k0
        return UnitChain(unit, ug, stage, reason.astype(np.int8), blocks, ready, candidates, k0)

    def _with_fallback(self, unit: UnitRt, ug: UnitGeometry, cp, k0: int, active: np.ndarray):
        """The chain from decision index k0 on of a unit fighting on its own where `active`:
        its launchers' own radars there, its command post's picture elsewhere. Each chain is
        worked out over the span of decision times that holds its columns only (the gates
        are worked out column by column: a span's columns equal the whole timeline's),
        except where the post fuses a picture (Kalman mode), which numbers its tracks from
        the start."""
        K = ug.times_s.size
        on, off = np.flatnonzero(active), np.flatnonzero(~active)
        c_end = k0 + int(off[-1]) + 1 if off.size else k0  # its post's picture: [k0, c_end)
        f_start = k0 + int(on[0])  # on its own: [f_start, K)
        if any(self.sensors[si].reports is not None for si in self.unit_sensors(unit)):
            c_end = K
        own = self._chain(unit, ug, None, slice(f_start, K), fallback=True)
        if c_end == k0:
            return own
        post = self._chain(unit, ug, cp, slice(k0, c_end))
        d, act = f_start - k0, active[f_start - k0 :]  # c_end >= f_start: no column left out

        def merged(x_post: np.ndarray, x_own: np.ndarray) -> np.ndarray:
            out = np.empty(x_post.shape[:-1] + (K - k0,), x_post.dtype)
            out[..., : c_end - k0] = x_post
            tail = out[..., d:]
            tail[..., act] = x_own[..., act]
            return out

        stage, reason, blocks = (merged(a, b) for a, b in zip(post[:3], own[:3], strict=True))
        ready = {li: merged(post[3][li], own[3][li]) for li in post[3]}
        return stage, reason, blocks, ready

    def _first_column(self, unit: UnitRt, ug: UnitGeometry, cp, from_s: float | None) -> int:
        """The first decision index a chain worked out from time `from_s` on must cover: the
        first at or after it, else earlier where a later column reads an earlier one (a
        frozen picture holds what it held before the freeze began; a fused picture, Kalman
        mode, numbers its tracks from the start). Every other gate is worked out column by
        column, so columns from there on equal those of the whole timeline."""
        times = ug.times_s
        if from_s is None or times.size == 0:
            return 0
        k0 = min(int(np.searchsorted(times, from_s, side="left")), times.size - 1)
        if cp is None:
            return k0
        if any(self.sensors[si].reports is not None for si in self.unit_sensors(unit)):
            return 0
        if self.cyber is not None:
            for win in self.cyber.stale(cp.id):
                if win.end_s > times[k0]:  # its held column may lie before k0
                    k0 = min(k0, max(int(np.searchsorted(times, win.start_s, "right")) - 1, 0))
        return k0

    def fallback_active(self, unit: UnitRt, times: np.ndarray, cp) -> np.ndarray:
        """(K,) where the unit fights on its own: its doctrine allows it (`fallback`, else the
        catalog's `fallback_delay_s`), it has launchers with radars of their own, and it has
        lost its command post (post not working, or no launcher hears its designations)
        for at least the delay."""
        allowed, delay = fallback_doctrine(self.world, unit, self.authority)
        own = [i for i in unit.role("launcher") if i in unit.role("fire_control")]
        if not allowed or not own:
            return np.zeros(len(times), bool)
        lost = self.equipment.working(cp.index, times) != 0
        hears = np.zeros(len(times), bool)
        for li in unit.role("launcher"):
            if li != cp.index:
                hears |= self.conn.status(
                    cp.id, self.world.components[li].id, times, DESIGNATION
                ).ok
        lost |= ~hears
        k = np.arange(len(times))
        began = lost & ~np.concatenate(([False], lost[:-1]))
        run_start = times[np.maximum.accumulate(np.where(began, k, 0))]
        return lost & (times - run_start >= delay)

    def _chain(self, unit: UnitRt, ug: UnitGeometry, cp, span: slice, fallback: bool = False):
        """(stage, reason, blocks, ready) of the unit's chain with command post `cp` (None:
        fighting without one, on its own sensors; `fallback`: on its launchers' own radars
        only), at the decision indices `span` (a slice). `blocks`: every reason blocking the
        gate where the chain stops (a mask)."""
        times = ug.times_s[span]
        airborne, env_code = ug.airborne[:, span], ug.env_code[:, span]
        stage = np.where(airborne, int(Stage.NONE), -1).astype(np.int8)
        reason = env_code.copy()
        blocks = bits(reason)
        cont = airborne & (env_code == 0)
        stage[cont] = Stage.IN_ENVELOPE

        cp_code = self.equipment.working(cp.index, times) if cp is not None else None
        best_stage, best_reason, best_blocks = self._search_gate(
            unit, ug.times_s, span, cp, cp_code, fallback
        )
        if cp is not None and self.cyber is not None:
            best_stage, best_reason = self.cyber.freeze(cp.id, times, best_stage, best_reason)
        stage = np.where(cont, np.maximum(best_stage, int(Stage.IN_ENVELOPE)), stage)
        reason = np.where(cont, best_reason, reason)
        searched = np.where(best_stage >= Stage.REPORTED, 0, best_blocks | bits(best_reason))
        blocks = np.where(cont, searched, blocks)
        cont &= best_stage >= Stage.REPORTED

        avail, why, l_blocks = self._launchers_available(unit, ug.times_s, span, cp)
        any_avail = np.logical_or.reduce(list(avail.values()))
        stopped = cont & ~any_avail[None, :]
        reason = np.where(stopped, why[None, :], reason)
        blocks = np.where(stopped, (l_blocks | bits(why))[None, :], blocks)
        cont &= any_avail[None, :]
        stage[cont] = Stage.ASSIGNED

        ready, fc_reason, fc_blocks = self.fire_control.ready(unit, span, avail, ug, self.conn)
        any_ready = np.logical_or.reduce(list(ready.values()))
        stopped = cont & ~any_ready
        reason = np.where(stopped, fc_reason, reason)
        blocks = np.where(stopped, fc_blocks | bits(fc_reason), blocks)
        cont &= any_ready
        stage[cont] = Stage.FIRE_CONTROL
        reason = np.where(cont, 0, reason)
        blocks = np.where(cont, 0, blocks)
        return stage, reason.astype(np.int8), blocks, ready

    def _search_gate(
        self, unit: UnitRt, all_times: np.ndarray, span: slice, cp, cp_code, fallback=False
    ):
        """Line of sight -> detected -> tracked -> reported, per feeding sensor; the sensor
        that got furthest speaks for the unit (the first one on ties). In Kalman mode the
        command post's fused picture decides `reported`. Returns (stage, reason, blocks)
        (A, K); blocks: every reason blocking a sensor's way to the post, over all sensors
        (the gate is blocked only if every sensor's way is). At the decision times
        `all_times[span]`."""
        times = all_times[span]
        A, K = len(self.world.aircraft), len(times)
        best_stage = np.full((A, K), -1, np.int8)
        best_reason = np.full((A, K), CODE_NO_SENSOR, np.int8)
        blocks = np.zeros((A, K), np.int64)  # the sensors' own reasons
        routes = np.zeros(K, np.int64)  # their ways' to the post (a union: OR distributes)
        unit_sensors = self.unit_sensors(unit, fallback)
        fused = (
            [si for si in unit_sensors if self.sensors[si].reports is not None]
            if cp is not None
            else []
        )
        for si in unit_sensors:
            s_stage, s_reason, own, route = self._sensor_chain(
                si, unit, all_times, span, cp, cp_code, si in fused
            )
            blocks |= own
            routes |= route
            better = s_stage > best_stage
            best_stage = np.where(better, s_stage, best_stage)
            best_reason = np.where(better, s_reason, best_reason)
        if fused:
            pic = self._cp_picture(unit, cp, fused, times)
            up = pic.firm & (cp_code == 0)[None, :] & (best_stage < Stage.REPORTED)
            best_stage = np.where(up, int(Stage.REPORTED), best_stage).astype(np.int8)
            best_reason = np.where(up, 0, best_reason).astype(np.int8)
        blocks |= routes[None, :]
        return best_stage, best_reason, blocks

    def _sensor_chain(
        self, si: int, unit: UnitRt, all_times: np.ndarray, span: slice, cp, cp_code, fused: bool
    ):
        """`_worked_sensor_chain`, kept until the sensor's timeline, the network or the
        equipment change (a unit's other sensors are not worked out again when one radar's
        emissions change), at the decision indices `span`."""
        key = (si, unit.index, cp.index if cp is not None else -1, fused)
        read = (self.sensors[si], self.conn, all_times)
        got = self._unchanged(self._sensor_chains, key, span, *read)
        if got is None:
            got = self._worked_sensor_chain(si, unit, all_times, span, cp, cp_code, fused)
            self._sensor_chains[key] = (read, self.equipment.version, span, got)
        return got

    def _worked_sensor_chain(
        self, si: int, unit: UnitRt, all_times: np.ndarray, span: slice, cp, cp_code, fused: bool
    ):
        """One sensor's chain for the unit: (stage, reason) per aircraft and decision time,
        and every reason blocking its way to the post, whether or not it tracked: its own
        (A, K) and its route's (K,) (masks). Line of sight, detection and track come from
        the sensor's look grid (`_looks`); only the report to the post depends on the unit.
        At the decision times `all_times[span]`."""
        times = all_times[span]
        pre = self.looks.looks(si)
        j = self.looks.index(si, all_times)[span]
        s_stage = pre.stage.take(j, axis=1)
        s_reason = pre.reason.take(j, axis=1)
        own = pre.blocks.take(j, axis=1)
        trk = s_stage == Stage.TRACKED
        comp = self.world.components[si]
        if cp is None or comp.index == cp.index:
            if fused:  # its track is at the post, but only the fused picture reports
                s_reason[trk] = CODE_NOT_TRACKED
                own[trk] = bits(CODE_NOT_TRACKED)
            else:
                s_stage[trk] = Stage.REPORTED
                s_reason[trk] = 0
            return s_stage, s_reason, own, np.zeros(len(times), np.int64)
        path = self.conn.status(comp.id, cp.id, times, TRACKS)
        # the first break along the way, in the stated order (killchain.GATE_ORDER): the
        # path to the command post, the post, whether the post can use this sensor's tracks
        integ = self.conn.integration_code(comp.id, cp.id)
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
        if not fused:
            s_stage[trk & reaches[None, :]] = Stage.REPORTED
        return s_stage, s_reason, own, route

    def _launchers_available(self, unit: UnitRt, all_times: np.ndarray, span: slice, cp):
        """`_worked_launchers` at the decision times `all_times[span]`, kept until the network
        or the equipment change."""
        key = (unit.index, cp.index if cp is not None else -1)
        read = (self.conn, all_times)
        got = self._unchanged(self._launchers, key, span, *read)
        if got is None:
            got = self._worked_launchers(unit, all_times[span], cp)
            self._launchers[key] = (read, self.equipment.version, span, got)
        return got

    def _worked_launchers(self, unit: UnitRt, times: np.ndarray, cp):
        """Per launcher, whether it works and (centralized) hears the command post; and per
        time why none does: the first break along the way from the post, the path before the
        launcher's own state (the first launcher's reason wins), and every reason blocking
        some launcher (a mask per time)."""
        w = self.world
        K = len(times)
        avail: dict[int, np.ndarray] = {}
        blocks = np.zeros(K, np.int64)
        link_reason = np.zeros(K, np.int8)
        state_reason = np.full(K, CODE_NO_LAUNCHER, np.int8)
        for li in reversed(unit.role("launcher")):  # the first launcher's reason wins
            comp = w.components[li]
            code = self.equipment.working(li, times)
            blocks |= bits(code)
            ok = code == 0
            if cp is not None and li != cp.index:
                # the first break along the way: the path from the post, then the launcher
                path = self.conn.status(cp.id, comp.id, times, DESIGNATION)
                blocks |= bits(path.code)
                link_reason = np.where(~path.ok, path.code, link_reason)
                code = np.where(path.ok, code, 0)
                ok &= path.ok
            state_reason = np.where(code != 0, code, state_reason)
            avail[li] = ok
        why = first_blocking({Step.POST_TO_LAUNCHER: link_reason, Step.LAUNCHER: state_reason})
        return avail, why, blocks

    def guidance_holds(self, unit: UnitRt, li: int, a: int, t: float) -> bool:
        """Whether a semi-active missile from launcher li still has a fire-control radar of
        the unit holding aircraft a at time t, on the network as it stands
        (`FireControlGate.guidance_holds`)."""
        return self.fire_control.guidance_holds(unit, li, a, t, self.conn)
