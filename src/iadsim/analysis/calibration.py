"""Calibration of notional numbers to the records of a set of cases: a surrogate of the
simulator plus MCMC (emcee).

1. Design: parameter points from a Latin hypercube over the priors (the ranges file's
   triangular or uniform laws); every case run N times at each point, the geometry reused
   (`prepare_variant`: catalog Pk numbers do not touch it) and the same replication seeds at
   every point (common random numbers: the surrogate sees the parameter's effect, not noise).
2. Surrogate: for each scored outcome of each case, a binomial regression of its successes
   (replications that reproduce a one-night outcome; kills of the rate's trials) on the
   parameters scaled to [0, 1]: logit p = b0 + b . z (maximum likelihood, scipy).
3. Likelihood of the records: a one-night outcome that happened contributes log p(theta);
   a rate's record (k of n) the binomial log pmf. Posterior = prior x likelihood, sampled
   with emcee's affine-invariant ensemble.

Leave-one-case-out: each case's records predicted from the posterior of the others.
Simulation-based calibration: parameters drawn from the prior, records drawn from the
surrogate at them, the rank of each true value among its posterior draws (uniform when the
inference is right; Talts et al. 2018, arXiv:1804.06788).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize, special
from scipy import stats as sps

from iadsim.analysis.history import Record, load_record, record_path
from iadsim.analysis.scoring import CaseRuns, metric_values, run_case
from iadsim.analysis.uncertain_model import UncertainModel
from iadsim.engine.run import prepare, prepare_variant
from iadsim.errors import InputError, Problem


@dataclass(frozen=True)
class Prior:
    """Independent priors of the calibrated numbers (triangular or uniform)."""

    names: list[str]
    laws: list  # scipy frozen distributions
    nominal: np.ndarray  # the catalog's values (each law's mode)

    @classmethod
    def from_model(cls, model: UncertainModel, ranges: Path) -> Prior:
        names, laws, nominal = [], [], []
        for name, n in zip(model.names, model.numbers, strict=True):
            if not n.section:
                continue  # scenario numbers are case facts, not calibrated
            p = n.dist.params
            if n.dist.law == "triangular":
                c = (p["mode"] - p["low"]) / (p["high"] - p["low"])
                laws.append(sps.triang(c, loc=p["low"], scale=p["high"] - p["low"]))
            elif n.dist.law == "uniform":
                laws.append(sps.uniform(p["low"], p["high"] - p["low"]))
            else:
                raise InputError(
                    Problem(
                        str(ranges),
                        n.line,
                        n.column,
                        name,
                        "calibration takes triangular or uniform priors",
                    )
                )
            names.append(name)
            nominal.append(n.dist.nominal)
        return cls(names, laws, np.array(nominal))

    @property
    def low(self) -> np.ndarray:
        return np.array([law.support()[0] for law in self.laws])

    @property
    def high(self) -> np.ndarray:
        return np.array([law.support()[1] for law in self.laws])

    def logpdf(self, theta: np.ndarray) -> np.ndarray:
        """Log prior density of parameter rows (..., parameters)."""
        theta = np.asarray(theta, float)
        return sum(law.logpdf(theta[..., i]) for i, law in enumerate(self.laws))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return np.array([law.ppf(x) for law, x in zip(self.laws, u, strict=True)])

    def scaled(self, theta: np.ndarray) -> np.ndarray:
        """Parameters mapped to [0, 1] over their prior's support."""
        return (np.asarray(theta, float) - self.low) / (self.high - self.low)


@dataclass(frozen=True)
class Target:
    """One scored outcome of one case, as the calibration sees it."""

    case: str
    outcome: str
    kind: str  # count | rate
    k: int  # the record: 1 of 1 for a one-night outcome that happened; count of trials
    n: int


def targets_of(record: Record) -> list[Target]:
    """The record's scored outcomes (and, for several one-night outcomes, all of them at once
    as `joint`)."""
    out = []
    for o in record.scored():
        if o.kind == "count":
            out.append(Target(record.case, o.name, "count", 1, 1))
        else:
            out.append(Target(record.case, o.name, "rate", o.observed.count, o.observed.of))
    if sum(o.kind == "count" for o in record.scored()) > 1:
        out.append(Target(record.case, "joint", "count", 1, 1))
    return out


def successes(runs: CaseRuns, record: Record) -> list[tuple[float, float]]:
    """(successes, trials) in the simulated runs of each of `targets_of(record)`."""
    out, joint = [], np.ones(runs.n, bool)
    for o in record.scored():
        x = metric_values(runs, o.metric, o.aircraft)
        if o.kind == "count":
            lo, hi = o.bounds
            holds = (x >= lo) & (x <= hi)
            joint &= holds
            out.append((float(holds.sum()), float(runs.n)))
        else:
            den = metric_values(runs, o.per, o.aircraft).sum()
            out.append((float(x.sum()), float(den)))
    if sum(o.kind == "count" for o in record.scored()) > 1:
        out.append((float(joint.sum()), float(runs.n)))
    return out


