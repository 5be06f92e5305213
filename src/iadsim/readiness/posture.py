"""A unit's posture at the hour of the attack, drawn once per replication: when its crews
are at their posts and whether its data network is already up (scenario `posture:`,
`scenario.doctrine.PostureSpec`; docs/network.md, "Posture at the hour").

On alert (probability `p_alert`) the unit is alerted at the start, else at `alert_s`; its
crews are at their posts at its alert if manned (`p_manned`), else `manning_s` later. Its
data network is up at the start with `p_network_up`; if not, the crew brings it up once at
its post (readiness.network_setup). Three uniforms are drawn whatever the outcome, so a
variant with a larger probability keeps every night where the smaller one held (common
random numbers). All probabilities and times are notional, scenario inputs with ranges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.scenario.doctrine import PostureSpec


@dataclass(frozen=True)
class PostureDraw:
    """One night's posture: when the unit was alerted, when its crews are at their posts,
    whether its data network was up at the start."""

    alerted_s: float
    crew_ready_s: float
    network_up: bool


def draw_posture(rng: np.random.Generator, posture: PostureSpec) -> PostureDraw:
    """Draw a unit's posture (see the module docstring)."""
    u_alert, u_manned, u_net = rng.random(3)
    alerted = 0.0 if u_alert < posture.p_alert else float(posture.alert_s)
    ready = alerted if u_manned < posture.p_manned else alerted + float(posture.manning_s)
    return PostureDraw(alerted, ready, bool(u_net < posture.p_network_up))
