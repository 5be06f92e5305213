"""The tracker's settings (`TrackerConfig`, checked on construction) and what it returns: a
snapshot of tracks at one time (`TrackTable`) and the logged states (`TrackHistory`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from iadsim.errors import ValueRangeError


@dataclass(frozen=True)
class TrackerConfig:
    """Settings of one tracker; SI units, gates in Mahalanobis distance (not squared)."""

    measurement: Literal["polar", "position"] = "polar"
    motion: Literal["cv", "ct", "imm"] = "cv"
    q: float = 10.0
    turn_rate: float = 0.1
    imm_p_stay: float = 0.95
    association: Literal["gnn", "jpda"] = "gnn"
    gate: float = 4.0
    init_gate: float = 4.0
    pd: float = 0.9
    clutter_density: float = 1e-9
    init_velocity_std: float = 300.0
    noise_floor_m: float = 1.0
    confirm_m: int = 2
    confirm_n: int | None = 3
    delete_misses: int | None = 3
    delete_cov_trace: float | None = None
    tentative_delete_cov_trace: float | None = None
    cov_trace_position_only: bool = False
    record_history: bool = False

    def __post_init__(self) -> None:
        """Refuse settings outside their domain."""
        if self.measurement not in ("polar", "position"):
            raise ValueRangeError(
                f"measurement must be 'polar' or 'position', got {self.measurement!r}"
            )
        if self.motion not in ("cv", "ct", "imm"):
            raise ValueRangeError(f"motion must be 'cv', 'ct' or 'imm', got {self.motion!r}")
        if self.association not in ("gnn", "jpda"):
            raise ValueRangeError(f"association must be 'gnn' or 'jpda', got {self.association!r}")
        for name in (
            "q",
            "gate",
            "init_gate",
            "init_velocity_std",
            "clutter_density",
            "noise_floor_m",
        ):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ValueRangeError(f"TrackerConfig.{name} must be finite and > 0, got {v!r}")
        if not 0.0 < self.pd <= 1.0:
            raise ValueRangeError(f"TrackerConfig.pd must be in (0, 1], got {self.pd!r}")
        if not 0.0 < self.imm_p_stay < 1.0:
            raise ValueRangeError(
                f"TrackerConfig.imm_p_stay must be in (0, 1), got {self.imm_p_stay!r}"
            )
        if self.confirm_m < 1:
            raise ValueRangeError(f"TrackerConfig.confirm_m must be >= 1, got {self.confirm_m!r}")
        if self.confirm_n is not None and self.confirm_n < self.confirm_m:
            raise ValueRangeError("TrackerConfig.confirm_n must be >= confirm_m (M-of-N)")
        if self.delete_misses is None and self.delete_cov_trace is None:
            raise ValueRangeError("TrackerConfig needs delete_misses or delete_cov_trace")
        if self.confirm_n is None and self.tentative_delete_cov_trace is None:
            raise ValueRangeError("TrackerConfig needs confirm_n or tentative_delete_cov_trace")


@dataclass
class TrackTable:
    """Snapshot of tracks at one time: combined state per track (interleaved layout)."""

    time: float
    ids: np.ndarray
    x: np.ndarray
    p: np.ndarray
    truth_ids: np.ndarray
    confirmed_at: np.ndarray

    def __len__(self) -> int:
        """Number of tracks."""
        return int(self.ids.size)


@dataclass
class TrackHistory:
    """Every logged track state: rows of (time, track id, state); `confirmed_ids` ever confirmed."""

    t: np.ndarray
    ids: np.ndarray
    x: np.ndarray
    confirmed_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def confirmed_only(self) -> TrackHistory:
        """Rows of tracks that were confirmed at some time (their tentative history included)."""
        keep = np.isin(self.ids, self.confirmed_ids)
        return TrackHistory(self.t[keep], self.ids[keep], self.x[keep], self.confirmed_ids)
