"""Per-replication component states: sampled readiness, strike destruction, and what each
means for a component's ability to work at a given time (as a reason code)."""

from __future__ import annotations

import numpy as np

from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.rng import RngStreams
from iadsim.engine.world import World
from iadsim.killchain import REASON_CODE, Reason
from iadsim.scenario.readiness import READINESS_STATES, ComponentState
from iadsim.threats.strikes import resolve_strikes


def sample_states(world: World, rs: RngStreams) -> list[str]:
    """Draw each component's readiness state from its distribution (one stream each)."""
    states = []
    for comp in world.components:
        probs = np.array([comp.state_probs[s] for s in READINESS_STATES])
        u = rs.stream(f"component:{comp.id}:state").random()
        k = int(np.searchsorted(np.cumsum(probs), u, side="right"))
        states.append(READINESS_STATES[min(k, 3)])
    return states


def sample_strikes(
    world: World, rs: RngStreams
) -> tuple[dict[str, float], dict[str, float], list[tuple]]:
    """Resolve the scenario's scheduled strikes (`threats.strikes`) against the world's
    components: destroyed_at, disabled_at (component id -> time) and records for the log."""
    spec = world.scenario.spec
    sites = {s.id: s for s in spec.sites}

    def targets(strike) -> list[tuple[str, str]]:
        refs = strike.targets if strike.targets is not None else sites[strike.site].members
        out = []
        for ref in refs:
            if ref in world.unit_index:
                members = [c for c in world.components if c.unit == ref]
            else:
                members = [world.components[world.component_index[ref]]]
            out += [(c.id, str(c.kind)) for c in members]
        return out

    done = resolve_strikes(spec.strikes, targets, rs.stream)
    return done.destroyed_at, done.disabled_at, done.records


def state_code(world: World, comp_index: int, state: str) -> int:
    """The reason code a component's readiness state gives when it is not usable (0 if usable)."""
    comp = world.components[comp_index]
    st = state if isinstance(state, ComponentState) else ComponentState(state)
    if st.is_available:
        return 0
    if st is ComponentState.IN_STORAGE:
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
        return t_disabled, state_code(world, comp.index, ComponentState.NOT_MISSION_CAPABLE)
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


