"""Why a connection breaks, as modelled mechanisms: one replication's draw of every cause.

From a validated scenario and the replication's random streams, this decides, before the
fight, which elements are out and why, naming the failing element each time:

- communications sets (radio sets, cable terminals, data-transfer units) that failed with
  age: the links that need them are out with DATALINK_FAILED (`S300-BN/cp:radio-set`);
- power: a component that needs power and whose every feeding source (generator, grid)
  has failed is out with NO_POWER (`S300-BN:gen-1`);
- deployment: a unit in garrison, on the march or setting up is out with NOT_DEPLOYED
  (IN_STORAGE for a stored unit) until it is ready (`S300-BN:deployment`);
- posture at the hour (scenario `posture:`): a unit whose crews are not at their posts is
  out with CREW_NOT_READY until they are (`S300-BN:posture`); whether its network is up;
- crew integration training: a unit whose network is down at the alert has its links out
  with CREW_NOT_READY until its crew brings them up, or for the run (`S300-BN:crew`);
- interface compatibility: (sensor, command post) pairs whose output is not usable,
  NOT_INTEGRATED (`EW-VOLCAN/ew-radar->S300-BN/cp`).

The engine applies the result to its network (`apply`) and to its components' working
state. Stream names are per element, so adding one element never shifts another's draws
and a variant that restores one mechanism keeps every other draw (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from iadsim.killchain import Reason
from iadsim.network.graph import C2Network
from iadsim.network.integration import not_integrated_pairs
from iadsim.network.pooling import Sets, pool_sets
from iadsim.readiness.deployment import ready_time
from iadsim.readiness.equipment import ageing_params, p_working
from iadsim.readiness.network_setup import network_up_time, setup_params
from iadsim.readiness.posture import draw_posture
from iadsim.scenario.connection import CommsSetSpec, PowerSourceSpec
from iadsim.scenario.readiness import CrewSpec

INF = math.inf
MEDIUM_OF_LINK = {"cable": "cable", "radio": "radio", "relay": "radio"}
RADAR_KINDS = {
    "surveillance_radar",
    "acquisition_radar",
    "engagement_radar",
    "early_warning_radar",
    "telar",
}


@dataclass(frozen=True)
class Cause:
    """An element out over [start_s, end_s) for `reason`, because of `element`."""

    start_s: float
    end_s: float
    reason: Reason
    element: str

    def active(self, times: np.ndarray) -> np.ndarray:
        """Where the cause holds, per time."""
        t = np.asarray(times, float)
        return (t >= self.start_s) & (t < self.end_s)


@dataclass
class ConnectionCauses:
    """One replication's causes: per component, per link, and the unusable sensor feeds."""

    components: dict[str, list[Cause]] = field(default_factory=dict)
    links: dict[str, list[Cause]] = field(default_factory=dict)
    not_integrated: dict[tuple[str, str], str] = field(default_factory=dict)
    network_up_s: dict[str, float] = field(default_factory=dict)
    # unit id -> its power sources and whether each works tonight (engine.cyber reads them)
    power: dict[str, list[tuple[PowerSourceSpec, bool]]] = field(default_factory=dict)

    def apply(self, net: C2Network) -> None:
        """Put every component and link cause on the network as a fault."""
        for cid, causes in self.components.items():
            for c in causes:
                net.add_fault(cid, c.reason, c.element, c.start_s, c.end_s)
        for lid, causes in self.links.items():
            for c in causes:
                net.add_fault(lid, c.reason, c.element, c.start_s, c.end_s)

    def component_cause(self, cid: str, t: float) -> Cause | None:
        """The first of a component's causes holding at t (None: nothing stops it)."""
        for c in self.components.get(cid, ()):
            if c.start_s <= t < c.end_s:
                return c
        return None


Streams = Callable[[str], np.random.Generator]


def _comms_sets(comp, ctype) -> list[CommsSetSpec]:
    """A component's sets: as the scenario lists them, else one per catalog comms entry."""
    if comp.comms is not None:
        return list(comp.comms)
    out, seen = [], {}
    for t in ctype.comms:
        seen[t] = seen.get(t, 0) + 1
        out.append(CommsSetSpec(id=t if seen[t] == 1 else f"{t}-{seen[t]}", type=t))
    return out


