"""The compiled CV/polar/GNN tracker (`tracking.fast_cv`) against the numpy `Tracker`, which
stays the reference: the same assignments as SciPy's solver, and on the Caracas case study
the same firm tracks, reports, event log and ledger as the engine's Kalman mode before it was
compiled (the Tracker path, still what `record=True` and a missing numba run)."""

from __future__ import annotations

import numpy as np
import pytest

from iadsim.analysis.metrics import component_classes
from iadsim.analysis.records import record_of
from iadsim.engine import kalman_tracks as kt
from iadsim.engine.rng import RngStreams, replication_seed
from iadsim.io.outputs import write_parquet
from iadsim.tracking import fast_cv
from iadsim.tracking.association import gnn_assign
from tests.conftest import CARACAS

pytestmark = pytest.mark.skipif(not fast_cv.available(), reason="numba not installed")


def test_gnn_equals_scipy_assignment_on_random_and_tied_costs():
    rng = np.random.default_rng(5)
    for trial in range(400):
        n, m = rng.integers(0, 7, size=2)
        if trial % 2:  # small integers: many exact ties, where the tie rules must match
            dist = rng.integers(0, 6, size=(n, m)).astype(float)
            gate = 4.0
        else:
            dist = rng.random((n, m)) * 6.0
            gate = float(rng.uniform(1.0, 5.0))
        assert np.array_equal(fast_cv.gnn(dist, gate), gnn_assign(dist, gate)), (dist, gate)


@pytest.fixture(scope="module")
def kalman_prepared():
    from iadsim.engine.run import prepare

    return prepare(CARACAS, tracker="kalman")


def _reference(monkeypatch):
    monkeypatch.setattr(fast_cv, "available", lambda: False)


@pytest.mark.parametrize("rep", range(4))
def test_firm_tracks_and_reports_equal_the_tracker_on_caracas(kalman_prepared, monkeypatch, rep):
    world = kalman_prepared.geometry.world
    seed = replication_seed(21, rep)
    rng = np.random.default_rng(seed)
    checked = 0
    for geo in kalman_prepared.geometry.sensors.values():
        if not isinstance(geo, kt.KalmanSensorGeometry):
            continue
        detected = rng.random(geo.pd_nominal.shape) < geo.pd_nominal
        fast = kt.kalman_firm(world, geo, detected, RngStreams(seed))
        with monkeypatch.context() as mp:
            _reference(mp)
            ref = kt.kalman_firm(world, geo, detected, RngStreams(seed))
        assert fast.looks_processed == ref.looks_processed
        assert np.array_equal(fast.firm, ref.firm)
        a, b = fast.reports, ref.reports
        for name in ("look", "start", "ids", "truth"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
        # sums of products in another order than BLAS: equal to rounding
        np.testing.assert_allclose(a.x, b.x, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(a.p, b.p, rtol=1e-9, atol=1e-6)
        checked += int(ref.looks_processed > 0)
    assert checked >= 2  # several radars did track something


@pytest.mark.parametrize("rep", range(3))
def test_replications_are_unchanged_by_the_compiled_tracker(
    kalman_prepared, monkeypatch, tmp_path, rep
):
    """events.parquet and ledger.parquet byte for byte, with and without the compiled path."""
    seed = replication_seed(1, rep)
    fast = kalman_prepared.replicate(seed)
    with monkeypatch.context() as mp:
        _reference(mp)
        ref = kalman_prepared.replicate(seed)
    for name, table in (
        ("events", lambda r: r.events.table()),
        ("ledger", lambda r: r.ledger.table()),
    ):
        write_parquet(table(fast), tmp_path / f"fast-{name}.parquet")
        write_parquet(table(ref), tmp_path / f"ref-{name}.parquet")
        fast_bytes = (tmp_path / f"fast-{name}.parquet").read_bytes()
        assert fast_bytes == (tmp_path / f"ref-{name}.parquet").read_bytes(), name
    classes = component_classes(kalman_prepared.scenario)
    assert record_of(0, seed, fast, 0.0, classes=classes) == record_of(
        0, seed, ref, 0.0, classes=classes
    )


def test_hovering_over_the_radar_the_compiled_tracker_reports_spd_covariances_as_tracker():
    """Issue 29 (5): the noise floor in the compiled tracker too, with the Tracker's numbers."""
    from iadsim.tracking.models import cart_to_polar
    from iadsim.tracking.tracker import Tracker, TrackerConfig

    r = np.diag([40.0**2, np.radians(0.3) ** 2, np.radians(0.3) ** 2])
    rng = np.random.default_rng(29)
    n = 40
    z = cart_to_polar(np.array([[0.0, 0.0, 800.0]])) + rng.multivariate_normal(np.zeros(3), r, n)
    z[:, 0] = np.abs(z[:, 0])
    cfg = TrackerConfig(q=1e-6)
    ref = Tracker(cfg, n_dims=3)
    ref_p = [ref.step(2.0 * k, z[k : k + 1], r, np.zeros(3), np.array([0])).p for k in range(n)]
    args = (np.arange(n), 2.0 * np.arange(n), np.arange(n), np.arange(1, n + 1), z)
    out = fast_cv.run_scans(
        *args, np.zeros(n, np.int64), r, np.zeros(3), cfg.q, cfg.gate, cfg.init_gate,
        cfg.confirm_m, cfg.confirm_n, cfg.delete_misses, cfg.init_velocity_std**2,
        cfg.noise_floor_m**2, 1e12, 1, n, 1_000_000,
    )  # fmt: skip
    p = out[5]
    np.testing.assert_allclose(p, np.concatenate(ref_p), rtol=1e-9, atol=1e-9)
    lam = np.linalg.eigvalsh(p)
    assert p.shape[0] >= n - 2 and np.array_equal(p, np.swapaxes(p, -1, -2))
    assert (lam[:, 0] > 0).all() and (lam[:, -1] / lam[:, 0] < 1e12).all()
