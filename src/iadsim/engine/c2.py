"""Connectivity of the C2 network in one replication, as the kill-chain code asks for it:
for a pair of components, a message kind and many times, is there a working path, with what
latency, and if not, why (LINK_DOWN, NODE_DESTROYED, JAMMED, the state of an out-of-service
relay, or a modelled cause: DATALINK_FAILED, NO_POWER, NOT_DEPLOYED, CREW_NOT_READY), and
which element broke it; and whether a command post can use a sensor's tracks at all
(NOT_INTEGRATED).

A thin adapter over `iadsim.network.graph.C2Network`, which owns the graph, the element
timelines (down, jammed, destroyed, cannot relay) and the cached shortest paths per epoch.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.rng import RngStreams
from iadsim.engine.states import Equipment
from iadsim.engine.world import World
from iadsim.killchain import REASON_CODE, REASONS, Reason
from iadsim.network.causes import ConnectionCauses
from iadsim.network.failures import Reliability, sample_timeline
from iadsim.network.graph import design_network
from iadsim.network.kinds import MessageKind
from iadsim.scenario.schema import LinkSpec

_CODE_OF_NAME = {str(r): REASON_CODE[r] for r in Reason}
C_NOT_INTEGRATED = REASON_CODE[Reason.NOT_INTEGRATED]


@dataclass(frozen=True)
class PathStatus:
    """Per time sample: whether a path exists, its latency, and the failure code if not."""

    ok: np.ndarray  # bool
    latency_s: np.ndarray  # float, inf where no path
    code: np.ndarray  # int8, 0 where ok


class Connectivity:
    """Which pairs of components are connected, and when, in one replication."""

    def __init__(
        self,
        components: Mapping[str, str],
        links: tuple[LinkSpec, ...],
        destroyed_at: Mapping[str, float],
        out_of_service: Mapping[str, int] | None = None,
        outages: Mapping[str, list[tuple[float, float]]] | None = None,
        disabled: Mapping[str, tuple[float, int]] | None = None,
        jam_windows: Mapping[str, list[tuple[float, float]]] | None = None,
        causes: ConnectionCauses | None = None,
    ):
        """components: id -> catalog kind; destroyed_at: strikes; out_of_service: components
        that cannot relay (in storage, broken) with their state's reason code; outages:
        sampled down intervals of links (MTBF/MTTR failures); disabled: components put out
        of action at a time (strikes), with the reason code, which stop relaying then;
        causes: the replication's modelled causes of broken connections (network.causes)."""
        net = design_network(components, links)  # the design built once, copied
        for lk in links:
            for window in lk.jammed:  # hand-set windows: an override for what-ifs
                net.jam(lk.id, window.start_s, window.end_s)
            for start, end in (jam_windows or {}).get(lk.id, ()):  # the raid's jammers
                net.jam(lk.id, start, end)
        for element, intervals in (outages or {}).items():
            net.add_outages(element, intervals)
        for cid, t in destroyed_at.items():
            net.destroy(cid, t)
        for cid, code in (out_of_service or {}).items():
            net.set_no_relay(cid, reason=REASONS[code])
        for cid, (t, code) in (disabled or {}).items():
            if cid not in (out_of_service or {}):
                net.set_no_relay(cid, start=t, reason=REASONS[code])
        self.causes = causes or ConnectionCauses()
        self.causes.apply(net)
        self.net = net
        self._cache: dict[tuple, PathStatus] = {}
        # what `replication_network` built it from that changes during a replication
        self.built_from: tuple | None = None

    def with_destroyed(self, more: Mapping[str, float], built_from: tuple) -> Connectivity:
        """This network with the components `more` destroyed at their times, as a copy
        (what this one answered stays as it was). It keeps this one's answers for the pairs
        whose scope (`network.scope`: the elements that can carry their traffic) holds none
        of them: those answers are the same at every time."""
        new = copy.copy(self)
        new.net = self.net.copy()
        for cid, t in more.items():
            new.net.destroy(cid, t)
        lost = set(more)
        new._cache = {
            key: status
            for key, status in self._cache.items()
            if lost.isdisjoint(self.net.scope(key[0], key[1], key[2]))
        }
        new.built_from = built_from
        return new

    def designed(self, a: str, b: str, kind: str | None = None) -> bool:
        """Whether a and b are connected for a message kind in the network as designed."""
        if a == b:
            return True
        nodes, _ = self.net.design_path(a, b, kind)
        return bool(nodes)

    def integration_code(self, sensor: str, command_post: str) -> int:
        """NOT_INTEGRATED's code when the post cannot use the sensor's tracks, else 0."""
        if (sensor, command_post) in self.causes.not_integrated:
            return C_NOT_INTEGRATED
        return 0

    def culprit(
        self, a: str, b: str, t: float, kind: str | None = None
    ) -> tuple[Reason, str | None]:
        """(reason, failing element) of the path a -> b for `kind` at time t."""
        p = self.net.path(a, b, t, kind)
        if p.ok and kind == MessageKind.TRACK_REPORT and (a, b) in self.causes.not_integrated:
            return Reason.NOT_INTEGRATED, self.causes.not_integrated[(a, b)]
        return p.reason, p.culprit

    def status(self, a: str, b: str, times_s: np.ndarray, kind: str | None = None) -> PathStatus:
        """Path status between components a and b for a message kind at the given times."""
        times_s = np.asarray(times_s, float)
        if a == b:
            n = times_s.shape
            return PathStatus(np.ones(n, bool), np.zeros(n), np.zeros(n, np.int8))
        key = (a, b, kind, times_s.tobytes()) if times_s.size > 1 else None
        if key is not None and key in self._cache:
            return self._cache[key]
        # one path per distinct network state, its numbers spread over the times
        per, which = self.net.paths_by_epoch(a, b, times_s, kind)
        per_latency = np.array([p.latency_s for p in per], dtype=float)
        per_code = np.array(
            [0 if np.isfinite(p.latency_s) else _CODE_OF_NAME[str(p.reason)] for p in per],
            dtype=np.int8,
        )
        latency, code = per_latency[which], per_code[which]
        ok = np.isfinite(latency)
        status = PathStatus(ok, latency, code)
        if key is not None:
            self._cache[key] = status
        return status

    def status_at(
        self, a: str, b: str, grid: np.ndarray, at: slice | np.ndarray, kind: str | None = None
    ) -> PathStatus:
        """`status` at the times `grid[at]`, worked out (and kept) over the whole time grid:
        the parts of a grid asked for one after another (chains worked out again from an
        outcome's time on, the ledger's rows after the fight) share one answer."""
        whole = self.status(a, b, grid, kind)
        return PathStatus(whole.ok[at], whole.latency_s[at], whole.code[at])


