"""`iadsim report DIR`: one self-contained HTML file, every asset inlined, that opens offline.

The page (templates/page.html.j2) holds the sections of its kind of directory (`SECTIONS`),
each with content: for a run and an mc the map playback (the front end in assets/app.js over
vendored Leaflet and milsymbol), the aircraft, the kill chains, the funnel, the event
timeline, readiness; the analyses' sections come from `analysis_pages` (mc, compare, sweep)
and `study_pages` (attribution, uncertainty); the reason-code legend. The run's sections are
written here as HTML and inline SVG (`charts`). The web app (`iadsim serve`) serves the same
page with the vendored files linked from /static/ instead of inlined.
"""

from __future__ import annotations

import json
import re
from html import escape
from importlib import resources

from markupsafe import Markup

from iadsim.killchain import Reason
from iadsim.report import analysis_pages, charts, study_pages
from iadsim.report.clock import Clock
from iadsim.report.reasons import REASON_HELP
from iadsim.report.rundir import OutputDir, reason_counts
from iadsim.report.templating import render
from iadsim.scenario.readiness import READINESS_STATES

VENDOR_CSS = ("leaflet.css",)
VENDOR_JS = ("leaflet.js", "milsymbol.js")
SECTIONS = {
    "run": ("map", "aircraft", "killchain", "funnel", "timeline", "readiness", "reasons"),
    "mc": ("map", "montecarlo", "killchain", "funnel", "readiness", "reasons"),
    "compare": ("compare", "reasons"),
    "sweep": ("sweep", "reasons"),
    "attribute": ("attribution",),
    "uncertainty": ("uncertainty",),
}
"""The sections of each kind of directory's page, in order; every one has content."""

CSS = """
*{box-sizing:border-box}
body{font-family:sans-serif;margin:0 auto 2em;padding:0 1em;color:#222;max-width:1600px}
h1{font-size:1.3em} h2{font-size:1.1em;border-bottom:1px solid #ccc;margin-top:1.6em}
#mapwrap{display:flex;flex-wrap:wrap;gap:.8em}
#mapview{height:max(560px,72vh);flex:3 1 560px;min-width:0;background:#b9d3e6}
#side{flex:1 1 300px;min-width:0;max-width:440px;font-size:13px}
#ledger{max-height:300px;overflow:auto} #ledger td.el{white-space:normal;word-break:break-all}
#log{font-size:12px;max-height:220px;overflow:auto;border-top:1px solid #ccc;margin-top:.5em}
#log .rep{color:#666}
#controls{margin:.5em 0;display:flex;flex-wrap:wrap;gap:.6em;align-items:center}
#time{flex:1 1 200px;min-width:0} #clock{font-variant-numeric:tabular-nums}
.tablewrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin:.4em 0}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f0f0f0} .note{color:#666;font-size:12px}
.toc{display:flex;flex-wrap:wrap;gap:.3em 1.2em;font-size:14px}
svg{max-width:100%;height:auto}
.sym{background:none;border:none;overflow:visible}
.sym .lbl{position:absolute;left:100%;top:0;margin-left:2px;font:11px sans-serif;white-space:nowrap;
 color:#111;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}
.nolabels .sym .lbl{display:none}
.iad-layers{background:#fff;font-size:12px;max-height:70vh;overflow:auto}
.iad-layers button{border:none;background:#fff;padding:5px 9px;font-weight:bold;cursor:pointer}
.iad-layers details{padding:2px 8px} .iad-layers summary{cursor:pointer;font-weight:bold}
.iad-layers label{display:block;white-space:nowrap;padding-left:.6em}
.iad-legend{font-size:11px;columns:2 170px;margin-bottom:.4em}
.iad-legend summary{cursor:pointer;font-weight:bold}
.leg{break-inside:avoid;display:flex;align-items:center;gap:4px;white-space:nowrap}
.leg svg{flex:none}
.legsym svg{width:22px;height:auto}
.reason{color:#b00000;font-family:monospace} .killed{color:#006000;font-weight:bold}
"""


def _asset(name: str, vendor: bool = True) -> str:
    folder = "vendor" if vendor else "assets"
    return (resources.files("iadsim.report") / folder / name).read_text(encoding="utf-8")


def vendor_css(name: str) -> str:
    """A vendored stylesheet without its url(images/...) references (Leaflet's default marker
    and layer-control icons, which this front end does not use): nothing left to fetch."""
    return re.sub(r"url\(images/[^)]*\)", "none", _asset(name))


