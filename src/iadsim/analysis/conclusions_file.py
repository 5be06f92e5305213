"""The case study's conclusions as a file beside the scenario, fixed before the results.

`NAME.conclusions.yaml` beside `NAME.yaml` lists each conclusion (text, the statistic it is
about, the threshold and the side it must be on), the date and commit at which it took its
present form, and the history of its earlier forms with the reason of every change. The
case study tests them (analysis.conclusions, analysis.robustness) and docs/case-study.md
lists every change.

Fixed before the results, mechanically: when a case study starts its runs in OUT it records
the conclusions it starts with (OUT/conclusions.json, `record_start`). Whenever the stores in
OUT are read again (`--resume`, `--render-only`), `check_unchanged` compares the file with
that record: a conclusion changed (text, statistic, threshold or side), added or removed
since the stores were made is refused (exit 2) unless the file's history records that change
with its reason (an entry whose `was` is the recorded form; `was: null` for one added).
Bad files are refused with FILE:LINE:COL: field: message (exit 2).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from iadsim.analysis.conclusions import STATISTICS, Conclusion
from iadsim.errors import InputError, Problem
from iadsim.scenario.errors_map import field_path, load_validated
from iadsim.scenario.yaml_loader import locate

SNAPSHOT = "conclusions.json"
"""In a case study's OUT: the conclusions its stores were made with."""

