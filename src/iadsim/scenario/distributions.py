"""Uncertain numbers: any number of a scenario or catalog file may be written as a distribution.

Forms (a mapping in place of the number):

    {low: 0.5, mode: 0.7, high: 0.9}                    triangular (the short form)
    {dist: triangular, low: .., mode: .., high: ..}
    {dist: uniform, low: .., high: ..}
    {dist: lognormal, median: .., sigma: ..}            sigma of the natural log
    {dist: lognormal, low: .., high: ..}                low/high = 5% / 95% quantiles
    {dist: normal, mean: .., sd: ..}

each with an optional `why:` (the reason for the range: shown in the sensitivity table).

This is a layer *before* validation: `nominal(data)` replaces every distribution by its nominal
value (the mode, the midpoint, the median, the mean) and returns the plain data the schema
validates as usual, plus the list of `UncertainNumber`s found with their file:line. An analysis
that samples parameter sets calls `substitute(data, numbers, values)` and validates the result
the same way. The schema itself does not know about distributions.

Unbounded laws are cut at their 1% and 99% quantiles when sampled (a plausible range, not the
tails), so every sampled scenario stays physical.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from iadsim.errors import InputError, Problem

LAWS = {
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
    "lognormal": ("median", "sigma"),
    "normal": ("mean", "sd"),
}
OPTIONAL = {"why", "note"}
UNBOUNDED_CUT = 0.01
Z95 = 1.6448536269514722  # standard normal 95% quantile


@dataclass(frozen=True)
class Distribution:
    """One law and its parameters (validated)."""

    law: str
    params: dict[str, float]
    why: str = ""

    @property
    def nominal(self) -> float:
        p = self.params
        return {
            "triangular": lambda: p["mode"],
            "uniform": lambda: (p["low"] + p["high"]) / 2,
            "lognormal": lambda: p["median"],
            "normal": lambda: p["mean"],
        }[self.law]()

    def ppf(self, u: float) -> float:
        """The value at quantile u in [0, 1] (unbounded laws cut at 1% / 99%)."""
        from scipy import stats

        u = min(max(float(u), 0.0), 1.0)
        p = self.params
        if self.law == "triangular":
            lo, mo, hi = p["low"], p["mode"], p["high"]
            if hi == lo:
                return lo
            return float(stats.triang.ppf(u, (mo - lo) / (hi - lo), loc=lo, scale=hi - lo))
        if self.law == "uniform":
            return p["low"] + u * (p["high"] - p["low"])
        q = UNBOUNDED_CUT + u * (1 - 2 * UNBOUNDED_CUT)
        if self.law == "lognormal":
            return float(p["median"] * math.exp(p["sigma"] * stats.norm.ppf(q)))
        return float(p["mean"] + p["sd"] * stats.norm.ppf(q))

    @property
    def plausible_range(self) -> tuple[float, float]:
        return self.ppf(0.0), self.ppf(1.0)

    def describe(self) -> str:
        lo, hi = self.plausible_range
        return f"{self.law} {lo:.4g} .. {self.nominal:.4g} .. {hi:.4g}"


@dataclass(frozen=True)
class UncertainNumber:
    """A number written as a distribution: where it is and its law."""

    path: tuple  # keys and list indices inside the file's data
    name: str  # the path in words: list items by their id (units.S300-BN.crew.morale)
    dist: Distribution
    file: str
    line: int | None
    column: int | None
    integer: bool = False  # every parameter given as an integer: sampled values are rounded
    section: str = field(default="")  # "" for a scenario, the catalog file's stem otherwise

    def value(self, u: float) -> float | int:
        x = self.dist.ppf(u)
        return int(round(x)) if self.integer else x


def is_distribution(node: Any) -> bool:
    """A mapping that stands for an uncertain number (has `dist`, or is {low, mode, high})."""
    if not isinstance(node, dict):
        return False
    keys = set(node) - OPTIONAL
    return "dist" in keys or keys == {"low", "mode", "high"}


def _name(data: Any, path: tuple) -> str:
    out, node = [], data
    for part in path:
        if isinstance(node, list) and isinstance(part, int):
            item = node[part]
            label = None
            if isinstance(item, dict):
                label = item.get("id") or (
                    f"{item['from']}--{item['to']}" if "from" in item and "to" in item else None
                )
            out.append(str(label) if label else str(part))
            node = item
        else:
            out.append(str(part))
            node = node[part] if isinstance(node, dict) and part in node else None
    return ".".join(out)


def parse_distribution(node: dict) -> Distribution:
    """A validated Distribution from its mapping; ValueError with a readable message."""
    law = node.get("dist", "triangular")
    if law not in LAWS:
        raise ValueError(f"unknown distribution {law!r}; one of: {', '.join(LAWS)}")
    given = {k: v for k, v in node.items() if k not in OPTIONAL and k != "dist"}
    if law == "lognormal" and set(given) == {"low", "high"}:
        lo, hi = given["low"], given["high"]
        _numbers({"low": lo, "high": hi})
        if not 0 < lo < hi:
            raise ValueError(f"lognormal needs 0 < low < high, got {lo}, {hi}")
        given = {"median": math.sqrt(lo * hi), "sigma": math.log(hi / lo) / (2 * Z95)}
    need = LAWS[law]
    if set(given) != set(need):
        raise ValueError(f"a {law} distribution takes {', '.join(need)}; got {', '.join(given)}")
    params = _numbers(given)
    if law == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        raise ValueError(f"need low <= mode <= high, got {params}")
    if law == "uniform" and not params["low"] <= params["high"]:
        raise ValueError(f"need low <= high, got {params}")
    if law == "lognormal" and not (params["median"] > 0 and params["sigma"] >= 0):
        raise ValueError(f"lognormal needs median > 0 and sigma >= 0, got {params}")
    if law == "normal" and params["sd"] < 0:
        raise ValueError(f"normal needs sd >= 0, got {params}")
    why = node.get("why", node.get("note", ""))
    return Distribution(law, params, str(why))


def _numbers(given: dict) -> dict[str, float]:
    out = {}
    for k, v in given.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"{k} must be a finite number, got {v!r}")
        out[k] = float(v)
    return out


def nominal(
    data: Any, file: str, locations: dict | None = None, section: str = ""
) -> tuple[Any, list[UncertainNumber]]:
    """Replace every distribution in `data` by its nominal value; return the plain data and
    the uncertain numbers found (InputError with file:line:col for a malformed one)."""
    locations = locations or {}
    found: list[UncertainNumber] = []
    problems: list[Problem] = []

    def walk(node: Any, path: tuple) -> Any:
        if is_distribution(node):
            line, col = locations.get(path, (None, None))
            try:
                dist = parse_distribution(node)
            except ValueError as exc:
                problems.append(Problem(file, line, col, _name(data, path), str(exc)))
                return node
            integer = all(
                isinstance(v, int) and not isinstance(v, bool)
                for k, v in node.items()
                if k in ("low", "mode", "high", "median", "mean")
            )
            found.append(
                UncertainNumber(path, _name(data, path), dist, file, line, col, integer, section)
            )
            x = dist.nominal
            return int(round(x)) if integer else x
        if isinstance(node, dict):
            return {k: walk(v, path + (k,)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, path + (i,)) for i, v in enumerate(node)]
        return plain_tree(node)

    plain = walk(data, ())
    if problems:
        raise InputError(problems)
    return plain, found


def plain_tree(node: Any) -> Any:
    """A copy of nested dicts and lists with YAML timestamps as plain datetimes (ruamel's
    TimeStamp loses its time zone when deep-copied)."""
    if isinstance(node, dict):
        return {k: plain_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_tree(v) for v in node]
    if isinstance(node, datetime) and type(node) is not datetime:
        return datetime(
            node.year,
            node.month,
            node.day,
            node.hour,
            node.minute,
            node.second,
            node.microsecond,
            tzinfo=node.tzinfo,
        )
    return node


def substitute(data: Any, numbers: Sequence[UncertainNumber], values: Sequence[float]) -> Any:
    """A deep copy of the (nominal) data with each uncertain number set to its value."""
    out = copy.deepcopy(data)
    for num, value in zip(numbers, values, strict=True):
        node = out
        for part in num.path[:-1]:
            node = node[part]
        node[num.path[-1]] = value
    return out