def _script_json(data) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _table(cols: list[str], rows: list[list], cls: str = "") -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<div class="tablewrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _num(v, fmt: str = ".3g") -> str:
    return "" if v is None else format(v, fmt)


def _yes(v) -> str:
    return "yes" if v else "no"


def _aircraft(d: OutputDir) -> str:
    if d.kind == "run":
        clock = Clock(d.scene) if d.scene else None
        cols = ["aircraft", "type", "detected", "tracked", "reported", "engaged", "killed"]
        rows = [
            [escape(a["aircraft"]), escape(a["type"])]
            + [_yes(a[k]) for k in cols[2:6]]
            + [f"at {clock.both(a['killed_at_s'])}" if a["killed"] and clock else _yes(a["killed"])]
            for a in d.summary.get("aircraft", [])
        ]
        return _table(cols, rows)
    est = d.summary.get("estimates", [])
    if not est:
        return '<p class="note">not a single run: see the Monte Carlo section</p>'
    return _table(
        ["metric", "kind", "n", "mean", "95% interval"],
        [
            [
                escape(e["metric"]),
                e["kind"],
                e["n"],
                _num(e["mean"]),
                f"[{_num(e['lo'])}, {_num(e['hi'])}]",
            ]
            for e in est
        ],
    )


def _killchain(d: OutputDir) -> str:
    """Aircraft x unit matrix: furthest stage and reason (a run) or the most frequent stop
    and its share (a batch)."""
    if not d.ledger:
        return '<p class="note">no kill chains in this directory</p>'
    aircraft = list(dict.fromkeys(r["aircraft"] for r in d.ledger))
    units = list(dict.fromkeys(r["unit"] for r in d.ledger))
    cell: dict[tuple[str, str], str] = {}
    for r in d.ledger:
        key = (r["aircraft"], r["unit"])
        if key in cell:
            continue  # batch rows come most frequent first
        what = (
            '<span class="killed">killed</span>'
            if r["stage"] == "killed"
            else f'{escape(r["stage"])} <span class="reason">{escape(r["reason"])}</span>'
        )
        if r.get("element"):
            what += f" ({escape(r['element'])})"
        if r.get("share") is not None:
            what += f" {100 * r['share']:.0f}%"
        cell[key] = what
    rows = [[escape(a)] + [cell.get((a, u), "") for u in units] for a in aircraft]
    note = (
        '<p class="note">each cell: the furthest stage reached and why the chain stopped there'
        + (", most frequent over the replications, with its share" if d.kind == "mc" else "")
        + ". Click a unit or an aircraft on the map for the full rows.</p>"
    )
    return _table(["aircraft"] + [escape(u) for u in units], rows, "killchain") + note


def _readiness(d: OutputDir) -> str:
    rows = [r for r in d.summary.get("readiness", []) if r["basis"] not in ("declared", "direct")]
    if not rows:
        return '<p class="note">no component with a readiness model or evidence</p>'
    states = READINESS_STATES

    def pct(p: dict) -> str:
        return " / ".join(f"{100 * p[s]:.0f}" for s in states)

    return _table(
        [
            "component",
            "basis",
            "observations",
            "prior % O/D/N/S",
            "posterior % O/D/N/S",
            "works prior -> posterior",
        ],
        [
            [
                escape(r["component"]),
                escape(r["basis"]),
                r["observations"],
                pct(r["prior"]),
                pct(r["posterior"]),
                f"{100 * r['availability_prior']:.0f}% -> {100 * r['availability_posterior']:.0f}%",
            ]
            for r in rows
        ],
    )


def _reasons(d: OutputDir) -> str:
    """The legend of reason codes (a kill named KILLED, as everywhere in the report), with
    how often each stopped a chain here where the directory counts them."""
    if d.kind == "run":
        seen, col = reason_counts(d.ledger), "pairs here"
    elif d.kind == "mc":
        seen = {r["reason"]: r["count"] for r in d.summary.get("reason_totals", [])}
        col = "pair-replications here"
    else:
        seen, col = None, ""
    rows = []
    for r, text in REASON_HELP.items():
        name = analysis_pages.reason_label(None, str(r))
        row = [f'<span class="reason">{escape(name)}</span>', escape(text)]
        if seen is not None:
            row.append(seen.get(str(r), "") if r != Reason.NONE else _kills(d, seen))
        rows.append(row)
    return _table(["reason", "meaning"] + ([col] if seen is not None else []), rows)


def _kills(d: OutputDir, seen) -> int | str:
    if d.kind == "mc":
        return seen.get(str(Reason.NONE), "")
    return sum(1 for r in d.ledger if r.get("stage") == "killed") or ""


