"""The plain-words summary at the top of docs/case-study.md, generated from the numbers below
it: what the model can say and with which confidence, what it cannot say, and what it
depends on most. Written for a reader who is not an analyst; every sentence quotes a number
that a section of the document shows (named in brackets), none is typed by hand."""

from __future__ import annotations

import math

from iadsim.report.case_study_tables import num, pct


def _none_of(p: dict) -> dict:
    """P(none) from P(at least one), interval flipped."""
    return {"p": 1.0 - p["p"], "lo": 1.0 - p["hi"], "hi": 1.0 - p["lo"]}


def _share_words(e: dict) -> str:
    iv = e["share_interval"]
    if not all(x is not None and math.isfinite(x) for x in (iv["mean"], iv["lo"], iv["hi"])):
        return "an undetermined share"
    return f"{pct(iv)} of it"


def _top(a: dict) -> dict:
    return max(a["effects"], key=lambda e: abs(e["shapley"]["mean"]))


def can_say(r: dict) -> list[str]:
    """What the model can say, each with its number and section."""
    obs, des = r["observed"], r["designed"]
    n_ac = len(des["aircraft"])
    sam_o, sam_d = obs["classes"]["sam"], des["classes"]["sam"]
    a, s = r["attribution"], r["attribution_sam"]
    lines = [
        f"In the model of that night, the air defence as it stood shot down on average "
        f"{num(obs['mean_killed'])} of the {n_ac} attacking aircraft, and shot down none in "
        f"{pct(_none_of(obs['p_any_killed']))} of the simulated nights, as happened (section 1).",
        f"The long- and medium-range missile batteries ({', '.join(r['sam_units'])}) fired in "
        f"{pct(sam_o['any_launch'])} of the simulated nights as things stood; none was "
        "reported to fire. With the same equipment as delivered, kept to the maker's schedule "
        f"and with trained crews, they would have fired in {pct(sam_d['any_launch'])} of the "
        "nights (section 3).",
    ]
    if s["total"]["mean"] > 0:
        best = max(s["effects"], key=lambda e: e["main_effect"]["mean"])
        gain, total = best["main_effect"]["mean"], s["total"]["mean"]
        how = (
            "has no single answer: restoring any one condition alone gives back at most "
            f"{gain:.2f} of the {total:.2f} missing launches per night, so several conditions "
            "failed together"
            if gain < 0.5 * total
            else f"is mostly one condition: restoring {best['group']} alone gives back "
            f"{gain:.2f} of the {total:.2f} missing launches per night"
        )
        lines.append(
            f"Why they did not fire {how}; the largest fair share is {_top(s)['group']}, "
            f"{_share_words(_top(s))} (section 3)."
        )
    words = r.get("causes", {}).get("sam_launches", {}).get("words")
    if words:
        lines.append(f"Night by night: {words[0]} (section 3).")
    lines.append(_who_shoots(obs) + " " + _what_explains(a))
    return lines


def _who_shoots(obs: dict) -> str:
    """Which weapons make the kills, in words that follow the numbers."""
    killed = obs["mean_killed"]["mean"]
    manpads = obs["classes"]["manpads"]["kills"]["mean"]
    if killed <= 0:
        return "No weapon shoots any aircraft down in the model as written (section 1)."
    share = manpads / killed
    lead = (
        "Almost every aircraft the model shoots down falls to"
        if share >= 0.8
        else "Most aircraft the model shoots down fall to"
        if share > 0.5
        else "A minority of the aircraft the model shoots down fall to"
    )
    return (
        f"{lead} shoulder-fired missiles (MANPADS: {manpads:.2f} of {killed:.2f} per night, "
        "section 1)."
    )


def _what_explains(a: dict) -> str:
    top = _top(a)
    return (
        f"Of the {a['total']['mean']:.2f} more aircraft a defence as designed would shoot "
        f"down, the largest fair share goes to {top['group']}, {_share_words(top)} "
        "(section 4)."
    )


_ACTION_WORDS = {
    "strikes": "strikes",
    "jamming": "jamming",
    "sead": "anti-radiation missiles",
    "decoys": "decoys",
    "cyber": "the cyber and grid attack",
    "return_fire": "return fire",
}


def _sides(r: dict) -> list[str]:
    at = r.get("attacker")
    lines = []
    if at:
        sides = {e["group"]: e for e in at["sides"]["killed"]["effects"]}
        lines.append(
            "The defence's state and the attacker's actions, side by side: of the difference "
            "between the night as written and a defence as designed facing none of the "
            f"attacker's actions ({', '.join(_ACTION_WORDS.get(p, p) for p in at['players'])}: "
            f"{at['sides']['killed']['total']['mean']:.2f} aircraft), the defence's state "
            f"accounts for {_share_words(sides['defence_conditions'])} and the attacker's "
            f"actions for {_share_words(sides['attacker_actions'])} (section 5)."
        )
    return lines