def sample_link_outages(world: World, rs: RngStreams) -> dict[str, list[tuple[float, float]]]:
    """Random failure and repair of links with an MTBF/MTTR, over the scenario's duration
    (one stream per link, so variants keep common random numbers)."""
    rels = {
        lk.id: Reliability(mtbf_s=lk.mtbf_s, mttr_s=lk.mttr_s)
        for lk in world.links
        if lk.mtbf_s is not None
    }
    if not rels:
        return {}
    return sample_timeline(rels, world.duration_s, rs.stream)


def replication_network(
    world: World,
    equipment: Equipment,
    outages: Mapping[str, list[tuple[float, float]]],
    jam_windows: Mapping[str, list[tuple[float, float]]] | None = None,
    previous: Connectivity | None = None,
) -> Connectivity:
    """The C2 network of one replication as it stands: the links as given, failing at random
    (`outages`, from `sample_link_outages`, drawn once per replication), cut where strikes and
    anti-radiation missiles put components out of action, jammed where the raid's
    communications jammers overpower radio links (`jam_windows`), without relays through
    components whose readiness state keeps them from working, and broken where the modelled
    causes say (failed sets, no power, not deployed, crews). Built again when an outcome
    changes it (a component lost, a jammer shot down): what it answers before that time is
    unchanged.

    `previous`, the network built before in this replication, is copied with the
    components destroyed since when nothing else it was built from changed (the strikes'
    outages, the jamming): destruction is one time per element, whatever the order it is
    set in, so the copy is the network a build from scratch gives, for less."""
    destroyed = dict(equipment.destroyed_at)
    disabled = equipment.strike_outages()
    if previous is not None and previous.built_from is not None:
        was_destroyed, was_disabled, was_jammed = previous.built_from
        if (
            was_jammed is jam_windows
            and was_disabled == disabled
            and all(destroyed.get(cid) == t for cid, t in was_destroyed.items())
        ):
            more = {cid: t for cid, t in destroyed.items() if cid not in was_destroyed}
            return previous.with_destroyed(more, (destroyed, disabled, jam_windows))
    conn = Connectivity(
        {c.id: c.kind for c in world.components},
        world.links,
        destroyed,
        equipment.out_of_service(),
        outages,
        disabled,
        jam_windows,
        equipment.causes,
    )
    conn.built_from = (destroyed, disabled, jam_windows)
    return conn


