"""What travels over the C2 network and which elements may pass it on.

Links carry traffic by function: each message kind travels only over links that carry it
and through nodes that relay. Relays, command posts and communication nodes pass other
elements' traffic on; a radar, a launcher, a TELAR or a MANPADS team only sends and
receives its own (its crew and data equipment are not a switchboard). This is what makes
the old detour "engagement radar -> TEL-2 -> command post -> TEL-1" impossible.
"""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    """The kinds of traffic on an air-defence network."""

    TRACK_REPORT = "track_report"  # sensor tracks towards command posts and launchers
    TARGET_DESIGNATION = "target_designation"  # command post assigns a target to a launcher
    FIRE_CONTROL = "fire_control"  # engagement radar's guidance data to its own launchers
    STATUS = "status"  # readiness, ammunition and state reports


MESSAGE_KINDS: tuple[MessageKind, ...] = tuple(MessageKind)
ALL_KINDS: frozenset[MessageKind] = frozenset(MESSAGE_KINDS)

NODE_KINDS: tuple[str, ...] = ("radar", "command_post", "launcher", "telar", "manpads", "relay")
RELAYING_NODE_KINDS: frozenset[str] = frozenset({"command_post", "relay"})
"""Node kinds that pass other elements' traffic on; every other kind is an endpoint only."""

LINK_KINDS: tuple[str, ...] = ("cable", "radio", "relay", "internal")
# catalog component kinds -> network node kinds (add_node accepts either)
NODE_KIND_ALIASES: dict[str, str] = {
    "surveillance_radar": "radar",
    "engagement_radar": "radar",
    "acquisition_radar": "radar",
    "early_warning_radar": "radar",
    "manpads_team": "manpads",
    "tel": "launcher",
}


def as_kinds(kinds) -> frozenset[MessageKind]:
    """A set of message kinds from names (None: every kind)."""
    if kinds is None:
        return ALL_KINDS
    return frozenset(MessageKind(k) for k in kinds)
