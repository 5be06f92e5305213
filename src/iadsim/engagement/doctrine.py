"""Firing doctrine: salvo size, salvo vs shoot-look-shoot, and whether a launch is allowed now.

- SALVO: fire `salvo_size` missiles at one target, once.
- SHOOT_LOOK_SHOOT: fire a salvo, wait until it reaches the target plus `assessment_delay_s`
  (kill assessment), then fire again if the target survived, up to `max_salvos` salvos
  (None: until the target is down or the missiles run out).

The engine's fight (`engine.fight.Fight`) holds one `Doctrine` per weapon unit, built from
the catalog unit type (`Doctrine.of`): it asks `decide` at each launch and frees the fire
channel at `look_again_s` after each intercept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from iadsim.engagement.magazine import Magazine, MagazineState
from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason
from iadsim.scenario.catalog import UnitType


class FireMode(StrEnum):
    """Salvo (all at once) or shoot-look-shoot (assess between salvos)."""

    SALVO = "salvo"
    SHOOT_LOOK_SHOOT = "shoot_look_shoot"


class LaunchBlock(StrEnum):
    """Why a launch is not allowed now (NONE = allowed)."""

    NONE = "none"
    NO_MISSILES = "no_missiles"  # empty and no reserve: final
    RELOADING = "reloading"  # empty rails, reload in progress
    SALVOS_EXHAUSTED = "salvos_exhausted"  # doctrine allows no more salvos at this target

    @property
    def reason(self) -> Reason:
        """Kill-chain reason when this block stops the chain (RELOADING counts as
        NO_MISSILES: the closed Reason enum has no reloading; no more salvos as MISSED)."""
        return {
            LaunchBlock.NONE: Reason.NONE,
            LaunchBlock.NO_MISSILES: Reason.NO_MISSILES,
            LaunchBlock.RELOADING: Reason.NO_MISSILES,
            LaunchBlock.SALVOS_EXHAUSTED: Reason.MISSED,
        }[self]


@dataclass(frozen=True)
class LaunchDecision:
    """Result of asking whether to launch now: how many, or why not."""

    n_missiles: int
    block: LaunchBlock

    @property
    def allowed(self) -> bool:
        """True when at least one missile may be launched now."""
        return self.n_missiles > 0


@dataclass(frozen=True)
class Doctrine:
    """Firing doctrine of one unit (SI: seconds)."""

    mode: FireMode = FireMode.SHOOT_LOOK_SHOOT
    salvo_size: int = 1
    max_salvos: int | None = None
    assessment_delay_s: float = 5.0

    def __post_init__(self) -> None:
        if self.salvo_size < 1 or (self.max_salvos is not None and self.max_salvos < 1):
            raise ValueRangeError("doctrine salvo_size and max_salvos must be >= 1")
        if self.assessment_delay_s < 0:
            raise ValueRangeError("doctrine assessment_delay_s must be >= 0")

    @classmethod
    def of(cls, unit_type: UnitType) -> Doctrine:
        """The doctrine a catalog unit type declares (`doctrine`, `salvo`,
        `assessment_delay_s`)."""
        return cls(
            FireMode(unit_type.doctrine),
            salvo_size=unit_type.salvo,
            assessment_delay_s=unit_type.assessment_delay_s,
        )

    @property
    def salvos_allowed(self) -> float:
        """Salvos per target: 1 for SALVO, max_salvos (inf if None) for SHOOT_LOOK_SHOOT."""
        if self.mode is FireMode.SALVO:
            return 1
        return math.inf if self.max_salvos is None else self.max_salvos

    def look_again_s(self, intercept_s: float) -> float:
        """When the unit may engage the target again after a salvo reaches it: after the kill
        assessment under shoot-look-shoot, at once under salvo (which fires no more at it)."""
        if self.mode is FireMode.SHOOT_LOOK_SHOOT:
            return intercept_s + self.assessment_delay_s
        return intercept_s

    def decide(self, t_s: float, magazine: Magazine, salvos_fired: int = 0) -> LaunchDecision:
        """May this unit launch at a target now, and how many missiles? `salvos_fired` counts
        the salvos already fired at this target. A short magazine fires what it has."""
        if salvos_fired >= self.salvos_allowed:
            return LaunchDecision(0, LaunchBlock.SALVOS_EXHAUSTED)
        state = magazine.state(t_s)
        if state is MagazineState.EMPTY:
            return LaunchDecision(0, LaunchBlock.NO_MISSILES)
        if state is MagazineState.RELOADING:
            return LaunchDecision(0, LaunchBlock.RELOADING)
        return LaunchDecision(min(self.salvo_size, magazine.available(t_s)), LaunchBlock.NONE)
