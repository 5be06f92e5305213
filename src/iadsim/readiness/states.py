"""Component states, probability distributions over them, degraded effects and storage set-up.

A component (radar, launcher, command post) is in exactly one of four states during a run.
The state is drawn once per replication from a `StateDistribution`, which may be given
directly, derived from the maintenance model (`maintenance.py`) or inferred from dated
observations (`evidence.py`). All numbers here are notional (see docs/readiness.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason
from iadsim.scenario.readiness import STATES, ComponentState

N_STATES = len(STATES)

_TOL = 1e-9


def _as_state(value: ComponentState | str) -> ComponentState:
    """A ComponentState from itself or its string value; ValueRangeError otherwise."""
    try:
        return ComponentState(value)
    except ValueError:
        allowed = ", ".join(s.value for s in STATES)
        raise ValueRangeError(
            f"unknown component state {value!r}; expected one of: {allowed}"
        ) from None


@dataclass(frozen=True, eq=False)
class StateDistribution:
    """Probabilities over the four states, in `STATES` order; validated to be a distribution."""

    probs: np.ndarray

    def __post_init__(self) -> None:
        p = np.asarray(self.probs, dtype=float).reshape(-1)
        if p.shape != (N_STATES,):
            raise ValueRangeError(
                f"a state distribution needs {N_STATES} probabilities, got {p.size}"
            )
        if not np.all(np.isfinite(p)):
            raise ValueRangeError("state probabilities must be finite numbers")
        if np.any(p < -_TOL) or np.any(p > 1 + _TOL):
            raise ValueRangeError(f"state probabilities must each lie in [0, 1], got {p.tolist()}")
        total = float(p.sum())
        if abs(total - 1.0) > 1e-6:
            raise ValueRangeError(f"state probabilities must sum to 1, got {total:.6g}")
        p = np.clip(p, 0.0, 1.0)
        p = p / p.sum()
        p.setflags(write=False)
        object.__setattr__(self, "probs", p)

    @classmethod
    def certain(cls, state: ComponentState | str) -> StateDistribution:
        """All the probability on one state (e.g. a component declared `in_storage`)."""
        p = np.zeros(N_STATES)
        p[_as_state(state).index] = 1.0
        return cls(p)

    @classmethod
    def from_mapping(
        cls,
        mapping: Mapping[ComponentState | str, float],
        remainder: ComponentState | str = ComponentState.NOT_MISSION_CAPABLE,
    ) -> StateDistribution:
        """From {state: probability}; any mass left below 1 goes to `remainder` (default NMC)."""
        p = np.zeros(N_STATES)
        for key, value in mapping.items():
            v = float(value)
            if not (0.0 <= v <= 1.0):
                raise ValueRangeError(f"probability of {key!s} must lie in [0, 1], got {v}")
            p[_as_state(key).index] += v
        total = p.sum()
        if total > 1.0 + 1e-6:
            raise ValueRangeError(f"state probabilities must sum to at most 1, got {total:.6g}")
        p[_as_state(remainder).index] += max(0.0, 1.0 - total)
        return cls(p)

    def __getitem__(self, state: ComponentState | str) -> float:
        """Probability of one state."""
        return float(self.probs[_as_state(state).index])

    def __eq__(self, other: object) -> bool:
        """Equal when the probability vectors agree to 1e-12."""
        if not isinstance(other, StateDistribution):
            return NotImplemented
        return bool(np.allclose(self.probs, other.probs, rtol=0.0, atol=1e-12))

    def __repr__(self) -> str:
        """Compact repr listing the non-zero states."""
        parts = ", ".join(
            f"{s.value}={v:.4g}" for s, v in zip(STATES, self.probs, strict=True) if v
        )
        return f"StateDistribution({parts})"

    @property
    def availability(self) -> float:
        """Probability that the component works at all (operational or degraded)."""
        return float(self.probs[0] + self.probs[1])

    def as_dict(self) -> dict[str, float]:
        """{state value: probability}, every state listed, for reports and summaries."""
        return {s.value: float(v) for s, v in zip(STATES, self.probs, strict=True)}

    def sample_indices(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> np.ndarray:
        """Draw `size` states as indices into `STATES` (one uniform per draw, inverse CDF)."""
        cdf = np.cumsum(self.probs)
        cdf[-1] = 1.0
        u = rng.random(size)
        idx = np.searchsorted(cdf, u, side="right")
        return np.minimum(idx, N_STATES - 1)

    def sample(self, rng: np.random.Generator) -> ComponentState:
        """Draw one state (consumes exactly one uniform from `rng`)."""
        return STATES[int(self.sample_indices(rng, 1)[0])]


def sample_states(
    dists: list[StateDistribution], rng: np.random.Generator, n_replications: int | None = None
) -> np.ndarray:
    """Draw states for many components at once: indices, shape (n_comp,) or (n_rep, n_comp)."""
    if not dists:
        shape = (0,) if n_replications is None else (n_replications, 0)
        return np.zeros(shape, dtype=np.intp)
    cdf = np.cumsum(np.stack([d.probs for d in dists]), axis=1)
    cdf[:, -1] = 1.0
    reps = 1 if n_replications is None else int(n_replications)
    u = rng.random((reps, len(dists)))
    idx = (u[:, :, None] >= cdf[None, :, :]).sum(axis=2)
    idx = np.minimum(idx, N_STATES - 1)
    return idx[0] if n_replications is None else idx


def state_reason(state: ComponentState | str, is_radar: bool) -> Reason:
    """The kill-chain reason a needed component in this state reports (NONE if it works)."""
    s = _as_state(state)
    if s.is_available:
        return Reason.NONE
    if s is ComponentState.IN_STORAGE:
        return Reason.IN_STORAGE
    return Reason.RADAR_NOT_OPERATIONAL if is_radar else Reason.NOT_MISSION_CAPABLE


@dataclass(frozen=True)
class DegradedEffects:
    """How a DEGRADED component performs worse than an operational one (notional values)."""

    tx_power_loss_db: float = 3.0  # transmitter output lost (ageing tubes, waveguide losses)
    extra_noise_db: float = 2.0  # receiver noise figure increase (ageing front end)
    reaction_time_factor: float = 1.5  # multiplies crew/system reaction time (slow hydraulics)
    launch_failure_prob: float = 0.0  # probability a commanded launch does not happen

    def __post_init__(self) -> None:
        if self.tx_power_loss_db < 0 or self.extra_noise_db < 0:
            raise ValueRangeError("degraded losses in dB must be >= 0")
        if self.reaction_time_factor < 1.0:
            raise ValueRangeError("reaction_time_factor of a degraded component must be >= 1")
        if not (0.0 <= self.launch_failure_prob <= 1.0):
            raise ValueRangeError("launch_failure_prob must lie in [0, 1]")

    @property
    def snr_loss_db(self) -> float:
        """SNR lost by a degraded radar: transmit power loss plus noise increase (dB)."""
        return self.tx_power_loss_db + self.extra_noise_db


NO_EFFECT = DegradedEffects(0.0, 0.0, 1.0, 0.0)
"""Effects of an OPERATIONAL component: none."""

DEFAULT_DEGRADED_EFFECTS: dict[str, DegradedEffects] = {
    "surveillance-radar": DegradedEffects(3.0, 2.0, 1.3, 0.0),
    "engagement-radar": DegradedEffects(3.0, 3.0, 1.5, 0.0),
    "tel": DegradedEffects(0.0, 0.0, 1.5, 0.2),
    "launcher": DegradedEffects(0.0, 0.0, 1.5, 0.2),
    "command-post": DegradedEffects(0.0, 0.0, 2.0, 0.0),
    "manpads": DegradedEffects(0.0, 0.0, 1.3, 0.3),
    # a TELAR carries its own engagement radar and its missiles: both kinds of wear
    "telar": DegradedEffects(3.0, 3.0, 1.5, 0.2),
    # a relay passes messages or does not; degradation has no modelled effect
    "relay": DegradedEffects(0.0, 0.0, 1.0, 0.0),
}
"""Notional degraded effects per component type; the catalog may override them."""

GENERIC_DEGRADED_EFFECTS = DegradedEffects()
"""Effects used for a component type absent from the table and the catalog."""

READINESS_TYPE_OF_KIND: dict[str, str] = {
    "surveillance_radar": "surveillance-radar",
    "acquisition_radar": "surveillance-radar",
    "early_warning_radar": "surveillance-radar",
    "engagement_radar": "engagement-radar",
    "telar": "telar",
    "launcher": "tel",
    "command_post": "command-post",
    "manpads_team": "manpads",
    "relay": "relay",
}
"""The readiness table entry of each catalog component kind (`ComponentKind` values)."""


def readiness_type(kind_or_type: str) -> str:
    """The readiness table key of a catalog kind (`telar`) or type name (`tel`)."""
    return READINESS_TYPE_OF_KIND.get(str(kind_or_type), str(kind_or_type))


def degraded_effects(
    component_type: str, overrides: Mapping[str, DegradedEffects] | None = None
) -> DegradedEffects:
    """The degraded effects of a component type: catalog override, else table, else generic."""
    if overrides and component_type in overrides:
        return overrides[component_type]
    return DEFAULT_DEGRADED_EFFECTS.get(component_type, GENERIC_DEGRADED_EFFECTS)


def effects_for_state(
    state: ComponentState | str,
    component_type: str,
    overrides: Mapping[str, DegradedEffects] | None = None,
) -> DegradedEffects:
    """Effects for a component in `state`: degraded effects when DEGRADED, none otherwise."""
    if _as_state(state) is ComponentState.DEGRADED:
        return degraded_effects(component_type, overrides)
    return NO_EFFECT


DEFAULT_STORAGE_SETUP_HOURS: dict[str, float] = {
    "surveillance-radar": 12.0,
    "engagement-radar": 12.0,
    "tel": 8.0,
    "launcher": 8.0,
    "command-post": 6.0,
    "manpads": 0.5,
    "telar": 12.0,
    "relay": 6.0,
}
"""Notional hours from 'in storage' to operational (de-preservation, installation, checks)."""

GENERIC_STORAGE_SETUP_HOURS = 12.0


@dataclass(frozen=True)
class StorageSetup:
    """Set-up time a stored component needs before it can work (notional, hours)."""

    setup_hours: float = GENERIC_STORAGE_SETUP_HOURS
    setup_overrides: dict[str, float] = field(default_factory=dict)

    def hours_for(self, component_type: str) -> float:
        """Set-up hours for a component type: override, else table, else `setup_hours`."""
        if component_type in self.setup_overrides:
            return float(self.setup_overrides[component_type])
        return DEFAULT_STORAGE_SETUP_HOURS.get(component_type, self.setup_hours)


def storage_ready_time_s(activation_time_s: float, setup_hours: float) -> float:
    """Scenario time (s) at which a stored component activated at `activation_time_s` works."""
    if setup_hours < 0:
        raise ValueRangeError(f"storage set-up time must be >= 0 hours, got {setup_hours}")
    return float(activation_time_s) + 3600.0 * float(setup_hours)


def state_at_time(
    initial: ComponentState | str,
    t_s: float,
    setup_hours: float,
    activation_time_s: float | None = 0.0,
    state_after_setup: ComponentState | str = ComponentState.OPERATIONAL,
) -> ComponentState:
    """State at scenario time t_s: a stored component activated at `activation_time_s` stays
    IN_STORAGE until the set-up time has elapsed (never, if activation_time_s is None)."""
    s = _as_state(initial)
    if s is not ComponentState.IN_STORAGE or activation_time_s is None:
        return s
    if t_s >= storage_ready_time_s(activation_time_s, setup_hours):
        return _as_state(state_after_setup)
    return s


def can_leave_storage_within(raid_duration_s: float, setup_hours: float) -> bool:
    """True when a stored component activated at the raid's start works before it ends."""
    return storage_ready_time_s(0.0, setup_hours) <= float(raid_duration_s)
