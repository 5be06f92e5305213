"""Pk factors by hand and single-shot Pk converging over many replications."""

import numpy as np
import pytest

from iadsim.engagement.pk import PkModel, draw_salvo, salvo_pk
from iadsim.errors import ValueRangeError

M = PkModel(
    base_pk={"strike-fighter": 0.7, "transport-helicopter": 0.8},
    max_range_m=40000.0,
    min_range_m=2000.0,
    range_knee=0.5,
    range_floor=0.4,
    beam_factor=0.6,
    low_altitude_m=200.0,
    low_altitude_factor=0.5,
)


def test_factors_by_hand():
    rf = M.range_factor([1000.0, 2000.0, 20000.0, 30000.0, 40000.0, 41000.0])
    # knee at 20 km; halfway to max: 1 - 0.6 * 0.5 = 0.7; at max: floor 0.4
    np.testing.assert_allclose(rf, [0.0, 1.0, 1.0, 0.7, 0.4, 0.0])
    np.testing.assert_allclose(M.aspect_factor([0.0, np.pi / 2, np.pi]), [1.0, 0.6, 1.0])
    np.testing.assert_allclose(
        M.altitude_factor([0.0, 100.0, 200.0, 5000.0]), [0.5, 0.75, 1.0, 1.0]
    )


def test_pk_is_the_product():
    p = M.pk("strike-fighter", 30000.0, np.pi / 2, 100.0)
    assert p == pytest.approx(0.7 * 0.7 * 0.6 * 0.75)
    both = M.pk(np.array(["strike-fighter", "transport-helicopter"]), 10000.0)
    np.testing.assert_allclose(both, [0.7, 0.8])
    with pytest.raises(ValueRangeError, match="no base Pk"):
        M.pk("balloon", 10000.0)


def test_salvo_pk():
    assert salvo_pk(0.5, 3) == pytest.approx(0.875)
    np.testing.assert_allclose(salvo_pk([0.0, 1.0, 0.3], 2), [0.0, 1.0, 0.51])
    with pytest.raises(ValueRangeError):
        salvo_pk(1.5, 2)


def test_single_shot_pk_converges():
    # 200 000 Bernoulli draws, fixed seed; tolerance 4 binomial standard deviations
    pk = float(M.pk("strike-fighter", 30000.0, 0.3, 1000.0))
    n = 200_000
    rng = np.random.default_rng(20260103)
    _, kills = draw_salvo(rng, np.full(n, pk), 1)
    sigma = np.sqrt(pk * (1 - pk) / n)
    assert abs(kills.mean() - pk) < 4 * sigma


def test_salvo_draws_converge_to_salvo_pk():
    pk, n_salvos, size = 0.35, 100_000, 2
    rng = np.random.default_rng(11)
    hits, killed = draw_salvo(rng, np.full(n_salvos, pk), size)
    assert hits.shape == (n_salvos, size)
    expect = salvo_pk(pk, size)
    sigma = np.sqrt(expect * (1 - expect) / n_salvos)
    assert abs(killed.mean() - expect) < 4 * sigma


def test_bad_models_refused():
    with pytest.raises(ValueRangeError):
        PkModel(base_pk={"x": 1.2}, max_range_m=1000.0)
    with pytest.raises(ValueRangeError):
        PkModel(base_pk={"x": 0.5}, max_range_m=1000.0, range_knee=0.0)