class Equipment:
    """Readiness and strikes, one replication: every component's sampled readiness state and
    when strikes or anti-radiation missiles put it out of action.

    State: `states` (per component index), `destroyed_at` and `strike_disabled_at` (component
    id -> time). Emits STATE_SAMPLED, STRIKE, DESTROYED and DISABLED records; the others ask
    it explicitly whether a component works (`working`) and when it goes out (`outage`).
    """

    def __init__(self, world: World, rs: RngStreams):
        from iadsim.network.causes import sample_causes

        self.world = world
        self.states = sample_states(world, rs)
        # why connections break tonight: comms sets, power, deployment, crews, integration
        self.causes = sample_causes(world.scenario, rs.stream)
        self.destroyed_at, self.strike_disabled_at, self.strikes = sample_strikes(world, rs)
        self.version = 0  # counts `destroy` calls: what was worked out from the states before

    def log_to(self, log: EventLog) -> None:
        """Record the sampled states, the strikes and what they destroyed or disabled."""
        w = self.world
        for comp, state in zip(w.components, self.states, strict=True):
            log.add(0.0, EventKind.STATE_SAMPLED, unit=comp.unit, component=comp.id, detail=state)
        for t, sid, site, weapon in self.strikes:
            log.add(t, EventKind.STRIKE, component=site, detail=f"{sid}: {weapon}")
        for cid, t in sorted(self.destroyed_at.items()):
            comp = w.components[w.component_index[cid]]
            log.add(t, EventKind.DESTROYED, unit=comp.unit, component=cid)
        for cid, t in sorted(self.strike_disabled_at.items()):
            comp = w.components[w.component_index[cid]]
            log.add(t, EventKind.DISABLED, unit=comp.unit, component=cid, detail="strike")

    def add_causes(self, causes: dict) -> None:
        """Causes another mechanism adds (engine.cyber: a blanked display, a cut grid),
        component id -> causes, after the ones drawn here (which come first where both
        hold)."""
        for cid, extra in causes.items():
            self.causes.components.setdefault(cid, []).extend(extra)

    def state(self, index: int) -> str:
        """The readiness state sampled for component `index`."""
        return self.states[index]

    def destroy(self, cid: str, time_s: float) -> None:
        """A component is destroyed at `time_s` (kept at the earliest such time)."""
        self.destroyed_at[cid] = min(self.destroyed_at.get(cid, np.inf), time_s)
        self.version += 1

    def outage(self, cid: str) -> Outage:
        """When a component goes out of action (strike, anti-radiation missile) and why."""
        return outage(self.world, cid, self.destroyed_at, self.strike_disabled_at)

    def working(self, index: int, times_s: np.ndarray) -> np.ndarray:
        """Per time: 0 if component `index` works, else the reason code why not: its state,
        then a modelled cause (no power, not deployed), then a strike."""
        comp = self.world.components[index]
        code = working_code(self.world, index, self.states[index], self.outage(comp.id), times_s)
        if state_code(self.world, index, self.states[index]) != 0:
            return code  # its readiness state comes first (in storage before not deployed)
        cause = self.cause_code(index, times_s)
        return np.where(cause != 0, cause, code).astype(np.int8)

    def working_at(self, index: int, t: float) -> int:
        """`working` at the one time t (a number, not an array): 0 if component `index`
        works, else the reason code why not, by the same precedence (state, then the first
        modelled cause holding, then the outage)."""
        w = self.world
        base = state_code(w, index, self.states[index])
        if base != 0:
            return base
        cid = w.components[index].id
        cause = self.causes.component_cause(cid, t)
        if cause is not None:
            return REASON_CODE[cause.reason]
        t_down, why = self.outage(cid)
        return why if t >= t_down else 0

    def cause_code(self, index: int, times_s: np.ndarray) -> np.ndarray:
        """Per time: the reason code of the first modelled cause stopping component `index`
        (NO_POWER, NOT_DEPLOYED, ...), 0 where none holds."""
        times_s = np.asarray(times_s, float)
        code = np.zeros(times_s.shape, np.int8)
        for c in reversed(self.causes.components.get(self.world.components[index].id, [])):
            code[c.active(times_s)] = REASON_CODE[c.reason]
        return code

    def out_of_service(self) -> dict[str, int]:
        """Components whose readiness state keeps them from working (and relaying), with
        the state's reason code."""
        w = self.world
        codes = {
            c.id: state_code(w, c.index, s) for c, s in zip(w.components, self.states, strict=True)
        }
        return {cid: code for cid, code in codes.items() if code != 0}

    def strike_outages(self) -> dict[str, Outage]:
        """Components disabled by strikes, with when and why they stop working."""
        return {cid: self.outage(cid) for cid in self.strike_disabled_at}


CONTRACTS = (
    Mechanism(
        name="readiness",
        summary="each component's readiness state drawn from its posture, maintenance and "
        "observations; a component in storage or broken does not work",
        module=__name__,
        process="Equipment",
        reads=(
            "scenario.units.components.readiness",
            "scenario.units.components.maintenance",
            "scenario.units.components.storage_prior",
            "scenario.observations",
            "scenario.start_utc",
            "catalog.components.kind",
        ),
        owns=("Equipment.states",),
        reasons=(Reason.IN_STORAGE, Reason.RADAR_NOT_OPERATIONAL, Reason.NOT_MISSION_CAPABLE),
        records=(EventKind.STATE_SAMPLED,),
        doc="docs/readiness.md",
    ),
    Mechanism(
        name="strikes",
        summary="scheduled strikes on sites and units destroy or disable components; "
        "destruction by any cause (an ARM, return fire) is this reason's home",
        module=__name__,
        process="Equipment",
        reads=("scenario.strikes", "scenario.sites"),
        owns=("Equipment.destroyed_at", "Equipment.strike_disabled_at", "Equipment.strikes"),
        reasons=(Reason.NODE_DESTROYED,),
        records=(EventKind.STRIKE, EventKind.DESTROYED, EventKind.DISABLED),
        doc="docs/scenario.md",
    ),
)
