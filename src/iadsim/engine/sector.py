"""Weapon-target assignment across units at a sector command post (the higher echelon).

A sector command post (a `sector-command-post` unit's post) assigns targets to the weapon
units that name it as `higher`. Early-warning tracks reach the batteries through it on the
network (radar -> sector post -> battery post: the C2 graph relays at command posts, so a
sector post destroyed or cut takes that cueing away, with its reason and its name, in the
gates), and each battery post reports to it the targets it holds at fire control and its
free fire channels.

Every assignment cycle (the sector type's `decision_period_s`, from t = 0) the post solves
one weapon-target assignment over its batteries that it hears at that moment: batteries as
rows with their free channels as slots, the targets at fire control for some battery as
columns (at most `track_capacity`, nearest first), the expected kill probability of the
battery's best loaded launcher as value, one battery per target, with the sector unit's
`wta` rule (optimal by default: engagement.assignment). Targets a battery of the sector is
already engaging are not assigned again. The orders are in force `processing_delay_s` later
(the post's processing and the message to the battery), until the next cycle's orders are.

The rule a battery follows (`SectorCommand.allows`): while it is under the sector's control
(the sector post works, the battery's own post works, and the sector post's designations
reach it), it engages only the targets the orders in force give it, never one another
battery of the sector is engaging; the rest are NOT_ASSIGNED. Cut off from its sector post
(post down, path broken) it chooses its targets itself, as a unit without a sector post
does. Without sector posts nothing here runs, so no event, draw or order changes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from iadsim.engagement.assignment import WTAProblem, assign
from iadsim.engine.c2 import Connectivity
from iadsim.engine.events import EventKind
from iadsim.engine.gates import UnitChain
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.radar_picture import Geometry
from iadsim.engine.states import Equipment
from iadsim.engine.world import UnitRt
from iadsim.killchain import Reason
from iadsim.network.kinds import MessageKind

Options = Callable[[int, int, float], tuple[list[int], dict[int, list[int]]]]
"""(chain index, decision index, time) -> (targets at fire control the unit could engage
now, their loaded launchers): the fight's own view of a battery, as its post reports it."""


@dataclass
class SectorPost:
    """One sector command post: its unit, its post and the batteries (chain indices) under it,
    and the orders it gave: (in force from, {aircraft: chain index})."""

    unit: UnitRt
    cp: int
    members: tuple[int, ...]
    orders: list[tuple[float, dict[int, int]]] = field(default_factory=list)

    @property
    def period_s(self) -> float:
        return float(self.unit.spec.decision_period_s)

    @property
    def delay_s(self) -> float:
        return float(self.unit.spec.processing_delay_s)