Side = Literal["below", "at_least"]
Commit = Field(pattern=r"^[0-9a-f]{7,40}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("commit", mode="before", check_fields=False)
    @classmethod
    def _commit_text(cls, v):
        if isinstance(v, int):
            raise ValueError("write the commit in quotes: YAML reads an all-digit hash as a number")
        return v


class Stamp(_Strict):
    """When a conclusion took its present form: a date and a commit of this repository."""

    date: dt.date
    commit: str = Commit


class Was(_Strict):
    """A conclusion's earlier form; a field left out was as it is now."""

    text: str | None = None
    statistic: str | None = None
    holds_when: Side | None = None
    threshold: float | None = None


class Change(_Strict):
    """One change of a conclusion: when, what it was before (None: it was added), and why."""

    date: dt.date
    commit: str = Commit
    was: Was | None
    change: str = Field(min_length=3)
    reason: str = Field(min_length=10)
    after_results: bool  # whether results that test the conclusion had been seen


class ConclusionSpec(_Strict):
    """One conclusion as written in the file."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=3)
    statistic: str
    holds_when: Side
    threshold: float
    set: Stamp
    history: list[Change] = Field(default_factory=list)

    def form(self) -> dict:
        """What the conclusion says (what may not change unseen)."""
        return {
            "text": self.text,
            "statistic": self.statistic,
            "holds_when": self.holds_when,
            "threshold": self.threshold,
        }

    def earlier(self, change: Change) -> dict | None:
        """The form the conclusion had before `change` (None if it was added then)."""
        if change.was is None:
            return None
        given = change.was.model_dump(exclude_none=True)
        return {**self.form(), **given}

    def conclusion(self) -> Conclusion:
        s = STATISTICS[self.statistic]
        return Conclusion(
            self.key,
            self.text,
            s.fn,
            self.threshold,
            self.holds_when == "below",
            s.unit,
            s.reads,
            s.bounds,
        )


class ConclusionsFile(_Strict):
    conclusions: list[ConclusionSpec] = Field(min_length=1)


class Conclusions:
    """A validated conclusions file: its path, its specs and the Conclusions to test."""

    def __init__(self, path: Path, spec: ConclusionsFile, locations: dict):
        self.path, self.spec, self._locations = path, spec, locations

    @property
    def conclusions(self) -> tuple[Conclusion, ...]:
        return tuple(c.conclusion() for c in self.spec.conclusions)

    def where(self, i: int, *field: str | int) -> tuple[int | None, int | None]:
        line, col = locate(self._locations, ("conclusions", i, *field))
        return line, col

    def history(self) -> list[dict]:
        """Every change of every conclusion, in file order (C1 first), oldest first: the
        document's list."""
        out = []
        for i, c in enumerate(self.spec.conclusions):
            for h in c.history:
                out.append(
                    {
                        "conclusion": f"C{i + 1}",
                        "key": c.key,
                        "date": h.date.isoformat(),
                        "commit": h.commit[:7],
                        "change": h.change,
                        "reason": " ".join(h.reason.split()),
                        "after_results": h.after_results,
                    }
                )
        return out

    def forms(self) -> dict[str, dict]:
        """Each conclusion's present form by key (what a result is computed with)."""
        return {c.key: c.form() for c in self.spec.conclusions}

    def stamps(self) -> list[dict]:
        """Each conclusion's present form and when it was set."""
        return [
            {
                "conclusion": f"C{i + 1}",
                "key": c.key,
                "text": c.text,
                "date": c.set.date.isoformat(),
                "commit": c.set.commit[:7],
                "changes": len(c.history),
            }
            for i, c in enumerate(self.spec.conclusions)
        ]


def conclusions_path(scenario: str | Path) -> Path:
    """`NAME.conclusions.yaml` beside `NAME.yaml`."""
    scenario = Path(scenario)
    return scenario.with_name(scenario.stem + ".conclusions.yaml")


def load_conclusions(path: str | Path) -> Conclusions:
    """Read and validate a conclusions file; InputError with FILE:LINE:COL problems if bad."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            Problem(
                str(path),
                None,
                None,
                "--conclusions",
                "no conclusions file: a case study's conclusions and thresholds are written "
                "down before its results, in NAME.conclusions.yaml beside the scenario",
            )
        )
    spec, locations = load_validated(path, ConclusionsFile)
    _cross_check(spec, path, locations)
    return Conclusions(path, spec, locations)


def _cross_check(spec: ConclusionsFile, path: Path, locations: dict) -> None:
    """Keys unique, statistics known, every change dated no later than the present form."""
    problems = []

    def refuse(loc: tuple, message: str) -> None:
        line, col = locate(locations, loc)
        problems.append(Problem(str(path), line, col, field_path(loc), message))

    seen: set[str] = set()
    for i, c in enumerate(spec.conclusions):
        if c.key in seen:
            refuse(("conclusions", i, "key"), f"conclusion {c.key!r} is listed twice")
        seen.add(c.key)
        if c.statistic not in STATISTICS:
            refuse(
                ("conclusions", i, "statistic"),
                f"unknown statistic {c.statistic!r}; one of: {', '.join(STATISTICS)}",
            )
        for j, h in enumerate(c.history):
            if h.date > c.set.date:
                refuse(
                    ("conclusions", i, "history", j, "date"),
                    f"a change dated {h.date} after the present form's date {c.set.date}: "
                    "the last change's date is the `set` date",
                )
            if h.was is not None and h.was.statistic not in (None, *STATISTICS):
                refuse(
                    ("conclusions", i, "history", j, "was", "statistic"),
                    f"unknown statistic {h.was.statistic!r}",
                )
    if problems:
        raise InputError(problems)


def record_start(out: str | Path, conclusions: Conclusions) -> Path:
    """OUT/conclusions.json: the conclusions a case study's stores are being made with
    (written once, when the runs start; kept on --resume)."""
    path = Path(out) / SNAPSHOT
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "file": str(conclusions.path),
            "made_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "conclusions": conclusions.forms(),
        }
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
    return path


def check_unchanged(out: str | Path, conclusions: Conclusions, runs_exist: bool) -> None:
    """Refuse (InputError, exit 2) when a conclusion changed, was added or removed since the
    stores in OUT were made, unless the file's history records that change with its reason.
    `runs_exist`: whether OUT holds runs (a case study that never recorded its conclusions
    cannot tell what they were: refused too)."""
    path = Path(out) / SNAPSHOT
    if not path.exists():
        if runs_exist:
            raise InputError(
                Problem(
                    str(path),
                    None,
                    None,
                    "--out",
                    "the runs in this directory were made without a record of the conclusions "
                    "they test (an older iadsim): run the case study afresh into another --out",
                )
            )
        return
    try:
        made = json.loads(path.read_text(encoding="utf-8"))
        then: dict[str, dict] = made["conclusions"]
        made["made_utc"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            Problem(
                str(path),
                None,
                None,
                "--out",
                f"unreadable record of the conclusions ({type(exc).__name__}): run the case "
                "study afresh into another --out",
            )
        ) from None
    problems = []
    specs = conclusions.spec.conclusions
    for i, c in enumerate(specs):
        old = then.get(c.key)
        if old == c.form():
            continue
        recorded = any(c.earlier(h) == old for h in c.history)
        if recorded:
            continue
        what = "added" if old is None else _difference(old, c.form())
        line, col = conclusions.where(i, "key")
        problems.append(
            Problem(
                str(conclusions.path),
                line,
                col,
                f"conclusions.{i}",
                f"C{i + 1} ({c.key}) was {what} after the stores in {out} were made "
                f"({made['made_utc']}) and its history does not record it: add a history entry "
                "(date, commit, was: its earlier form"
                + (" (null: added)" if old is None else "")
                + ", change, reason, after_results) or run the case study afresh into another "
                "--out",
            )
        )
    for key in then:
        if all(c.key != key for c in specs):
            problems.append(
                Problem(
                    str(conclusions.path),
                    None,
                    None,
                    "conclusions",
                    f"conclusion {key!r} was removed after the stores in {out} were made: a "
                    "conclusion fixed before the results stays listed (change its text and "
                    "threshold with a history entry if it must change)",
                )
            )
    if problems:
        raise InputError(problems)


def changed_since(then: dict[str, dict], conclusions: Conclusions) -> list[str]:
    """Keys of the conclusions whose form differs from `then` (key -> form, those a result
    was computed with: `Conclusions.forms()`), recorded changes included: that result is
    stale for them."""
    now = conclusions.forms()
    return sorted(k for k in set(then) | set(now) if then.get(k) != now.get(k))


def _difference(old: dict, new: dict) -> str:
    parts = [f"{k} {old.get(k)!r} -> {new[k]!r}" for k in new if old.get(k) != new[k]]
    return "changed (" + "; ".join(parts) + ")"
