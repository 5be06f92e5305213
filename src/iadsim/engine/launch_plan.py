"""The targets a weapon unit weighs at each decision (`FireControlOrder`), which
launcher engages which target when there is a choice (`plan_launchers`: the engagement
room's weapon-target assignment on the Pk of each launcher's missile against each target,
the best pairs first within the unit's free channels), and where a salvo launched now would
meet its target (`intercept_solution`)."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from iadsim.engagement.assignment import WTAProblem, assign
from iadsim.engagement.intercept import predict_intercept
from iadsim.engine.gates import UnitChain
from iadsim.engine.world import World
from iadsim.killchain import Reason, Stage

_FIRE_CONTROL = int(Stage.FIRE_CONTROL)


class FireControlOrder:
    """Per decision index where some aircraft reached fire control (`chain.candidates`): those
    aircraft, nearest first (ties by aircraft index). Sorted for the whole chain at once (one
    `np.lexsort`), and again only from the index on where an outcome changed the chain
    (`resort_from`)."""

    __slots__ = ("candidates", "_lists")

    def __init__(self, chain: UnitChain):
        self.candidates: list[int] = []  # `chain.candidates` as a list, sorted
        self._lists: dict[int, list[int]] = {}
        self.resort_from(chain, 0)

    def get(self, k: int, default=()):
        """The aircraft at fire control at decision k, nearest first (`default` if none)."""
        return self._lists.get(k, default)

    def resort_from(self, chain: UnitChain, k0: int) -> None:
        """The chain's stages (and candidates) are as they stand from decision k0 on: sort
        those decisions again, keep the ones before."""
        kept = bisect_left(self.candidates, k0)
        for k in self.candidates[kept:]:
            del self._lists[k]
        cand = chain.candidates[np.searchsorted(chain.candidates, k0) :]
        at_fc = chain.stage[:, cand] == _FIRE_CONTROL  # (A, C)
        # stable: within the aircraft at fire control, by range, then by aircraft index
        order = np.lexsort((chain.geo.range_m[:, cand], ~at_fc), axis=0)
        new = cand.tolist()
        counts = at_fc.sum(axis=0).tolist()
        self._lists.update(
            (k, row[:n]) for k, row, n in zip(new, order.T.tolist(), counts, strict=True)
        )
        self.candidates = self.candidates[:kept] + new


def _pk_row(
    world: World,
    weapons: dict,
    chain: UnitChain,
    pk_rows: dict[tuple[str, int], list[float]],
    missile: str,
    a: int,
) -> list[float]:
    """Single-shot Pk of `missile` against aircraft a at each of the unit's decision times
    (its range then; aspect and height are not known before an intercept point is), kept in
    `pk_rows`."""
    row = pk_rows.get((missile, a))
    if row is None:
        category = world.aircraft[a].spec.category
        row = pk_rows[(missile, a)] = (
            weapons[missile].pk_model.pk(category, chain.geo.range_m[a]).tolist()
        )
    return row


def plan_launchers(
    world: World,
    weapons: dict,
    chain: UnitChain,
    k: int,
    targets: list[int],
    loaded_by: dict[int, list[int]],
    free: int,
    solved: dict[tuple, list[tuple[int, int]]],
    pk_rows: dict[tuple[str, int], list[float]],
) -> dict[int, int]:
    """{aircraft: launcher} at the unit's decision k: one launcher per target, at most
    `free` targets, the pairs of the optimal (or greedy, `unit.wta`) assignment on Pk
    (one Pk per missile type and target), highest Pk first.

    `pk_rows` keeps, per (missile, aircraft), the Pk at each of the unit's decision times
    (worked out on the first decision that weighs the pair, for the replication). `solved`
    keeps the assignment of each problem met, keyed by all it is worked out from (the
    method, Pk and feasibility; the ids only name its rows and columns): the same one comes
    back decision after decision (Pk is flat inside the knee range), unit after unit and
    replication after replication, so it is kept in the geometry's memo.

    With no choice to weigh there is no problem to solve: one target takes its first loaded
    launcher; with one launcher, the targets nearest first take the launchers in turn."""
    if len(targets) == 1:
        return {targets[0]: loaded_by[targets[0]][0]}
    launchers = sorted({li for a in targets for li in loaded_by[a]})
    if len(launchers) == 1:
        plan, used = {}, set()
        for a in targets[:free]:
            li = next((li for li in loaded_by[a] if li not in used), None)
            if li is not None:
                plan[a] = li
                used.add(li)
        return plan
    feasible = [tuple(li in loaded_by[a] for a in targets) for li in launchers]
    # one Pk per missile type and target (the launchers of a type share it); 0 where the
    # launcher cannot fire at the target. Plain floats: the problems are a few launchers
    # by a few targets, where numpy's cost per call is all there is
    by_missile: dict[str, list[float]] = {}
    pk = []
    for li, can in zip(launchers, feasible, strict=True):
        missile = world.components[li].launcher.missile
        row = by_missile.get(missile)
        if row is None:
            row = by_missile[missile] = [
                _pk_row(world, weapons, chain, pk_rows, missile, a)[k] for a in targets
            ]
        pk.append(tuple(x if c else 0.0 for x, c in zip(row, can, strict=True)))
    key = ("wta", chain.unit.wta, tuple(pk), tuple(feasible))
    chosen = solved.get(key)
    if chosen is None:
        problem = WTAProblem.build(
            tuple(world.components[li].id for li in launchers),
            tuple(world.aircraft[a].id for a in targets),
            np.array(pk, float),
            feasible=np.array(feasible, bool),
            channels=1,
            max_units_per_target=1,
        )
        # the (launcher, target) positions assigned, row by row
        chosen = solved[key] = [
            tuple(ij) for ij in np.argwhere(assign(problem, chain.unit.wta).matrix).tolist()
        ]
    pairs = [(pk[i][j], targets[j], launchers[i]) for i, j in chosen]
    pairs.sort(key=lambda p: -p[0])
    return {a: li for _, a, li in pairs[:free]}


def intercept_solution(world: World, weapons: dict, li: int, a: int, t: float, position, ground_m):
    """Predicted intercept of aircraft a by a missile launched at t from launcher li, and
    the reason there is none (None when there is one inside the envelope). `position(a, t)`:
    the aircraft's position then; `ground_m(point)`: the terrain height under a point."""
    comp = world.components[li]
    m = comp.missile
    route = world.aircraft[a].route
    if not bool(route.airborne(np.array([t]))[0]):
        return None, Reason.TARGET_LOST
    rel = position(a, t) - comp.enu
    model = weapons[comp.launcher.missile]
    velocity = route.velocities(np.array([t]))[0]
    icpt = predict_intercept(model.flyout, rel, velocity, 0.0, m.max_range_m, m.min_range_m)
    if not bool(icpt.feasible):
        return None, Reason.TARGET_LOST
    point = comp.enu + icpt.point_m
    agl = float(point[2] - ground_m(point))
    if agl < m.min_altitude_m or point[2] > m.max_altitude_m:
        return None, Reason.OUTSIDE_ALTITUDE
    return icpt, None
