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
from iadsim.engine.mechanisms import GEOMETRY_REASONS
from iadsim.engine.states import Equipment
from iadsim.engine.world import UnitRt, World
from iadsim.killchain import GATE_ORDER, REASONS, Reason, Stage, Step
from iadsim.network.kinds import MessageKind

# reasons about geometry (the mechanisms' GEOMETRY_REASONS), draws or the fight: no element
NO_ELEMENT = GEOMETRY_REASONS | frozenset(
    {
        Reason.NONE,
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
    named = failing_elements(world, equipment, conn, sensors, unit, (reason,), t, stage)
    return named.get(reason)


def failing_elements(
    world: World,
    equipment: Equipment,
    conn: Connectivity,
    sensors: list[int],
    unit: UnitRt,
    reasons,
    t: float,
    stage: int = 0,
) -> dict[Reason, str]:
    """The element behind each of `reasons` (those that have one), in one walk along
    `GATE_ORDER`: each step's elements are asked once what stops them at t, and each reason
    takes the first element that gives it."""
    wanted = {r for r in reasons if r not in NO_ELEMENT}
    if not wanted or not np.isfinite(t):
        return {}
    named: dict[Reason, str] = {}
    if Reason.CREW_NOT_READY in wanted and stage >= Stage.FIRE_CONTROL:
        # its crew balked or botched the engagement (engine.crews)
        named[Reason.CREW_NOT_READY] = f"{unit.id}:crew"
        if len(named) == len(wanted):
            return named
    comps = world.components

    def component(i: int) -> tuple[Reason, str] | None:
        code = equipment.working_at(i, t)
        if code == 0:
            return None
        r = REASONS[code]
        cause = equipment.causes.component_cause(comps[i].id, t)
        return r, (cause.element if cause is not None and cause.reason is r else comps[i].id)

    def path(a: int, b: int, kind: MessageKind) -> tuple[Reason, str] | None:
        if a == b:
            return None
        r, who = conn.culprit(comps[a].id, comps[b].id, t, kind)
        # an interface not integrated is the integration step's, after the post
        return None if who is None or r is Reason.NOT_INTEGRATED else (r, who)

    cps = unit.role("command")
    cp = cps[0] if cps and unit.c2_mode != "autonomous" else None
    launchers = unit.role("launcher")
    radars = unit.role("fire_control")

    def integration(si: int) -> tuple[Reason, str] | None:
        who = conn.causes.not_integrated.get((comps[si].id, comps[cp].id))
        return (Reason.NOT_INTEGRATED, who) if who else None

    def found(step: Step):
        """What stops each of one step's elements at t (None: nothing), in order, asked
        only when the walk reaches the step; without a command post, the steps through one
        have no elements."""
        if step is Step.SENSOR:
            return (component(si) for si in sensors)
        if step is Step.LAUNCHER:
            return (component(li) for li in launchers)
        if step is Step.FIRE_CONTROL:
            return (component(fi) for fi in radars)
        if step is Step.FIRE_CONTROL_TO_LAUNCHER:
            return (path(fi, li, MessageKind.FIRE_CONTROL) for fi in radars for li in launchers)
        if cp is None:
            return ()
        if step is Step.SENSOR_TO_POST:
            return (path(si, cp, MessageKind.TRACK_REPORT) for si in sensors)
        if step is Step.POST:
            return (component(i) for i in (cp,))
        if step is Step.INTEGRATION:
            return (integration(si) for si in sensors)
        if step is Step.POST_TO_LAUNCHER:
            return (path(cp, li, MessageKind.TARGET_DESIGNATION) for li in launchers)
        raise ValueError(f"no elements known for the step {step}")  # a step added to Step

    # each step's elements, asked in the stated order (killchain.GATE_ORDER)
    for g in GATE_ORDER:
        if stage >= g.passed_at:
            continue
        for got in found(g.step):
            if got is not None and got[0] in wanted and got[0] not in named:
                named[got[0]] = got[1]
                if len(named) == len(wanted):
                    return named
    return named
