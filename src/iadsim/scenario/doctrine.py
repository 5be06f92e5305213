"""Scenario models of a unit's doctrine and posture at the hour of the attack, written as
probabilities (so that a ranges file can give each a {low, mode, high} range) rather than
as typed answers (docs/engagement.md, "Release authority"; docs/network.md, "Posture").

- `authority`: release authority. Weapons hold with probability 1 - `p_released`; released,
  weapons free with `p_free`, else weapons tight. Free: the battery fires on its own picture
  when cut off from its command post (after the fallback delay); tight: only if authority is
  delegated to it when cut off (`p_delegated`); hold: it does not fire (WEAPONS_HOLD).
- `posture`: on alert at the hour with `p_alert` (else alerted at `alert_s`), its crews at
  their posts with `p_manned` (else `manning_s` after its alert), its data network up with
  `p_network_up` (else the crew brings it up once at its post: readiness.network_setup).
  Until its crews are at their posts the unit's components are out (CREW_NOT_READY, element
  `UNIT:posture`).

One draw each per unit and replication (streams `unit:ID:authority`, `unit:ID:posture`), so
a variant with a larger probability keeps every night where the smaller one held.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

import iadsim.limits as limits


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class AuthoritySpec(_Strict):
    """Release authority at the hour, as probabilities (see the module docstring)."""

    p_released: float = Field(default=1.0, ge=0.0, le=1.0)  # not on weapons hold
    p_free: float = Field(default=1.0, ge=0.0, le=1.0)  # released: free (else tight)
    p_delegated: float = Field(default=0.0, ge=0.0, le=1.0)  # tight and cut off: delegated
    note: str = ""


class PostureSpec(_Strict):
    """Readiness posture at the hour of the attack (see the module docstring)."""

    p_alert: float = Field(default=1.0, ge=0.0, le=1.0)
    alert_s: float = Field(default=0.0, ge=0.0, le=limits.MAX_DURATION_S)
    p_manned: float = Field(default=1.0, ge=0.0, le=1.0)
    manning_s: float = Field(default=900.0, ge=0.0, le=limits.MAX_DURATION_S)
    p_network_up: float = Field(default=1.0, ge=0.0, le=1.0)
    note: str = ""
