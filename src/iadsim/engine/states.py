"""Per-replication component states: sampled readiness, strike destruction, and what each
means for a component's ability to work at a given time (as a reason code)."""

from __future__ import annotations

import numpy as np

from iadsim.engine.rng import RngStreams
from iadsim.engine.world import World
from iadsim.killchain import REASON_CODE, Reason

STATE_NAMES = ("operational", "degraded", "not_mission_capable", "in_storage")


def sample_states(world: World, rs: RngStreams) -> list[str]:
    """Draw each component's readiness state from its distribution (one stream each)."""
    states = []
    for comp in world.components:
        probs = np.array([comp.state_probs[s] for s in STATE_NAMES])
        u = rs.stream(f"component:{comp.id}:state").random()
        k = int(np.searchsorted(np.cumsum(probs), u, side="right"))
        states.append(STATE_NAMES[min(k, 3)])
    return states


def strike_probabilities(strike, kind: str) -> tuple[float, float]:
    """(p_destroy, p_disable) of a strike against a component kind (kind, else '*', else 0)."""

    def pick(p):
        if isinstance(p, int | float):
            return float(p)
        return float(p.get(kind, p.get("*", 0.0)))

    return pick(strike.p_destroy), pick(strike.p_disable)


def sample_strikes(
    world: World, rs: RngStreams
) -> tuple[dict[str, float], dict[str, float], list[tuple]]:
    """Resolve scheduled strikes: which components are destroyed or disabled, and when.

    One uniform per (strike, component): below p_destroy it is destroyed, below p_destroy +
    p_disable disabled (out of action for the rest of the scenario, but still there).
    Returns destroyed_at, disabled_at (component id -> time) and records for the event log.
    """
    spec = world.scenario.spec
    sites = {s.id: s for s in spec.sites}
    destroyed: dict[str, float] = {}
    disabled: dict[str, float] = {}
    records = []
    for strike in spec.strikes:
        site = sites[strike.site]
        targets = strike.targets if strike.targets is not None else site.members
        records.append((strike.time_s, strike.id, site.id, strike.weapon))
        for ref in targets:
            members = (
                [c.id for c in world.components if c.unit == ref]
                if ref in world.unit_index
                else [ref]
            )
            for cid in members:
                draw = rs.stream(f"strike:{strike.id}:{cid}").random()
                kind = str(world.components[world.component_index[cid]].kind)
                p_destroy, p_disable = strike_probabilities(strike, kind)
                if draw < p_destroy:
                    destroyed[cid] = min(destroyed.get(cid, np.inf), strike.time_s)
                elif draw < p_destroy + p_disable:
                    disabled[cid] = min(disabled.get(cid, np.inf), strike.time_s)
    return destroyed, disabled, records


def state_code(world: World, comp_index: int, state: str) -> int:
    """The reason code a component's readiness state gives when it is not usable (0 if usable)."""
    comp = world.components[comp_index]
    if state in ("operational", "degraded"):
        return 0
    if state == "in_storage":
        return REASON_CODE[Reason.IN_STORAGE]
    if comp.is_radar:
        return REASON_CODE[Reason.RADAR_NOT_OPERATIONAL]
    return REASON_CODE[Reason.NOT_MISSION_CAPABLE]


Outage = tuple[float, int]
"""(time, reason code): out of action from that time on, for that reason."""


def outage(
    world: World, cid: str, destroyed_at: dict[str, float], disabled_at: dict[str, float]
) -> Outage:
    """When a component goes out of action (destroyed or disabled), and the reason."""
    t_destroyed = destroyed_at.get(cid, np.inf)
    t_disabled = disabled_at.get(cid, np.inf)
    if t_disabled < t_destroyed:
        comp = world.components[world.component_index[cid]]
        return t_disabled, state_code(world, comp.index, "not_mission_capable")
    return t_destroyed, REASON_CODE[Reason.NODE_DESTROYED]


def working_code(
    world: World, comp_index: int, state: str, down: float | Outage, times_s: np.ndarray
) -> np.ndarray:
    """Per time: 0 if the component works, else why not: its state, or from `down` on the
    outage's reason (a bare time means destroyed, NODE_DESTROYED)."""
    t_down, why = down if isinstance(down, tuple) else (down, REASON_CODE[Reason.NODE_DESTROYED])
    base = state_code(world, comp_index, state)
    code = np.full(times_s.shape, base, np.int8)
    if base == 0:
        code[times_s >= t_down] = why
    return code


def sample_link_outages(world: World, rs: RngStreams) -> dict[str, list[tuple[float, float]]]:
    """Random failure and repair of links with an MTBF/MTTR, over the scenario's duration
    (one stream per link, so variants keep common random numbers)."""
    from iadsim.network.failures import Reliability, sample_timeline

    rels = {
        lk.id: Reliability(mtbf_s=lk.mtbf_s, mttr_s=lk.mttr_s)
        for lk in world.links
        if lk.mtbf_s is not None
    }
    if not rels:
        return {}
    return sample_timeline(rels, world.duration_s, rs.stream)
