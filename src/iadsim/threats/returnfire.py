"""Return fire: aircraft that see a launch or an emitting radar within reach engage it.

A trigger is a missile launch (seen by a missile-approach warner or the crew, within
`launch_detect_range_m`) or an emitting radar (seen by the radar-warning receiver, within
`emitter_detect_range_m`). The nearest capable aircraft that is within its weapon's reach,
has rounds left and is not already engaged fires after its reaction time; the hit disables
the target with probability p_disable. Every return-fire engagement, hit or not, also emits
a SuppressionEvent: who was fired upon, when, where, and which crews were nearby; the
readiness model (readiness/suppression.py) turns that into willingness.

One uniform is drawn per trigger, whether or not anyone engages (common random numbers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from iadsim.errors import ValueRangeError


class TriggerKind(StrEnum):
    """What an aircraft noticed."""

    LAUNCH = "launch"  # a missile launch (SAM or MANPADS)
    EMITTER = "emitter"  # an emitting radar


class ReturnFireEffect(StrEnum):
    """What the return fire did to its target."""

    DISABLED = "disabled"
    MISSED = "missed"  # fired upon, not disabled (still suppressive)


@dataclass(frozen=True)
class ReturnFireCapability:
    """Notional return-fire capability of one aircraft type (SI units)."""

    weapon_range_m: float  # reach of its guns / rockets / missiles
    reaction_time_s: float  # from seeing the trigger to the hit
    p_disable: float  # probability one engagement disables the target
    sees_launches: bool = True
    sees_emitters: bool = False
    launch_detect_range_m: float | None = None  # default: weapon_range_m
    emitter_detect_range_m: float | None = None  # default: weapon_range_m
    rounds: int | None = None  # engagements available; None = unlimited

    def __post_init__(self) -> None:
        if self.weapon_range_m <= 0 or self.reaction_time_s < 0:
            raise ValueRangeError("return fire needs weapon_range_m > 0 and reaction_time_s >= 0")
        if not (0.0 <= self.p_disable <= 1.0):
            raise ValueRangeError(f"p_disable must be in [0, 1], got {self.p_disable}")
        if self.rounds is not None and self.rounds < 0:
            raise ValueRangeError(f"rounds must be >= 0, got {self.rounds}")

    def detect_range_m(self, kind: TriggerKind) -> float:
        """How far this aircraft notices a trigger of this kind (0 if it cannot)."""
        if kind is TriggerKind.LAUNCH:
            if not self.sees_launches:
                return 0.0
            r = self.launch_detect_range_m
        else:
            if not self.sees_emitters:
                return 0.0
            r = self.emitter_detect_range_m
        return float(self.weapon_range_m if r is None else r)


@dataclass(frozen=True)
class Trigger:
    """Something aircraft may react to: a launch or an emitting radar, at a place and time."""

    time_s: float
    kind: TriggerKind
    source_id: str  # the launching unit / team, or the emitting radar
    position_m: tuple[float, float, float]  # ENU


@dataclass(frozen=True)
class ReturnFireEvent:
    """An aircraft fired on a ground source; effect DISABLED or MISSED."""

    time_s: float
    shooter_id: str
    target_id: str
    effect: ReturnFireEffect
    trigger: TriggerKind
    target_position_m: tuple[float, float, float]


@dataclass(frozen=True)
class SuppressionEvent:
    """Who was fired upon, when and where, and the crews near enough to feel it."""

    time_s: float
    shooter_id: str
    target_id: str
    position_m: tuple[float, float, float]
    crews_nearby: tuple[str, ...]
    kind: str = "return_fire"  # readiness.suppression.SuppressiveKind.RETURN_FIRE


@dataclass
class ReturnFire:
    """Return-fire state of a raid for one replication: rounds left, who is busy until when."""

    capabilities: Mapping[str, ReturnFireCapability]  # aircraft id -> capability
    suppression_radius_m: float = 3000.0
    reengage_after_s: float = 60.0  # do not fire again at the same target sooner than this
    _rounds: dict[str, float] = field(default_factory=dict, repr=False)
    _busy_until: dict[str, float] = field(default_factory=dict, repr=False)
    _last_fired_at: dict[str, float] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.suppression_radius_m < 0 or self.reengage_after_s < 0:
            raise ValueRangeError("suppression_radius_m and reengage_after_s must be >= 0")
        for ac, cap in self.capabilities.items():
            self._rounds[ac] = np.inf if cap.rounds is None else float(cap.rounds)

    def may_answer(self, source_id: str, time_s: float) -> bool:
        """Whether anybody may fire at this source now (it was not fired at within
        `reengage_after_s`): where not, `respond` answers None whatever the positions."""
        last = self._last_fired_at.get(source_id)
        return last is None or not time_s < last + self.reengage_after_s

    def free(self, aircraft_id: str, time_s: float) -> bool:
        """Whether the aircraft could fire back now: it has the capability, rounds left and
        is not busy (`respond` weighs only such aircraft, by their positions)."""
        return (
            aircraft_id in self.capabilities
            and self._rounds.get(aircraft_id, 0.0) > 0
            and not self._busy_until.get(aircraft_id, -np.inf) > time_s
        )

    def rounds_left(self, aircraft_id: str) -> float:
        """Engagements left to an aircraft (inf if unlimited)."""
        return self._rounds.get(aircraft_id, 0.0)

    def respond(
        self,
        rng: np.random.Generator,
        trigger: Trigger,
        aircraft_ids: Sequence[str],
        aircraft_positions_m,
        alive=None,
        crew_ids: Sequence[str] = (),
        crew_positions_m=None,
    ) -> tuple[ReturnFireEvent | None, SuppressionEvent | None]:
        """React to one trigger; positions (N, 3) ENU at trigger time. Returns (fire, suppression).

        The shooter is the nearest aircraft that notices the trigger, has it within weapon
        reach, has rounds, is not busy and did not fire at this source recently; ties broken by
        id. The fire lands at trigger time + reaction time.
        """
        u = float(rng.random())
        ids = list(aircraft_ids)
        pos = np.asarray(aircraft_positions_m, float).reshape(-1, 3)
        if pos.shape[0] != len(ids):
            raise ValueRangeError("aircraft_ids and aircraft_positions_m differ in length")
        live = np.ones(len(ids), bool) if alive is None else np.asarray(alive, bool)
        src = np.asarray(trigger.position_m, float)
        dist = np.linalg.norm(pos - src, axis=-1)
        last = self._last_fired_at.get(trigger.source_id)
        if last is not None and trigger.time_s < last + self.reengage_after_s:
            return None, None
        best: tuple[float, str] | None = None
        for i, ac in enumerate(ids):
            cap = self.capabilities.get(ac)
            if cap is None or not live[i] or self._rounds.get(ac, 0.0) <= 0:
                continue
            if self._busy_until.get(ac, -np.inf) > trigger.time_s:
                continue
            d = float(dist[i])
            if d > cap.detect_range_m(trigger.kind) or d > cap.weapon_range_m:
                continue
            if best is None or (d, ac) < best:
                best = (d, ac)
        if best is None:
            return None, None
        shooter = best[1]
        cap = self.capabilities[shooter]
        t_fire = float(trigger.time_s) + cap.reaction_time_s
        self._rounds[shooter] -= 1
        self._busy_until[shooter] = t_fire
        self._last_fired_at[trigger.source_id] = t_fire
        effect = ReturnFireEffect.DISABLED if u < cap.p_disable else ReturnFireEffect.MISSED
        where = (float(src[0]), float(src[1]), float(src[2]))
        fire = ReturnFireEvent(t_fire, shooter, trigger.source_id, effect, trigger.kind, where)
        crews = crews_within(src, crew_ids, crew_positions_m, self.suppression_radius_m)
        supp = SuppressionEvent(t_fire, shooter, trigger.source_id, where, crews)
        return fire, supp


def crews_within(position_m, crew_ids: Sequence[str], crew_positions_m, radius_m: float):
    """Ids of crews within a horizontal radius of a position, in the order given."""
    if crew_positions_m is None or len(crew_ids) == 0:
        return ()
    c = np.asarray(crew_positions_m, float)
    c = c.reshape(len(crew_ids), -1)[:, :2]
    p = np.asarray(position_m, float)[:2]
    d = np.hypot(c[:, 0] - p[0], c[:, 1] - p[1])
    return tuple(cid for cid, di in zip(crew_ids, d, strict=True) if di <= radius_m)
