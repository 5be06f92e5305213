"""MANPADS team engagement chain: visual acquisition, IR lock-on, willingness, launch, Pk.

At the level of the rest of iadsim: no seeker internals. A team sees an aircraft when it is
visible (line of sight, given by the caller) and within a visual acquisition range (by night
with or without night vision: a number from sensors/visual_ir, passed in). After a reaction
time (unpack, power the seeker, aim) it tries to lock on; the lock-on range is longest
tail-on (hot exhaust in view) and shrinks towards head-on, and grows with the square root
of the target's IR intensity (point source, fixed detection threshold, inverse square law).
A locked team launches only if willing (1 - suppression, from the readiness model). The
missile then needs a kinematic intercept (flyout) and survives a Pk draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from iadsim.engagement.envelope import Envelope, EnvelopeCode
from iadsim.engagement.flyout import Flyout
from iadsim.engagement.intercept import aspect_angle_rad, predict_intercept
from iadsim.engagement.pk import PkModel
from iadsim.errors import ValueRangeError
from iadsim.killchain import Reason, Stage


@dataclass(frozen=True)
class ManpadsType:
    """Notional parameters of one MANPADS type (SI units)."""

    envelope: Envelope
    flyout: Flyout
    pk_model: PkModel
    lock_range_tail_m: float = 5000.0  # lock-on range tail-on vs the reference IR signature
    head_on_lock_fraction: float = 0.35  # head-on lock range / tail-on lock range
    p_lock_max: float = 0.8  # lock probability per attempt well inside the lock range
    attempt_interval_s: float = 2.0  # one lock-on attempt every so often
    reaction_time_s: float = 10.0  # acquisition to first lock-on attempt

    def __post_init__(self) -> None:
        if self.lock_range_tail_m <= 0 or self.attempt_interval_s <= 0:
            raise ValueRangeError("lock_range_tail_m and attempt_interval_s must be > 0")
        if not (0.0 < self.head_on_lock_fraction <= 1.0):
            raise ValueRangeError("head_on_lock_fraction must be in (0, 1]")
        if not (0.0 <= self.p_lock_max <= 1.0):
            raise ValueRangeError("p_lock_max must be in [0, 1]")
        if self.reaction_time_s < 0:
            raise ValueRangeError("reaction_time_s must be >= 0")


def notional_igla_class() -> ManpadsType:
    """An Igla-S-class MANPADS from openly published orders of magnitude (notional)."""
    return ManpadsType(
        envelope=Envelope(
            min_range_m=500.0, max_range_m=6000.0, min_altitude_m=10.0, max_altitude_m=3500.0
        ),
        flyout=Flyout(
            boost_time_s=2.0,
            boost_accel_mps2=271.0,
            drag_k_per_m=2.3e-4,
            launch_speed_mps=28.0,
            min_speed_mps=200.0,
            max_time_s=17.0,
        ),
        pk_model=PkModel(
            base_pk={
                "transport-helicopter": 0.5,
                "attack-helicopter": 0.4,
                "strike-fighter": 0.3,
                "ew-aircraft": 0.4,
                "cruise-missile": 0.1,
            },
            max_range_m=6000.0,
            min_range_m=500.0,
            range_knee=0.6,
            range_floor=0.5,
            beam_factor=0.7,
        ),
    )


def lock_range_m(mtype: ManpadsType, aspect_rad, ir_signature_factor=1.0) -> np.ndarray:
    """Lock-on range: tail-on longest, head-on shortest, x sqrt(IR intensity / reference)."""
    a = np.asarray(aspect_rad, float)
    h = mtype.head_on_lock_fraction
    shape = h + (1.0 - h) * 0.5 * (1.0 - np.cos(a))  # aspect 0 head-on -> h, pi tail -> 1
    return mtype.lock_range_tail_m * shape * np.sqrt(np.asarray(ir_signature_factor, float))


def lock_probability(mtype: ManpadsType, range_m, aspect_rad, ir_signature_factor=1.0):
    """Lock probability per attempt: p_lock_max inside half the lock range, linear to 0 at it."""
    r_lock = lock_range_m(mtype, aspect_rad, ir_signature_factor)
    frac = np.clip((r_lock - np.asarray(range_m, float)) / (0.5 * r_lock), 0.0, 1.0)
    return mtype.p_lock_max * frac


@dataclass(frozen=True)
class ManpadsResult:
    """How far one team got against one aircraft, and why it stopped."""

    stage: Stage
    reason: Reason
    killed: bool = False
    acquired_s: float | None = None
    locked_s: float | None = None
    launch_s: float | None = None
    intercept_s: float | None = None
    pk: float | None = None


def engage(
    rng: np.random.Generator,
    mtype: ManpadsType,
    target_type: str,
    t_s,
    rel_position_m,
    velocity_mps,
    visible,
    acquisition_range_m: float,
    willingness=1.0,
    ir_signature_factor: float = 1.0,
    countermeasure_factor: float = 1.0,
) -> ManpadsResult:
    """Run one team's chain against one aircraft over its track samples (T increasing times).

    `rel_position_m` (T, 3) is aircraft minus team in ENU, `velocity_mps` (T, 3), `visible`
    (T,) line of sight, `willingness` scalar or (T,) probability of firing when locked
    (1 - suppression). Draws exactly T + 2 uniforms from `rng`, whatever the outcome.
    """
    t = np.asarray(t_s, float)
    p = np.asarray(rel_position_m, float).reshape(-1, 3)
    v = np.asarray(velocity_mps, float).reshape(-1, 3)
    vis = np.asarray(visible, bool).reshape(-1)
    will = np.broadcast_to(np.asarray(willingness, float), t.shape)
    n = t.shape[0]
    if not (p.shape[0] == v.shape[0] == vis.shape[0] == n):
        raise ValueRangeError("t_s, rel_position_m, velocity_mps and visible need the same length")
    u = rng.random(n + 2)
    u_lock, u_will, u_kill = u[:n], u[n], u[n + 1]

    rng_m = np.linalg.norm(p, axis=-1)
    in_acq = rng_m <= acquisition_range_m
    seen = vis & in_acq
    if not seen.any():
        reason = Reason.TERRAIN_MASKED if in_acq.any() else Reason.NOT_DETECTED
        return ManpadsResult(Stage.NONE, reason)
    i_acq = int(np.argmax(seen))
    t_acq = float(t[i_acq])

    aspect = aspect_angle_rad(p, v)
    inside, code = mtype.envelope.contains(rng_m, p[:, 2], np.linalg.norm(v, axis=-1))
    ready = (t >= t_acq + mtype.reaction_time_s) & vis
    can_try = ready & inside
    if not can_try.any():
        if ready.any():
            # why the best opportunity (closest approach while ready) was outside the envelope
            i_best = int(np.flatnonzero(ready)[np.argmin(rng_m[ready])])
            worst = int(code[i_best])
            return ManpadsResult(Stage.DETECTED, EnvelopeCode(int(worst)).reason, acquired_s=t_acq)
        return ManpadsResult(Stage.DETECTED, Reason.CREW_NOT_READY, acquired_s=t_acq)

    dt = np.diff(t, prepend=t[0] - mtype.attempt_interval_s)
    p_attempt = lock_probability(mtype, rng_m, aspect, ir_signature_factor)
    p_step = 1.0 - (1.0 - p_attempt) ** np.clip(dt / mtype.attempt_interval_s, 0.0, None)
    locked = can_try & (u_lock < p_step)
    if not locked.any():
        return ManpadsResult(Stage.DETECTED, Reason.NOT_TRACKED, acquired_s=t_acq)
    i_lock = int(np.argmax(locked))
    t_lock = float(t[i_lock])
    if u_will >= will[i_lock]:
        return ManpadsResult(
            Stage.FIRE_CONTROL, Reason.CREW_SUPPRESSED, acquired_s=t_acq, locked_s=t_lock
        )

    icpt = predict_intercept(
        mtype.flyout, p[i_lock], v[i_lock], max_range_m=mtype.envelope.max_range_m
    )
    if not bool(icpt.feasible):
        return ManpadsResult(
            Stage.LAUNCHED, Reason.TARGET_LOST, acquired_s=t_acq, locked_s=t_lock, launch_s=t_lock
        )
    t_int = t_lock + float(icpt.time_s)
    pk = float(
        mtype.pk_model.pk(
            target_type,
            float(icpt.slant_range_m),
            float(icpt.aspect_rad),
            float(icpt.point_m[2]),
            countermeasure_factor,
        )
    )
    killed = bool(u_kill < pk)
    return ManpadsResult(
        Stage.KILLED if killed else Stage.INTERCEPTED,
        Reason.NONE if killed else Reason.MISSED,
        killed=killed,
        acquired_s=t_acq,
        locked_s=t_lock,
        launch_s=t_lock,
        intercept_s=t_int,
        pk=pk,
    )


def scatter_teams(
    rng: np.random.Generator, centre_m, radius_m: float, density_per_km2: float
) -> np.ndarray:
    """Team positions (n, 2) ENU: a Poisson number of teams uniform in a disc (area density)."""
    if radius_m < 0 or density_per_km2 < 0:
        raise ValueRangeError("radius_m and density_per_km2 must be >= 0")
    mean = density_per_km2 * np.pi * (radius_m / 1000.0) ** 2
    n = int(rng.poisson(mean))
    r = radius_m * np.sqrt(rng.random(n))
    th = 2.0 * np.pi * rng.random(n)
    c = np.asarray(centre_m, float)[:2]
    return np.column_stack([c[0] + r * np.cos(th), c[1] + r * np.sin(th)])