def confidence(r: dict) -> list[str]:
    """How sure: the replications behind the numbers and the conclusions fixed beforehand."""
    lines = [
        f"Each number is an average over {r['n']} simulated nights with the same attack; the "
        "ranges in brackets are 95% confidence intervals: how far that average could move "
        "with other simulated nights (front matter)."
    ]
    u = r.get("uncertainty")
    if u:
        sv = u["survival"]
        n = len(sv["table"])
        for i, c in enumerate(sv["conclusions"]):
            k = c["key"]
            verdict = sv["nominal"]["verdicts"][k]
            both = sum(
                t["low"]["verdicts"][k] == t["high"]["verdicts"][k] == "holds" for t in sv["table"]
            )
            word = {"holds": "holds", "fails": "does not hold", "undecided": "is undecided"}
            lines.append(
                f'Conclusion C{i + 1}, written down before the results ("{c["text"]}"), '
                f"{word[verdict]} for the scenario as written, and holds at both ends of {both} "
                f"of the {n} uncertain numbers' ranges (section 7)."
            )
    hist = r.get("conclusions", {}).get("history", [])
    if hist:
        after = [h for h in hist if h["after_results"]]
        lines.append(
            f"{len(hist)} changes to those conclusions are on record, {len(after)} of them "
            "made after results were seen; each is listed with its reason (section 7)."
        )
    return lines


def cannot_say(r: dict) -> list[str]:
    """What the model cannot say."""
    c1 = None
    u = r.get("uncertainty")
    if u:
        c1 = u["survival"]["nominal"]["estimates"].get("sam_silent")
    lines = [
        "It cannot say what actually broke in the real systems: every position, count and "
        "setting in the scenario is a notional stand-in chosen from public reporting, not "
        "intelligence; the model says which of the modelled conditions, if true, explain the "
        f"record, and by how much ({r['n']} nights per what-if, sections 3-5).",
    ]
    if c1 is not None and c1["mean"] > 0:
        lines.append(
            "It disagrees with the record where the record is firmest: it lets the missile "
            f"batteries shoot down {c1['mean']:.2f} aircraft per night on average where none "
            "fired at all (conclusion C1, section 7)."
        )
    if not r.get("gun_units", []):
        guns = r["observed"]["classes"]["gun"]["launches"]
        lines.append(
            "It has no anti-aircraft guns in this scenario (gun launches per night: "
            f"{num(guns)}), so the one hit on record, on a helicopter by gunfire near the "
            "objective, is outside what it can reproduce (section 1)."
        )
    up = {c["name"]: c for c in r["counterfactuals"]}.get("upper bound")
    if up:
        lines.append(
            "It cannot say what a perfect defence would have done against a raid planned for "
            f"it: brand-new equipment with elite crews shoots down {num(up['mean_killed'])} "
            "aircraft against this raid, an upper bound, since a raid into such a defence would "
            "not have been flown the same way (section 1)."
        )
    return lines


def depends_on(r: dict) -> list[str]:
    """What the answer depends on most (Morris screening of the notional numbers)."""
    u = r.get("uncertainty")
    if not u:
        return []
    rows = [
        m
        for m in u["morris"]["mean_killed"]
        if m["mu_star"] is not None and math.isfinite(m["mu_star"]) and m["mu_star"] > 0
    ]
    rows.sort(key=lambda m: -m["mu_star"])
    if not rows:
        return []
    top = rows[:3]
    named = "; ".join(f"`{m['parameter']}` ({m['mu_star']:.2f})" for m in top)
    return [
        "Of the notional numbers given a plausible range, the aircraft shot down depend most on "
        f"{named}: the average change in aircraft shot down when each moves across its range "
        "(section 7). Numbers the model keeps as code constants (maintenance decay rates, crew "
        "reactions) were not varied and may matter as much."
    ]


def plain_summary(r: dict) -> str:
    """The summary as markdown: four short lists."""
    parts = [
        ("What the model can say", can_say(r) + _sides(r)),
        ("With which confidence", confidence(r)),
        ("What it cannot say", cannot_say(r)),
        ("What it depends on most", depends_on(r)),
    ]
    out = []
    for title, lines in parts:
        if lines:
            out.append(f"**{title}.**\n\n" + "\n".join(f"- {x}" for x in lines))
    return "\n\n".join(out)