@dataclass(frozen=True)
class Design:
    """The simulator at the design points: successes and trials per target and point."""

    prior: Prior
    theta: np.ndarray  # (points, parameters)
    targets: list[Target]
    succ: np.ndarray  # (targets, points)
    trials: np.ndarray


def design_points(ranges: Path, case: Path, points: int, seed: int) -> tuple[Prior, np.ndarray]:
    """The priors (read with `case`) and `points` Latin-hypercube points of them."""
    prior = Prior.from_model(UncertainModel.load(case, ranges), ranges)
    u = sps.qmc.LatinHypercube(d=len(prior.names), seed=seed).random(points)
    return prior, np.array([prior.ppf(row) for row in u])


def design_case(
    case: Path, ranges: Path, names: list[str], theta: np.ndarray, n: int, seed: int
) -> tuple[list[Target], np.ndarray]:
    """One case at every design point: its targets and (points, targets, 2) successes and
    trials, the geometry prepared once and the same seeds at every point."""
    model = UncertainModel.load(case, ranges)
    record = load_record(record_path(case))
    base = prepare(model.nominal_scenario())
    nominal = dict(zip(model.names, model.nominal_values, strict=True))
    rows = []
    for t in theta:
        values = {**nominal, **dict(zip(names, t, strict=True))}
        variant = prepare_variant(base, model.scenario_at([values[k] for k in model.names]))
        rows.append(successes(run_case(variant, n, seed), record))
    return targets_of(record), np.array(rows)


def _design_job(shipped: tuple, case: Path) -> tuple[list[Target], np.ndarray]:
    return design_case(case, *shipped)


def run_design(
    cases: list[Path], ranges: Path, points: int, n: int, seed: int = 1, workers: int = 1
) -> Design:
    """Run every case n times at each of `points` Latin-hypercube points of the prior (cases
    on `workers` processes through the batch runner; the same numbers whatever the count)."""
    from iadsim.analysis.runner import Runner

    prior, theta = design_points(ranges, cases[0], points, seed)
    parts: list = [None] * len(cases)

    def done(chunk: list) -> None:
        for position, result in chunk:
            parts[position] = result

    with Runner(workers) as runner:
        shipped = (ranges, prior.names, theta, n, seed)
        runner.map(_design_job, shipped, list(cases), done, max_chunk=1)
    targets = [t for tg, _ in parts for t in tg]
    succ = np.concatenate([arr[:, :, 0].T for _, arr in parts])
    trials = np.concatenate([arr[:, :, 1].T for _, arr in parts])
    return Design(prior, theta, targets, succ, trials)


@dataclass(frozen=True)
class Surrogate:
    """logit p_i(theta) = coef[i, 0] + coef[i, 1:] . z(theta), one row per target."""

    prior: Prior
    coef: np.ndarray

    def p(self, theta: np.ndarray) -> np.ndarray:
        """Each target's probability at parameter rows (..., parameters) -> (..., targets)."""
        z = self.prior.scaled(theta)
        return special.expit(self.coef[:, 0] + z @ self.coef[:, 1:].T)


def fit_surrogate(design: Design, ridge: float = 1e-3) -> Surrogate:
    """Binomial regression of each target's successes on the scaled parameters."""
    z = np.array([design.prior.scaled(t) for t in design.theta])
    x = np.hstack([np.ones((len(z), 1)), z])
    coefs = []
    for s, m in zip(design.succ, design.trials, strict=True):

        def nll(b, s=s, m=m):
            eta = x @ b
            return -float(np.sum(s * eta - m * np.logaddexp(0.0, eta))) + ridge * b @ b

        coefs.append(optimize.minimize(nll, np.zeros(x.shape[1]), method="BFGS").x)
    return Surrogate(design.prior, np.array(coefs))


def log_likelihood(p: np.ndarray, targets: list[Target], use: np.ndarray) -> np.ndarray:
    """The records' log likelihood given the targets' probabilities p (..., targets), over
    the targets in `use` (the binomial coefficient, constant in p, left out)."""
    k = np.array([t.k for t in targets], float)[use]
    n = np.array([t.n for t in targets], float)[use]
    q = np.clip(p[..., use], 1e-12, 1 - 1e-12)
    return (k * np.log(q) + (n - k) * np.log1p(-q)).sum(axis=-1)


