"""Measurement noise, detection draws, false alarms; MANPADS visual and IR acquisition."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.sensors.measurement import (
    NOISE_BY_RADAR_TYPE,
    cumulative_detection_probability,
    draw_detections,
    false_alarm_count,
    false_alarms,
    measure,
    noise_for,
    noise_sigmas,
    resolution_cells,
)
from iadsim.sensors.radar_equation import RadarParameters
from iadsim.sensors.signatures import signature
from iadsim.sensors.visual_ir import (
    IrSeeker,
    ir_lock_probability,
    ir_lock_probability_aspect,
    visual_detection_probability,
    visual_detection_range_m,
)

P = RadarParameters(1e5, 30.0, 3e9, pulse_width_s=1e-6, azimuth_beamwidth_rad=math.radians(2))


def test_measurement_noise_statistics():
    rng = np.random.default_rng(11)
    noise = noise_for("surveillance-radar")
    n = 100_000
    r, a, e = measure(rng, np.full(n, 50e3), np.full(n, 1.0), np.full(n, 0.05), noise)
    assert np.std(r) == pytest.approx(noise.sigma_range_m, rel=0.02)
    assert np.std(a) == pytest.approx(noise.sigma_az_rad, rel=0.02)
    assert np.std(e) == pytest.approx(noise.sigma_el_rad, rel=0.02)
    assert abs(np.mean(r) - 50e3) < 4 * noise.sigma_range_m / math.sqrt(n)
    # 10 dB more SNR -> sigma / sqrt(10)
    s0 = noise_sigmas(noise, 13.0)[0]
    s1 = noise_sigmas(noise, 23.0)[0]
    assert float(s0 / s1) == pytest.approx(math.sqrt(10), rel=1e-9)
    assert set(NOISE_BY_RADAR_TYPE) >= {"surveillance-radar", "engagement-radar"}
    with pytest.raises(ValueRangeError, match="unknown radar type"):
        noise_for("toaster")


def test_detection_draws_and_cumulative():
    rng = np.random.default_rng(5)
    pd = np.array([0.0, 0.3, 1.0])
    d = draw_detections(rng, np.broadcast_to(pd, (50_000, 3)))
    np.testing.assert_allclose(d.mean(axis=0), pd, atol=0.01)
    assert cumulative_detection_probability([0.5, 0.5, 0.5]) == pytest.approx(0.875)
    with pytest.raises(ValueRangeError):
        draw_detections(rng, [1.2])
    # same seed, same draws (common random numbers)
    a = draw_detections(np.random.default_rng(9), np.full(10, 0.5))
    b = draw_detections(np.random.default_rng(9), np.full(10, 0.5))
    assert (a == b).all()


def test_false_alarms_poisson_mean():
    # 150 km at c tau / 2 = 149.9 m cells and 2 deg beams: 1000.7 x 180 cells
    n_cells = resolution_cells(P, 150e3)
    assert n_cells == math.ceil(150e3 / (299_792_458.0 * 1e-6 / 2) * 180)
    rng = np.random.default_rng(2)
    counts = false_alarm_count(rng, 1e-5, n_cells, size=20_000)
    assert counts.mean() == pytest.approx(1.8, rel=0.02)
    assert counts.var() == pytest.approx(1.8, rel=0.05)  # Poisson: variance = mean
    p = RadarParameters(1e5, 30.0, 3e9, pulse_width_s=1e-6, pfa=1e-3)
    r, a = false_alarms(rng, p, 100e3, 5e3)
    assert r.shape == a.shape and r.size > 0
    assert r.min() >= 5e3 and r.max() <= 100e3 and a.max() < 2 * math.pi
    with pytest.raises(ValueRangeError, match="pfa"):
        false_alarm_count(rng, 0.0, 10)


def test_visual_detection_conditions():
    day = visual_detection_range_m("day")
    nvg = visual_detection_range_m("night_nvg")
    night = visual_detection_range_m("night")
    assert day > nvg > night
    assert visual_detection_range_m("day", 30.0) == pytest.approx(2 * day)  # angular acuity
    assert visual_detection_range_m("day", visibility_m=2000.0) == 2000.0
    assert float(visual_detection_probability(night, "night")) == pytest.approx(0.5)
    p = visual_detection_probability(np.array([100.0, night, 10 * night]), "night")
    assert p[0] > 0.99 and p[2] < 0.001
    with pytest.raises(ValueRangeError, match="condition"):
        visual_detection_range_m("dusk")


def test_ir_lock_range_and_aspect():
    s = IrSeeker(lock_range_ref_m=5000.0, ref_intensity_w_sr=1000.0, extinction_per_m=0.0)
    assert float(ir_lock_probability(s, 5000.0, 1000.0)) == pytest.approx(0.5)
    # inverse square, no extinction: 4x less intensity gives 50 % at half the range
    assert float(ir_lock_probability(s, 2500.0, 250.0)) == pytest.approx(0.5)
    assert float(ir_lock_probability(s, 7000.0, 1e6)) == 0.0  # beyond max range
    heli = signature("transport-helicopter")
    p = ir_lock_probability_aspect(IrSeeker(), heli, 3000.0, np.radians([0.0, 180.0]))
    assert p[1] > p[0]  # tail-on (hot exhaust) is easier
    with pytest.raises(ValueRangeError):
        IrSeeker(lock_range_ref_m=-1.0)


def test_visual_look_probability_size_light_and_cueing():
    from iadsim.sensors.visual_ir import (
        SEARCH_FRACTION_CUED,
        SEARCH_FRACTION_UNCUED,
        aural_cue,
        scaled_r50_m,
        visual_look_probability,
    )

    # a 30 m helicopter is seen twice as far as the 15 m reference (acuity is angular)
    r50 = scaled_r50_m(2000.0, 30.0)
    assert r50 == 4000.0
    # at R50 half of the looks that sweep the right sector see it; cueing by ear helps
    p = visual_look_probability([4000.0, 4000.0, 8000.0], r50, [False, True, True])
    assert p[0] == pytest.approx(SEARCH_FRACTION_UNCUED / 2)
    assert p[1] == pytest.approx(SEARCH_FRACTION_CUED / 2)
    assert p[2] == pytest.approx(SEARCH_FRACTION_CUED / (1 + 2**4))
    assert aural_cue([5000.0, 7000.0], 6000.0).tolist() == [True, False]
