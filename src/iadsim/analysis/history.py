"""Historical records: what was observed in a case, as a file beside its scenario.

`NAME.record.yaml` sits beside `NAME.yaml` and lists the case's observed outcomes. Each outcome
says what was observed (a value or an inclusive range per night, or a count out of a number of
trials for a rate), how sure the record is (official / reported / claimed), where it comes from
(sources with title and date) and which model metric it is scored on (`analysis.scoring`).
An outcome the model cannot represent yet says so (`representable: false` and why): it is
listed, never scored. Bad files are refused with FILE:LINE:COL: field: message (exit 2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from iadsim.errors import InputError, Problem
from iadsim.scenario.errors_map import field_path, load_validated
from iadsim.scenario.yaml_loader import locate

Metric = Literal[
    "aircraft_lost",
    "sorties",
    "launches",
    "launches_sam",
    "launches_manpads",
    "launches_gun",
    "aircraft_damaged",
    "aircraft_detected",
    "detected_before_crest",
]
"""Per-replication model metrics an outcome maps to (defined in `analysis.scoring.METRICS`)."""

Confidence = Literal["official", "reported", "claimed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Source(_Strict):
    """A public source: who, what, when, and where it was read (`url`, optional: the page the
    figures were checked against, so a reader can check them again)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    date: dt.date | int  # a full date, or a year for books and reports
    author: str = ""
    publisher: str = ""
    url: str | None = Field(default=None, pattern=r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/\S*)?$")


class Observed(_Strict):
    """A rate's record: `count` events out of `of` trials (e.g. 15 bombers lost of 729
    sorties); `count_range` and `of_range` give the spread between sources."""

    count: int = Field(ge=0)
    of: int = Field(gt=0)
    count_range: tuple[int, int] | None = None
    of_range: tuple[int, int] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Observed:
        if self.count > self.of:
            raise ValueError(f"count ({self.count}) cannot exceed of ({self.of})")
        for name in ("count_range", "of_range"):
            r = getattr(self, name)
            if r is not None and not (0 <= r[0] <= r[1]):
                raise ValueError(f"{name} must be [low, high] with 0 <= low <= high")
        return self


class Outcome(_Strict):
    """One observed outcome and the model metric it is scored on.

    kind `count`: the metric of one replication against `value` or `range` (inclusive);
    kind `rate`: the metric summed over replications per the `per` metric, against
    `observed` (count of trials). `aircraft` restricts aircraft metrics to those aircraft."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    description: str = Field(min_length=3)
    confidence: Confidence
    sources: list[str] = Field(min_length=1)
    representable: bool = True
    why: str = ""  # why not representable, or what the mapping leaves out
    kind: Literal["count", "rate"] = "count"
    metric: Metric | None = None
    aircraft: list[str] | None = None
    value: int | None = Field(default=None, ge=0)
    range: tuple[int, int] | None = None
    per: Metric | None = None
    observed: Observed | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        if not self.representable:
            if not self.why:
                raise ValueError("an outcome the model cannot represent needs `why`")
            return self
        if self.metric is None:
            raise ValueError("a representable outcome needs `metric`")
        if self.kind == "count":
            if (self.value is None) == (self.range is None):
                raise ValueError("a count outcome needs exactly one of `value` or `range`")
            if self.range is not None and not 0 <= self.range[0] <= self.range[1]:
                raise ValueError("range must be [low, high] with 0 <= low <= high")
            if self.per is not None or self.observed is not None:
                raise ValueError("`per` and `observed` belong to rate outcomes")
        else:
            if self.per is None or self.observed is None:
                raise ValueError("a rate outcome needs `per` and `observed`")
            if self.value is not None or self.range is not None:
                raise ValueError("`value` and `range` belong to count outcomes")
        return self

    @property
    def bounds(self) -> tuple[int, int]:
        """The count outcome's inclusive range."""
        if self.range is not None:
            return self.range
        return (int(self.value), int(self.value))


class Record(_Strict):
    """A case's record: the event, its outcomes, their sources, and what the model cannot
    represent of it."""

    case: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    event: str = Field(min_length=3)
    date: dt.date
    outcomes: list[Outcome] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    cannot_represent: list[str] = Field(default_factory=list)

    def scored(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.representable]

    def source(self, sid: str) -> Source:
        return next(s for s in self.sources if s.id == sid)


def record_path(scenario: Path) -> Path:
    """`NAME.record.yaml` beside `NAME.yaml`."""
    scenario = Path(scenario)
    return scenario.with_name(scenario.stem + ".record.yaml")


def load_record(path: str | Path) -> Record:
    """Read and validate a record file; InputError with FILE:LINE:COL problems if bad."""
    path = Path(path)
    record, locations = load_validated(path, Record)
    _cross_check(record, path, locations)
    return record


def _cross_check(record: Record, path: Path, locations: dict) -> None:
    """Outcome names unique, each outcome's sources listed, its aircraft named once each
    (the scenario's raid is checked when the case is scored)."""
    problems = []
    known = {s.id for s in record.sources}
    seen: set[str] = set()

    def refuse(loc: tuple, message: str) -> None:
        line, col = locate(locations, loc)
        problems.append(Problem(str(path), line, col, field_path(loc), message))

    for i, o in enumerate(record.outcomes):
        if o.name in seen:
            refuse(("outcomes", i, "name"), f"outcome {o.name!r} is named twice")
        seen.add(o.name)
        for j, sid in enumerate(o.sources):
            if sid not in known:
                refuse(("outcomes", i, "sources", j), f"unknown source {sid!r} (not in sources)")
        if o.aircraft is not None and len(set(o.aircraft)) != len(o.aircraft):
            refuse(("outcomes", i, "aircraft"), "an aircraft is named twice")
    if problems:
        raise InputError(problems)


def case_scenarios(directory: Path) -> list[Path]:
    """The scenarios of a set: every `*.yaml` in `directory` that has a record beside it."""
    return sorted(
        p
        for p in Path(directory).glob("*.yaml")
        if not p.name.endswith((".record.yaml", ".ranges.yaml")) and record_path(p).exists()
    )
