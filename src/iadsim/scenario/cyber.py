"""Scenario model of attacks on the defence's picture and power (cyber / denial), and their
cross-reference check (docs/network.md, "Attacks on the picture and the power").

An attack acts on a named target (a component, a unit or a site's members) from `start_s`
for `duration_s`, succeeding with `p_success` (one draw per attack and replication):

- `blank`: the target's display or node is denied: a command post's picture goes blank, a
  radar's display shows nothing, a relay passes no traffic (reason PICTURE_DENIED);
- `stale`: a command post's picture freezes at the start: the tracks it held then stay
  usable for `coast_s` (the display's coast limit), nothing new appears (PICTURE_DENIED);
- `grid`: the grid connections of the target's units go down: components that have a
  working generator switch over to it (the catalog's `start_s`), the others have no power
  for the window (GRID_DOWN).

This is not noise jamming: jamming raises the noise a radar or a radio receives and is
overcome by a strong enough echo or a short enough link (JAMMED); a denial attack does not
depend on geometry or power.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

import iadsim.limits as limits

Ref = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_./\-]*$")]
CyberEffect = Literal["blank", "stale", "grid"]


class CyberAttackSpec(BaseModel):
    """One attack on the picture or the power (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
    target: Ref = Field(description="a component (UNIT/COMP), a unit or a site id")
    effect: CyberEffect
    start_s: float = Field(ge=0.0, le=limits.MAX_DURATION_S)
    duration_s: float = Field(gt=0.0, le=limits.MAX_DURATION_S)
    p_success: float = Field(default=1.0, ge=0.0, le=1.0)
    # how long a frozen track stays usable on a stale display: a few scans of an
    # early-warning radar (10 s) before the display's coast limit drops it; notional,
    # after the coast/drop times of air-defence displays (Blackman & Popoli, Design and
    # Analysis of Modern Tracking Systems, 1999, 14.2: tracks dropped after a few misses)
    coast_s: float = Field(default=60.0, ge=0.0, le=limits.MAX_DURATION_S)
    note: str = ""

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


def check_cyber(
    attacks: Iterable[tuple[int, dict]],
    components: set[str],
    units: Iterable[str],
    sites: Iterable[str],
    report: Callable[[tuple, str], None],
) -> None:
    """Cross-check the raw `cyber:` entries: unique ids, a known target, and a target that
    holds what the effect acts on (a stale picture needs a command post among the targets:
    checked by the engine's kinds, here only that the reference exists)."""
    seen: set[str] = set()
    known = components | set(units) | set(sites)
    for i, attack in attacks:
        aid = attack.get("id")
        if isinstance(aid, str):
            if aid in seen:
                report(("cyber", i, "id"), f"duplicate cyber attack id {aid!r}")
            seen.add(aid)
        target = attack.get("target")
        if isinstance(target, str) and target not in known:
            report(
                ("cyber", i, "target"),
                f"unknown target {target!r}: expected a component (UNIT/COMPONENT), a unit "
                f"or a site id",
            )
