"""Crews in the event loop: refusals (suppressed, not ready), reaction times, and the
deterrence of crews near a return-fire burst. Notional parameters, documented here."""

from __future__ import annotations

import numpy as np

from iadsim.engine.events import EventKind
from iadsim.engine.world import UnitRt
from iadsim.killchain import Reason

P_CREW_ERROR = 0.1
"""Notional chance per launch decision that the crew fumbles (night doubles it)."""
REACTION_SIGMA = 0.35
"""Log-normal spread of crew reaction times around the unit type's median."""
SUPPRESSION_RADIUS_M = 3000.0
"""Notional: crews within this distance of a return-fire burst may be deterred."""
P_SUPPRESSED = 0.7
"""Notional chance that a crew near a return-fire burst stops fighting for a while."""
SUPPRESSION_S = 900.0
"""Notional time a deterred crew stays off its weapon."""
RETURN_FIRE_DELAY_S = 5.0
"""Notional time from seeing a launch to the burst arriving."""


class CrewMixin:
    """Crew behaviour for a Replication (uses its rs, log, world, states, suppressed_until)."""

    def _crew_refusal(self, unit: UnitRt, a: int, t: float) -> Reason | None:
        """Why the crew does not fire now (suppressed, or an error), or None if it does."""
        if self.suppressed_until.get(unit.id, -np.inf) > t:
            return Reason.CREW_SUPPRESSED
        crew = self.rs.stream(f"unit:{unit.id}:crew")
        p_err = P_CREW_ERROR * (2.0 if self.world.night else 1.0)
        if crew.random() < p_err:
            self.log.add(t, EventKind.CREW_ERROR, self.world.aircraft[a].id, unit.id)
            return Reason.CREW_NOT_READY
        return None

    def _reaction_delay_s(self, unit: UnitRt, li: int) -> float:
        """Time from the decision to the launch: log-normal around the type's median."""
        crew = self.rs.stream(f"unit:{unit.id}:crew")
        median = unit.spec.crew_reaction_s
        if self.states[li] == "degraded":
            median *= 1.5
        return float(median * np.exp(REACTION_SIGMA * crew.standard_normal()))

    def _suppress_nearby(self, launcher, t: float, rng: np.random.Generator) -> None:
        """Crews of other weapon units near a return-fire burst may stop fighting for a while."""
        for unit in self.world.units:
            if unit.id == launcher.unit or not unit.role("launcher"):
                continue
            if float(np.linalg.norm(unit.enu[:2] - launcher.enu[:2])) > SUPPRESSION_RADIUS_M:
                continue
            if rng.random() < P_SUPPRESSED:
                until = t + RETURN_FIRE_DELAY_S + SUPPRESSION_S
                self.suppressed_until[unit.id] = max(self.suppressed_until.get(unit.id, 0.0), until)
                self.log.add(
                    t + RETURN_FIRE_DELAY_S, EventKind.SUPPRESSED, unit=unit.id, value=until
                )
