"""Random failure and repair of links and nodes (MTBF/MTTR), sampled up front per replication.

Each element alternates between up periods ~ Exp(mean=MTBF) and down periods ~ Exp(mean=MTTR)
(an alternating renewal process). The whole timeline over the scenario duration is drawn at
once, vectorized, into a list of down intervals that C2Network.add_outages() consumes; the
engine then never draws failure dice in its event loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.network.graph import C2Network

__all__ = [
    "Reliability",
    "sample_outages",
    "sample_timeline",
    "apply_timeline",
    "stream_name",
]


@dataclass(frozen=True)
class Reliability:
    """Mean time between failures and mean time to repair of one element, in seconds."""

    mtbf_s: float
    mttr_s: float

    def __post_init__(self) -> None:
        if not (self.mtbf_s > 0.0):
            raise ValueRangeError(f"mtbf_s must be > 0, got {self.mtbf_s}")
        if not (self.mttr_s > 0.0):
            raise ValueRangeError(f"mttr_s must be > 0, got {self.mttr_s}")

    @property
    def availability(self) -> float:
        """Long-run fraction of time up: MTBF / (MTBF + MTTR)."""
        return self.mtbf_s / (self.mtbf_s + self.mttr_s)


def stream_name(element_id: str) -> str:
    """The RNG stream name used for an element's failures (stable across scenario edits)."""
    return f"network:{element_id}:failure"


def sample_outages(
    rng: np.random.Generator,
    rel: Reliability,
    duration_s: float,
    start_up: bool | None = True,
) -> list[tuple[float, float]]:
    """Down intervals within [0, duration_s] of one element.

    start_up: True starts up at t=0 (as designed); False starts down; None draws the initial
    state from the stationary availability (and, by memorylessness, exponential residuals).
    """
    if not (duration_s >= 0.0 and math.isfinite(duration_s)):
        raise ValueRangeError(f"duration_s must be finite and >= 0, got {duration_s}")
    if start_up is None:
        start_up = bool(rng.random() < rel.availability)
    out: list[tuple[float, float]] = []
    t = 0.0
    up = start_up
    # expected number of cycles, with margin; draw in batches until past the end
    n = int(duration_s / (rel.mtbf_s + rel.mttr_s) * 1.5) + 8
    while t < duration_s:
        ups = rng.exponential(rel.mtbf_s, n)
        downs = rng.exponential(rel.mttr_s, n)
        if up:
            seq = np.column_stack([ups, downs]).ravel()
        else:
            seq = np.column_stack([downs, ups]).ravel()
        ends = t + np.cumsum(seq)
        starts = np.concatenate(([t], ends[:-1]))
        # down segments are the odd positions if we start up, even positions otherwise
        first_down = 1 if up else 0
        ds, de = starts[first_down::2], ends[first_down::2]
        keep = ds < duration_s
        out.extend(
            (float(s), float(min(e, duration_s))) for s, e in zip(ds[keep], de[keep], strict=True)
        )
        t = float(ends[-1])
        # both sequences have even length, so the state after a batch is the starting state
    return out


def sample_timeline(
    reliabilities: Mapping[str, Reliability],
    duration_s: float,
    rng: np.random.Generator | Callable[[str], np.random.Generator],
    start_up: bool | None = True,
) -> dict[str, list[tuple[float, float]]]:
    """Down intervals for every element with a reliability.

    rng: a Generator (drawn from in sorted element-id order) or a callable name -> Generator,
    e.g. RngStreams(seed).stream, called with stream_name(element_id): each element then has
    its own stream and adding an element does not change anyone else's failures.
    """
    out: dict[str, list[tuple[float, float]]] = {}
    for eid in sorted(reliabilities):
        gen = rng if isinstance(rng, np.random.Generator) else rng(stream_name(eid))
        out[eid] = sample_outages(gen, reliabilities[eid], duration_s, start_up)
    return out


def apply_timeline(network: C2Network, timeline: Mapping[str, list[tuple[float, float]]]) -> None:
    """Add a sampled timeline's down intervals to a C2Network."""
    for eid, intervals in timeline.items():
        network.add_outages(eid, intervals)