class SectorCommand:
    """The sector command posts of one replication and the orders they give (see the module
    docstring). State: the posts and their orders. Consumes readiness (`Equipment`) and the
    C2 network (`Connectivity`); the fight calls `cycle` at each assignment cycle and asks
    `allows` at each battery decision."""

    def __init__(
        self,
        geometry: Geometry,
        chains: list[UnitChain],
        equipment: Equipment,
        conn: Connectivity,
    ):
        self.geom, self.world = geometry, geometry.world
        self.chains, self.equipment, self.conn = chains, equipment, conn
        w = self.world
        by_cp: dict[int, list[int]] = {}
        for ci, chain in enumerate(chains):
            if chain.unit.higher is not None:
                by_cp.setdefault(w.component_index[chain.unit.higher], []).append(ci)
        self.posts = [
            SectorPost(w.units[w.unit_index[w.components[cp].unit]], cp, tuple(members))
            for cp, members in sorted(by_cp.items())
        ]
        self.post_of = {ci: p for p in self.posts for ci in p.members}

    def cycle_times(self, post: SectorPost) -> np.ndarray:
        """The post's assignment cycles over the scenario."""
        return np.arange(0.0, self.world.duration_s + 1e-9, post.period_s)

    def controlled(self, ci: int, t: float) -> bool:
        """Whether battery ci is under its sector post's control at t: the sector post and
        the battery's post work, and the sector post's designations reach the battery's."""
        post = self.post_of.get(ci)
        if post is None:
            return False
        own = self.chains[ci].unit.role("command")
        if not own or self.equipment.working_at(post.cp, t) != 0:
            return False
        if self.equipment.working_at(own[0], t) != 0:
            return False
        times = np.array([t])
        comps = self.world.components
        path = self.conn.status(
            comps[post.cp].id, comps[own[0]].id, times, MessageKind.TARGET_DESIGNATION
        )
        return bool(path.ok[0])

    def cycle(
        self,
        post: SectorPost,
        t: float,
        options: Options,
        free_channels: Callable[[int], int],
        engaged: Callable[[int], bool],
    ) -> dict[int, tuple[int, float]]:
        """One assignment cycle at t: solve the WTA over the batteries the post hears and
        record the orders (in force from t + processing delay). Returns {aircraft: (chain
        index, expected kill probability)} of the new orders. `engaged(a)`: whether some
        battery of the sector that the post hears is engaging aircraft a."""
        w = self.world
        rows: list[int] = []
        offer: dict[tuple[int, int], float] = {}
        reach: dict[int, float] = {}
        for ci in post.members:
            chain = self.chains[ci]
            k = int(np.searchsorted(chain.geo.times_s, t, side="right")) - 1
            if k < 0 or free_channels(ci) <= 0 or not self.controlled(ci, t):
                continue
            targets, loaded_by = options(ci, k, t)
            for a in targets:
                if engaged(a):
                    continue
                rng = float(chain.geo.range_m[a, k])
                offer[(ci, a)] = max(self._pk(li, a, rng) for li in loaded_by[a])
                reach[a] = min(reach.get(a, np.inf), rng)
            rows.append(ci)
        cols = sorted(reach, key=lambda a: (reach[a], a))
        capacity = post.unit.spec.track_capacity
        if capacity is not None:
            cols = cols[:capacity]
        # orders stand while the battery can still carry them out (no churn); only the
        # other targets and the batteries' remaining channels are assigned again
        previous = post.orders[-1][1] if post.orders else {}
        orders = {a: (ci, offer[(ci, a)]) for a, ci in previous.items() if (ci, a) in offer}
        orders = {a: v for a, v in orders.items() if a in cols}
        slots = [free_channels(ci) - sum(v[0] == ci for v in orders.values()) for ci in rows]
        cols = [a for a in cols if a not in orders]
        if rows and cols:
            pk = np.array([[offer.get((ci, a), 0.0) for a in cols] for ci in rows])
            feasible = np.array([[(ci, a) in offer for a in cols] for ci in rows])
            problem = WTAProblem.build(
                [self.chains[ci].unit.id for ci in rows],
                [w.aircraft[a].id for a in cols],
                pk,
                feasible=feasible,
                channels=slots,
                max_units_per_target=1,
            )
            result = assign(problem, post.unit.wta)
            for i, j in np.argwhere(result.matrix):
                orders[cols[j]] = (rows[i], float(pk[i, j]))
        post.orders.append((t + post.delay_s, {a: ci for a, (ci, _) in orders.items()}))
        return orders

    def engaging(
        self, ci: int, a: int, t: float, engaged: set, other_than: int | None = None
    ) -> bool:
        """Whether a battery of ci's sector that the sector post hears at t (other than
        `other_than`) is engaging aircraft a (`engaged`: the fight's (unit, aircraft) pairs)."""
        post = self.post_of[ci]
        return any(
            (cj, a) in engaged and self.controlled(cj, t) for cj in post.members if cj != other_than
        )

    def run_cycle(
        self,
        p: int,
        t: float,
        options: Callable,
        free_channels: Callable[[int], int],
        engaged: set,
        log,
    ) -> None:
        """Sector post p's assignment cycle at t (`cycle`); a changed order is logged as
        TARGET_ASSIGNED (aircraft, battery, the sector post, the kill probability)."""
        post = self.posts[p]
        before = post.orders[-1][1] if post.orders else {}
        orders = self.cycle(
            post,
            t,
            options,
            free_channels,
            lambda a: self.engaging(post.members[0], a, t, engaged),
        )
        cp_id = self.world.components[post.cp].id
        for a, (ci, pk) in sorted(orders.items()):
            if before.get(a) != ci:
                unit_id = self.chains[ci].unit.id
                log.add(
                    t, EventKind.TARGET_ASSIGNED, self.world.aircraft[a].id, unit_id, cp_id, "", pk
                )

    def _pk(self, li: int, a: int, range_m: float) -> float:
        """Kill probability of launcher li's missile against aircraft a at a range, as the
        battery's own assignment rates it (engine.fight)."""
        w = self.world
        model = self.geom.weapons[w.components[li].launcher.missile].pk_model
        return float(model.pk(w.aircraft[a].spec.category, range_m))

    def in_force(self, post: SectorPost, t: float) -> dict[int, int]:
        """The post's orders in force at t ({} before the first arrives)."""
        starts = [s for s, _ in post.orders]
        i = bisect_right(starts, t) - 1
        return post.orders[i][1] if i >= 0 else {}

    def allows(self, ci: int, a: int, t: float, engaged_by_other: bool) -> bool | None:
        """Whether battery ci may engage aircraft a at t under its sector's orders; None when
        it is not under a sector's control and chooses for itself."""
        if not self.controlled(ci, t):
            return None
        post = self.post_of[ci]
        return not engaged_by_other and self.in_force(post, t).get(a) == ci


CONTRACTS = (
    Mechanism(
        name="sector-command",
        summary="a sector command post assigns targets across its batteries while they "
        "hear it; cut off, a battery chooses for itself",
        module=__name__,
        process="SectorCommand",
        reads=(
            "scenario.units.higher",
            "scenario.units.wta",
            "catalog.units.decision_period_s",
            "catalog.units.processing_delay_s",
        ),  # fmt: skip
        owns=("SectorCommand.posts",),
        also_gives=(Reason.NOT_ASSIGNED,),
        records=(EventKind.TARGET_ASSIGNED,),
        doc="docs/engagement.md",
    ),
)
