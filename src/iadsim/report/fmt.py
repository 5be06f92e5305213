"""Numbers formatted for reading in the report: proportions as percentages, counts and
times with as many decimals as their interval's width warrants, never `-5.55e-17` or
`[0.000883, 0.0278]`."""

from __future__ import annotations

import math

ZERO = 1e-9
"""Below this magnitude a difference is a rounding residue of sums of floats: shown as 0."""


def _clean(v: float) -> float:
    return 0.0 if abs(v) < ZERO else v


def decimals_for(width: float) -> int:
    """Decimals that show an interval `width` wide with about two significant digits."""
    if not math.isfinite(width) or width <= ZERO:
        return 2
    return max(0, min(4, 1 - math.floor(math.log10(width))))


def number(v: float | None, decimals: int = 2, sign: bool = False) -> str:
    """A plain number with fixed decimals ('1.05', '+0.30', '0'); '' for None, '-' for NaN."""
    if v is None:
        return ""
    if not math.isfinite(v):
        return "-"
    v = round(_clean(float(v)), decimals)
    text = f"{v:+.{decimals}f}" if sign and v != 0 else f"{v:.{decimals}f}"
    return "0" if float(text) == 0 and decimals else text


def percent(p: float | None, sign: bool = False) -> str:
    """A proportion as a percentage: 0.4 -> '40%', 0.004 -> '0.4%', 0.00002 -> '<0.1%'."""
    if p is None:
        return ""
    if not math.isfinite(p):
        return "-"
    v = 100 * _clean(float(p))
    if v == 0:
        return "0%"
    if abs(v) < 0.1:
        return ("-" if v < 0 else ("+" if sign else "")) + "<0.1%"
    text = f"{v:+.1f}" if sign else f"{v:.1f}"
    if abs(v) >= 10 or float(text).is_integer():
        text = f"{v:+.0f}" if sign else f"{v:.0f}"
    return text + "%"


def estimate(mean: float | None, lo: float | None, hi: float | None, kind: str) -> str:
    """'70% (48% to 85%)' for a proportion, '1.05 (0.70 to 1.40)' for anything else."""
    if mean is None:
        return ""
    if kind == "proportion":
        return f"{percent(mean)} ({percent(lo)} to {percent(hi)})"
    d = decimals_for((hi - lo) if lo is not None and hi is not None else float("nan"))
    return f"{number(mean, d)} ({number(lo, d)} to {number(hi, d)})"


def interval(lo: float | None, hi: float | None, kind: str = "mean", sign: bool = False) -> str:
    """'48% to 85%' or '0.70 to 1.40' (with a sign for differences)."""
    if lo is None or hi is None:
        return ""
    if kind == "proportion":
        return f"{percent(lo, sign)} to {percent(hi, sign)}"
    d = decimals_for(hi - lo)
    return f"{number(lo, d, sign)} to {number(hi, d, sign)}"


def quantity(metric: str, kind: str) -> str:
    """Which kind of quantity a metric is, for one chart per kind: 'share', 'seconds' or
    'count'."""
    if kind == "proportion":
        return "share"
    return "seconds" if metric.endswith("_s") else "count"
