"""Crews in the event loop: whether a crew fires (willingness, suppression, errors) and how
long it takes, from the readiness models (docs/readiness.md sections 3 and 4).

Each weapon unit has a `CrewProfile` (world.UnitRt.crew_profile: proficiency, night and
night vision, the system's reaction scale applied) and a baseline willingness W0 (the crew's
`morale`). Decisions, in order, at a launch opportunity of unit U on aircraft A at time t:

1. Willingness. The crew has one latent uniform c per replication (stream `unit:U:will`).
   `readiness.suppression.fire_decision(W0 S(t), W0, c)`: c < 1 - W0 -> CREW_NOT_READY (a
   reluctant crew, all night); c < 1 - W0 S(t) -> CREW_SUPPRESSED, where S(t) is the
   suppression factor of the return fire, strikes and casualties logged so far near the
   unit (it recovers with tau = 600 s, so a deterred crew stays off until its own threshold
   is passed); otherwise willing. One uniform per crew keeps variants with and without
   suppression on common random numbers and attributes to suppression only what it causes.
2. Error. Stream `unit:U:crew:A` gives a uniform u and a normal z per opportunity (always
   both): u < p_err -> CREW_NOT_READY (a botched engagement: the crew needs one reaction time,
   from z, before it can try again on that aircraft).
3. Otherwise the launch follows after the lognormal reaction time from z (slower with a
   degraded launcher: `degraded.reaction_time_factor`).
"""

from __future__ import annotations

import math

import numpy as np

from iadsim.engine.events import EventKind
from iadsim.engine.world import UnitRt
from iadsim.killchain import Reason
from iadsim.readiness.crew import CrewProfile
from iadsim.readiness.suppression import (
    DEFAULT_SUPPRESSION,
    SuppressiveKind,
    fire_decision,
    severity_of,
    willingness,
)

DEFAULT_CREW = CrewProfile(30.0, 0.4, 0.05, 0.75)
"""Used only for a unit built without a crew profile (a trained crew, day, 30 s median)."""


class CrewMixin:
    """Crew behaviour for a Replication (uses its rs, log, world and states)."""

    # ------------------------------------------------------------ decision
    def _crew_refusal(self, unit: UnitRt, a: int, t: float) -> Reason | None:
        """Why the crew does not fire now (CREW_NOT_READY, CREW_SUPPRESSED), or None."""
        profile = unit.crew_profile or DEFAULT_CREW
        ac = self.world.aircraft[a].id
        w0 = unit.crew.morale
        factor = self._suppression_factor(unit, profile, t) if unit.crew.suppressible else 1.0
        why = fire_decision(w0 * factor, w0, self._crew_courage(unit))
        if why is Reason.CREW_SUPPRESSED:
            self.log.add(t, EventKind.SUPPRESSED, ac, unit.id, value=w0 * factor)
            return why
        if why is Reason.CREW_NOT_READY:
            return why
        blocked = self._crew_state("blocked")
        if blocked.get((unit.id, a), -np.inf) > t:
            return Reason.CREW_NOT_READY
        rng = self.rs.stream(f"unit:{unit.id}:crew:{ac}")
        u, z = float(rng.random()), float(rng.standard_normal())
        if u < profile.error_prob:
            blocked[(unit.id, a)] = t + profile.median_reaction_s * math.exp(profile.sigma_log * z)
            self.log.add(t, EventKind.CREW_ERROR, ac, unit.id)
            return Reason.CREW_NOT_READY
        self._crew_state("pending")[unit.id] = z
        return None

    def _crew_state(self, name: str) -> dict:
        """Per-replication crew bookkeeping (created on first use)."""
        key = f"_crew_state_{name}"
        d = getattr(self, key, None)
        if d is None:
            d = {}
            setattr(self, key, d)
        return d

    def _crew_courage(self, unit: UnitRt) -> float:
        """The crew's latent uniform for this replication (its willingness threshold)."""
        courage = self._crew_state("courage")
        if unit.id not in courage:
            courage[unit.id] = float(self.rs.stream(f"unit:{unit.id}:will").random())
        return courage[unit.id]

    def _reaction_delay_s(self, unit: UnitRt, li: int) -> float:
        """Decision to launch: the crew's lognormal, slower with a degraded launcher."""
        profile = unit.crew_profile or DEFAULT_CREW
        z = self._crew_state("pending").pop(unit.id, None)
        if z is None:  # called without a decision: draw from the unit's stream
            z = float(self.rs.stream(f"unit:{unit.id}:crew").standard_normal())
        median = profile.median_reaction_s
        if self.states[li] == "degraded":
            median *= self.world.components[li].degraded.reaction_time_factor
        return float(median * math.exp(profile.sigma_log * z))

    # --------------------------------------------------------- suppression
    def _suppression_factor(self, unit: UnitRt, profile: CrewProfile, t: float) -> float:
        """S(t) in [0, 1]: the product over suppressive events near the unit so far."""
        times, xy, sev = self._suppressive_events()
        if times.size == 0:
            return 1.0
        done = times <= t
        if not done.any():
            return 1.0
        d = np.hypot(xy[done, 0] - unit.enu[0], xy[done, 1] - unit.enu[1])
        return float(
            willingness(
                t, times[done], d, sev[done], profile.suppression_sensitivity, 1.0,
                DEFAULT_SUPPRESSION,
            )
        )  # fmt: skip

    def _suppressive_events(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times, ENU xy, severities) of return fire, strikes and casualties in the log.

        Read from the event log, so the engine needs no extra hook: RETURN_FIRE at the
        launcher fired upon, STRIKE at its site, DESTROYED by return fire as a casualty.
        Cached until the log grows.
        """
        n = len(self.log)
        cache = getattr(self, "_supp_cache", None)
        if cache is not None and cache[0] == n:
            return cache[1]
        w = self.world
        sites = getattr(self, "_site_xy", None)
        if sites is None:
            sites = {
                s.id: w.frame.to_enu(s.position.lat_deg, s.position.lon_deg, 0.0)[:2]
                for s in w.scenario.spec.sites
            }
            self._site_xy = sites
        rf, st, cas = (
            severity_of(SuppressiveKind.RETURN_FIRE),
            severity_of(SuppressiveKind.STRIKE),
            severity_of(SuppressiveKind.CASUALTY),
        )
        times, xy, sev = [], [], []
        for time_s, kind, _ac, _unit, comp, detail, _v in self.log.rows():
            if kind == EventKind.RETURN_FIRE and comp in w.component_index:
                pos, s = w.components[w.component_index[comp]].enu[:2], rf
            elif kind == EventKind.STRIKE and comp in sites:
                pos, s = sites[comp], st
            elif (
                kind == EventKind.DESTROYED
                and detail == "return fire"
                and comp in w.component_index
            ):
                pos, s = w.components[w.component_index[comp]].enu[:2], cas
            else:
                continue
            times.append(time_s)
            xy.append(pos)
            sev.append(s)
        out = (
            np.asarray(times, float),
            np.asarray(xy, float).reshape(-1, 2),
            np.asarray(sev, float),
        )
        self._supp_cache = (n, out)
        return out
