"""The calibration's part of docs/validation.md: the posterior against the prior (table and
figure), the leave-one-case-out table, the held-out cases predicted, the SBC check."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from iadsim.report.figures import pyplot, save_png


def posterior_plot(cal: dict, path: Path) -> Path:
    """One panel per parameter: the posterior draws' histogram, the prior's 90% interval and
    mean, the catalog's value."""
    plt = pyplot()
    params = cal["parameters"]
    draws = np.array(cal["draws"])
    fig, axes = plt.subplots(1, len(params), figsize=(4.2 * len(params), 3.6), squeeze=False)
    for i, (ax, p) in enumerate(zip(axes[0], params, strict=True)):
        ax.hist(draws[:, i], bins=40, density=True, color="tab:blue", alpha=0.7, label="posterior")
        ax.axvspan(p["prior_lo"], p["prior_hi"], color="tab:gray", alpha=0.2, label="prior 90%")
        ax.axvline(p["prior_mean"], color="tab:gray", ls="--", label="prior mean")
        ax.set_title(p["name"].removeprefix("catalog."), fontsize=8)
        ax.set_yticks([])
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return save_png(fig, path)


def _p(x: float) -> str:
    return "<0.1%" if 0 < x < 0.001 else f"{100 * x:.1f}%"


def _pred_row(r: dict) -> str:
    return (
        f"| {r['case']} | {r['outcome']} | {r['record']} | {_p(r['p_mean'])} "
        f"[{_p(r['p_lo'])}, {_p(r['p_hi'])}] | {r['log_score']:.2f} |"
    )


def calibration_markdown(cal: dict, figure: Path, command: str) -> list[str]:
    """The calibration section of the validation document."""
    lines = [
        "## Calibration of the notional numbers",
        "",
        f"`{command}`: a surrogate of the simulator plus MCMC (`analysis/calibration.py`). "
        f"{cal['design']['points']} Latin-hypercube points of the priors (the ranges file), "
        "each case run at every point with the same seeds; for each scored outcome a binomial "
        "regression of its successes on the parameters (logit-linear); the records' binomial "
        "likelihood and the priors sampled with emcee. Calibrated on: "
        f"{', '.join(cal['calibrated_on'])}. Held out (predicted, not fitted): "
        f"{', '.join(cal['held_out']) or 'none'}. One parameter set for all cases.",
        "",
        "| number | prior mean [90%] | posterior mean [90%] |",
        "|---|---|---|",
    ]
    for p in cal["parameters"]:
        lines.append(
            f"| {p['name']} | {p['prior_mean']:.3f} [{p['prior_lo']:.3f}, {p['prior_hi']:.3f}] | "
            f"{p['post_mean']:.3f} [{p['post_lo']:.3f}, {p['post_hi']:.3f}] |"
        )
    lines += ["", f"![posterior against prior]({figure.parent.name}/{figure.name})", ""]
    lines += [
        "### Leave one case out",
        "",
        "Each case's records predicted from the posterior calibrated on the other cases "
        "(posterior predictive: the outcome's probability, mean and 95% interval over the "
        "draws; log score of the record).",
        "",
        "| case | outcome | record | predicted P or rate [95%] | log score |",
        "|---|---|---|---|---|",
        *[_pred_row(r) for r in cal["leave_one_out"]],
        "",
    ]
    held = [r for r in cal["predictive"] if r["case"] in cal["held_out"]]
    if held:
        lines += [
            "### Held-out cases predicted out of sample",
            "",
            "Calibrated without these records. `nominal` is the surrogate at the catalog's "
            "values (compare the direct simulation in the case's section above).",
            "",
            "| case | outcome | record | nominal | calibrated [95%] | log score |",
            "|---|---|---|---|---|---|",
        ]
        for r in held:
            lines.append(
                f"| {r['case']} | {r['outcome']} | {r['record']} | {_p(r['p_nominal'])} | "
                f"{_p(r['p_mean'])} [{_p(r['p_lo'])}, {_p(r['p_hi'])}] | {r['log_score']:.2f} |"
            )
        lines.append("")
    sbc = cal.get("sbc")
    if sbc:
        ps = ", ".join(
            f"{p['name'].removeprefix('catalog.')}: p = {u:.2f}"
            for p, u in zip(cal["parameters"], sbc["uniformity_p"], strict=True)
        )
        lines += [
            "### Simulation-based calibration",
            "",
            f"{sbc['reps']} parameter sets drawn from the prior, records drawn from the "
            "surrogate at each, the posterior sampled again: the rank of each true value among "
            f"{sbc['draws']} posterior draws should be uniform (chi-square test on 5 bins; a "
            f"p-value below 0.01 would say the inference is biased). {ps}.",
            "",
        ]
    return lines
