"""Weapon-target assignment (WTA) at a command post: a greedy rule and an optimal assignment.

Inputs per command post and decision time: U units (fire units able to engage) x T targets
(tracks known at the post), with
- pk[u, t]: single-engagement kill probability, target_value[t]: worth of killing t;
- feasible[u, t]: envelope feasibility (in range, altitude, line of sight, fire control);
- slots[u]: engagements the unit can take now = min(fire channels, missiles // shots);
- max_units_per_target: doctrine (1 = one unit per target; 2 = a second shooter allowed).

Optimal maximizes the linear expected kill value sum(pk * value) over assigned pairs, each
pair used at most once. With one unit per target (or one slot per unit) this is a plain
assignment problem: scipy's linear_sum_assignment on the value matrix with each unit's row
replicated by its slots (magazine-limited multiple assignments). With both > 1 a unit could
be paired twice with the same target through replicas, so the exact b-matching is solved as
a small integer program (scipy.optimize.milp; its constraint matrix is totally unimodular).
Greedy assigns one engagement at a time by the largest marginal gain in expected destroyed
value, value * P(target survives the shooters already on it) * pk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from iadsim.errors import ValueRangeError

Method = Literal["greedy", "optimal"]


@dataclass(frozen=True)
class WTAProblem:
    """A weapon-target assignment problem (arrays are indexed unit x target)."""

    unit_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    pk: np.ndarray
    target_value: np.ndarray
    feasible: np.ndarray
    slots: np.ndarray
    max_units_per_target: np.ndarray
    min_value: float = 0.0

    @classmethod
    def build(
        cls,
        unit_ids: Sequence[str],
        target_ids: Sequence[str],
        pk: np.ndarray,
        target_value: np.ndarray | Sequence[float] | float = 1.0,
        feasible: np.ndarray | None = None,
        channels: np.ndarray | Sequence[int] | int = 1,
        missiles: np.ndarray | Sequence[int] | int | None = None,
        shots_per_engagement: np.ndarray | Sequence[int] | int = 1,
        max_units_per_target: np.ndarray | Sequence[int] | int = 1,
        min_value: float = 0.0,
    ) -> WTAProblem:
        """Validate and normalize inputs; slots = min(channels, missiles // shots)."""
        u, t = len(unit_ids), len(target_ids)
        pk = np.asarray(pk, dtype=float).reshape(u, t)
        if np.any(~np.isfinite(pk)) or np.any((pk < 0) | (pk > 1)):
            raise ValueRangeError("pk must be in [0, 1]")
        value = np.broadcast_to(np.asarray(target_value, dtype=float), (t,)).copy()
        if np.any(~np.isfinite(value)) or np.any(value < 0):
            raise ValueRangeError("target_value must be finite and >= 0")
        feas = (
            np.ones((u, t), dtype=bool)
            if feasible is None
            else np.asarray(feasible, dtype=bool).reshape(u, t)
        )
        chan = np.broadcast_to(np.asarray(channels, dtype=int), (u,))
        shots = np.broadcast_to(np.asarray(shots_per_engagement, dtype=int), (u,))
        if np.any(shots < 1):
            raise ValueRangeError("shots_per_engagement must be >= 1")
        if np.any(chan < 0):
            raise ValueRangeError("channels must be >= 0")
        slots = chan.copy()
        if missiles is not None:
            mags = np.broadcast_to(np.asarray(missiles, dtype=int), (u,))
            if np.any(mags < 0):
                raise ValueRangeError("missiles must be >= 0")
            slots = np.minimum(slots, mags // shots)
        mupt = np.broadcast_to(np.asarray(max_units_per_target, dtype=int), (t,)).copy()
        if np.any(mupt < 0):
            raise ValueRangeError("max_units_per_target must be >= 0")
        return cls(
            tuple(unit_ids), tuple(target_ids), pk, value, feas, slots.astype(int), mupt, min_value
        )

    @property
    def kill_value(self) -> np.ndarray:
        """Expected kill value per pair, zero where infeasible."""
        return np.where(self.feasible, self.pk * self.target_value[None, :], 0.0)

    def without_units(self, unit_ids: Iterable[str]) -> WTAProblem:
        """The same problem with some units dropped out (zero slots, nothing feasible)."""
        drop = set(unit_ids)
        mask = np.array([uid in drop for uid in self.unit_ids], dtype=bool)
        feas = self.feasible.copy()
        feas[mask, :] = False
        slots = self.slots.copy()
        slots[mask] = 0
        return replace(self, feasible=feas, slots=slots)


@dataclass(frozen=True)
class Assignment:
    """The result: which unit engages which target, and its value."""

    unit_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    matrix: np.ndarray  # bool, unit x target
    method: str
    linear_value: float  # sum of pk * value over assigned pairs
    expected_value: float  # sum_t value_t * (1 - prod_u (1 - pk_ut)) over assigned shooters

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(unit_id, target_id) pairs, in unit then target order."""
        us, ts = np.nonzero(self.matrix)
        return tuple((self.unit_ids[u], self.target_ids[t]) for u, t in zip(us, ts, strict=True))

    def targets_of(self, unit_id: str) -> tuple[str, ...]:
        """Targets assigned to a unit."""
        u = self.unit_ids.index(unit_id)
        return tuple(self.target_ids[t] for t in np.nonzero(self.matrix[u])[0])

    def units_on(self, target_id: str) -> tuple[str, ...]:
        """Units assigned to a target."""
        t = self.target_ids.index(target_id)
        return tuple(self.unit_ids[u] for u in np.nonzero(self.matrix[:, t])[0])

    def is_assigned(self, unit_id: str, target_id: str) -> bool:
        """Whether this unit was given this target (False -> the ledger's NOT_ASSIGNED)."""
        return bool(self.matrix[self.unit_ids.index(unit_id), self.target_ids.index(target_id)])

    @property
    def unassigned_targets(self) -> tuple[str, ...]:
        """Targets nobody was assigned to."""
        return tuple(self.target_ids[t] for t in np.nonzero(~self.matrix.any(axis=0))[0])


def _evaluate(p: WTAProblem, x: np.ndarray, method: str) -> Assignment:
    kv = p.kill_value
    linear = float(kv[x].sum())
    survive = np.prod(np.where(x, 1.0 - p.pk, 1.0), axis=0)
    expected = float(np.sum(p.target_value * (1.0 - survive) * x.any(axis=0)))
    return Assignment(p.unit_ids, p.target_ids, x, method, linear, expected)


def assign_greedy(p: WTAProblem) -> Assignment:
    """Greedy: repeatedly take the feasible pair of largest marginal expected value."""
    u_n, t_n = p.pk.shape
    x = np.zeros((u_n, t_n), dtype=bool)
    slots = p.slots.copy()
    room = p.max_units_per_target.copy()
    survive = np.ones(t_n)
    base = np.where(p.feasible, p.pk * p.target_value[None, :], 0.0)
    for _ in range(int(min(slots.sum(), room.sum()))):
        gain = base * survive[None, :]
        ok = p.feasible & ~x & (slots[:, None] > 0) & (room[None, :] > 0)
        gain = np.where(ok, gain, -np.inf)
        k = int(np.argmax(gain))  # first maximum: lowest unit, then lowest target
        u, t = divmod(k, t_n)
        if not ok[u, t] or gain[u, t] <= p.min_value:
            break
        x[u, t] = True
        slots[u] -= 1
        room[t] -= 1
        survive[t] *= 1.0 - p.pk[u, t]
    return _evaluate(p, x, "greedy")


def assign_optimal(p: WTAProblem) -> Assignment:
    """Optimal on linear expected kill value (linear_sum_assignment, or milp when needed)."""
    u_n, t_n = p.pk.shape
    kv = p.kill_value
    usable = p.feasible & (kv > p.min_value)
    usable &= (p.slots[:, None] > 0) & (p.max_units_per_target[None, :] > 0)
    x = np.zeros((u_n, t_n), dtype=bool)
    if not usable.any():
        return _evaluate(p, x, "optimal")
    slots = np.minimum(p.slots, usable.sum(axis=1))
    room = np.minimum(p.max_units_per_target, usable.sum(axis=0))
    if np.all(room <= 1) or np.all(slots <= 1):
        # rows: unit replicas by slots; columns: target replicas by doctrine room
        rows = np.repeat(np.arange(u_n), slots)
        cols = np.repeat(np.arange(t_n), room)
        m = np.where(usable[np.ix_(rows, cols)], kv[np.ix_(rows, cols)], 0.0)
        r, c = linear_sum_assignment(m, maximize=True)
        take = usable[rows[r], cols[c]]
        x[rows[r][take], cols[c][take]] = True
    else:
        idx = np.flatnonzero(usable.ravel())
        n = idx.size
        uu, tt = np.divmod(idx, t_n)
        a_u = np.zeros((u_n, n))
        a_u[uu, np.arange(n)] = 1.0
        a_t = np.zeros((t_n, n))
        a_t[tt, np.arange(n)] = 1.0
        res = milp(
            c=-kv.ravel()[idx],
            constraints=[LinearConstraint(a_u, 0, slots), LinearConstraint(a_t, 0, room)],
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
        )
        if res.x is None:  # pragma: no cover - the problem is always feasible (x = 0)
            raise RuntimeError(f"WTA milp failed: {res.message}")
        chosen = idx[res.x > 0.5]
        x.ravel()[chosen] = True
    return _evaluate(p, x, "optimal")


def assign(p: WTAProblem, method: Method = "optimal") -> Assignment:
    """Solve with the named rule."""
    if method == "greedy":
        return assign_greedy(p)
    if method == "optimal":
        return assign_optimal(p)
    raise ValueRangeError(f"WTA method must be greedy or optimal, got {method!r}")


def reassign(
    p: WTAProblem,
    dropped: Iterable[str],
    previous: Assignment | None = None,
    method: Method = "optimal",
    keep_committed: bool = True,
) -> Assignment:
    """Re-solve after units drop out.

    With `previous` and keep_committed, engagements of the remaining units stay as they were
    (no churn) and only their spare slots and the freed targets are re-assigned; otherwise
    the problem is solved from scratch without the dropped units.
    """
    q = p.without_units(dropped)
    if previous is None or not keep_committed:
        return assign(q, method)
    if previous.unit_ids != p.unit_ids or previous.target_ids != p.target_ids:
        raise ValueRangeError("previous assignment does not match the problem's units/targets")
    kept = previous.matrix & q.feasible & (q.slots[:, None] > 0)
    slots = np.maximum(q.slots - kept.sum(axis=1), 0)
    room = np.maximum(q.max_units_per_target - kept.sum(axis=0), 0)
    residual = replace(q, feasible=q.feasible & ~kept, slots=slots, max_units_per_target=room)
    extra = assign(residual, method)
    return _evaluate(q, kept | extra.matrix, method)