def sample_posterior(
    surrogate: Surrogate,
    targets: list[Target],
    use: np.ndarray,
    seed: int = 1,
    steps: int = 1500,
    burn: int = 500,
) -> np.ndarray:
    """Posterior draws (draws, parameters) with emcee, started inside the prior's support."""
    import emcee

    prior = surrogate.prior
    d = len(prior.names)
    walkers = max(4 * d, 8)

    def log_post(theta: np.ndarray) -> np.ndarray:  # all walkers at once
        lp = prior.logpdf(theta)
        inside = np.isfinite(lp)
        out = np.full(len(theta), -np.inf)
        out[inside] = lp[inside] + log_likelihood(surrogate.p(theta[inside]), targets, use)
        return out

    rng = np.random.default_rng(seed)
    start = np.array([prior.ppf(rng.uniform(0.05, 0.95, d)) for _ in range(walkers)])
    sampler = emcee.EnsembleSampler(walkers, d, log_post, vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(start, steps, progress=False)
    return sampler.get_chain(discard=burn, flat=True)


def predictive(surrogate: Surrogate, draws: np.ndarray, targets: list[Target]) -> list[dict]:
    """Each target's posterior predictive: its probability (mean, 95% interval over the
    draws) and the record's predictive log score."""
    ps = surrogate.p(draws)  # (draws, targets)
    out = []
    for i, t in enumerate(targets):
        lo, hi = np.quantile(ps[:, i], [0.025, 0.975])
        pmf = sps.binom.pmf(t.k, t.n, ps[:, i]).mean()
        out.append(
            {
                "case": t.case,
                "outcome": t.outcome,
                "kind": t.kind,
                "record": f"{t.k}/{t.n}" if t.kind == "rate" else "happened",
                "p_mean": float(ps[:, i].mean()),
                "p_lo": float(lo),
                "p_hi": float(hi),
                "log_score": float(np.log(max(pmf, 1e-300))),
            }
        )
    return out


def sbc_ranks(
    surrogate: Surrogate,
    targets: list[Target],
    use: np.ndarray,
    reps: int,
    seed: int = 1,
    steps: int = 600,
    burn: int = 200,
    thin: int = 10,
) -> np.ndarray:
    """Simulation-based calibration: for each of `reps` parameter sets drawn from the prior,
    records drawn from the surrogate at it, the rank of each true value among the thinned
    posterior draws: (reps, parameters) ranks in 0..draws, and draws."""
    rng = np.random.default_rng(seed)
    prior, ranks, n_draws = surrogate.prior, [], 0
    for r in range(reps):
        truth = prior.ppf(rng.uniform(size=len(prior.names)))
        p = surrogate.p(truth)
        fake = [
            Target(t.case, t.outcome, t.kind, int(rng.binomial(t.n, p[i])), t.n)
            for i, t in enumerate(targets)
        ]
        draws = sample_posterior(surrogate, fake, use, seed + r + 1, steps, burn)[::thin]
        ranks.append((draws < truth).sum(axis=0))
        n_draws = len(draws)
    return np.array(ranks), n_draws


def _summary(draws: np.ndarray, prior: Prior) -> list[dict]:
    """Each parameter's prior and posterior: mean and 90% interval."""
    out = []
    for i, (name, law) in enumerate(zip(prior.names, prior.laws, strict=True)):
        lo, hi = np.quantile(draws[:, i], [0.05, 0.95])
        out.append(
            {
                "name": name,
                "prior_mean": float(law.mean()),
                "prior_lo": float(law.ppf(0.05)),
                "prior_hi": float(law.ppf(0.95)),
                "post_mean": float(draws[:, i].mean()),
                "post_lo": float(lo),
                "post_hi": float(hi),
            }
        )
    return out


def calibrate(design: Design, held_out: set[str], seed: int = 1, sbc_reps: int = 0) -> dict:
    """Posterior from every case not held out; each such case predicted from the others
    (leave-one-case-out); held-out cases predicted from the whole posterior; the
    nominal-parameter predictions beside; simulation-based-calibration ranks."""
    surrogate = fit_surrogate(design)
    targets = design.targets
    cases = sorted({t.case for t in targets} - held_out)
    use = np.array([t.case in cases for t in targets])
    draws = sample_posterior(surrogate, targets, use, seed)
    at_nominal = surrogate.p(design.prior.nominal)
    post = predictive(surrogate, draws, targets)
    for row, p0 in zip(post, at_nominal, strict=True):
        row["p_nominal"] = float(p0)
    loo = []
    for case in cases:
        mine = np.array([t.case == case for t in targets])
        rest = sample_posterior(surrogate, targets, use & ~mine, seed)
        pred = predictive(surrogate, rest, targets)
        loo += [row for row, m in zip(pred, mine, strict=True) if m]
    out = {
        "parameters": _summary(draws, design.prior),
        "calibrated_on": cases,
        "held_out": sorted(held_out),
        "predictive": post,
        "leave_one_out": loo,
        "design": {"points": len(design.theta), "targets": len(targets)},
        "draws": draws[:: max(1, len(draws) // 2000)].tolist(),
    }
    if sbc_reps:
        ranks, n_draws = sbc_ranks(surrogate, targets, use, sbc_reps, seed)
        out["sbc"] = {
            "reps": sbc_reps,
            "draws": n_draws,
            "ranks": ranks.tolist(),
            "uniformity_p": [uniform_rank_p(ranks[:, i], n_draws) for i in range(ranks.shape[1])],
        }
    return out


def uniform_rank_p(ranks: np.ndarray, bins: int = 5) -> float:
    """Chi-square test p-value that the ranks are uniform (SBC's check), on equal bins."""
    counts, _ = np.histogram(
        ranks / (ranks.max() + 1 if ranks.size else 1), bins=bins, range=(0, 1)
    )
    return float(sps.chisquare(counts).pvalue)
