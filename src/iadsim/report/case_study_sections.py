"""The case study's later sections as template fields: the SAMs' own question (SAM launches),
the attacker in the picture (the two sides, the attacker's actions), the baseline "as
designed" means and its upper bound, and the conclusions file with its history. Every number
is formatted from analysis.case_study's result."""

from __future__ import annotations

import math

from iadsim.report.case_study_tables import _table, diff, num, pct


def _share(e: dict) -> str:
    iv = e["share_interval"]
    if not all(x is not None and math.isfinite(x) for x in (iv["mean"], iv["lo"], iv["hi"])):
        return "n/a"  # no difference to share (NaN, null once written as JSON)
    return pct(iv)


def attribution_md(a: dict, meanings: dict[str, str], what: str) -> str:
    """A Shapley table of one attribution (its effects by decreasing |value|)."""
    eff = sorted(a["effects"], key=lambda e: -abs(e["shapley"]["mean"]))
    return _table(
        [what, "Shapley value", "share", "fix alone", "break alone"],
        [
            [
                f"{e['group']} ({meanings.get(e['group'], '')})".replace(" ()", ""),
                num(e["shapley"], sign=True),
                _share(e),
                num(e["main_effect"], sign=True),
                num(e["total_effect"], sign=True),
            ]
            for e in eff
        ],
    )


def sam_fields(r: dict) -> dict[str, str]:
    """Why did the long- and medium-range SAMs not fire? (SAM launches per raid)."""
    a = r["attribution_sam"]
    obs, des = r["observed"]["classes"]["sam"], r["designed"]["classes"]["sam"]
    eff = sorted(a["effects"], key=lambda e: -abs(e["shapley"]["mean"]))
    best_alone = max(a["effects"], key=lambda e: e["main_effect"]["mean"])
    cf = {c["name"]: c for c in r["counterfactuals"]}
    upper = cf.get("upper bound")
    return {
        "sam_obs_launches": num(obs["launches"]),
        "sam_des_launches": num(des["launches"]),
        "sam_obs_any": pct(obs["any_launch"]),
        "sam_des_any": pct(des["any_launch"]),
        "sam_obs_kills": num(obs["kills"]),
        "sam_des_kills": num(des["kills"]),
        "sam_upper_any": pct(upper["classes"]["sam"]["any_launch"]) if upper else "n/a",
        "sam_total": num(a["total"]),
        "sam_sum_main": f"{a['sum_of_main_effects']:.2f}",
        "sam_sum_total": f"{a['sum_of_total_effects']:.2f}",
        "sam_top_group": eff[0]["group"],
        "sam_top_share": _share(eff[0]),
        "sam_best_alone_group": best_alone["group"],
        "sam_best_alone": num(best_alone["main_effect"], sign=True),
        "sam_attribution_table": attribution_md(a, r["meanings"], "defence condition"),
        "class_table": class_table(r),
    }


def class_table(r: dict) -> str:
    """Launches, aircraft engaged and shot down by weapon class, as written and as designed."""
    rows = []
    words = {"sam": "SAM batteries", "manpads": "MANPADS teams", "gun": "guns"}
    for c, word in words.items():
        o, d = r["observed"]["classes"][c], r["designed"]["classes"][c]
        rows.append(
            [
                word,
                num(o["launches"]),
                pct(o["any_launch"]),
                num(o["kills"]),
                num(d["launches"]),
                pct(d["any_launch"]),
                num(d["kills"]),
            ]
        )
    return _table(
        [
            "weapon class",
            "launches (as written)",
            "P(any launch)",
            "shot down",
            "launches (as designed)",
            "P(any launch)",
            "shot down",
        ],
        rows,
    )


def attacker_fields(r: dict) -> dict[str, str]:
    """How much of the outcome the defence's state explains and how much the attacker's
    actions (aircraft shot down and SAM launches)."""
    at = r.get("attacker")
    if not at:
        return {"sides_table": "(not run)", "actions_table": "(not run)", "attacker_n": "0"}
    out = {"attacker_n": str(at["n"]), "attacker_players": ", ".join(at["players"]) or "none"}
    rows = []
    for metric, what in (("killed", "aircraft shot down"), ("sam_launches", "SAM launches")):
        s = at["sides"][metric]
        eff = {e["group"]: e for e in s["effects"]}
        inter = s["interactions"][0] if s["interactions"] else None
        rows.append(
            [
                what,
                num(s["observed"]),
                num(s["designed"]),
                num(s["total"], sign=True),
                f"{num(eff['defence_conditions']['shapley'], sign=True)}, "
                f"{_share(eff['defence_conditions'])}",
                f"{num(eff['attacker_actions']['shapley'], sign=True)}, "
                f"{_share(eff['attacker_actions'])}",
                num(inter, sign=True) if inter else "-",
            ]
        )
        out[f"{metric}_defence_share"] = _share(eff["defence_conditions"])
        out[f"{metric}_attacker_share"] = _share(eff["attacker_actions"])
        out[f"{metric}_sides_total"] = num(s["total"])
    out["sides_table"] = _table(
        [
            "outcome",
            "as written",
            "defence as designed, no attacker action",
            "difference",
            "defence's state: Shapley, share",
            "attacker's actions: Shapley, share",
            "interaction",
        ],
        rows,
    )
    if at["actions"]:
        act = at["actions"]["killed"]
        meanings = r.get("attacker_meanings", {})
        out["actions_table"] = attribution_md(act, meanings, "attacker action removed")
        sam = at["actions"]["sam_launches"]
        out["actions_sam_table"] = attribution_md(sam, meanings, "attacker action removed")
    else:
        out["actions_table"] = out["actions_sam_table"] = "(no attacker action in the scenario)"
    return out


