"""Writing the scores of cases against their records: a table (CSV and JSON), the calibration
plot, and docs/validation.md (`iadsim score`, `make validation`)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from iadsim.report.figures import pyplot, save_png

COLUMNS = (
    "case",
    "outcome",
    "kind",
    "metric",
    "confidence",
    "representable",
    "observed",
    "predicted_mean",
    "p_record",
    "p_lo",
    "p_hi",
    "observed_rate",
    "observed_lo",
    "observed_hi",
    "predicted_rate",
    "rate_lo",
    "rate_hi",
    "tail_p",
    "log_score",
    "why",
)


def table_rows(results: list[dict]) -> list[dict]:
    """One row per outcome of every case, then one `joint` row per case."""
    rows = []
    for res in results:
        rows += res["outcomes"]
        if res["joint"] is not None:
            rows.append(
                {
                    "case": res["case"],
                    "outcome": "joint",
                    "kind": "count",
                    "representable": True,
                    "observed": "all of: " + ", ".join(res["joint"]["outcomes"]),
                    **{k: res["joint"][k] for k in ("p_record", "p_lo", "p_hi", "log_score")},
                }
            )
    return rows


def write_tables(results: list[dict], out: Path) -> list[Path]:
    """scores.csv (the table) and scores.json (everything, with sources)."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out / "scores.csv", out / "scores.json"
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for row in table_rows(results):
            w.writerow({k: _fmt(row.get(k, "")) for k in COLUMNS})
    json_path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return [csv_path, json_path]


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v).strip()


def _short(case: str) -> str:
    return case.removeprefix("validation-")


