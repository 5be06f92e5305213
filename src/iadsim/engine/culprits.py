"""Which element broke a unit's kill chain: the link, the set, the generator, the component.

The gates compute reasons as whole arrays; the failing element is looked up afterwards,
once per ledger row, at the time the chain stopped: along the way the information travels
(each feeding sensor and its path to the command post, the post, the post's paths to the
launchers and the launchers, the fire-control radars' paths to the launchers), the first
element whose own state or path gives the ledger's reason at that time is named. A
modelled cause names what it models (`S300-BN/cp:radio-set`, `S300-BN:gen-1`,
`BUK-BTY:crew`, `EW-VOLCAN/ew-radar->S300-BN/cp`); a component's state names the component.
"""

from __future__ import annotations

import numpy as np

from iadsim.engine.c2 import Connectivity
from iadsim.engine.states import Equipment
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import REASON_CODE, Reason, Stage
from iadsim.network.kinds import MessageKind

# reasons about geometry, draws or the fight: no element to name
NO_ELEMENT = frozenset(
    {
        Reason.NONE,
        Reason.OUT_OF_RANGE,
        Reason.OUTSIDE_ALTITUDE,
        Reason.BELOW_HORIZON,
        Reason.TERRAIN_MASKED,
        Reason.CLUTTER,
        Reason.NOT_DETECTED,
        Reason.NOT_TRACKED,
        Reason.NO_SENSOR,
        Reason.NOT_ASSIGNED,
        Reason.NO_LOCK,
        Reason.NO_MISSILES,
        Reason.MISSED,
        Reason.TARGET_LOST,
        Reason.TARGET_ALREADY_DOWN,
        Reason.CREW_SUPPRESSED,
    }
)


def failing_element(
    world: World,
    equipment: Equipment,
    conn: Connectivity,
    sensors: list[int],
    unit: UnitRt,
    reason: Reason,
    t: float,
    stage: int = 0,
) -> str | None:
    """The element behind `reason` for `unit` at time t, or None (see the module docstring).
    `sensors`: the component indices feeding the unit, in the gates' order; `stage`: the
    furthest stage reached, so that only the gates after it are searched (a chain that
    tracked broke on the way to the post, not at its sensors)."""
    if reason in NO_ELEMENT or not np.isfinite(t):
        return None
    times = np.array([t])
    code = REASON_CODE[reason]
    comps = world.components

    def component(i: int) -> str | None:
        if equipment.working(i, times)[0] != code:
            return None
        cause = equipment.causes.component_cause(comps[i].id, t)
        if cause is not None and cause.reason is reason:
            return cause.element
        return comps[i].id

    def path(a: int, b: int, kind: MessageKind) -> str | None:
        if a == b:
            return None
        r, who = conn.culprit(comps[a].id, comps[b].id, t, kind)
        return who if r is reason else None

    cps = unit.role("command")
    cp = cps[0] if cps and unit.c2_mode != "autonomous" else None
    steps: list = []
    if stage < Stage.REPORTED:
        for si in sensors:
            if stage < Stage.TRACKED:
                steps.append(lambda si=si: component(si))
            if cp is not None:
                steps.append(lambda si=si: path(si, cp, MessageKind.TRACK_REPORT))
        if cp is not None:
            steps.append(lambda: component(cp))
    for li in unit.role("launcher") if stage < Stage.ASSIGNED else ():
        if cp is not None:
            steps.append(lambda li=li: path(cp, li, MessageKind.TARGET_DESIGNATION))
        steps.append(lambda li=li: component(li))
    for fi in unit.role("fire_control"):
        steps.append(lambda fi=fi: component(fi))
        for li in unit.role("launcher"):
            steps.append(lambda fi=fi, li=li: path(fi, li, MessageKind.FIRE_CONTROL))
    for step in steps:
        who = step()
        if who is not None:
            return who
    return None
