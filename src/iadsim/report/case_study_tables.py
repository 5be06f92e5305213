"""The case study's tables as markdown and the number formats of its documents: every table
docs/case-study.md shows, formatted from analysis.case_study's result."""

from __future__ import annotations

import numpy as np


def pct(p: dict | float, digits: int = 0) -> str:
    if isinstance(p, dict):
        key = "p" if "p" in p else "mean"
        m, lo, hi = (_z(100 * p[k], digits) for k in (key, "lo", "hi"))
        return f"{m:.{digits}f}% [{lo:.{digits}f}, {hi:.{digits}f}]"
    return f"{100 * p:.{digits}f}%"


def _z(x: float, digits: int) -> float:
    """x, with a value that rounds to zero shown as 0 (not -0)."""
    return 0.0 if round(x, digits) == 0 else x


def num(e: dict, digits: int = 2, sign: bool = False) -> str:
    f = f"{{:{'+' if sign else ''}.{digits}f}}"
    return f"{f.format(e['mean'])} [{f.format(e['lo'])}, {f.format(e['hi'])}]"


def diff(d: dict, digits: int = 2, scale: float = 1.0) -> str:
    f = f"{{:+.{digits}f}}"
    return (
        f"{f.format(scale * d['diff'])} [{f.format(scale * d['lo'])}, {f.format(scale * d['hi'])}]"
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def tables(r: dict) -> dict[str, str]:
    """Every table of the case study as markdown, keyed by its template name."""
    out = _outcome_tables(r)
    out.update(_attribution_tables(r))
    out["counterfactual_table"] = _counterfactual_table(r)
    if r.get("uncertainty"):
        out.update(_uncertainty_tables(r["uncertainty"]))
    out["record_table"] = record_table(r.get("record"))
    return out


def _outcome_tables(r: dict) -> dict[str, str]:
    """What the designed defence should have done, and where the observed chains broke."""
    out: dict[str, str] = {}
    obs, des = r["observed"], r["designed"]
    rows = []
    for ac in des["aircraft"]:
        d, o = des["aircraft"][ac], obs["aircraft"][ac]
        rows.append(
            [ac]
            + [pct(d[f]) for f in ("detected", "tracked", "engaged", "killed")]
            + [pct(o["killed"])]
        )
    out["designed_table"] = _table(
        [
            "aircraft",
            "detected (designed)",
            "tracked (designed)",
            "engaged (designed)",
            "shot down (designed)",
            "shot down (observed)",
        ],
        rows,
    )
    rows = []
    for ac, units in r["chains_observed"].items():
        for i, (unit, ends) in enumerate(units.items()):
            text = "; ".join(
                f"{e['stage']}, {e['reason']}: " + pct({**e, "p": e["fraction"]}) for e in ends
            )
            rows.append([ac if i == 0 else "", unit, text])
    out["chains_table"] = _table(
        ["aircraft", "defending unit", "where the chain stopped, why (share of replications)"], rows
    )
    return out


def _attribution_tables(r: dict) -> dict[str, str]:
    """Shapley values and shares, and the pairwise interactions."""
    out: dict[str, str] = {}
    a = r["attribution"]
    eff = sorted(a["effects"], key=lambda e: -abs(e["shapley"]["mean"]))
    out["attribution_table"] = _table(
        ["defence condition (as designed =)", "Shapley value", "share", "fix alone", "break alone"],
        [
            [
                f"{e['group']} ({r['meanings'][e['group']]})",
                num(e["shapley"], sign=True),
                pct(e["share_interval"]),
                num(e["main_effect"], sign=True),
                num(e["total_effect"], sign=True),
            ]
            for e in eff
        ],
    )
    inter = sorted(a["interactions"], key=lambda i: -abs(i["mean"]))
    out["interaction_table"] = _table(
        ["pair", "interaction index"],
        [[" x ".join(i["groups"]), num(i, sign=True)] for i in inter],
    )
    return out


def _counterfactual_table(r: dict) -> str:
    """Each what-if beside the observed scenario, with the paired change."""
    obs = r["observed"]
    return _table(
        [
            "what if",
            "replications",
            "P(at least one engaged)",
            "P(at least one shot down)",
            "aircraft shot down",
            "change vs observed (paired)",
        ],
        [
            [
                "observed (the scenario as written)",
                str(obs["n"]),
                pct(obs["p_any_engaged"]),
                pct(obs["p_any_killed"]),
                num(obs["mean_killed"]),
                "-",
            ]
        ]
        + [
            [
                f"{c['name']}: {c['meaning']}",
                str(c["n"]),
                pct(c["p_any_engaged"]),
                pct(c["p_any_killed"]),
                num(c["mean_killed"]),
                diff(c["vs_observed"]["mean_killed"]),
            ]
            for c in r["counterfactuals"]
        ],
    )


def _uncertainty_tables(u: dict) -> dict[str, str]:
    """Which conclusions survive each range, the what-ifs with parameter uncertainty, Morris."""
    out: dict[str, str] = {}
    sv = u["survival"]
    concl = sv["conclusions"]
    rows = []
    for t in sv["table"]:
        cells = [_survival_cell(t, c["key"]) for c in concl]
        rows.append(
            [
                f"`{t['parameter']}` ({t['file']}:{t['line']})",
                t["range"],
                t["why"],
                f"{_runs(t['low'])} / {_runs(t['high'])}",
                *cells,
            ]
        )
    out["sensitivity_table"] = _table(
        ["notional number (where)", "plausible range", "why this range", "replications"]
        + [f"C{i + 1}" for i in range(len(concl))],
        rows,
    )
    nom = sv["nominal"]
    out["conclusions_list"] = "\n".join(
        f"* **C{i + 1}**: {c['text']}. Measured as {c['unit']}; nominal "
        f"{_iv(nom['estimates'][c['key']])}: {VERDICT_WORDS[nom['verdicts'][c['key']]]}"
        for i, c in enumerate(concl)
    )
    out["with_params_table"] = _table(
        ["what if", "change in aircraft shot down", "change in P(at least one shot down)"],
        [
            [
                w["name"],
                num(w["mean_killed_diff"], sign=True),
                num(w["p_any_killed_diff"], sign=True),
            ]
            for w in u["counterfactuals_with_params"]
        ],
    )
    mk = sorted(u["morris"]["mean_killed"], key=lambda x: -_finite_or(x["mu_star"], 0.0))
    out["morris_table"] = _table(
        ["uncertain number", "mu* (aircraft shot down)", "sigma (interactions)"],
        [
            [
                f"`{m['parameter']}`",
                f"{_f2(m['mu_star'])} +- {_f2(m['mu_star_conf'])}",
                _f2(m["sigma"]),
            ]
            for m in mk
        ],
    )
    return out


VERDICT_WORDS = {"holds": "holds", "fails": "does not hold", "undecided": "undecided"}


def _iv(e: dict) -> str:
    return f"{e['mean']:.2f} [{e['lo']:.2f}, {e['hi']:.2f}]"


def _runs(end: dict) -> str:
    """Replications behind a range end, or '=' when its runs are the nominal ones."""
    return str(end["m"]) if any(end["ran"]) else "="


def _survival_cell(t: dict, key: str) -> str:
    """Verdict at both ends (holds only if it holds at both) and the two estimates."""
    v = (t["low"]["verdicts"][key], t["high"]["verdicts"][key])
    if v == ("holds", "holds"):
        mark = "holds"
    else:
        bad = [side for side, x in zip(("low", "high"), v, strict=True) if x != "holds"]
        word = "fails" if "fails" in v else "undecided"
        mark = f"**{word}** ({', '.join(bad)})"
    return f"{mark}: {_iv(t['low']['estimates'][key])} / {_iv(t['high']['estimates'][key])}"


def _finite_or(x, default: float) -> float:
    return default if x is None or not np.isfinite(x) else float(x)


def _f2(x) -> str:
    """Two decimals; 'n/a' for a value the method could not give (NaN, or null once the
    result went through JSON: Morris's sigma from a single trajectory)."""
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.2f}"


def record_table(scored: dict | None) -> str:
    """The night scored against its public record (analysis.scoring), as docs/validation.md
    shows every case (report.validation.case_markdown: one formatter)."""
    if not scored:
        return "(not run: no record file beside the scenario)"
    from iadsim.report.validation import case_markdown

    return "\n".join(case_markdown(scored))
