"""Small inline SVG charts for the HTML report: no JavaScript, no external files.

Each function returns an `<svg>` string: the kill-chain funnel, the event timeline, interval
plots of Monte Carlo estimates and the attribution tornado.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from iadsim.report.clock import Clock

KIND_STYLE = {
    "track_firm": ("#1f5fbf", "firm track"),
    "launch": ("#ff7f00", "launch"),
    "kill": ("#d00000", "kill"),
    "miss": ("#888888", "miss"),
    "strike": ("#e0b000", "strike"),
    "destroyed": ("#000000", "destroyed"),
    "disabled": ("#777777", "disabled"),
    "return_fire": ("#7a1fa2", "return fire"),
    "suppressed": ("#a05a00", "crew suppressed"),
}


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'font-family="sans-serif" font-size="12">' + "".join(body) + "</svg>"
    )


def funnel_svg(funnel: list[dict], width: int = 640) -> str:
    """Horizontal bars: the share of (aircraft, unit) pairs that reached each stage."""
    row, left = 22, 110
    h = row * len(funnel) + 10
    body = []
    for i, f in enumerate(funnel):
        share = f["share"] or 0.0
        w = (width - left - 90) * share
        y = 5 + i * row
        body.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{f["stage"]}</text>')
        body.append(
            f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#1f5fbf"/>'
        )
        body.append(
            f'<text x="{left + w + 6:.1f}" y="{y + 14}">{100 * share:.0f}% ({f["pairs"]})</text>'
        )
    return _svg(width, h, body, "kill-chain funnel")


def timeline_svg(
    events: list[dict], aircraft: list[str], duration_s: float, clock: Clock, width: int = 900
) -> str:
    """One row per aircraft (plus one for strikes and losses on the ground): a mark per event
    of the kinds in KIND_STYLE, at its time; the axis in local clock time; a legend below."""
    rows = ["(ground)"] + list(aircraft)
    row, left, right = 20, 90, 20
    h = row * len(rows) + 50
    scale = (width - left - right) / max(duration_s, 1.0)
    body = []
    for i, name in enumerate(rows):
        y = 10 + i * row
        body.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{escape(name)}</text>')
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y + 9}" y2="{y + 9}" stroke="#ddd"/>'
        )
    index = {name: i for i, name in enumerate(rows)}
    for e in events:
        style = KIND_STYLE.get(e["kind"])
        if style is None:
            continue
        i = index.get(e.get("aircraft") or "(ground)")
        if i is None or (e["kind"] in ("destroyed", "disabled", "strike") and i != 0):
            i = 0
        x = left + e["time_s"] * scale
        y = 10 + i * row
        who = e.get("component") or e.get("unit") or ""
        tip = escape(f"{clock.both(e['time_s'])} {e['kind']} {who}")
        body.append(
            f'<rect x="{x - 1.5:.1f}" y="{y + 2}" width="3" height="14" fill="{style[0]}">'
            f"<title>{tip}</title></rect>"
        )
    y0 = 10 + len(rows) * row
    for k in range(0, int(duration_s) + 1, 600 if duration_s > 1800 else 120):
        x = left + k * scale
        body.append(
            f'<text x="{x:.1f}" y="{y0 + 10}" text-anchor="middle">{clock.local(k)[:5]}</text>'
        )
    body.append(f'<text x="{left - 6}" y="{y0 + 10}" text-anchor="end">local ({clock.zone})</text>')
    x = left
    for color, label in KIND_STYLE.values():
        body.append(f'<rect x="{x}" y="{y0 + 22}" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{x + 14}" y="{y0 + 31}">{label}</text>')
        x += 14 + 7 * len(label) + 14
    return _svg(width, h, body, "event timeline")


def intervals_svg(
    items: list[tuple[str, float, float, float]],
    width: int = 640,
    show: Callable[[float], str] = lambda v: f"{v:.3g}",
    axis: tuple[float, float] | None = None,
) -> str:
    """Point estimates with 95% intervals: (label, mean, lo, hi), one row each, on one axis
    (`axis`, else from zero to the largest upper end); `show` writes the mean's label; a row
    without an estimate (None: no replication had the event) is left out."""
    items = [it for it in items if all(v is not None and math.isfinite(v) for v in it[1:])]
    if not items:
        return ""
    row, left, right = 22, 230, 70
    lo, hi = axis or (min(0.0, min(it[2] for it in items)), max(it[3] for it in items) or 1.0)
    scale = (width - left - right) / (hi - lo)
    body = []
    for i, (label, m, a, b) in enumerate(items):
        y = 8 + i * row + 9
        xa, xm, xb = (left + (v - lo) * scale for v in (a, m, b))
        body.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<line x1="{xa:.1f}" x2="{xb:.1f}" y1="{y}" y2="{y}" stroke="#333"/>')
        body.append(f'<circle cx="{xm:.1f}" cy="{y}" r="4" fill="#1f5fbf"/>')
        body.append(f'<text x="{xb + 6:.1f}" y="{y + 4}">{escape(show(m))}</text>')
    return _svg(width, 16 + row * len(items), body, "estimates with 95% intervals")


def tornado_svg(
    effects: list[tuple[str, float, float, float]],
    width: int = 640,
    show: Callable[[float], str] = lambda v: f"{v:+.3g}",
) -> str:
    """Tornado: bars from zero for each factor's effect, largest first, with its interval as
    a whisker; `show` writes the effect's label."""
    effects = sorted((e for e in effects if math.isfinite(e[1])), key=lambda e: -abs(e[1]))
    if not effects:
        return ""
    row, left, right = 24, 230, 70
    span = max(max(abs(v) for e in effects for v in e[1:] if math.isfinite(v)), 1e-9)
    mid = left + (width - left - right) / 2
    scale = (width - left - right) / 2 / span
    body = [f'<line x1="{mid}" x2="{mid}" y1="0" y2="{row * len(effects) + 8}" stroke="#999"/>']
    for i, (label, m, a, b) in enumerate(effects):
        y = 6 + i * row
        x0, x1 = sorted((mid, mid + m * scale))
        color = "#bf1f1f" if m > 0 else "#1f5fbf"
        body.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>')
        body.append(
            f'<rect x="{x0:.1f}" y="{y + 2}" width="{x1 - x0:.1f}" height="{row - 8}" '
            f'fill="{color}"/>'
        )
        if math.isfinite(a) and math.isfinite(b):
            body.append(
                f'<line x1="{mid + a * scale:.1f}" x2="{mid + b * scale:.1f}" y1="{y + 10}" '
                f'y2="{y + 10}" stroke="#000"/>'
            )
        body.append(f'<text x="{width - right + 4}" y="{y + 14}">{escape(show(m))}</text>')
    return _svg(width, row * len(effects) + 10, body, "attribution tornado")


