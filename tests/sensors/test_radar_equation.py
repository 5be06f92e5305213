"""Radar range equation: a hand link budget, published worked examples, refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.sensors.radar_equation import RadarParameters, range_for_snr_m, snr_db


def test_hand_link_budget():
    # 1 MW (60 dBW), 40 dBi twice (80), lambda 0.1 m (-20), sigma 1 m^2 (0), (4 pi)^3 (32.98),
    # R = 100 km (R^4: 200), kT0 = -203.98 dBW/Hz, B = 1 MHz (60), F = 3 dB:
    # 60 + 80 - 20 + 0 - 32.98 - 200 + 203.98 - 60 - 3 = 28.00 dB
    p = RadarParameters(1e6, 40.0, 299_792_458.0 / 0.1, bandwidth_hz=1e6, noise_figure_db=3.0)
    assert float(snr_db(p, 100e3, 1.0)) == pytest.approx(28.00, abs=0.01)


def test_published_worked_examples():
    # MathWorks radareqsnr documentation, example 1: 1 GHz, 1 MW, tau 0.2 us, 20 dB gain,
    # 290 K, 1 m^2 at 50 km -> 5.5868 dB.
    p1 = RadarParameters(1e6, 20.0, 1e9, pulse_width_s=0.2e-6, noise_figure_db=0.0)
    assert float(snr_db(p1, 50e3, 1.0)) == pytest.approx(5.5868, abs=1e-3)
    # Example 2: 10 GHz, 1 MW, tau 1 us, 40 dB gain, Ts = 300 K (noise figure 10 log 300/290),
    # 3 dB loss, 0.5 m^2 at 100 km -> 14.3778 dB.
    p2 = RadarParameters(
        1e6,
        40.0,
        10e9,
        pulse_width_s=1e-6,
        noise_figure_db=10 * math.log10(300 / 290),
        losses_db=3.0,
    )
    assert float(snr_db(p2, 100e3, 0.5)) == pytest.approx(14.3778, abs=1e-3)


def test_fourth_power_law_vectorized_and_coherent_gain():
    p = RadarParameters(1e5, 30.0, 3e9, pulse_width_s=1e-6)
    r = np.array([[10e3, 20e3], [40e3, 80e3]])
    s = snr_db(p, r, 2.0)
    assert s.shape == (2, 2)
    np.testing.assert_allclose(np.diff(s.ravel()), -40 * math.log10(2), atol=1e-9)
    pc = RadarParameters(1e5, 30.0, 3e9, pulse_width_s=1e-6, n_pulses=16, coherent=True)
    assert float(snr_db(pc, 10e3, 2.0) - snr_db(p, 10e3, 2.0)) == pytest.approx(12.04, abs=0.01)
    assert pc.noncoherent_pulses == 1
    assert RadarParameters(1e5, 30.0, 3e9, pulse_width_s=1e-6, n_pulses=16).noncoherent_pulses == 16
    # the inverse
    rr = range_for_snr_m(p, s[0, 1], 2.0)
    assert float(rr) == pytest.approx(20e3, rel=1e-9)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"peak_power_w": -1.0}, "peak_power_w"),
        ({"peak_power_w": 0.0}, "peak_power_w"),
        ({"frequency_hz": 0.0}, "frequency_hz"),
        ({"pulse_width_s": None}, "pulse_width_s or bandwidth_hz"),
        ({"pulse_width_s": -1e-6}, "pulse_width_s"),
        ({"noise_figure_db": -1.0}, "noise_figure_db"),
        ({"losses_db": -2.0}, "losses_db"),
        ({"n_pulses": 0}, "n_pulses"),
        ({"n_pulses": 2.5}, "n_pulses"),
        ({"pfa": 1.0}, "pfa"),
        ({"gain_dbi": float("nan")}, "gain_dbi"),
    ],
)
def test_bad_parameters_refused(kwargs, match):
    base = {"peak_power_w": 1e5, "gain_dbi": 30.0, "frequency_hz": 3e9, "pulse_width_s": 1e-6}
    with pytest.raises(ValueRangeError, match=match):
        RadarParameters(**(base | kwargs))


def test_bad_geometry_refused():
    p = RadarParameters(1e5, 30.0, 3e9, pulse_width_s=1e-6)
    with pytest.raises(ValueRangeError, match="range_m"):
        snr_db(p, np.array([1e3, 0.0]), 1.0)
    with pytest.raises(ValueRangeError, match="rcs_m2"):
        snr_db(p, 1e3, -1.0)
