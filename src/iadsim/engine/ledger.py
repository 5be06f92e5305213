"""The kill-chain ledger: for every (aircraft, weapon unit) pair, the furthest stage reached,
when each stage was first reached, and why the chain stopped: every reason that blocked it at
the gate where it stopped (`reasons`, with the failing element of each in `elements`), and
the headline `reason`, the first of them in the stated order (killchain.GATE_ORDER).

Observations come in two forms: whole timelines of stages computed vectorized before the
event loop (what geometry, readiness and links allow at each decision time), and single
observations from the event loop (launches, intercepts, crew refusals). The rule is the
same for both: a further stage replaces the record; at the same stage, the later reason wins.
A timeline brings the mask of every blocking reason at the time it is folded; an event-loop
observation (a crew's refusal, a miss) brings its one reason.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from iadsim.killchain import BIT, REASON_CODE, REASONS, Reason, Stage, reasons_of

SEP = ";"
"""Separator of the `reasons` and `elements` columns (one entry per blocking reason, in the
same order; an empty entry where a reason names no element)."""

N_STAGES = len(Stage)
INF = math.inf
_BITS: list[int] = BIT.tolist()  # killchain.BIT as ints: read one at a time, per observation

LEDGER_SCHEMA = pa.schema(
    [
        ("aircraft", pa.string()),
        ("unit", pa.string()),
        ("stage", pa.string()),
        ("stage_index", pa.int8()),
        ("reason", pa.string()),
        ("element", pa.string()),  # the failing element (a link, a set, a generator) or null
        ("stopped_at_s", pa.float64()),
    ]
    + [(f"t_{s.label}_s", pa.float64()) for s in Stage if s != Stage.NONE]
    + [
        ("reasons", pa.string()),  # every blocking reason, `reason` first, SEP-separated
        ("elements", pa.string()),  # the failing element of each of `reasons` ('' where none)
    ]
)


def stops(stage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each aircraft's chain stopped in a (A, K) timeline of stages: its furthest stage
    (-1: never observed) and the last decision index at it (the ledger's row reads its
    reason there)."""
    best = stage.max(axis=1)
    at_best = stage == best[:, None]
    return best, stage.shape[1] - 1 - np.argmax(at_best[:, ::-1], axis=1)


