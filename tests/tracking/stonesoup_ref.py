"""Reference runs with Stone Soup (a dev/bench dependency only, imported inside the functions)."""

from __future__ import annotations

import time as _time
from dataclasses import dataclass

import numpy as np

from iadsim.tracking.tracker import TrackerConfig
from tests.tracking.simdata import CVScenario


@dataclass(frozen=True)
class GNNSettings:
    """One configuration shared by iadsim's tracker and the Stone Soup reference tracker."""

    gate: float = 3.0
    init_gate: float = 3.0
    init_velocity_std: float = 100.0
    delete_cov_trace: float = 2000.0
    tentative_delete_cov_trace: float = 30000.0
    min_points: int = 2

    def tracker_config(self, q: float, record_history: bool = True) -> TrackerConfig:
        """The equivalent iadsim TrackerConfig (linear position measurements, CV, GNN)."""
        return TrackerConfig(
            measurement="position",
            motion="cv",
            q=q,
            association="gnn",
            gate=self.gate,
            init_gate=self.init_gate,
            init_velocity_std=self.init_velocity_std,
            confirm_m=self.min_points,
            confirm_n=None,
            delete_misses=None,
            delete_cov_trace=self.delete_cov_trace,
            tentative_delete_cov_trace=self.tentative_delete_cov_trace,
            record_history=record_history,
        )


@dataclass
class StoneSoupRun:
    """Stone Soup's tracks (all ever confirmed), truths, per-scan confirmed sets and time taken."""

    tracks: set
    truths: set
    per_scan: list
    seconds: float
    epoch: object


def run_stonesoup(scn: CVScenario, s: GNNSettings, n_scans: int | None = None) -> StoneSoupRun:
    """Run Stone Soup's Kalman + GNN + MultiMeasurementInitiator tracker on the scenario."""
    import datetime

    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.deleter.error import CovarianceBasedDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.detection import Clutter, Detection
    from stonesoup.types.groundtruth import GroundTruthPath, GroundTruthState
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    n_scans = len(scn.times) if n_scans is None else n_scans
    epoch = datetime.datetime(2026, 1, 3, 6, 0, 0)
    tm = CombinedLinearGaussianTransitionModel([ConstantVelocity(scn.q), ConstantVelocity(scn.q)])
    mm = LinearGaussian(ndim_state=4, mapping=(0, 2), noise_covar=scn.r)
    predictor = KalmanPredictor(tm)
    updater = KalmanUpdater(mm, use_joseph_cov=True)
    hyp = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=s.gate)
    hyp_init = DistanceHypothesiser(
        predictor, updater, measure=Mahalanobis(), missed_distance=s.init_gate
    )
    v2 = s.init_velocity_std**2
    initiator = MultiMeasurementInitiator(
        prior_state=GaussianState(np.zeros((4, 1)), np.diag([0.0, v2, 0.0, v2])),
        measurement_model=mm,
        deleter=CovarianceBasedDeleter(covar_trace_thresh=s.tentative_delete_cov_trace),
        data_associator=GNNWith2DAssignment(hyp_init),
        updater=updater,
        min_points=s.min_points,
    )
    scans = []
    for k in range(n_scans):
        ts = epoch + datetime.timedelta(seconds=float(scn.times[k]))
        z, ids = scn.scans[k]
        dets = set()
        for zi, ti in zip(z, ids, strict=True):
            cls = Clutter if ti < 0 else Detection
            dets.add(
                cls(
                    zi.reshape(2, 1),
                    timestamp=ts,
                    measurement_model=mm,
                    metadata={"truth": int(ti)},
                )
            )
        scans.append((ts, dets))
    tracker = MultiTargetTracker(
        initiator=initiator,
        deleter=CovarianceBasedDeleter(covar_trace_thresh=s.delete_cov_trace),
        detector=scans,
        data_associator=GNNWith2DAssignment(hyp),
        updater=updater,
    )
    tracks: set = set()
    per_scan = []
    t0 = _time.perf_counter()
    for _, ctracks in tracker:
        tracks.update(ctracks)
        per_scan.append(set(ctracks))
    seconds = _time.perf_counter() - t0
    truths = set()
    for j in range(scn.truth.shape[1]):
        truths.add(
            GroundTruthPath(
                [
                    GroundTruthState(
                        scn.truth[k, j].reshape(4, 1),
                        timestamp=epoch + datetime.timedelta(seconds=float(scn.times[k])),
                    )
                    for k in range(n_scans)
                ]
            )
        )
    return StoneSoupRun(tracks, truths, per_scan, seconds, epoch)


def stonesoup_gospa(run: StoneSoupRun, c: float, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Stone Soup's GOSPAMetric (position mapping [0, 2]) over time: (times s, distances)."""
    from stonesoup.measures import Euclidean
    from stonesoup.metricgenerator.ospametric import GOSPAMetric

    gen = GOSPAMetric(c=c, p=p, measure=Euclidean(mapping=[0, 2]))
    metric = gen.compute_over_time(
        *gen.extract_states(run.tracks, True), *gen.extract_states(run.truths, True)
    )
    vals = metric.value if isinstance(metric.value, list) else [metric]
    t = np.array([(m.timestamp - run.epoch).total_seconds() for m in vals])
    d = np.array([m.value["distance"] for m in vals])
    return t, d


def stonesoup_track_arrays(run: StoneSoupRun) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each Stone Soup track as (times s, states (K, 4)), sorted by first time and first x."""
    out = []
    for tr in run.tracks:
        t = np.array([(st.timestamp - run.epoch).total_seconds() for st in tr.states])
        x = np.array([np.asarray(st.state_vector, dtype=float).ravel() for st in tr.states])
        out.append((t, x))
    out.sort(key=lambda a: (a[0][0], a[1][0, 0], a[1][0, 2]))
    return out
