"""Parameter uncertainty: ranges files, parameter sets x replications, Morris screening and
two-level intervals, on the tutorial scenario and on synthetic numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from iadsim.analysis.uncertain_model import UncertainModel
from iadsim.analysis.uncertainty import (
    WhatIf,
    morris,
    oat_rows,
    run_sets,
    two_level_interval,
)
from iadsim.cli import main
from iadsim.errors import InputError
from tests.builders import TUTORIAL

RANGES = """\
scenario:
  strikes.strike-ew.p_destroy: {low: 0.2, mode: 0.5, high: 0.9, why: "notional accuracy"}
  units.SAM.components.telar-1.readiness.operational: {low: 0.0, mode: 0.9, high: 1.0}
catalog:
  weapons.sam-mr-missile.pk.fixed_wing: {dist: uniform, low: 0.5, high: 0.9}
"""


@pytest.fixture()
def ranges(tmp_path):
    path = tmp_path / "ranges.yaml"
    path.write_text(RANGES)
    return path


def test_ranges_put_distributions_on_scenario_and_catalog_numbers(ranges) -> None:
    m = UncertainModel.load(TUTORIAL, ranges)
    assert m.names == [  # in the order of the files
        "units.SAM.components.telar-1.readiness.operational",
        "strikes.strike-ew.p_destroy",
        "catalog.weapons.sam-mr-missile.pk.fixed_wing",
    ]
    assert m.nominal_values == [0.9, 0.5, pytest.approx(0.7)]
    sc = m.scenario_at([0.0, 0.3, 0.6])
    assert sc.spec.strikes[0].p_destroy == 0.3
    assert sc.catalog.weapons["sam-mr-missile"].pk["fixed_wing"] == 0.6


def test_bad_ranges_are_located(tmp_path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("scenario:\n  strikes.nope.p_destroy: {low: 0, mode: 1, high: 0.5}\n")
    with pytest.raises(InputError) as exc:
        UncertainModel.load(TUTORIAL, path)
    (p,) = exc.value.problems
    assert (p.file, p.line) == (str(path), 2) and "low <= mode <= high" in p.message


def test_a_range_on_a_path_that_names_nothing_is_an_error_at_its_line(tmp_path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "scenario:\n"
        "  strikes.strike-ew.p_destroy: {low: 0.2, mode: 0.5, high: 0.9}\n"
        "  units.SAM.components.telar-9.readiness.operational: {low: 0, mode: 0.9, high: 1}\n"
        "catalog:\n"
        "  weapons.no-such-missile.pk.helicopter: {low: 0.2, mode: 0.3, high: 0.5}\n"
    )
    with pytest.raises(InputError) as exc:
        UncertainModel.load(TUTORIAL, path)
    lines = [(p.line, p.field) for p in exc.value.problems]
    assert lines == [
        (3, "scenario.units.SAM.components.telar-9.readiness.operational"),
        (5, "catalog.weapons.no-such-missile.pk.helicopter"),
    ]
    assert all(p.file == str(path) for p in exc.value.problems)


def test_a_range_whose_nominal_is_not_the_written_value_is_refused(tmp_path) -> None:
    path = tmp_path / "r.yaml"  # the tutorial's strike is written with p_destroy 0.5
    path.write_text("scenario:\n  strikes.strike-ew.p_destroy: {low: 0.2, mode: 0.6, high: 0.9}\n")
    with pytest.raises(InputError) as exc:
        UncertainModel.load(TUTORIAL, path)
    (p,) = exc.value.problems
    assert p.line == 2 and "nominal value 0.6 is not the value written" in p.message


def test_the_caracas_ranges_resolve_and_every_end_is_a_valid_scenario() -> None:
    """Every path of the shipped ranges file names a number of the current scenario or
    catalog, and each assumption at either end of its range passes the scenario checks
    (terrain clearance included)."""
    root = Path(__file__).resolve().parents[2] / "scenarios"
    m = UncertainModel.load(
        root / "caracas-2026-01-03.yaml", root / "caracas-2026-01-03.ranges.yaml"
    )
    assert len(m.numbers) >= 20
    for d, number in enumerate(m.numbers):
        for q in (0.0, 1.0):
            values = list(m.nominal_values)
            values[d] = number.dist.ppf(q)
            m.scenario_at(values)


def test_a_telar_that_never_works_kills_nothing_and_morris_sees_it(ranges) -> None:
    m = UncertainModel.load(TUTORIAL, ranges)
    sets = run_sets(m, oat_rows(m), 4, whatifs=[WhatIf("no strike", ("strikes",))])
    # rows: nominal, then (low, high) per number; number 0 is the TELAR: low = never operational
    assert sets.killed[1, 0].sum() == 0  # no TELAR, no kill, in every replication
    assert sets.killed.shape == (7, 2, 4)
    # the same seeds in every set: the strike's p_destroy changes nothing once the TELAR is out
    s_mean, s_any, msets = morris(m, 2, 3, seed=3)
    assert msets.values.shape == (8, 3)
    assert s_mean.index["mu_star"][0] > 0  # the TELAR's readiness moves the outcome


def test_same_values_same_outcomes_whatever_the_workers(ranges) -> None:
    m = UncertainModel.load(TUTORIAL, ranges)
    vals = np.array([m.nominal_values, [1.0, 0.9, 0.9]])
    one = run_sets(m, vals, 3)
    two = run_sets(m, vals, 3, workers=2)
    assert np.array_equal(one.killed, two.killed)
    assert np.array_equal(one.unit_kills, two.unit_kills)


def test_two_level_interval_widens_with_between_set_spread() -> None:
    rng = np.random.default_rng(2)
    within = rng.normal(0, 1, size=(20, 50))
    shifted = within + rng.normal(0, 2, size=(20, 1))  # parameter sets differ
    m0, lo0, hi0 = two_level_interval(within)
    m1, lo1, hi1 = two_level_interval(shifted)
    assert lo0 < m0 < hi0 and lo1 < m1 < hi1
    assert (hi1 - lo1) > 3 * (hi0 - lo0)
    # between-set spread dominates: the half-width is close to 1.96 sd(set means)/sqrt(J)
    se = shifted.mean(axis=1).std(ddof=1) / np.sqrt(20)
    assert (hi1 - lo1) / 2 == pytest.approx(1.96 * se, rel=0.25)


def test_uncertainty_cli(ranges, tmp_path) -> None:
    out = tmp_path / "u"
    rc = main(
        [
            "uncertainty",
            str(TUTORIAL),
            "--ranges",
            str(ranges),
            "--sets",
            "1",
            "-n",
            "2",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert rc == 0
    lines = (out / "sensitivity.csv").read_text().splitlines()
    assert lines[0].startswith("outcome,parameter,range,mu_star")
    assert len(lines) == 1 + 2 * 3
    assert (out / "sensitivity.png").exists()
    assert main(["uncertainty", str(TUTORIAL), "--out", str(out)]) == 2


def test_uncertainty_resumes_from_the_sets_it_kept(ranges, tmp_path, capsys) -> None:
    """A second run with --resume reuses every kept set (nothing left to run) and writes the
    same indices; without --resume the kept sets are refused, not silently reused."""
    out = tmp_path / "u"
    argv = ["uncertainty", str(TUTORIAL), "--ranges", str(ranges), "--sets", "1", "-n", "2"]
    argv += ["--out", str(out), "--quiet"]
    assert main(argv) == 0
    first = (out / "sensitivity.csv").read_text()
    err = capsys.readouterr().err
    assert "4 parameter sets x 2 replications: 8 replications to run, about" in err
    assert len(list((out / "sets").glob("*.npz"))) == 4
    assert main(argv) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(argv + ["--resume"]) == 0
    assert "0 replications to run (8 already stored)" in capsys.readouterr().err
    assert (out / "sensitivity.csv").read_text() == first


def test_gun_sites_count_their_kills_per_unit() -> None:
    """The ledger's units end with the gun sites of their own (scenario `guns:`): a set's
    per-unit kills have a column for each, and the guns' kills land there (Caracas: the
    gun sites kill in some nights)."""
    from tests.builders import CARACAS

    m = UncertainModel.load(CARACAS)
    sets = run_sets(m, np.array([m.nominal_values]), 12)
    guns = [g.id for g in m.nominal_scenario().spec.guns]
    assert sets.unit_kills.shape == (1, 12, len(sets.units))
    assert list(sets.units[-len(guns) :]) == guns
    # every kill of the base case is counted at some unit (weapon unit or gun site)
    assert sets.unit_kills.sum() >= sets.killed[0].sum()
