"""Calendar arithmetic shared by the scenario checks and the readiness models.

Scenario times are timezone-aware UTC datetimes; an overhaul given by its year is taken at
mid-year, a bare observation date at 00:00 UTC; years are 365.25 days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

DAYS_PER_YEAR = 365.25
SECONDS_PER_YEAR = DAYS_PER_YEAR * 86400.0


def overhaul_year_to_datetime(year: int) -> datetime:
    """An overhaul given only by its year is taken at mid-year: 1 July, 00:00 UTC."""
    return datetime(int(year), 7, 1, tzinfo=UTC)


def as_utc(t: datetime) -> datetime:
    """A timezone-aware UTC datetime (a naive datetime is taken as UTC)."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def years_between(start: datetime, end: datetime) -> float:
    """Elapsed years (365.25-day years) from start to end; negative when end is earlier."""
    return (as_utc(end) - as_utc(start)).total_seconds() / SECONDS_PER_YEAR


def observation_time(when: date | datetime) -> datetime:
    """UTC datetime of an observation; a bare date is taken at 00:00 UTC of that day."""
    if isinstance(when, datetime):
        return as_utc(when)
    return as_utc(datetime(when.year, when.month, when.day))