CONTRACTS = (
    Mechanism(
        name="link-reliability",
        summary="links fail and are repaired at random (MTBF/MTTR); a link set down by hand "
        "is the explicit what-if override",
        module=__name__,
        process="Connectivity",
        reads=(
            "scenario.network.links",
            "scenario.network.auto_internal_links",
            "catalog.units.links",
        ),  # fmt: skip
        owns=("Connectivity.net",),
        reasons=(Reason.LINK_DOWN,),
        doc="docs/network.md",
    ),
    Mechanism(
        name="comms-sets",
        summary="radio sets, cable terminals and data units fail with age: the links that "
        "need them are out",
        module="iadsim.network.causes",
        process="Equipment",
        reads=(
            "catalog.comms",
            "catalog.components.comms",
            "scenario.units.components.comms",
            "scenario.units.components.maintenance",
            "scenario.units.cannibalise",
        ),  # fmt: skip
        owns=("Equipment.causes",),
        reasons=(Reason.DATALINK_FAILED,),
        doc="docs/network.md",
    ),
    Mechanism(
        name="power",
        summary="components that need power are out when every generator or grid feeding "
        "them has failed",
        module="iadsim.network.causes",
        process="Equipment",
        reads=(
            "catalog.power",
            "catalog.components.needs_power",
            "catalog.units.power",
            "scenario.units.power",
        ),  # fmt: skip
        owns=("Equipment.causes",),
        reasons=(Reason.NO_POWER,),
        doc="docs/network.md",
    ),
    Mechanism(
        name="deployment",
        summary="a unit in garrison, on the march or setting up is not ready until it is",
        module="iadsim.network.causes",
        process="Equipment",
        reads=("scenario.units.deployment", "catalog.units.setup_s", "catalog.units.march_s"),
        owns=("Equipment.causes",),
        reasons=(Reason.NOT_DEPLOYED,),
        also_gives=(Reason.IN_STORAGE,),
        doc="docs/network.md",
    ),
    Mechanism(
        name="network-setup",
        summary="a crew brings its unit's network up at the alert, or fails to",
        module="iadsim.network.causes",
        process="Equipment",
        reads=(
            "catalog.units.network_setup_s",
            "catalog.crews.network_setup",
            "scenario.units.crew",
            "scenario.units.posture.p_network_up",
            "scenario.units.deployment.network_at_start",
        ),  # fmt: skip
        owns=("Equipment.causes",),
        also_gives=(Reason.CREW_NOT_READY,),
        doc="docs/network.md",
    ),
    Mechanism(
        name="posture",
        summary="at the hour a unit is on alert or not, manned or not: its crews are off "
        "their posts until alerted and manned",
        module="iadsim.readiness.posture",
        process="Equipment",
        reads=(
            "scenario.units.posture.p_alert",
            "scenario.units.posture.alert_s",
            "scenario.units.posture.p_manned",
            "scenario.units.posture.manning_s",
        ),  # fmt: skip
        owns=("Equipment.causes",),
        also_gives=(Reason.CREW_NOT_READY,),
        doc="docs/network.md",
    ),
    Mechanism(
        name="integration",
        summary="a command post cannot use the tracks of a sensor never integrated with it",
        module="iadsim.network.integration",
        process="Connectivity",
        reads=(
            "catalog.integration",
            "catalog.components.interface",
            "scenario.network.integrations",
        ),  # fmt: skip
        owns=("Connectivity.causes",),
        reasons=(Reason.NOT_INTEGRATED,),
        doc="docs/network.md",
    ),
)
