"""The case study's conclusions: verdicts by hand, the anchored estimate against the plain one
and against its own coverage, and the sensitivity step's exact savings on the tutorial."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.analysis.conclusions import (
    FAILS,
    HOLDS,
    UNDECIDED,
    Outcomes,
    anchored_estimate,
    plain_estimate,
)
from iadsim.analysis.conclusions_file import conclusions_path, load_conclusions
from iadsim.analysis.robustness import column_plan, fingerprint
from iadsim.analysis.uncertain_model import UncertainModel
from iadsim.analysis.uncertainty import WhatIf, oat_rows
from iadsim.errors import InputError
from iadsim.scenario import load_scenario
from tests.builders import CARACAS, TUTORIAL

BY_KEY = {c.key: c for c in load_conclusions(conclusions_path(CARACAS)).conclusions}


def test_verdicts_read_the_whole_interval_against_the_threshold() -> None:
    below = BY_KEY["sam_silent"]  # mean < 0.2
    assert below.verdict(0.05, 0.15) == HOLDS
    assert below.verdict(0.25, 0.40) == FAILS
    assert below.verdict(0.20, 0.40) == FAILS  # lo at the threshold: not below it
    assert below.verdict(0.15, 0.25) == UNDECIDED
    at_least = BY_KEY["designed_strong"]  # mean >= 0.6
    assert at_least.verdict(0.60, 0.70) == HOLDS
    assert at_least.verdict(0.40, 0.59) == FAILS
    assert at_least.verdict(0.55, 0.65) == UNDECIDED


def test_statistics_by_hand() -> None:
    o = Outcomes(
        killed=np.array([1.0, 0.0, 2.0]),
        connection=np.array([1.0, 1.0, 2.0]),
        designed=np.array([4.0, 5.0, 3.0]),
        sam_kills=np.array([0.0, 0.0, 1.0]),
        other_kills=np.array([1.0, 0.0, 1.0]),
        n_aircraft=5,
    )
    assert BY_KEY["sam_silent"].statistic(o).mean() == pytest.approx(1 / 3)
    assert BY_KEY["connection_alone"].statistic(o).mean() == pytest.approx(1 / 3)
    assert BY_KEY["designed_strong"].statistic(o).mean() == pytest.approx(12 / 15)
    # "MANPADS make most of the kills" as a mean: other - sam > 0 <=> other / (other + sam) > 1/2
    share = o.other_kills.sum() / (o.other_kills.sum() + o.sam_kills.sum())
    assert (BY_KEY["manpads_most"].statistic(o).mean() > 0) == (share > 0.5)


def test_anchored_estimate_with_every_replication_paired_is_the_plain_estimate() -> None:
    rng = np.random.default_rng(5)
    nominal = rng.poisson(0.6, 50).astype(float)
    end = nominal + (rng.random(50) < 0.2)
    a, p = anchored_estimate(nominal, end), plain_estimate(end)
    assert (a.mean, a.lo, a.hi) == pytest.approx((p.mean, p.lo, p.hi), rel=1e-12)


def test_anchored_estimate_covers_the_true_mean_95_percent_of_the_time() -> None:
    """Nominal counts ~ Poisson(0.6); at the range end one aircraft more in 15% of the
    replications: true mean 0.75. N = 200 nominal, m = 24 paired."""
    rng = np.random.default_rng(20261127)
    hits, trials = 0, 3000
    widths = []
    for _ in range(trials):
        nominal = rng.poisson(0.6, 200).astype(float)
        end = nominal[:24] + (rng.random(24) < 0.15)
        e = anchored_estimate(nominal, end)
        hits += e.lo <= 0.75 <= e.hi
        widths.append(e.hi - e.lo)
    assert 0.92 <= hits / trials <= 0.975
    # and it is narrower than 24 unpaired replications of the end would give
    plain = [plain_estimate(rng.poisson(0.6, 24) + (rng.random(24) < 0.15)) for _ in range(300)]
    assert np.mean(widths) < 0.8 * np.mean([p.hi - p.lo for p in plain])


def test_anchored_estimate_refuses_more_pairs_than_nominal_replications() -> None:
    with pytest.raises(ValueError):
        anchored_estimate(np.zeros(5), np.zeros(6))


RANGES = """\
scenario:
  strikes.strike-ew.p_destroy: {low: 0.5, mode: 0.5, high: 0.9, why: "low end = nominal"}
  units.SAM.components.telar-1.readiness.operational: {low: 0.5, mode: 0.9, high: 1.0}
