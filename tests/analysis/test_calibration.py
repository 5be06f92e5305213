"""Calibration: simulation-based calibration recovers known parameters on synthetic records,
the surrogate recovers a known binomial regression, and the posterior narrows where the
records inform it."""

from __future__ import annotations

import numpy as np
from scipy import special
from scipy import stats as sps

from iadsim.analysis.calibration import (
    Design,
    Prior,
    Surrogate,
    Target,
    fit_surrogate,
    sample_posterior,
    sbc_ranks,
    uniform_rank_p,
)

PRIOR = Prior(
    ["a", "b"],
    [sps.uniform(0.1, 0.6), sps.triang(0.5, loc=0.0, scale=1.0)],
    np.array([0.4, 0.5]),
)
# three rates: one driven by a, one by b, one by both (logit-linear in the scaled parameters)
COEF = np.array([[-3.0, 3.0, 0.0], [-1.0, 0.0, 2.0], [-2.0, 1.0, 1.0]])
TARGETS = [Target("case", f"rate{i}", "rate", 0, 300) for i in range(3)]


def test_sbc_recovers_known_parameters() -> None:
    """Parameters drawn from the prior, records drawn at them: the true values' ranks among
    the posterior draws are uniform, and the 90% central interval covers them about 90% of
    the time (Talts et al. 2018)."""
    surrogate = Surrogate(PRIOR, COEF)
    use = np.ones(3, bool)
    ranks, draws = sbc_ranks(surrogate, TARGETS, use, reps=30, seed=3, steps=300, burn=100)
    for i in range(2):
        assert uniform_rank_p(ranks[:, i], draws) > 0.001
        inside = ((ranks[:, i] >= 0.05 * draws) & (ranks[:, i] <= 0.95 * draws)).mean()
        assert inside >= 0.75, inside


def test_posterior_narrows_around_the_truth() -> None:
    surrogate = Surrogate(PRIOR, COEF)
    truth = np.array([0.55, 0.3])
    p = surrogate.p(truth)
    records = [
        Target("case", t.outcome, "rate", int(round(t.n * q)), t.n)
        for t, q in zip(TARGETS, p, strict=True)
    ]
    draws = sample_posterior(surrogate, records, np.ones(3, bool), seed=2)
    lo, hi = np.quantile(draws, [0.05, 0.95], axis=0)
    assert np.all((lo <= truth) & (truth <= hi))
    assert np.all(hi - lo < 0.5 * (PRIOR.high - PRIOR.low))  # the records inform both


def test_surrogate_recovers_a_known_binomial_regression() -> None:
    rng = np.random.default_rng(5)
    theta = np.column_stack([rng.uniform(0.1, 0.7, 60), rng.uniform(0.0, 1.0, 60)])
    p = special.expit(COEF[:, 0] + PRIOR.scaled(theta) @ COEF[:, 1:].T)  # (points, targets)
    trials = np.full((3, 60), 4000.0)
    succ = rng.binomial(4000, p.T).astype(float)
    fit = fit_surrogate(Design(PRIOR, theta, TARGETS, succ, trials), ridge=0.0)
    assert np.allclose(fit.coef, COEF, atol=0.15)


def test_calibrate_holds_out_cases_and_predicts_them(tmp_path) -> None:
    """Two cases calibrate, a third is held out: its records are predicted, not fitted; each
    calibrating case has its leave-one-out rows; the document section renders."""
    from iadsim.analysis.calibration import calibrate
    from iadsim.report.calibration import calibration_markdown, posterior_plot

    targets = [Target(c, "rate", "rate", 30, 300) for c in ("one", "two", "held")]
    rng = np.random.default_rng(1)
    theta = np.column_stack([rng.uniform(0.1, 0.7, 12), rng.uniform(0.0, 1.0, 12)])
    p = special.expit(COEF[:, 0] + PRIOR.scaled(theta) @ COEF[:, 1:].T)
    succ = rng.binomial(500, p.T).astype(float)
    design = Design(PRIOR, theta, targets, succ, np.full((3, 12), 500.0))
    cal = calibrate(design, {"held"}, seed=1, sbc_reps=2)
    assert cal["calibrated_on"] == ["one", "two"] and cal["held_out"] == ["held"]
    assert [r["case"] for r in cal["leave_one_out"]] == ["one", "two"]
    assert {r["case"] for r in cal["predictive"]} == {"one", "two", "held"}
    assert len(cal["sbc"]["ranks"]) == 2
    figure = posterior_plot(cal, tmp_path / "posterior.png")
    text = "\n".join(calibration_markdown(cal, figure, "test"))
    assert "### Held-out cases predicted out of sample" in text and "| held | rate |" in text


def test_design_runs_each_case_at_each_point() -> None:
    """The design on the simulator: the priors read from the set's ranges file (modes at the
    catalog's values), each case's targets with successes never above trials."""
    from pathlib import Path

    from iadsim.analysis.calibration import run_design

    root = Path(__file__).resolve().parents[2] / "scenarios" / "validation"
    case = root / "orchard-2007-09-06.yaml"
    design = run_design([case], root / "calibration.ranges.yaml", points=2, n=2)
    assert design.theta.shape == (2, len(design.prior.names)) == (2, 3)
    assert np.all((design.prior.low <= design.theta) & (design.theta <= design.prior.high))
    assert [t.outcome for t in design.targets] == ["no_loss", "no_launch", "not_detected", "joint"]
    assert design.succ.shape == design.trials.shape == (4, 2)
    assert np.all(design.succ <= design.trials) and np.all(design.trials == 2)
