"""The kill-chain gates of each weapon unit, as whole (aircraft x decision time) timelines.

Gates in order: envelope, then the search picture at the command post (`engine.search_gate`:
per feeding sensor line of sight, detection, track and report to the post; the sensor that got
furthest speaks for the unit), then a launcher available through working links, then fire
control (`engine.fire_control_gate`). During the fight a chain says how far it gets
(`unit_chain`: worked out at the start and again from each outcome's time on); why it stops,
every reason blocking it and so the ledger's rows are worked out after the fight, at the
decision times the ledger reads (`explain`). The two agree because an outcome changes only
what holds from its time on: the timelines spliced during the fight equal those worked out
once over the whole night on the state it ended in (tests/engine/test_chains_from_an_outcome.py).
See docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engine.authority import Authority, fallback_doctrine
from iadsim.engine.c2 import Connectivity
from iadsim.engine.cyber import Cyber
from iadsim.engine.fire_control_gate import FireControlGate
from iadsim.engine.radar_picture import UnitGeometry
from iadsim.engine.rng import RngStreams
from iadsim.engine.search_gate import SearchGate
from iadsim.engine.sensing import Sensing
from iadsim.engine.sensor_looks import LookCache
from iadsim.engine.states import Equipment
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import CODE_NO_LAUNCHER, Stage, Step, bits, first_blocking
from iadsim.network.kinds import MessageKind

DESIGNATION = MessageKind.TARGET_DESIGNATION


@dataclass
class UnitChain:
    """A weapon unit's chain during the fight: how far it gets and what the event loop needs
    to launch."""

    unit: UnitRt
    geo: UnitGeometry
    stage: np.ndarray  # (A, K) int8, -1 where not airborne
    ready: dict[int, np.ndarray]  # launcher component -> (A, K) bool: can fire on a now
    candidates: np.ndarray  # decision indices where some aircraft reached fire control
    # the first decision index the arrays cover (a chain worked out again from an outcome's
    # time on covers the decision times from then: columns k0.. of the unit's grid)
    k0: int = 0


class Gates:
    """The kill-chain gates of one replication: for each weapon unit, how far the chain gets
    against every aircraft at every decision time (envelope, the search picture at the
    command post, a launcher, fire control) and why it stops.

    State: the search gate's (`search`: the command posts' fused pictures, Kalman mode) and
    each unit's launchers as worked out on the network as it stands. Consumes readiness
    (`Equipment`), the C2 network (`Connectivity`) and what the sensors saw (`Sensing`) by
    explicit calls; produces one `UnitChain` per weapon unit (`unit_chain`), the reasons of
    the ledger's rows (`explain`), and answers the fight's question whether a semi-active
    missile's guidance still holds.
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
        self.looks = LookCache(self.sensors, self.memo)
        self.search = SearchGate(world, equipment, sensing, self.looks)
        self.fire_control = FireControlGate(world, sensing, rs, self.looks)
        # a unit's launchers worked out again only when what they read changed: the
        # network, a component destroyed
        self._launchers: dict[tuple, tuple] = {}

    @property
    def pictures(self):
        """Unit id -> its command post's fused air picture (Kalman mode)."""
        return self.search.pictures

    def use_network(self, network: Connectivity) -> None:
        """The C2 network changed (a component lost, a link's jamming ended): chains asked
        from now on are worked out on the new one."""
        self.conn = network

    def unit_sensors(self, unit: UnitRt, fallback: bool = False) -> list[int]:
        """The sensors whose picture this unit fights from (`SearchGate.unit_sensors`)."""
        return self.search.unit_sensors(unit, self.conn, fallback)

    def feeding(self, unit: UnitRt) -> set[int]:
        """Every sensor whose timeline the unit's chain reads: its picture's sensors, with
        and without its post, and its fire-control radars."""
        fc = {i for i in unit.role("fire_control") if i in self.sensors}
        return set(self.unit_sensors(unit)) | set(self.unit_sensors(unit, True)) | fc

    def _post(self, unit: UnitRt):
        """The unit's command post component, None when it fights on its own by design."""
        cps = unit.role("command")
        if unit.c2_mode == "autonomous" or not cps:
            return None
        return self.world.components[cps[0]]

    def unit_chain(self, unit: UnitRt, ug: UnitGeometry, from_s: float | None = None) -> UnitChain:
        """The unit's kill chain against every aircraft at every decision time (from time
        `from_s` on, when given: an outcome changed it then), gate by gate: envelope, the
        search sensors' picture at the command post, an available launcher, fire control.
        A centralized unit whose doctrine allows it fights on its launchers' own radars once
        it has lost its command post for the fallback delay."""
        cp = self._post(unit)
        k0 = self._first_column(unit, ug, cp, from_s)
        K = ug.times_s.size
        active = None
        if cp is not None:
            active = self.fallback_active(unit, ug.times_s, cp)[k0:]
        if active is None or not active.any():
            stage, ready = self._chain(unit, ug, cp, slice(k0, K))
        else:
            stage, ready = self._with_fallback(unit, ug, cp, k0, active)
        candidates = np.flatnonzero((stage == Stage.FIRE_CONTROL).any(axis=0)) + k0
        return UnitChain(unit, ug, stage, ready, candidates, k0)

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
        if self.search.fuses(unit, self.conn):
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

        return merged(post[0], own[0]), {li: merged(post[1][li], own[1][li]) for li in post[1]}

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
        if self.search.fuses(unit, self.conn):
            return 0
        for kh in self._held_columns(ug, cp, float(times[k0])):
            k0 = min(k0, kh)
        return k0

    def _held_columns(self, ug: UnitGeometry, cp, after_s: float = -np.inf) -> list[int]:
        """The columns a frozen picture at the post reads (the last decision time at or
        before each freeze began), of the freezes that end after `after_s`."""
        if self.cyber is None:
            return []
        times = ug.times_s
        return [
            max(int(np.searchsorted(times, win.start_s, "right")) - 1, 0)
            for win in self.cyber.stale(cp.id)
            if win.end_s > after_s
        ]

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
        """(stage, ready) of the unit's chain with command post `cp` (None: fighting without
        one, on its own sensors; `fallback`: on its launchers' own radars only), at the
        decision indices `span` (a slice)."""
        times = ug.times_s[span]
        airborne, env_code = ug.airborne[:, span], ug.env_code[:, span]
        stage = np.where(airborne, int(Stage.NONE), -1).astype(np.int8)
        cont = airborne & (env_code == 0)
        stage[cont] = Stage.IN_ENVELOPE
        cp_code = self.equipment.working(cp.index, times) if cp is not None else None
        best = self.search.stages(unit, ug.times_s, span, cp, cp_code, self.conn, fallback)
        if cp is not None and self.cyber is not None:
            best, _ = self.cyber.freeze(cp.id, times, best, None)
        stage = np.where(cont, np.maximum(best, int(Stage.IN_ENVELOPE)), stage)
        cont &= best >= Stage.REPORTED
        avail = self._launchers_available(unit, ug.times_s, span, cp)[0]
        cont &= np.logical_or.reduce(list(avail.values()))[None, :]
        stage[cont] = Stage.ASSIGNED
        ready = self.fire_control.ready(unit, span, avail, ug, self.conn)
        cont &= np.logical_or.reduce(list(ready.values()))
        stage[cont] = Stage.FIRE_CONTROL
        return stage, ready

    def explain(
        self, unit: UnitRt, ug: UnitGeometry, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(stage, reason, blocks) (A, C) of the unit's chain at the decision indices `cols`,
        on the state the fight ended in: how far it got, the headline reason it stopped
        there (the first blocking in GATE_ORDER) and every reason blocking its gate (a mask).
        Worked out at those columns only (and the columns a frozen picture reads)."""
        cp = self._post(unit)
        cols = np.asarray(cols, np.intp)
        if cols.size == 0:
            A = len(self.world.aircraft)
            return np.zeros((A, 0), np.int8), np.zeros((A, 0), np.int8), np.zeros((A, 0), np.int64)
        held = np.asarray(self._held_columns(ug, cp) if cp is not None else [], np.intp)
        work = np.unique(np.concatenate([cols, held]))
        post = self._explained(unit, ug, cp, work)
        if cp is not None:
            active = self.fallback_active(unit, ug.times_s, cp)[work]
            if active.any():
                own = self._explained(unit, ug, None, work, fallback=True)
                post = tuple(
                    np.where(active[None, :], o, p) for p, o in zip(post, own, strict=True)
                )
        at = np.searchsorted(work, cols)
        return tuple(x[:, at] for x in post)

    def _explained(self, unit: UnitRt, ug: UnitGeometry, cp, cols: np.ndarray, fallback=False):
        """(stage, reason, blocks) of the unit's chain with command post `cp` (as `_chain`)
        at the decision indices `cols` (an index array). `blocks`: every reason blocking the
        gate where the chain stops (a mask)."""
        times = ug.times_s[cols]
        airborne, env_code = ug.airborne[:, cols], ug.env_code[:, cols]
        stage = np.where(airborne, int(Stage.NONE), -1).astype(np.int8)
        reason = env_code.copy()
        blocks = bits(reason)
        cont = airborne & (env_code == 0)
        stage[cont] = Stage.IN_ENVELOPE

        cp_code = self.equipment.working(cp.index, times) if cp is not None else None
        best_stage, best_reason, best_blocks = self.search.explain(
            unit, ug.times_s, cols, cp, cp_code, self.conn, fallback
        )
        if cp is not None and self.cyber is not None:
            best_stage, best_reason = self.cyber.freeze(cp.id, times, best_stage, best_reason)
        stage = np.where(cont, np.maximum(best_stage, int(Stage.IN_ENVELOPE)), stage)
        reason = np.where(cont, best_reason, reason)
        searched = np.where(best_stage >= Stage.REPORTED, 0, best_blocks | bits(best_reason))
        blocks = np.where(cont, searched, blocks)
        cont &= best_stage >= Stage.REPORTED

        avail, why, l_blocks = self._worked_launchers(unit, ug.times_s, cols, cp)
        any_avail = np.logical_or.reduce(list(avail.values()))
        stopped = cont & ~any_avail[None, :]
        reason = np.where(stopped, why[None, :], reason)
        blocks = np.where(stopped, (l_blocks | bits(why))[None, :], blocks)
        cont &= any_avail[None, :]
        stage[cont] = Stage.ASSIGNED

        ready = self.fire_control.ready(unit, cols, avail, ug, self.conn)
        fc_reason, fc_blocks = self.fire_control.explain(unit, cols, avail, ug, self.conn)
        any_ready = np.logical_or.reduce(list(ready.values()))
        stopped = cont & ~any_ready
        reason = np.where(stopped, fc_reason, reason)
        blocks = np.where(stopped, fc_blocks | bits(fc_reason), blocks)
        cont &= any_ready
        stage[cont] = Stage.FIRE_CONTROL
        reason = np.where(cont, 0, reason)
        blocks = np.where(cont, 0, blocks)
        return stage, reason.astype(np.int8), blocks

    def _launchers_available(self, unit: UnitRt, all_times: np.ndarray, span: slice, cp):
        """`_worked_launchers` at the decision times `all_times[span]`, kept until the network
        or the equipment change."""
        key = (unit.index, cp.index if cp is not None else -1)
        hit = self._launchers.get(key)
        if (
            hit is not None
            and hit[0] is self.conn
            and hit[1] is all_times
            and hit[2] == self.equipment.version
            and hit[3].start <= span.start
            and span.stop <= hit[3].stop
        ):
            cols = slice(span.start - hit[3].start, span.stop - hit[3].start)
            avail, why, blocks = hit[4]
            return {li: ok[cols] for li, ok in avail.items()}, why[cols], blocks[cols]
        got = self._worked_launchers(unit, all_times, span, cp)
        self._launchers[key] = (self.conn, all_times, self.equipment.version, span, got)
        return got

    def _worked_launchers(self, unit: UnitRt, grid: np.ndarray, at, cp):
        """Per launcher, whether it works and (centralized) hears the command post; and per
        time why none does: the first break along the way from the post, the path before the
        launcher's own state (the first launcher's reason wins), and every reason blocking
        some launcher (a mask per time). At the times `grid[at]`."""
        w = self.world
        times = grid[at]
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
                path = self.conn.status_at(cp.id, comp.id, grid, at, DESIGNATION)
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