def baseline_fields(r: dict) -> dict[str, str]:
    """What "as designed" means, and the upper bound beside it."""
    b = r["baseline"]
    d, u, av = b["as_designed"], b["upper_bound"], b["availability"]
    cf = {c["name"]: c for c in r["counterfactuals"]}
    upper = cf.get("upper bound")
    return {
        "baseline_label": d["label"],
        "baseline_years": f"{d['years_since_overhaul']:g}",
        "baseline_proficiency": d["proficiency"],
        "baseline_morale": f"{d['morale']:g}",
        "baseline_operational": f"{100 * av['operational']:.1f}%",
        "baseline_source": d["source"],
        "upper_label": u["label"],
        "upper_killed": num(upper["mean_killed"]) if upper else "n/a",
        "upper_any_killed": pct(upper["p_any_killed"]) if upper else "n/a",
        "upper_vs_observed": diff(upper["vs_observed"]["mean_killed"]) if upper else "n/a",
        "upper_n": str(upper["n"]) if upper else "0",
    }


def conclusion_fields(r: dict) -> dict[str, str]:
    """The conclusions file: each conclusion's date and commit, and every change with its
    reason (oldest first, C1's first)."""
    c = r.get("conclusions")
    if not c:
        return {"conclusions_file": "(none)", "stamps_table": "", "history_table": "none"}
    stamps = _table(
        ["conclusion", "as written now", "set on", "commit", "changes"],
        [
            [s["conclusion"], s["text"], s["date"], f"`{s['commit']}`", str(s["changes"])]
            for s in c["stamps"]
        ],
    )
    history = _table(
        ["conclusion", "date", "commit", "change", "after results were seen", "reason"],
        [
            [
                h["conclusion"],
                h["date"],
                f"`{h['commit']}`",
                h["change"],
                "**yes**" if h["after_results"] else "no",
                h["reason"],
            ]
            for h in c["history"]
        ],
    )
    return {
        "conclusions_file": c["file"].split("/")[-1],
        "stamps_table": stamps,
        "history_table": history if c["history"] else "none",
        "n_changes": str(len(c["history"])),
    }


def causes_md(c: dict | None) -> str:
    """Causes per night (analysis.butfor): how often each condition was a but-for cause and
    necessary, the most frequent causal structures in words, and the minimal sets."""
    if not c:
        return "(not computed)"
    if not c["cases_with_gap"]:
        return "No night differs between as written and as designed: there is nothing to explain."
    rows = [
        [g, pct(c["but_for"][g]), pct(c["necessary"][g])]
        for g in sorted(c["groups"], key=lambda g: -c["necessary"][g]["p"])
    ]
    table = _table(
        [
            "condition",
            "but-for cause (restoring it alone changes the night)",
            "necessary (leaving it alone unrestored loses the designed outcome)",
        ],
        rows,
    )
    words = "; ".join(c["words"]) if c["words"] else "none"
    sets = ", ".join(f"{m['name']} {pct(m)}" for m in c["minimal_sets"][:5]) or "none"
    none = pct(c["no_but_for_cause"])
    return (
        f"Causes per night, from the same runs ({c['cases_with_gap']} of {c['cases']} nights "
        f"differ between as written and as designed; Wilson 95% intervals; "
        f"docs/monte-carlo.md): {words}. In {none} of those nights no single condition was a "
        f"but-for cause. The smallest sets whose restoration recovers the designed outcome, "
        f"and how often each was one: {sets}.\n\n{table}"
    )


def causes_fields(r: dict) -> dict[str, str]:
    c = r.get("causes", {})
    return {
        "killed_causes": causes_md(c.get("killed")),
        "sam_causes": causes_md(c.get("sam_launches")),
    }


def section_fields(r: dict) -> dict[str, str]:
    """Every field of the later sections."""
    out = sam_fields(r)
    out.update(causes_fields(r))
    out.update(attacker_fields(r))
    out.update(baseline_fields(r))
    out.update(conclusion_fields(r))
    return out
