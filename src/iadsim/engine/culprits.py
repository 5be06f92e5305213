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
from iadsim.killchain import GATE_ORDER, REASON_CODE, Reason, Stage, Step
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
    furthest stage reached, so that only the steps not yet passed are searched (a chain that
    tracked broke on the way to the post, not at its sensors), in `GATE_ORDER`."""
    if reason in NO_ELEMENT or not np.isfinite(t):
        return None
    if reason is Reason.CREW_NOT_READY and stage >= Stage.FIRE_CONTROL:
        return f"{unit.id}:crew"  # its crew balked or botched the engagement (engine.crews)
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
    launchers = unit.role("launcher")

    def integration(si: int) -> str | None:
        if reason is not Reason.NOT_INTEGRATED or cp is None:
            return None
        return conn.causes.not_integrated.get((comps[si].id, comps[cp].id))

    def track_path(si: int) -> str | None:
        if cp is None or reason is Reason.NOT_INTEGRATED:
            return None
        return path(si, cp, MessageKind.TRACK_REPORT)

    # each step's elements, searched in the stated order (killchain.GATE_ORDER)
    finders = {
        Step.SENSOR: [lambda si=si: component(si) for si in sensors],
        Step.SENSOR_TO_POST: [lambda si=si: track_path(si) for si in sensors],
        Step.POST: [lambda: component(cp)] if cp is not None else [],
        Step.INTEGRATION: [lambda si=si: integration(si) for si in sensors],
        Step.POST_TO_LAUNCHER: [
            lambda li=li: path(cp, li, MessageKind.TARGET_DESIGNATION)
            for li in (launchers if cp is not None else ())
        ],
        Step.LAUNCHER: [lambda li=li: component(li) for li in launchers],
        Step.FIRE_CONTROL: [lambda fi=fi: component(fi) for fi in unit.role("fire_control")],
        Step.FIRE_CONTROL_TO_LAUNCHER: [
            lambda fi=fi, li=li: path(fi, li, MessageKind.FIRE_CONTROL)
            for fi in unit.role("fire_control")
            for li in launchers
        ],
    }
    for g in GATE_ORDER:
        if stage >= g.passed_at:
            continue
        for find in finders[g.step]:
            who = find()
            if who is not None:
                return who
    return None