class _Folded:
    """One of the ledger's arrays, read with the event loop's observations folded in first
    (`Ledger._settle`); kept as `_<name>`."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = f"_{name}"

    def __get__(self, ledger: Ledger | None, owner: type | None = None) -> np.ndarray:
        if ledger is None:
            return self  # type: ignore[return-value]
        ledger._settle()
        return getattr(ledger, self.attr)


class Ledger:
    """Accumulates kill-chain observations for A aircraft x U weapon units."""

    stage = _Folded()  # (A, U) int8: the furthest stage reached (-1: never observed)
    reason = _Folded()  # (A, U) int8: the code of the headline reason where it stopped
    time = _Folded()  # (A, U): the time of the record (NaN: none)
    first = _Folded()  # (A, U, stages): when each stage was first reached (inf: never)
    blocks = _Folded()  # (A, U) int64: every reason blocking the gate where it stopped

    def __init__(self, aircraft: list[str], units: list[str]):
        self.aircraft, self.units = aircraft, units
        shape = (len(aircraft), len(units))
        self._stage = np.full(shape, -1, np.int8)
        self._reason = np.full(shape, REASON_CODE[Reason.OUT_OF_RANGE], np.int8)
        self._time = np.full(shape, np.nan)
        self._first = np.full(shape + (N_STAGES,), np.inf)
        self._blocks = np.zeros(shape, np.int64)  # mask of every blocking reason (killchain.BIT)
        self.element: dict[tuple[int, int], str] = {}  # (a, u) -> failing element
        self.elements: dict[tuple[int, int], dict[Reason, str]] = {}  # of each blocking reason
        # the event loop's observations not yet folded into the arrays, per pair: the one
        # that wins by the rule [stage, reason code, time, mask], and the first time at each
        # stage (a few hundred a replication: plain Python, folded in when the ledger is read)
        self._live: dict[tuple[int, int], list] = {}
        self._live_first: dict[tuple[int, int], list[float]] = {}

    def _settle(self) -> None:
        """Fold the event loop's observations kept per pair into the arrays: the same as
        merging each when it came (the rule keeps one winner whatever came between)."""
        if not self._live:
            return
        for (a, u), (stage, code, time_s, mask) in self._live.items():
            self._merge(a, u, stage, code, time_s, mask)
        for (a, u), firsts in self._live_first.items():
            first = self._first[a, u]  # a view: updated in place
            np.minimum(first, firsts, out=first)
        self._live.clear()
        self._live_first.clear()

    def observe_timeline(
        self,
        u: int,
        times_s: np.ndarray,
        stage: np.ndarray,
        reason: np.ndarray,
        blocks: np.ndarray | None = None,
        cols: np.ndarray | None = None,
    ) -> None:
        """Fold a (A, K) timeline of stages for unit u; stage -1 means not observed. `reason`
        and `blocks` ((A, K) masks of every reason blocking the gate; None: the reason
        alone) are read at each aircraft's stop (`stops`) only: given at the decision
        indices `cols` (A, C) when `cols` is given, which must hold every stop."""
        if stage.shape[1] == 0:
            return
        self._settle()
        best, last = stops(stage)
        at = last if cols is None else np.searchsorted(cols, last)
        rows = np.arange(stage.shape[0])
        for a in np.flatnonzero(best >= 0):
            code = int(reason[a, at[a]])
            mask = int(blocks[a, at[a]]) if blocks is not None else _BITS[code]
            self._merge(a, u, int(best[a]), code, float(times_s[last[a]]), mask, weak=True)
        for s in range(1, N_STAGES):
            reached = stage >= s
            any_reached = reached.any(axis=1)
            first_k = np.argmax(reached, axis=1)
            t_first = np.where(any_reached, times_s[first_k], np.inf)
            self._first[rows, u, s] = np.minimum(self._first[rows, u, s], t_first)

    def observe(self, a: int, u: int, stage: Stage, reason: Reason, time_s: float) -> None:
        """Fold a single observation from the event loop."""
        stage = int(stage)
        code = REASON_CODE[reason]
        key = (a, u)
        cur = self._live.get(key)
        if cur is None or stage > cur[0] or (stage == cur[0] and not time_s < cur[2]):
            self._live[key] = [stage, code, time_s, _BITS[code]]  # `_merge`'s rule
        if stage >= 1:
            first = self._live_first.get(key)
            if first is None:
                first = self._live_first[key] = [INF] * N_STAGES
            # first never decreases along the stages (reaching a stage reaches those
            # before it), so nothing is earlier when this stage's first time is not later
            if time_s < first[stage]:
                for s in range(1, stage + 1):
                    if time_s < first[s]:
                        first[s] = time_s

    def _merge(
        self, a: int, u: int, stage: int, reason: int, time_s: float, mask: int, weak=False
    ) -> None:
        """Keep the further stage; at the same stage the later reason, unless this record is
        weak (a timeline fold), which never overrides an event-loop observation at its stage."""
        cur = self._stage[a, u]
        if stage > cur or (not weak and stage == cur and not time_s < self._time[a, u]):
            self._stage[a, u] = stage
            self._reason[a, u] = reason
            self._time[a, u] = time_s
            self._blocks[a, u] = mask | _BITS[reason]

    def table(self) -> pa.Table:
        """One row per (aircraft, unit) pair."""
        cols: dict[str, list] = {f.name: [] for f in LEDGER_SCHEMA}
        for a, ac in enumerate(self.aircraft):
            for u, un in enumerate(self.units):
                st = max(int(self.stage[a, u]), 0)
                reason = REASONS[self.reason[a, u]] if st != Stage.KILLED else Reason.NONE
                if st != Stage.KILLED and reason == Reason.NONE:
                    # at fire control but no launch decision fell due before the target left
                    reason = Reason.NOT_ASSIGNED
                if self.stage[a, u] < 0:  # never airborne while the unit was deciding
                    reason = Reason.OUT_OF_RANGE
                cols["aircraft"].append(ac)
                cols["unit"].append(un)
                cols["stage"].append(Stage(st).label)
                cols["stage_index"].append(st)
                cols["reason"].append(str(reason))
                cols["element"].append(self.element.get((a, u)) if reason != Reason.NONE else None)
                blocking, named = self.blocking(a, u, reason)
                cols["reasons"].append(SEP.join(blocking) if blocking else None)
                cols["elements"].append(SEP.join(named) if blocking else None)
                cols["stopped_at_s"].append(float(self.time[a, u]))
                for s in Stage:
                    if s != Stage.NONE:
                        v = self.first[a, u, int(s)]
                        cols[f"t_{s.label}_s"].append(float(v) if np.isfinite(v) else float("nan"))
        return pa.table(cols, schema=LEDGER_SCHEMA)

    def blocking_reasons(self, a: int, u: int, headline: Reason) -> tuple[Reason, ...]:
        """Every reason blocking pair (a, u) where it stopped, the headline first (the
        table's `reason`; where that stands in for no recorded reason, it alone)."""
        if headline is Reason.NONE:
            return ()
        code = REASON_CODE[headline]
        mask = int(self.blocks[a, u]) if code == self.reason[a, u] else 0
        return reasons_of(mask | _BITS[code], headline)

    def blocking(self, a: int, u: int, headline: Reason) -> tuple[list[str], list[str]]:
        """(reasons, elements) of pair (a, u) as the table writes them."""
        rs = self.blocking_reasons(a, u, headline)
        named = self.elements.get((a, u), {})
        return [str(r) for r in rs], [named.get(r) or "" for r in rs]
