"""Noise jamming against hand computations in linear units (Schleher 1999; Adamy 2001)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.sensors.jamming import (
    Jammer,
    RadioLink,
    burn_through_range_m,
    jam_to_noise_db,
    jam_to_signal_db,
    jammed_intervals,
    link_jam_to_signal_db,
    receive_gain_db,
    sinr_db,
)
from iadsim.sensors.radar_equation import RadarParameters

K = 1.380649e-23
C = 299_792_458.0

RADAR = RadarParameters(
    peak_power_w=1.0e5,
    gain_dbi=36.0,
    frequency_hz=6.0e9,
    pulse_width_s=5.0e-6,
    noise_figure_db=4.0,
    losses_db=9.0,
)
SPJ = Jammer(erp_dbw=20.0, bandwidth_hz=200e6, bands=("C",),
             mode="self_protection")  # fmt: skip


def _lin(db):
    return 10.0 ** (db / 10.0)


def test_jam_to_noise_by_hand():
    r = 80_000.0
    lam = C / 6e9
    b_r = 1 / 5e-6
    j = _lin(20.0) * _lin(36.0) * lam**2 / ((4 * math.pi) ** 2 * r**2) * (b_r / 200e6)
    n = K * 290.0 * b_r * _lin(4.0)
    got = float(jam_to_noise_db(RADAR, SPJ, r, 36.0))
    assert got == pytest.approx(10 * math.log10(j / n), abs=1e-9)
    # a jammer whose band misses the radar adds nothing
    off = Jammer(erp_dbw=20.0, bandwidth_hz=200e6, bands=("X",))
    assert float(jam_to_noise_db(RADAR, off, r, 36.0)) == -math.inf
    assert float(sinr_db(10.0, [jam_to_noise_db(RADAR, off, r, 36.0)])) == 10.0


def test_js_ratio_by_hand_and_burn_through_closed_form():
    sigma = 5.0
    # J/S for self protection (R_j = R_t = R) from the textbook ratio, linear
    r = 30_000.0
    pt, g = 1.0e5, _lin(36.0)
    b_r, b_j = 1 / 5e-6, 200e6
    js = _lin(20.0) * g * 4 * math.pi * r**4 * b_r * _lin(9.0) / (pt * g * g * sigma * r**2 * b_j)
    got = float(jam_to_signal_db(RADAR, SPJ, r, r, sigma, 36.0))
    assert got == pytest.approx(10 * math.log10(js), abs=1e-9)
    # burn-through: S/J = required when noise is negligible (J/N >> 1 at that range)
    req_db = 13.0
    r_bt = math.sqrt(
        pt * g * sigma * b_j / (4 * math.pi * _lin(20.0) * b_r * _lin(9.0) * _lin(req_db))
    )
    assert float(jam_to_noise_db(RADAR, SPJ, r_bt, 36.0)) > 30.0
    assert burn_through_range_m(RADAR, SPJ, sigma, req_db) == pytest.approx(r_bt, rel=2e-3)


def test_burn_through_with_noise_is_where_sinr_equals_required():
    weak = Jammer(erp_dbw=-10.0, bandwidth_hz=200e6, bands=("C",),
                  mode="self_protection")  # fmt: skip
    sigma, req_db = 2.0, 13.0
    r = burn_through_range_m(RADAR, weak, sigma, req_db)
    lam, b_r = C / 6e9, 1 / 5e-6
    g = _lin(36.0)
    s = 1e5 * g * g * lam**2 * sigma / ((4 * math.pi) ** 3 * r**4 * _lin(9.0))
    n = K * 290.0 * b_r * _lin(4.0)
    j = _lin(-10.0) * g * lam**2 / ((4 * math.pi) ** 2 * r**2) * (b_r / 200e6)
    assert 10 * math.log10(s / (n + j)) == pytest.approx(req_db, abs=1e-6)
    # a stronger jammer shortens burn-through, and none at all gives the free-space range
    assert burn_through_range_m(RADAR, SPJ, sigma, req_db) < r


def test_sidelobe_gain_and_support_jamming_geometry():
    bw = math.radians(2.0)
    g = receive_gain_db(36.0, -30.0, np.radians([0.5, 0.99, 1.01, 40.0]), bw)
    assert g.tolist() == [36.0, 36.0, 6.0, 6.0]
    # a stand-off jammer at 150 km in the sidelobes vs in the mainlobe: 30 dB apart
    sup = Jammer(erp_dbw=30.0, bandwidth_hz=500e6, bands=("S", "C", "X", "Ku"))
    jn_side = float(jam_to_noise_db(RADAR, sup, 150e3, 6.0))
    jn_main = float(jam_to_noise_db(RADAR, sup, 150e3, 36.0))
    assert jn_main - jn_side == pytest.approx(30.0)


def test_communications_jamming_by_hand():
    link = RadioLink(erp_dbw=10.0, frequency_hz=300e6, bandwidth_hz=25e3, required_js_db=0.0)
    jam = Jammer(erp_dbw=30.0, bandwidth_hz=1e6, bands=("VHF", "UHF"))
    # J/S = (ERP_j / ERP_t) (d / R_j)^2 (B_link / B_j): 100 x (20/80)^2 x 0.025 = 0.15625
    got = float(link_jam_to_signal_db(link, jam, 20_000.0, 80_000.0))
    assert got == pytest.approx(10 * math.log10(100 * (20 / 80) ** 2 * 0.025), abs=1e-9)
    assert jammed_intervals(np.array([0.0, 10, 20, 30, 40]), [0, 1, 1, 0, 1]) == [
        (10.0, 30.0),
        (40.0, math.inf),
    ]


def test_bad_jammers_refused():
    with pytest.raises(ValueRangeError):
        Jammer(erp_dbw=10, bandwidth_hz=0, bands=("L",))
    with pytest.raises(ValueRangeError):
        Jammer(erp_dbw=10, bandwidth_hz=1e6, bands=())
    with pytest.raises(ValueRangeError):
        Jammer(erp_dbw=10, bandwidth_hz=1e6, bands=("L",), mode="x")
    with pytest.raises(ValueRangeError):
        Jammer(erp_dbw=10, bandwidth_hz=1e6, bands=("P",))  # not a band of the table
    with pytest.raises(ValueRangeError):  # an ERP for a band it does not cover
        Jammer(erp_dbw=10, bandwidth_hz=1e6, bands=("L",), erp_by_band=(("S", 20.0),))


def test_support_jamming_mainlobe_when_the_jammer_flies_in_the_beam():
    from iadsim.sensors.jamming import beamwidth_from_gain_rad, support_jn_db

    bw = beamwidth_from_gain_rad(36.0)
    assert math.degrees(bw) == pytest.approx(math.degrees(math.sqrt(4 * math.pi / 10**3.6)))
    sup = Jammer(erp_dbw=40.0, bandwidth_hz=500e6, bands=("S", "C", "X", "Ku"))
    sensor = np.zeros(3)
    jam = np.array([[100e3, 0.0, 8000.0], [100e3, 0.0, 8000.0]])  # (K=2, 3)
    targets = np.array([[[50e3, 0.0, 4000.0], [0.0, 50e3, 4000.0]]])  # in line / 90 deg off
    jn = support_jn_db(RADAR, sup, sensor, targets, jam, [True, True], -30.0, bw)
    r = float(np.linalg.norm(jam[0]))
    assert jn[0, 0] == pytest.approx(float(jam_to_noise_db(RADAR, sup, r, 36.0)))
    assert jn[0, 1] == pytest.approx(float(jam_to_noise_db(RADAR, sup, r, 6.0)))
    hidden = support_jn_db(RADAR, sup, sensor, targets, jam, [False, True], -30.0, bw)
    assert hidden[0, 0] == -math.inf
