"""Signatures (aspect RCS, IR) and the notional clutter / MTI model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.errors import InputError, ValueRangeError
from iadsim.sensors.clutter import (
    ClutterParameters,
    clutter_effect,
    clutter_rcs_m2,
    gamma_db,
    grazing_angle_rad,
    notch_response,
    subclutter_visibility_db,
    two_way_beam_factor_db,
)
from iadsim.sensors.radar_equation import RadarParameters, snr_db
from iadsim.sensors.signatures import SIGNATURES, Signature, aspect_angle_rad, signature


def test_rcs_interpolates_in_db_over_aspect():
    s = Signature("t", 0.0, 10.0, 4.0, 1, 1.0, 2.0, 9.0)
    a = np.radians([0, 45, 90, 135, 180, 270, -90, 360])
    np.testing.assert_allclose(s.rcs_dbsm(a), [0, 5, 10, 7, 4, 10, 10, 0], atol=1e-12)
    assert float(s.rcs_m2(0.0)) == pytest.approx(1.0)
    np.testing.assert_allclose(s.ir_w_sr(np.radians([0, 90, 180])), [1, 2, 9])


def test_aspect_angle_geometry():
    sensor = np.array([0.0, 0.0, 0.0])
    pos = np.array([[10e3, 0, 0], [10e3, 0, 0], [10e3, 0, 0], [10e3, 0, 0]])
    vel = np.array([[-100.0, 0, 0], [100.0, 0, 0], [0, 100.0, 0], [0, 0, 0]])
    np.testing.assert_allclose(
        aspect_angle_rad(pos, vel, sensor), [0, math.pi, math.pi / 2, math.pi / 2], atol=1e-12
    )


def test_signature_catalog():
    assert signature("transport-helicopter").swerling in (1, 3)
    assert all(s.rcs_beam_dbsm >= s.rcs_nose_dbsm for s in SIGNATURES.values())
    with pytest.raises(InputError, match="unknown aircraft type.*fighter"):
        signature("zeppelin")
    with pytest.raises(ValueRangeError, match="swerling"):
        Signature("x", 0, 0, 0, 7, 1, 1, 1)


RADAR = RadarParameters(
    peak_power_w=500e3,
    gain_dbi=33.0,
    frequency_hz=3e9,
    pulse_width_s=1e-6,
    noise_figure_db=4.0,
    losses_db=6.0,
)


def test_grazing_angle_flat_and_horizon():
    # close in, sin(psi) ~ h / R (flat earth); at the 4/3-earth horizon sqrt(2 kR h) it is 0
    assert float(grazing_angle_rad(100.0, 1000.0)) == pytest.approx(math.asin(0.1), rel=1e-3)
    horizon = math.sqrt(2 * 4 / 3 * 6_371_000 * 100.0)
    assert float(grazing_angle_rad(100.0, horizon * 1.01)) == 0.0


def test_clutter_rcs_constant_gamma_hand_computation():
    # sigma_c = gamma sin(psi) * R theta_az (c tau / 2) / cos(psi)
    r, psi, g = 20e3, math.radians(1.0), -10.0
    cell = 299_792_458.0 * 1e-6 / 2
    hand = 0.1 * math.sin(psi) * r * RADAR.azimuth_beamwidth_rad * cell / math.cos(psi)
    assert float(clutter_rcs_m2(RADAR, r, psi, g)) == pytest.approx(hand, rel=1e-12)
    assert gamma_db("mountains") > gamma_db("farmland") > gamma_db("sea")
    with pytest.raises(ValueRangeError, match="terrain class"):
        gamma_db("swamp-of-sadness")


def test_beam_factor_and_notch():
    # -3 dB one-way (so -6 dB two-way) at half the beamwidth; floor at the sidelobes
    assert float(two_way_beam_factor_db(0.5, 1.0, -50.0)) == pytest.approx(-6.02, abs=0.01)
    assert float(two_way_beam_factor_db(10.0, 1.0, -50.0)) == -50.0
    cl = ClutterParameters(improvement_factor_db=40.0, notch_half_width_mps=5.0, prf_hz=1000.0)
    lam = 0.1
    h, inside = notch_response(np.array([0.0, 5.0, 30.0, 50.0]), lam, cl)
    # 0 m/s: floored at 1/I; at the half width: 0.5; blind speed lambda PRF / 2 = 50 m/s
    np.testing.assert_allclose(h[[0, 1, 3]], [1e-4, 0.5, 1e-4], rtol=1e-9)
    assert h[2] > 0.99
    assert inside.tolist() == [True, False, False, True]
    assert subclutter_visibility_db(cl, 13.0) == 27.0


def test_low_slow_helicopter_lost_in_clutter_fast_high_jet_not():
    r = np.array([20e3, 20e3])
    s = snr_db(RADAR, r, 10.0)
    graz = grazing_angle_rad(300.0, r)
    cl = ClutterParameters(improvement_factor_db=30.0, notch_half_width_mps=6.0)
    # helicopter: 60 m over hills, crossing (2 m/s radial); jet at 8 km closing at 250 m/s
    res = clutter_effect(
        s,
        RADAR,
        cl,
        r,
        graz,
        np.array([0.003, 0.4]),
        np.array([2.0, 250.0]),
        gamma_db("wooded-hills"),
        required_snr_db=13.0,
    )
    assert res.lost_in_clutter.tolist() == [True, False]
    assert res.in_notch.tolist() == [True, False]
    assert res.sinr_db[1] == pytest.approx(s[1], abs=0.1)
    assert res.cnr_db[0] > res.cnr_db[1] + 30  # main-beam vs sidelobe clutter
    with pytest.raises(ValueRangeError, match="improvement"):
        ClutterParameters(improvement_factor_db=-1.0)