def _map(d: OutputDir) -> str:
    if d.scene is None:
        return '<p class="note">no scene.json here (pass --scenario to draw the map)</p>'
    return (
        '<div id="controls"><button id="play" type="button">Play</button>'
        '<input id="time" type="range" min="0" value="0" step="1" aria-label="time">'
        '<span id="clock"></span><label>speed <select id="speed">'
        '<option value="10">10x</option><option value="30" selected>30x</option>'
        '<option value="100">100x</option></select></label></div>'
        '<div id="mapwrap"><div id="mapview"></div><div id="side">'
        '<div id="legend" class="iad-legend"></div>'
        '<div id="ledger"><p class="note">Click a unit or an aircraft for its kill chains.</p>'
        '</div><div id="log"></div></div></div>'
    )


def _timeline(d: OutputDir) -> str:
    return charts.timeline_svg(
        d.events, [a["id"] for a in d.scene["aircraft"]], d.scene["duration_s"], Clock(d.scene)
    )


def _funnel(d: OutputDir) -> str:
    what = "replications x pairs" if d.kind == "mc" else "(aircraft, unit) pairs"
    return charts.funnel_svg(d.funnel) + f'<p class="note">share of {what} reaching each stage</p>'


def _readiness_any(d: OutputDir) -> str:
    return analysis_pages.mc_readiness(d) if d.kind == "mc" else _readiness(d)


SECTION = {
    "map": ("Map and playback", _map),
    "aircraft": ("Attacking aircraft", _aircraft),
    "killchain": ("Kill chains (aircraft x defending unit)", _killchain),
    "funnel": ("Kill-chain funnel: how far the chains got", _funnel),
    "timeline": ("Event timeline", _timeline),
    "readiness": ("Readiness", _readiness_any),
    "montecarlo": ("Monte Carlo estimates", analysis_pages.montecarlo),
    "compare": ("What-if comparison", analysis_pages.compare),
    "sweep": ("Response to the swept parameters", analysis_pages.sweep),
    "attribution": ("Attribution of the failure", study_pages.attribution),
    "uncertainty": ("Sensitivity to the uncertain numbers", study_pages.uncertainty),
    "reasons": ("Reason codes", _reasons),
}

WHAT = {
    "run": "one replication, seed {seed}",
    "mc": "Monte Carlo, {n} replications",
    "compare": "comparison of what-if variants, {n} replications each",
    "sweep": "parameter sweep",
    "attribute": "attribution of the failure to the defence's conditions",
    "uncertainty": "sensitivity to the uncertain numbers",
}


def sections(d: OutputDir) -> list[str]:
    """The sections this directory's page holds (the map only where there is a scene)."""
    return [s for s in SECTIONS[d.kind] if s != "map" or d.scene is not None]


def build_html(d: OutputDir, static_url: str | None = None, api: str | None = None) -> str:
    """The report page. With `static_url` (the web app) vendored files are linked from there;
    otherwise (the report) every asset is inlined and the page needs no network."""
    s = d.summary
    name = d.scenario or f"(scenario not recorded) {d.path.name}"
    title = f"iadsim: {name}"
    n = s.get("n") or (d.compare or {}).get("n")
    what = WHAT[d.kind].format(seed=s.get("seed"), n=n)
    if static_url is None:
        css = "".join(vendor_css(n) for n in VENDOR_CSS)
        head = f"<style>{css}{CSS}</style>"
        libs = "".join(f"<script>{_asset(n)}</script>" for n in VENDOR_JS)
        app = f"<script>{_asset('app.js', vendor=False)}</script>"
    else:
        head = "".join(f'<link rel="stylesheet" href="{static_url}/{n}">' for n in VENDOR_CSS)
        head += f"<style>{CSS}</style>"
        libs = "".join(f'<script src="{static_url}/{n}"></script>' for n in VENDOR_JS)
        app = f'<script src="{static_url}/app.js"></script>'
    data = ""
    if d.scene is not None and "map" in SECTIONS[d.kind]:
        payload = {"scene": d.scene, "events": d.events, "ledger": d.ledger, "api": api}
        data = f"<script>window.IADSIM={_script_json(payload)};</script>" + libs + app
    else:
        head = f"<style>{CSS}</style>"
    parts = [
        {"id": sid, "title": SECTION[sid][0], "body": Markup(SECTION[sid][1](d))}
        for sid in sections(d)
    ]
    return render(
        "page.html.j2",
        title=title,
        what=what,
        source=str(d.path),
        sections=parts,
        head=Markup(head),
        scripts=Markup(data),
    )
