"""Release authority in one replication: whether each weapon unit is on weapons hold, tight
or free tonight, and whether authority is delegated to it when it is cut off from its post.

The contract of the mechanism:
- reads: the scenario's unit `authority:` (`scenario.doctrine.AuthoritySpec`: p_released,
  p_free, p_delegated); a unit without one keeps the catalog's doctrine (its fallback delay)
  or its own `fallback:`;
- state it owns: per unit the state drawn (hold, tight, free) and the delegation (one
  stream `unit:ID:authority`, three uniforms whatever the outcome);
- tells: `Gates` whether the unit may fight on its own radars when cut off
  (`fallback_allowed`: free, or tight and delegated); `Fight` whether it holds fire;
- emits: DOCTRINE records (the state drawn per unit);
- reason code: WEAPONS_HOLD (a unit on hold reaches fire control and does not launch);
  its failing element is `UNIT:authority`.

A unit's explicit `fallback.allowed` stays an override for what-ifs and wins over the draw.
"""

from __future__ import annotations

from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.rng import RngStreams
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import Reason

HOLD, TIGHT, FREE = "hold", "tight", "free"


def draw_authority(u, spec) -> tuple[str, bool]:
    """(state, delegated) from three uniforms: hold with 1 - p_released; released, free with
    p_free, else tight; delegated when cut off with p_delegated."""
    if not u[0] < spec.p_released:
        state = HOLD
    else:
        state = FREE if u[1] < spec.p_free else TIGHT
    return state, bool(u[2] < spec.p_delegated)


class Authority:
    """Release authority per weapon unit, drawn once per replication (see the module)."""

    def __init__(self, world: World, rs: RngStreams):
        self.world = world
        self.state: dict[str, str] = {}
        self.delegated: dict[str, bool] = {}
        for unit in world.units:
            spec = world.scenario.spec.units[unit.index].authority
            if spec is None or not unit.role("launcher"):
                continue
            u = rs.stream(f"unit:{unit.id}:authority").random(3)
            self.state[unit.id], self.delegated[unit.id] = draw_authority(u, spec)

    def log_to(self, log: EventLog) -> None:
        """One DOCTRINE record per unit with an authority: its state, and delegation."""
        for uid, state in self.state.items():
            extra = ", delegated when cut off" if self.delegated[uid] else ""
            log.add(0.0, EventKind.DOCTRINE, unit=uid, detail=f"weapons {state}{extra}")

    def holds(self, unit: UnitRt) -> bool:
        """Whether the unit is on weapons hold tonight."""
        return self.state.get(unit.id) == HOLD

    def fallback_allowed(self, unit: UnitRt) -> bool | None:
        """Whether the unit may fight on its own when cut off (free, or tight and
        delegated); None when it has no authority (the catalog's doctrine decides)."""
        state = self.state.get(unit.id)
        if state is None:
            return None
        return state == FREE or (state == TIGHT and self.delegated[unit.id])


CONTRACTS = (
    Mechanism(
        name="authority",
        summary="release authority at the hour: weapons hold, tight or free, delegated to a "
        "battery cut off from its post",
        module=__name__,
        process="Authority",
        reads=("scenario.units.authority", "scenario.units.fallback"),
        owns=("Authority.state", "Authority.delegated"),
        reasons=(Reason.WEAPONS_HOLD,),
        records=(EventKind.DOCTRINE,),
        doc="docs/engagement.md",
    ),
)


def fallback_doctrine(
    world: World, unit: UnitRt, authority: Authority | None = None
) -> tuple[bool, float]:
    """(allowed, delay_s) of a unit's autonomous fallback: the scenario's `fallback.allowed`
    (an explicit override), else its release authority tonight (engine.authority: free, or
    tight and delegated), else the catalog's `fallback_delay_s` (None there: not allowed)."""
    spec = world.scenario.spec.units[unit.index].fallback
    delay = spec.delay_s if spec.delay_s is not None else unit.spec.fallback_delay_s
    drawn = authority.fallback_allowed(unit) if authority is not None else None
    if spec.allowed is not None:
        allowed = spec.allowed
    elif drawn is not None:
        allowed = drawn
    else:
        allowed = unit.spec.fallback_delay_s is not None
    return bool(allowed), float(delay or 0.0)
