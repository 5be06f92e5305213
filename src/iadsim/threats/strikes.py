"""Scheduled strikes: which components each strike destroys or disables, and when.

A strike hits its targets (the struck site's members, or the strike's own `targets`; a unit
stands for all its components) at its time with one weapon. Each component, by its kind, is
destroyed with p_destroy, else disabled (out of action for the rest of the scenario, still
there) with p_disable, else unharmed (`StrikeSpec.probabilities`: one number, or a table by
component kind with '*' for the other kinds). One uniform per (strike, component), from its
own stream `strike:STRIKE:COMPONENT`, drawn whatever the outcome: adding a target or a strike
never shifts another's draw, so what-if variants keep common random numbers. A component
hit twice keeps the earliest time of each effect.

The engine's readiness-and-strikes process (`engine.states.Equipment`) runs this; the C2
network then cuts what runs through a destroyed or disabled node.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from iadsim.scenario.schema import StrikeSpec


@dataclass
class StrikeOutcome:
    """What the strikes of a scenario did in one replication."""

    destroyed_at: dict[str, float] = field(default_factory=dict)  # component id -> time
    disabled_at: dict[str, float] = field(default_factory=dict)  # component id -> time
    records: list[tuple[float, str, str, str]] = field(default_factory=list)
    """(time, strike id, site id, weapon) of every strike, in the scenario's order."""


def resolve_strikes(
    strikes: Sequence[StrikeSpec],
    targets: Callable[[StrikeSpec], Sequence[tuple[str, str]]],
    stream: Callable[[str], np.random.Generator],
) -> StrikeOutcome:
    """Resolve scheduled strikes. `targets(strike)` lists the (component id, kind) pairs it
    hits; `stream(name)` gives the named random stream of the replication."""
    out = StrikeOutcome()
    for strike in strikes:
        out.records.append((strike.time_s, strike.id, strike.site, strike.weapon))
        for cid, kind in targets(strike):
            draw = stream(f"strike:{strike.id}:{cid}").random()
            p_destroy, p_disable = strike.probabilities(kind)
            if draw < p_destroy:
                out.destroyed_at[cid] = min(out.destroyed_at.get(cid, np.inf), strike.time_s)
            elif draw < p_destroy + p_disable:
                out.disabled_at[cid] = min(out.disabled_at.get(cid, np.inf), strike.time_s)
    return out
