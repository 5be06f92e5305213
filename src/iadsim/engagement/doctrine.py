"""Firing doctrine: salvo size, salvo vs shoot-look-shoot, and whether a launch is allowed now.

- SALVO: fire `salvo_size` missiles at one target, rippled `launch_interval_s` apart, once.
- SHOOT_LOOK_SHOOT: fire a salvo, wait until its last missile's intercept plus an
  `assessment_delay_s` (kill assessment), then fire again if the target survived, up to
  `max_salvos` salvos. The next look is at t_last_launch + time_of_flight + assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from iadsim.engagement.magazine import Magazine, MagazineState
from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason


class FireMode(StrEnum):
    """Salvo (all at once) or shoot-look-shoot (assess between salvos)."""

    SALVO = "salvo"
    SHOOT_LOOK_SHOOT = "shoot_look_shoot"


class LaunchBlock(StrEnum):
    """Why a launch is not allowed now (NONE = allowed)."""

    NONE = "none"
    NO_MISSILES = "no_missiles"  # empty and no reserve: final
    RELOADING = "reloading"  # empty rails, reload in progress: retry at reload end
    ASSESSING = "assessing"  # shoot-look-shoot: previous salvo not yet assessed
    SALVOS_EXHAUSTED = "salvos_exhausted"  # doctrine allows no more salvos at this target

    @property
    def reason(self) -> Reason | None:
        """Kill-chain reason if this block stops the chain; None for a temporary wait."""
        return {
            LaunchBlock.NONE: Reason.NONE,
            LaunchBlock.NO_MISSILES: Reason.NO_MISSILES,
            LaunchBlock.RELOADING: Reason.NO_MISSILES,
            LaunchBlock.ASSESSING: None,
            LaunchBlock.SALVOS_EXHAUSTED: Reason.MISSED,
        }[self]


@dataclass(frozen=True)
class LaunchDecision:
    """Result of asking whether to launch now: how many, or why not and when to retry."""

    n_missiles: int
    block: LaunchBlock
    retry_at_s: float | None = None  # earliest time a launch may become possible

    @property
    def allowed(self) -> bool:
        """True when at least one missile may be launched now."""
        return self.n_missiles > 0


@dataclass(frozen=True)
class Doctrine:
    """Firing doctrine of one unit (SI: seconds)."""

    mode: FireMode = FireMode.SHOOT_LOOK_SHOOT
    salvo_size: int = 1
    max_salvos: int = 2
    launch_interval_s: float = 0.0
    assessment_delay_s: float = 5.0

    def __post_init__(self) -> None:
        if self.salvo_size < 1 or self.max_salvos < 1:
            raise ValueRangeError("doctrine salvo_size and max_salvos must be >= 1")
        if self.launch_interval_s < 0 or self.assessment_delay_s < 0:
            raise ValueRangeError("doctrine launch_interval_s and assessment_delay_s must be >= 0")

    @property
    def salvos_allowed(self) -> int:
        """Salvos per target: 1 for SALVO, max_salvos for SHOOT_LOOK_SHOOT."""
        return 1 if self.mode is FireMode.SALVO else self.max_salvos

    def salvo_launch_times(self, t0_s: float, n: int | None = None) -> np.ndarray:
        """Launch times of the missiles of one salvo that starts at t0 (rippled)."""
        k = self.salvo_size if n is None else int(n)
        return float(t0_s) + self.launch_interval_s * np.arange(k)

    def next_look_s(self, last_launch_s: float, time_of_flight_s: float) -> float:
        """Earliest next salvo under shoot-look-shoot: last launch + time of flight + assessment."""
        return float(last_launch_s) + float(time_of_flight_s) + self.assessment_delay_s

    def schedule(self, t0_s: float, time_of_flight_s) -> list[np.ndarray]:
        """Launch times of every salvo assuming each one misses (planning; tof per salvo or one)."""
        tofs = np.broadcast_to(np.asarray(time_of_flight_s, float), (self.salvos_allowed,))
        out: list[np.ndarray] = []
        t = float(t0_s)
        for i in range(self.salvos_allowed):
            times = self.salvo_launch_times(t)
            out.append(times)
            t = self.next_look_s(times[-1], tofs[i])
        return out

    def engagement_pk(self, pk) -> np.ndarray:
        """Kill probability over all salvos this doctrine allows (independent shots)."""
        p = np.asarray(pk, float)
        return 1.0 - (1.0 - p) ** (self.salvo_size * self.salvos_allowed)

    def expected_missiles(self, pk) -> np.ndarray:
        """Expected missiles spent per target (SLS stops once a salvo kills)."""
        p = np.asarray(pk, float)
        q = (1.0 - p) ** self.salvo_size  # a salvo fails
        k = self.salvos_allowed
        with np.errstate(invalid="ignore", divide="ignore"):
            salvos = np.where(q < 1.0, (1.0 - q**k) / (1.0 - q), float(k))
        return self.salvo_size * salvos

    def decide(
        self,
        t_s: float,
        magazine: Magazine,
        salvos_fired: int = 0,
        next_look_s: float | None = None,
    ) -> LaunchDecision:
        """May this unit launch at a target now, and how many missiles?

        `salvos_fired` counts salvos already fired at this target; `next_look_s` is when the
        previous salvo will have been assessed (from next_look_s()). A short magazine fires
        what it has.
        """
        if salvos_fired >= self.salvos_allowed:
            return LaunchDecision(0, LaunchBlock.SALVOS_EXHAUSTED)
        if next_look_s is not None and salvos_fired > 0 and t_s < next_look_s:
            return LaunchDecision(0, LaunchBlock.ASSESSING, retry_at_s=float(next_look_s))
        state = magazine.state(t_s)
        if state is MagazineState.EMPTY:
            return LaunchDecision(0, LaunchBlock.NO_MISSILES)
        if state is MagazineState.RELOADING:
            return LaunchDecision(0, LaunchBlock.RELOADING, retry_at_s=magazine.reload_done_s)
        return LaunchDecision(min(self.salvo_size, magazine.available(t_s)), LaunchBlock.NONE)