def calibration_plot(results: list[dict], path: Path) -> Path:
    """Left: each rate, predicted against observed with both intervals (log axes, y = x),
    numbered and listed in the legend. Right: the probability the model gives each one-night
    outcome of the records, with intervals."""
    plt = pyplot()
    fig, (ax_r, ax_p) = plt.subplots(
        1, 2, figsize=(14, 6.5), gridspec_kw={"width_ratios": [1, 1]}, layout="constrained"
    )
    rates = [
        r
        for res in results
        for r in res["outcomes"]
        if r.get("kind") == "rate" and r.get("representable")
    ]
    floor = 1e-4
    for i, r in enumerate(rates, 1):
        x, y = max(r["observed_rate"], floor), max(r["predicted_rate"], floor)
        xerr = [[x - max(r["observed_lo"], floor)], [max(r["observed_hi"], floor) - x]]
        yerr = [[y - max(r["rate_lo"], floor)], [max(r["rate_hi"], floor) - y]]
        ax_r.errorbar(
            x,
            y,
            xerr=xerr,
            yerr=yerr,
            fmt="o",
            capsize=3,
            label=f"{i}: {_short(r['case'])}: {r['outcome']}",
        )
        ax_r.annotate(str(i), (x, y), fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax_r.plot([floor, 1], [floor, 1], "k--", lw=0.8)
    ax_r.set(
        xscale="log",
        yscale="log",
        xlim=(floor / 2, 1.5),
        ylim=(floor / 2, 1.5),
        xlabel="observed rate (95% interval; 0 drawn at 1e-4)",
        ylabel="model's rate (95% interval)",
        title="rates: model against record",
    )
    if rates:
        ax_r.legend(fontsize=7, loc="lower right")
    counts = [
        r
        for res in results
        for r in table_rows([res])
        if r.get("kind") == "count" and r.get("representable")
    ]
    ys = list(range(len(counts)))
    p = [r["p_record"] for r in counts]
    err = [
        [a - r["p_lo"] for a, r in zip(p, counts, strict=True)],
        [r["p_hi"] - a for a, r in zip(p, counts, strict=True)],
    ]
    ax_p.errorbar(p, ys, xerr=err, fmt="o", capsize=3)
    ax_p.axvline(0.05, color="r", lw=0.8, ls=":")
    ax_p.set_yticks(ys, [f"{_short(r['case'])}: {r['outcome']}" for r in counts], fontsize=7)
    ax_p.set(
        xlim=(-0.02, 1.02),
        xlabel="P(record's outcome) in the model (95% interval)",
        title="one-night outcomes: probability of the record",
    )
    return save_png(fig, path)


def _pct(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return "<0.1%" if 0 < x < 0.001 else f"{100 * x:.1f}%"


def _rate(x: float) -> str:
    return f"{x:.3g}"


def case_markdown(res: dict) -> list[str]:
    """A case's section: its record with sources, each outcome's score, what it cannot show."""
    lines = [f"### {res['event']}", ""]
    lines.append(
        f"Scenario `{res['scenario']}`, record `{res['record_file']}`, {res['n']} replications."
    )
    lines += [
        "",
        "| outcome | confidence | record | model | P(record) [95%] | log score |",
        "|---|---|---|---|---|---|",
    ]
    for r in res["outcomes"]:
        if not r["representable"]:
            lines.append(
                f"| {r['outcome']} | {r['confidence']} | {r['description']} | "
                f"not representable: {r['why'].strip()} | | |"
            )
        elif r["kind"] == "count":
            lines.append(
                f"| {r['outcome']} | {r['confidence']} | {r['observed']} ({r['metric']}) | "
                f"mean {r['predicted_mean']:.2f} | {_pct(r['p_record'])} "
                f"[{_pct(r['p_lo'])}, {_pct(r['p_hi'])}] | {r['log_score']:.2f} |"
            )
        else:
            lines.append(
                f"| {r['outcome']} | {r['confidence']} | {r['observed']} = "
                f"{_rate(r['observed_rate'])} [{_rate(r['observed_lo'])}, "
                f"{_rate(r['observed_hi'])}] | {_rate(r['predicted_rate'])} "
                f"[{_rate(r['rate_lo'])}, {_rate(r['rate_hi'])}] ({r['model_count']}) | "
                f"tail {_pct(r['tail_p'])} | {r['log_score']:.2f} |"
            )
    j = res["joint"]
    if j is not None:
        lines += [
            "",
            f"Jointly ({', '.join(j['outcomes'])}): P(record) {_pct(j['p_record'])} "
            f"[{_pct(j['p_lo'])}, {_pct(j['p_hi'])}], log score {j['log_score']:.2f}.",
        ]
    lines += ["", "Sources:", ""]
    for s in res["sources"]:
        who = ", ".join(x for x in (s.get("author"), s.get("publisher")) if x)
        where = f" <{s['url']}>" if s.get("url") else ""
        lines.append(f"* [{s['id']}] {who + ': ' if who else ''}{s['title']} ({s['date']}){where}")
    if res["cannot_represent"]:
        lines += ["", "What the model cannot represent of this case:", ""]
        lines += [f"* {c}" for c in res["cannot_represent"]]
    return lines + [""]


def summary_markdown(results: list[dict]) -> list[str]:
    """One line per scored outcome of every case: record, model, how likely the record is."""
    lines = [
        "| case | outcome | record | model | P(record) or tail [95%] | log score |",
        "|---|---|---|---|---|---|",
    ]
    for res in results:
        for r in table_rows([res]):
            if not r.get("representable"):
                continue
            if r["kind"] == "rate":
                model = (
                    f"{_rate(r['predicted_rate'])} [{_rate(r['rate_lo'])}, {_rate(r['rate_hi'])}]"
                )
                prob = f"tail {_pct(r['tail_p'])}"
                rec = f"{r['observed']} = {_rate(r['observed_rate'])}"
            else:
                model = "" if r["outcome"] == "joint" else f"mean {r['predicted_mean']:.2f}"
                prob = f"{_pct(r['p_record'])} [{_pct(r['p_lo'])}, {_pct(r['p_hi'])}]"
                rec = r["observed"]
            lines.append(
                f"| {res['case']} | {r['outcome']} | {rec} | {model} | {prob} | "
                f"{r['log_score']:.2f} |"
            )
    return lines


def write_document(results: list[dict], path: Path, args, cal: dict | None = None) -> list[Path]:
    """docs/validation.md and its figures (in docs/validation/); with the calibration's
    results when `cal` is given."""
    figure = calibration_plot(results, path.with_suffix("") / "calibration.png")
    written = [path, figure]
    n = results[0]["n"] if results else 0
    cases = " ".join(r["scenario"] for r in results)
    total = sum(
        r["log_score"]
        for res in results
        for r in table_rows([res])
        if r.get("representable") and r["outcome"] != "joint" and r["kind"] == "rate"
    )
    lines = [
        "# Validation: the model scored against history",
        "",
        f"*Written by `make validation` (`iadsim score ... -n {n} --seed {args.seed} --doc "
        f"{path}`); every number is computed by the script from the cases "
        f"({len(results)}: {cases}). Nothing in the scenarios was tuned to its record: one "
        "catalog, one parameter set for all cases.*",
        "",
        "Each case is a small scenario with a record beside it (`NAME.record.yaml`: each observed "
        "outcome with its confidence, sources and the model metric it maps to; each source "
        "with the address its figures were checked at, where one was found, and the file "
        "saying beside each number what was checked; `analysis/history.py`). The scoring "
        "(`analysis/scoring.py`) runs each case "
        f"{n} times. A one-night outcome is scored by the share of replications that "
        "reproduce it (Wilson 95% interval; log score log((k + 1/2)/(N + 1))), and all of a "
        "case's one-night outcomes jointly. A rate (losses per sortie, per launch) is the "
        "model's metric summed over the replications (Jeffreys Beta 95% interval) against the "
        "observed count of trials (Wilson interval, widened over the sources' spread); the "
        "record is scored by its beta-binomial predictive probability (log score) and the "
        "two-sided predictive tail probability (below 5%: the record is unusual for the model). "
        "The rates treat sorties (or launches) as independent with one rate: a campaign's "
        "nights and tactics varied, so a low tail probability says the model's rate is off, "
        "not by how much the campaign varied.",
        "",
        "## Scores",
        "",
        *summary_markdown(results),
        "",
        f"Sum of the rate log scores: {total:.1f} (higher is better).",
        "",
        f"![calibration]({figure.parent.name}/{figure.name})",
        "",
        "Left: each rate, the model's against the record's, with both 95% intervals (log axes; "
        "the dashed line is agreement). Right: the probability the model gives each one-night "
        "outcome of the records (the dotted line is 5%).",
        "",
        "## Cases",
        "",
    ]
    for res in results:
        lines += case_markdown(res)
    if cal is not None:
        from iadsim.report.calibration import calibration_markdown, posterior_plot

        post = posterior_plot(cal, path.with_suffix("") / "posterior.png")
        written.append(post)
        command = (
            f"--calibrate {args.calibrate} --points {args.points} --design-n {args.design_n} "
            f"--sbc {args.sbc}"
        )
        lines += calibration_markdown(cal, post, command)
    else:
        lines += ["## Calibration", "", "Not run (`--calibrate RANGES`).", ""]
    lines += [
        "## Not representable yet",
        "",
        "Outcomes marked not representable wait for damage states, guns and cyber effects "
        "(issue 24); they are listed in each case and never scored.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return written