def sample_causes(scenario, stream: Streams) -> ConnectionCauses:
    """Draw one replication's causes of broken connections (see the module docstring)."""
    spec, cat = scenario.spec, scenario.catalog
    when = spec.start_utc
    out = ConnectionCauses()
    working: Sets = {}  # cid -> medium -> [set id, type, works from]
    kinds: dict[str, str] = {}
    interfaces: dict[str, str | None] = {}
    setup = setup_params(cat)
    for unit in spec.units:
        utype = cat.units[unit.type]
        # deployment: the whole unit waits until it is on site and set up
        ready = ready_time(unit.deployment, utype.setup_s, utype.march_s)
        # posture at the hour: crews at their posts, the data network up or not
        crew_ready, network_down = 0.0, unit.deployment.network_at_start == "down"
        if unit.posture is not None:
            drawn = draw_posture(stream(f"unit:{unit.id}:posture"), unit.posture)
            crew_ready, network_down = drawn.crew_ready_s, not drawn.network_up
        for comp in unit.components:
            cid = f"{unit.id}/{comp.id}"
            ctype = cat.components[comp.type]
            kinds[cid] = ctype.kind.value
            interfaces[cid] = ctype.interface
            if ready.ready_s > 0.0:
                out.components.setdefault(cid, []).append(
                    Cause(-INF, ready.ready_s, ready.reason, f"{unit.id}:deployment")
                )
            if crew_ready > 0.0:
                out.components.setdefault(cid, []).append(
                    Cause(-INF, crew_ready, Reason.CREW_NOT_READY, f"{unit.id}:posture")
                )
            sets = working.setdefault(cid, {})
            for cs in _comms_sets(comp, ctype):
                ctt = cat.comms[cs.type]
                maint = cs.maintenance or (comp.maintenance if cs.readiness is None else None)
                params = ageing_params(
                    ctt.ageing.degradation_eta_years, ctt.ageing.failure_eta_years
                )
                p = p_working(cs.readiness, maint, params, when)
                ok = bool(stream(f"comms:{cid}:{cs.id}:state").random() < p)
                sets.setdefault(ctt.medium, []).append(
                    [f"{cid}:{cs.id}", cs.type, -INF if ok else INF]
                )
        if unit.cannibalise is not None:
            pool_sets(working, unit.id, unit.cannibalise.vehicles, unit.cannibalise.setup_s)
        _power(unit, utype, cat, when, stream, out)
        if network_down and ready.ready_s < INF:
            crew = unit.crew or CrewSpec()
            out.network_up_s[unit.id] = network_up_time(
                stream(f"unit:{unit.id}:network-setup"),
                crew.proficiency,
                utype.network_setup_s,
                setup,
                start_s=max(0.0, ready.ready_s, crew_ready),
            )
    for lk in scenario.links:
        causes = _link_comms(lk, working)
        for uid, t_up in out.network_up_s.items():
            ends = (lk.from_, lk.to)
            if t_up > 0.0 and any(e.split("/", 1)[0] == uid for e in ends):
                causes.append(Cause(-INF, t_up, Reason.CREW_NOT_READY, f"{uid}:crew"))
        if causes:
            out.links[lk.id] = causes
    overrides = {(i.sensor, i.command_post): i.integrated for i in spec.network.integrations}
    matrix = [(e.sensor, e.command_post) for e in cat.integration.values()]
    sensors = {c: interfaces[c] for c, k in kinds.items() if k in RADAR_KINDS}
    posts = {c: interfaces[c] for c, k in kinds.items() if k == "command_post"}
    for s, c in sorted(not_integrated_pairs(sensors, posts, matrix, overrides)):
        out.not_integrated[(s, c)] = f"{s}->{c}"
    return out


def _power(unit, utype, cat, when, stream: Streams, out: ConnectionCauses) -> None:
    """NO_POWER for components that need power and whose every feeding source failed."""
    sources = (
        list(unit.power)
        if unit.power is not None
        else [PowerSourceSpec(id=t, type=t) for t in utype.power]
    )
    if not sources:
        return
    alive: list[tuple[PowerSourceSpec, bool]] = []
    for src in sources:
        pt = cat.power[src.type]
        params = ageing_params(pt.ageing.degradation_eta_years, pt.ageing.failure_eta_years)
        p = p_working(src.readiness, src.maintenance, params, when)
        alive.append((src, bool(stream(f"power:{unit.id}:{src.id}:state").random() < p)))
    out.power[unit.id] = alive
    for comp in unit.components:
        if not cat.components[comp.type].needs_power:
            continue
        feeding = [(s, ok) for s, ok in alive if s.feeds is None or comp.id in s.feeds]
        if feeding and not any(ok for _, ok in feeding):
            cid = f"{unit.id}/{comp.id}"
            out.components.setdefault(cid, []).append(
                Cause(-INF, INF, Reason.NO_POWER, f"{unit.id}:{feeding[0][0].id}")
            )


def _link_comms(lk, working: Sets) -> list[Cause]:
    """DATALINK_FAILED where an end (or a relay carrying the link) has sets of the link's
    medium, or data-transfer units, and none of them works: for the run, or until a set
    pooled onto it works (network.pooling). Ends in the order the link passes them; the
    first that fails for the run is the last named."""
    medium = MEDIUM_OF_LINK.get(lk.kind)
    out = []
    for end in (lk.from_, *lk.via, lk.to):
        sets = working.get(end, {})
        for m in (medium, "data"):
            have = sets.get(m) if m else None
            if not have:
                continue
            back = min(s[2] for s in have)
            if back > -INF:
                failed = next(s for s in have if s[2] == back) if back < INF else have[0]
                out.append(Cause(-INF, back, Reason.DATALINK_FAILED, failed[0]))
                if back == INF:
                    return out
    return out
