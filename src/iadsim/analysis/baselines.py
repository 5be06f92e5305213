"""What "as designed" means for the equipment's upkeep and the crews: the baseline the factor
groups `maintenance` and `crews` (and the comms sets and generators of `connectivity`)
restore, with its numbers in one place.

- **as delivered** (the default): the equipment as delivered and kept to the maker's
  schedule, with standard-trained crews. The schedule: full preventive maintenance with the
  supplier's spares and a depot overhaul every 10 years, so that over the cycle a vehicle
  is on average 5 years past its last overhaul; the maintenance model
  (readiness.maintenance) then gives its availability (about 98.5% operational at 5 years,
  docs/readiness.md). Crews: proficiency `trained` (readiness.crew: the level a crew reaches
  by the standard course), willingness to fire 0.9.
- **brand new, elite crews** (a named upper bound): every vehicle fresh from overhaul
  (0 years), no component degraded or broken, elite crews always willing to fire. A raid
  planned against a defence in that state would not have been flown the same way, so this
  bound is not a fair "what should have happened"; the case study shows it beside the
  baseline, never instead of it.

A baseline never makes a unit worse than written: a crew already better trained or more
willing, or a vehicle overhauled more recently under full maintenance, keeps its own state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iadsim.errors import InputError, Problem
from iadsim.readiness.maintenance import state_probabilities

PROFICIENCY_ORDER = ("untrained", "basic", "trained", "elite")


@dataclass(frozen=True)
class Baseline:
    """The state "as designed" restores equipment upkeep and crews to."""

    key: str
    label: str
    years_since_overhaul: float  # mean over the overhaul cycle
    regime: str  # readiness.maintenance.Regime
    supplier_support: bool
    proficiency: str  # readiness.crew.Proficiency
    morale: float  # willingness to fire, [0, 1]
    source: str  # where the numbers come from

    def upkeep_words(self) -> str:
        if self.years_since_overhaul == 0.0:
            return "brand new: fresh from overhaul, no vehicle degraded or broken"
        return (
            f"kept to the maker's schedule: {self.regime} preventive maintenance with supplier "
            f"spares, on average {self.years_since_overhaul:g} years since the last depot "
            "overhaul"
        )

    def crew_words(self) -> str:
        return f"{self.proficiency} crews, willingness to fire {self.morale:g}"

    def maintenance(self) -> dict:
        """The maintenance history a restored component is given."""
        return {
            "years_since_overhaul": self.years_since_overhaul,
            "regime": self.regime,
            "supplier_support": self.supplier_support,
        }

    def availability(self) -> dict[str, float]:
        """P(operational, degraded, not mission capable) of a vehicle kept to this baseline
        (the maintenance model's default parameters)."""
        p = state_probabilities(self.years_since_overhaul, self.regime, self.supplier_support)
        return {
            "operational": float(p[0]),
            "degraded": float(p[1]),
            "not_mission_capable": float(p[2]),
        }


AS_DELIVERED = Baseline(
    key="as_delivered",
    label="as delivered, kept to the maker's schedule, standard-trained crews",
    # notional: no open source found gives the S-300VM's or Buk-M2's depot-overhaul interval.
    # Context only: Belarus's 15th SAM brigade, re-armed with the S-300 in 1985, had a
    # battalion's capital-restoration repair done at home for the first time decades later
    # (BelTA, 25 August, via moyby.com/news/11497), and four S-300 battalions were under
    # planned repair in 2015 (BelTA, 10 September 2015). A 10-year depot cycle is assumed:
    # 5 years since the last overhaul on average
    years_since_overhaul=5.0,
    regime="full",
    supplier_support=True,
    # readiness.crew: `trained` is the scenario schema's default crew (the standard course);
    # willingness 0.9: the mode of the Caracas ranges file's crew morale (conscript crews)
    proficiency="trained",
    morale=0.9,
    source="notional: a 10-year depot-overhaul cycle (no open figure found; BelTA's reports "
    "on Belarus's S-300 repairs as context), trained crews (the schema's default)",
)
BRAND_NEW = Baseline(
    key="brand_new",
    label="brand-new equipment with elite crews",
    years_since_overhaul=0.0,
    regime="full",
    supplier_support=True,
    proficiency="elite",
    morale=1.0,
    source="the best the model allows: an upper bound, not a plan",
)
BASELINES: dict[str, Baseline] = {b.key: b for b in (AS_DELIVERED, BRAND_NEW)}
DEFAULT_BASELINE = AS_DELIVERED.key


def baseline(key: str | Baseline | None) -> Baseline:
    """A baseline by key (None: the default), or a refusal naming the known ones."""
    if isinstance(key, Baseline):
        return key
    try:
        return BASELINES[key or DEFAULT_BASELINE]
    except KeyError:
        raise InputError(
            Problem(
                "<command line>",
                None,
                None,
                "--baseline",
                f"unknown baseline {key!r}; one of: {', '.join(BASELINES)}",
            )
        ) from None


def _years(maintenance: dict, start_year: int | None) -> float | None:
    if "years_since_overhaul" in maintenance:
        return float(maintenance["years_since_overhaul"])
    year = maintenance.get("last_overhaul_year")
    if year is not None and start_year is not None:
        return float(start_year - int(year))
    return None


def better_kept(maintenance: dict | None, b: Baseline, start_year: int | None) -> bool:
    """Whether a maintenance history is at least as good as the baseline's already."""
    if not maintenance:
        return False
    years = _years(maintenance, start_year)
    return (
        maintenance.get("regime") == "full"
        and bool(maintenance.get("supplier_support", True))
        and years is not None
        and years <= b.years_since_overhaul
    )


def start_year(data: dict) -> int | None:
    """The scenario's year (for ages from an overhaul year)."""
    start = data.get("start_utc")
    if isinstance(start, str) and len(start) >= 4 and start[:4].isdigit():
        return int(start[:4])
    if isinstance(start, date):
        return start.year
    return None


def better_crew(crew: dict, b: Baseline) -> dict:
    """A crew raised to the baseline (never lowered)."""
    have = crew.get("proficiency", "trained")
    if PROFICIENCY_ORDER.index(have) < PROFICIENCY_ORDER.index(b.proficiency):
        crew["proficiency"] = b.proficiency
    crew["morale"] = max(float(crew.get("morale", 1.0)), b.morale)
    return crew
