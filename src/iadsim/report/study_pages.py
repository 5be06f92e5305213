"""The report sections of the two studies over many what-ifs, rendered from Jinja2
templates: an attribution (Shapley shares, fix and break alone, pairwise interactions,
every subset) and an uncertainty analysis (Morris or Sobol indices per outcome)."""

from __future__ import annotations

from markupsafe import Markup

from iadsim.report import charts, fmt
from iadsim.report.rundir import OutputDir
from iadsim.report.templating import render


def _iv(i: dict, share: bool = False, sign: bool = True) -> str:
    """'+0.35 (0 to +0.85)' or, for a share, '88% (0% to 200%)'."""
    if share:
        return f"{fmt.percent(i['mean'])} ({fmt.interval(i['lo'], i['hi'], 'proportion')})"
    d = fmt.decimals_for(i["hi"] - i["lo"])
    return f"{fmt.number(i['mean'], d, sign)} ({fmt.interval(i['lo'], i['hi'], 'mean', sign)})"


def attribution(d: OutputDir) -> Markup:
    """Shares of designed - observed per factor group, with the tornado and the tables."""
    a = d.attribution or {}
    effects = a.get("effects", [])
    tornado = charts.tornado_svg(
        [
            (e["group"], e["shapley"]["mean"], e["shapley"]["lo"], e["shapley"]["hi"])
            for e in effects
        ],
        show=lambda v: fmt.number(v, 2, True),
    )
    rows = [
        [
            e["group"],
            _iv(e["shapley"]),
            _iv(e["share_interval"], share=True) if e.get("share_interval") else "",
            _iv(e["main_effect"]),
            _iv(e["total_effect"]),
        ]
        for e in effects
    ]
    interactions = [[" x ".join(i["groups"]), _iv(i)] for i in a.get("interactions", [])]
    subsets = [
        [", ".join(s["as_designed"]) or "none (as observed)", fmt.number(s["mean"], 2)]
        for s in a.get("subset_means", [])
    ]
    target = a.get("target_half_width")
    reached = (
        f"widest share interval half-width {fmt.percent(a.get('max_share_half_width'))}, "
        f"target {fmt.percent(target)}: {'reached' if a.get('reached_target') else 'NOT reached'}"
        if target is not None
        else ""
    )
    return render(
        "attribution.html.j2",
        causes=[_causes(c) for c in a.get("causes", {}).values()],
        metric=a.get("metric", "killed"),
        designed=_iv(a["designed"], sign=False),
        observed=_iv(a["observed"], sign=False),
        total=_iv(a["total"]),
        n=a.get("n_replications"),
        rounds="rounds: " + ", ".join(str(r) for r in a.get("rounds", [])),
        target=reached,
        tornado=Markup(tornado),
        effects=rows,
        interactions=interactions,
        subsets=subsets,
    )


def _p(d: dict) -> str:
    """'58% (51% to 65%)'."""
    return f"{fmt.percent(d['p'])} ({fmt.interval(d['lo'], d['hi'], 'proportion')})"


def _causes(c: dict) -> dict:
    """One scope of attribution.json's `causes` (analysis.butfor) for the template."""
    rows = [[g, _p(c["but_for"][g]), _p(c["necessary"][g])] for g in c["groups"]]
    rows.append(["no but-for cause at all", _p(c["no_but_for_cause"]), ""])
    return {
        "scope": c["scope"],
        "unit": "nights" if c["scope"] == "night" else "aircraft-nights",
        "cases": c["cases"],
        "gap": c["cases_with_gap"],
        "rows": rows,
        "structures": [[s["name"], _p(s)] for s in c["structures"]],
    }


METHOD_TEXT = {
    "morris": "Morris elementary effects (mu*: mean absolute effect of moving one number "
    "across its range; sigma: how much that effect varies with the others)",
    "sobol": "Sobol indices (S1: share of the outcome's variance due to the number alone; "
    "ST: with all its interactions)",
}


def uncertainty(d: OutputDir) -> Markup:
    """One tornado and table per outcome: mu* (Morris) or ST (Sobol) per uncertain number,
    largest first, with its confidence half-width."""
    s = d.sensitivity or {}
    method = s.get("method", "morris")
    outcomes = []
    for outcome, rows in s.get("indices", {}).items():
        if method == "morris":
            key, conf, extra = "mu_star", "mu_star_conf", ("mu", "sigma")
        else:
            key, conf, extra = "ST", "ST_conf", ("S1", "S1_conf")
        rows = sorted(rows, key=lambda r: -abs(r[key]))
        width = max((abs(r[key]) for r in rows), default=0.0)
        dec = fmt.decimals_for(width / 5 if width else 0.0)
        svg = charts.tornado_svg(
            [(r["parameter"], r[key], r[key] - r[conf], r[key] + r[conf]) for r in rows],
            show=lambda v, dec=dec: fmt.number(v, dec),
        )
        outcomes.append(
            {
                "title": f"{outcome}: {key} per uncertain number, largest first",
                "svg": Markup(svg) if svg else Markup("<p>Every index is 0.</p>"),
                "head": ["number", f"{key} (+/- 95%)", *extra],
                "rows": [
                    [
                        r["parameter"],
                        f"{fmt.number(r[key], dec)} +/- {fmt.number(r[conf], dec)}",
                        *[fmt.number(r[k], dec) for k in extra],
                    ]
                    for r in rows
                ],
            }
        )
    why = s.get("why", {})
    return render(
        "uncertainty.html.j2",
        method_text=METHOD_TEXT.get(method, method),
        sets=s.get("parameter_sets"),
        reps=s.get("replications_per_set"),
        nparams=len(s.get("ranges", {})),
        outcomes=outcomes,
        ranges=[[k, v, why.get(k, "")] for k, v in s.get("ranges", {}).items()],
    )