"""


def test_range_ends_identical_to_the_nominal_are_not_run_again(tmp_path) -> None:
    ranges = tmp_path / "ranges.yaml"
    ranges.write_text(RANGES)
    model = UncertainModel.load(TUTORIAL, ranges)
    rows = oat_rows(model)
    whatifs = [WhatIf("connection restored"), WhatIf("all as designed", ("maintenance",))]
    plan = column_plan(model, rows, whatifs)
    assert plan[0] == (True, True, True)  # the nominal set: the identity check runs all
    names = model.names
    d = names.index("strikes.strike-ew.p_destroy")
    assert plan[1 + 2 * d] == (False, False, False)  # low end = nominal value
    assert plan[2 + 2 * d] == (True, True, True)
    r = names.index("units.SAM.components.telar-1.readiness.operational")
    assert plan[1 + 2 * r][:2] == (True, True)
    # the same scenario read twice has the same fingerprint; a changed number changes it
    assert fingerprint(load_scenario(TUTORIAL)) == fingerprint(load_scenario(TUTORIAL))
    assert fingerprint(model.scenario_at(rows[0])) != fingerprint(model.scenario_at(rows[2]))


def test_a_count_mean_interval_is_clipped_at_zero_and_more_runs_cannot_beat_the_nominal() -> None:
    sam = np.zeros(40)
    sam[:2] = 1.0  # 2 SAM kills in 40 raids: the normal interval dips below 0
    o = Outcomes(sam, sam, sam, sam, sam, n_aircraft=5)
    e = BY_KEY["sam_silent"].estimate(o)
    assert e.lo == 0.0 and e.mean == pytest.approx(0.05) and e.hi > 0.05
    # an end whose paired runs change nothing has the nominal's interval; when the threshold
    # lies within the nominal's own half-width, more paired runs could not decide it
    c = BY_KEY["designed_strong"]  # >= 0.6 of the raid
    designed = np.array([3.0, 3.0, 2.0, 4.0] * 10)  # mean 0.6 of 5 aircraft
    o = Outcomes(designed, designed, designed, sam, sam, n_aircraft=5)
    end = c.estimate(o, o[:10])
    assert c.verdict(end.lo, end.hi) == UNDECIDED and not c.could_decide(end)


def test_an_anchored_count_mean_below_zero_is_shown_at_zero() -> None:
    nominal = np.zeros(100)
    nominal[:3] = 1.0  # the three kills fall in the first replications...
    end = np.zeros(10)  # ...which the range end removes: the anchored sum is 0.03 - 0.3
    o_nom = Outcomes(nominal, nominal, nominal, nominal, nominal, n_aircraft=5)
    o_end = Outcomes(end, end, end, end, end, n_aircraft=5)
    e = BY_KEY["sam_silent"].estimate(o_nom, o_end)
    assert anchored_estimate(nominal, end).mean == pytest.approx(-0.27)
    raw = anchored_estimate(nominal, end)
    assert e.mean == 0.0 and e.lo == 0.0 and e.hi == max(raw.hi, 0.0)


def test_nominal_outcomes_read_replications_0_to_n_minus_1_of_the_stores(tmp_path) -> None:
    from iadsim.analysis.montecarlo import run_batch
    from iadsim.analysis.robustness import outcomes_from_stores
    from iadsim.analysis.store import ResultStore, store_path
    from iadsim.engine.run import prepare

    prepared = prepare(TUTORIAL)
    run_batch(prepared, 3, tmp_path / "b", progress=False)
    with ResultStore(store_path(tmp_path / "b"), writer=False) as s:
        o = outcomes_from_stores(s, s, s, ["SAM"], 5, 2)  # the store holds 3
        killed = [r[8] for r in s.rows("replications")][:2]
        kills = [0.0, 0.0]
        for r in s.rows("ledger"):
            if r[0] < 2 and r[3] == "killed":
                kills[r[0]] += 1
        assert list(o.killed) == killed and len(o) == 2
        assert list(o.sam_kills + o.other_kills) == kills
        with pytest.raises(InputError, match="not all stored"):
            outcomes_from_stores(s, s, s, ["SAM"], 5, 4)
