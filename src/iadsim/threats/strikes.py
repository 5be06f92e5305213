"""Scheduled strikes on named sites, and the network links a destroyed relay takes down.

A strike hits every member of a named site (units, components, network nodes) at its time
with one weapon; each member, by its kind, is destroyed with probability p_destroy, else
disabled with probability p_disable, else unharmed. One uniform per member, drawn in the
order the members are listed, whatever the outcome (common random numbers across what-if
variants). Destroyed or disabled network nodes are returned so the network can cut the
links that end at them or are relayed through them (see `links_cut`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from iadsim.errors import ValueRangeError


class MemberRole(StrEnum):
    """What a site member is to the rest of the model."""

    UNIT = "unit"  # a whole unit (battery, MANPADS team, command post)
    COMPONENT = "component"  # a component of a unit (radar, launcher)
    NODE = "node"  # a network node (relay, antenna, switch)


class StrikeEffect(StrEnum):
    """Outcome of a strike on one member."""

    DESTROYED = "destroyed"
    DISABLED = "disabled"
    UNHARMED = "unharmed"


@dataclass(frozen=True)
class SiteMember:
    """Something at a struck site: id, kind (catalog type, e.g. 'relay'), role."""

    id: str
    kind: str
    role: MemberRole = MemberRole.COMPONENT


@dataclass(frozen=True)
class Strike:
    """One scheduled strike: when, on which named site, which weapon, effects by target kind.

    Probabilities are looked up by the member's kind, then its role, then '*'; a missing
    entry means 0. For every key p_destroy + p_disable must not exceed 1.
    """

    time_s: float
    site: str
    weapon: str
    p_destroy: Mapping[str, float] = field(default_factory=dict)
    p_disable: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for table_name in ("p_destroy", "p_disable"):
            for k, v in getattr(self, table_name).items():
                if not (0.0 <= float(v) <= 1.0):
                    raise ValueRangeError(
                        f"strike on {self.site!r}: {table_name}[{k!r}] must be in [0, 1], got {v}"
                    )
        for k in set(self.p_destroy) | set(self.p_disable):
            total = float(self.p_destroy.get(k, 0.0)) + float(self.p_disable.get(k, 0.0))
            if total > 1.0 + 1e-12:
                raise ValueRangeError(
                    f"strike on {self.site!r}: p_destroy + p_disable for {k!r} is {total:.3f} > 1"
                )

    def probabilities(self, member: SiteMember) -> tuple[float, float]:
        """(p_destroy, p_disable) for a member: by kind, else role, else '*', else 0."""
        for key in (member.kind, str(member.role), "*"):
            if key in self.p_destroy or key in self.p_disable:
                return float(self.p_destroy.get(key, 0.0)), float(self.p_disable.get(key, 0.0))
        return 0.0, 0.0


@dataclass(frozen=True)
class MemberOutcome:
    """What a strike did to one member."""

    time_s: float
    site: str
    weapon: str
    member_id: str
    kind: str
    role: MemberRole
    effect: StrikeEffect


@dataclass(frozen=True)
class StrikeResult:
    """All member outcomes of one strike, and the network nodes it took down."""

    strike: Strike
    outcomes: tuple[MemberOutcome, ...]
    destroyed_nodes: frozenset[str]
    disabled_nodes: frozenset[str]

    @property
    def hit(self) -> tuple[MemberOutcome, ...]:
        """Outcomes other than UNHARMED."""
        return tuple(o for o in self.outcomes if o.effect is not StrikeEffect.UNHARMED)


def resolve_strike(
    rng: np.random.Generator,
    strike: Strike,
    members: Sequence[SiteMember],
    already_destroyed: Iterable[str] = (),
) -> StrikeResult:
    """Resolve one strike against the members of its site (one uniform per member, in order).

    Members already destroyed stay destroyed and are not reported again.
    """
    gone = set(already_destroyed)
    u = rng.random(len(members))
    outcomes: list[MemberOutcome] = []
    destroyed: set[str] = set()
    disabled: set[str] = set()
    for ui, m in zip(u, members, strict=True):
        if m.id in gone:
            continue
        p_d, p_x = strike.probabilities(m)
        if ui < p_d:
            effect = StrikeEffect.DESTROYED
        elif ui < p_d + p_x:
            effect = StrikeEffect.DISABLED
        else:
            effect = StrikeEffect.UNHARMED
        outcomes.append(
            MemberOutcome(strike.time_s, strike.site, strike.weapon, m.id, m.kind, m.role, effect)
        )
        if m.role is MemberRole.NODE:
            if effect is StrikeEffect.DESTROYED:
                destroyed.add(m.id)
            elif effect is StrikeEffect.DISABLED:
                disabled.add(m.id)
    return StrikeResult(strike, tuple(outcomes), frozenset(destroyed), frozenset(disabled))


def resolve_schedule(
    strikes: Iterable[Strike],
    members_by_site: Mapping[str, Sequence[SiteMember]],
    rng_for: Callable[[Strike], np.random.Generator],
) -> list[StrikeResult]:
    """Resolve strikes in time order (ties by site name); destroyed members stay destroyed.

    `rng_for(strike)` gives the stream for a strike, e.g. streams.stream(f"strike:{site}").
    An unknown site is an error, not a silent no-op.
    """
    ordered = sorted(strikes, key=lambda s: (s.time_s, s.site, s.weapon))
    gone: set[str] = set()
    results: list[StrikeResult] = []
    for s in ordered:
        if s.site not in members_by_site:
            known = ", ".join(sorted(members_by_site))
            raise ValueRangeError(
                f"strike at t={s.time_s}s names unknown site {s.site!r}; known sites: {known}"
            )
        res = resolve_strike(rng_for(s), s, members_by_site[s.site], gone)
        gone.update(o.member_id for o in res.outcomes if o.effect is StrikeEffect.DESTROYED)
        results.append(res)
    return results


def _link_parts(link: Any) -> tuple[str, str, Sequence[str]]:
    """(a, b, via) from a tuple (a, b, via) or an object with .a, .b, .via."""
    if hasattr(link, "a") and hasattr(link, "b"):
        return link.a, link.b, tuple(getattr(link, "via", ()))
    a, b, *rest = link
    via = rest[0] if rest else ()
    if isinstance(via, str):
        via = (via,)
    return a, b, tuple(via)


def links_cut(links: Iterable[Any], down_nodes: Iterable[str], include_endpoints: bool = True):
    """The links (as given, in order) that depend on a downed node: relayed via it or ending at it.

    `links` are (a, b, via_nodes) tuples or objects with .a, .b, .via (network.graph.Link).
    """
    down = set(down_nodes)
    cut = []
    for link in links:
        a, b, via = _link_parts(link)
        if any(n in down for n in via) or (include_endpoints and (a in down or b in down)):
            cut.append(link)
    return cut