PALETTE = ("#1f5fbf", "#bf1f1f", "#2a8a2a", "#ff7f00", "#7a1fa2", "#555555", "#b8860b")


def curve_svg(
    xs: list[float],
    series: list[tuple[str, list[float], list[float], list[float]]],
    x_label: str,
    show: Callable[[float], str],
    axis: tuple[float, float] | None = None,
    width: int = 640,
    height: int = 260,
) -> str:
    """A response curve: each series (label, means, los, his) over `xs`, a line through the
    means and a band over the intervals; the y axis `axis` (else from the data)."""
    left, right, top, bottom = 60, 170, 10, 40
    los = [v for _, _, lo, _ in series for v in lo if math.isfinite(v)]
    his = [v for _, _, _, hi in series for v in hi if math.isfinite(v)]
    if not xs or not los:
        return ""
    y0, y1 = axis or (min(0.0, min(los)), max(his) or 1.0)
    x0, x1 = min(xs), max(xs)
    sx = (width - left - right) / ((x1 - x0) or 1.0)
    sy = (height - top - bottom) / ((y1 - y0) or 1.0)

    def px(x: float) -> float:
        return left + (x - x0) * sx

    def py(y: float) -> float:
        return height - bottom - (y - y0) * sy

    body = [
        f'<line x1="{left}" x2="{width - right}" y1="{py(y0):.1f}" y2="{py(y0):.1f}" '
        'stroke="#999"/>',
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{py(y0):.1f}" stroke="#999"/>',
    ]
    for v in (y0, (y0 + y1) / 2, y1):
        body.append(f'<text x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end">{show(v)}</text>')
    for x in xs:
        body.append(
            f'<text x="{px(x):.1f}" y="{height - bottom + 14}" text-anchor="middle">{x:g}</text>'
        )
    body.append(
        f'<text x="{(left + width - right) / 2:.1f}" y="{height - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    for k, (label, means, lo, hi) in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        band = [f"{px(x):.1f},{py(v):.1f}" for x, v in zip(xs, hi, strict=True)]
        band += [f"{px(x):.1f},{py(v):.1f}" for x, v in reversed(list(zip(xs, lo, strict=True)))]
        body.append(f'<polygon points="{" ".join(band)}" fill="{color}" fill-opacity="0.15"/>')
        line = " ".join(f"{px(x):.1f},{py(m):.1f}" for x, m in zip(xs, means, strict=True))
        body.append(f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, m in zip(xs, means, strict=True):
            body.append(
                f'<circle cx="{px(x):.1f}" cy="{py(m):.1f}" r="3" fill="{color}">'
                f"<title>{escape(label)} at {x:g}: {escape(show(m))}</title></circle>"
            )
        yl = top + 14 + 16 * k
        body.append(
            f'<rect x="{width - right + 8}" y="{yl - 9}" width="10" height="10" fill="{color}"/>'
        )
        body.append(f'<text x="{width - right + 22}" y="{yl}">{escape(label)}</text>')
    return _svg(width, height, body, f"response to {x_label}")
