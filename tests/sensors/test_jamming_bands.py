"""Jamming by band (issue 24.3): jammers declare the bands they cover (IEEE Std 521 letter
bands, VHF/UHF as ITU names them), radars and radio sets are in the band of their frequency.
An EA-18G-class support jammer (ALQ-99 / NGJ-class pods, catalog `ew-aircraft`) jams a VHF
and an L-band early-warning radar and a VHF radio net at the hand-computed J/N and J/S; a
fighter's self-protection pod (C and X only, catalog `escort-jammer`) cannot."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.bands import BANDS, band_of, span_hz
from iadsim.engine.electronic_attack import RADIO_LINK, as_jammer, link_radio, radio_link_jamming
from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from iadsim.scenario.catalog import default_catalog
from iadsim.sensors.jamming import RadioLink, jam_to_noise_db, link_jam_to_signal_db
from iadsim.sensors.radar_equation import RadarParameters
from tests.builders import aircraft, component, unit
from tests.builders import make_scenario as scenario

K_B, T0, C = 1.380649e-23, 290.0, 299_792_458.0


def test_band_of_the_ieee_table():
    assert band_of(160e6) == "VHF"
    assert band_of(999e6) == "UHF"
    assert band_of(1.0e9) == "L"  # a boundary belongs to the higher band
    assert band_of(1.3e9) == "L"
    assert band_of(3.0e9) == "S"
    assert band_of(6.0e9) == "C"
    assert band_of(1.0e10) == "X"
    assert band_of(1.5e10) == "Ku"
    assert band_of(2.0e6) is None and band_of(40e9) is None
    # contiguous: each band starts where the one below ends
    edges = list(BANDS.values())
    assert all(a[1] == b[0] for a, b in zip(edges, edges[1:], strict=False))
    assert span_hz(["VHF", "L", "Ku"]) == (3.0e7, 1.8e10)


def _jn_by_hand(erp_dbw, g_rx_db, radar, r_m, b_j):
    """J/N by hand: ERP G lambda^2 / ((4 pi)^2 R^2) min(1, B_r/B_j) over k T0 F B_r."""
    lam = C / radar.frequency_hz
    b_r = 1.0 / radar.pulse_width_s
    j = 10 ** (erp_dbw / 10) * 10 ** (g_rx_db / 10) * lam**2 / ((4 * math.pi) ** 2 * r_m**2)
    j *= min(1.0, b_r / b_j)
    n = K_B * T0 * b_r * 10 ** (radar.noise_figure_db / 10)
    return 10 * math.log10(j / n)


@pytest.mark.parametrize(
    ("radar_type", "erp_dbw"),
    [("early-warning-radar-vhf", 40.0), ("early-warning-radar", 46.0)],  # VHF, L: per band
)
def test_ea18g_class_jams_vhf_and_l_band_early_warning_by_hand(radar_type, erp_dbw):
    cat = default_catalog()
    spec = cat.components[radar_type].radar
    params = RadarParameters.from_spec(spec)
    growler = as_jammer(cat.aircraft["ew-aircraft"].jammer)
    pod = as_jammer(cat.aircraft["escort-jammer"].jammer)
    r = 150_000.0
    g_side = spec.gain_dbi + spec.sidelobe_db
    got = float(jam_to_noise_db(params, growler, r, g_side))
    assert got == pytest.approx(_jn_by_hand(erp_dbw, g_side, spec, r, 2.0e8), abs=1e-9)
    assert got > 10.0  # a strong screen: the detection range shrinks
    # the fighter's self-protection pod covers C and X only: nothing at VHF or L
    assert float(jam_to_noise_db(params, pod, r, spec.gain_dbi)) == -math.inf
    # while at the Buk-class acquisition radar's band it does add jamming
    acq = cat.components["acquisition-radar-mr"].radar
    assert math.isfinite(float(jam_to_noise_db(RadarParameters.from_spec(acq), pod, r, 0.0)))


def test_radio_net_in_vhf_jammed_by_the_comms_set_and_not_by_an_l_band_jammer():
    cat = default_catalog()
    f = cat.comms["radio-set"].frequency_hz
    assert band_of(f) == "VHF"
    net = RadioLink(RADIO_LINK.erp_dbw, f, RADIO_LINK.bandwidth_hz, RADIO_LINK.required_js_db)
    ccs = as_jammer(cat.aircraft["ew-aircraft"].comms_jammer)
    # J/S = 30 - 10 dBW + 20 log10(d / R_j) + 10 log10(2 MHz / 10 MHz), d = 20 km, R = 60 km
    hand = 20.0 + 20 * math.log10(20 / 60) + 10 * math.log10(0.2)
    assert float(link_jam_to_signal_db(net, ccs, 20e3, 60e3)) == pytest.approx(hand, abs=1e-9)
    # the radar jammer of a self-protection pod has no VHF: nothing
    pod = as_jammer(cat.aircraft["escort-jammer"].jammer)
    assert float(link_jam_to_signal_db(net, pod, 20e3, 60e3)) == -math.inf


def _ew_spec(jammer_type: str) -> dict:
    # a VHF early-warning radar and its radio link 20 km to a second site; an aircraft
    # 60 km east at 8 km, flying north (in line of sight of both)
    return scenario(
        "bands",
        units=[
            unit(
                "EW",
                "early-warning-site",
                [component("radar", "early-warning-radar-vhf")],
                at=(10.0, -66.0),
            ),
            unit(
                "EW2",
                "early-warning-site",
                [component("radar", "early-warning-radar")],
                at=(10.18, -66.0),
            ),
        ],  # fmt: skip
        links=[{"id": "net", "from": "EW/radar", "to": "EW2/radar", "kind": "radio"}],
        raid=[aircraft("J", jammer_type, [(10.0, -65.45, 8000), (10.3, -65.45, 8000)])],
        duration_s=300,
    )


def _prepared(scenario_file, jammer_type: str, jamming: bool = True):
    spec = _ew_spec(jammer_type)
    spec["raid"][0]["jamming"] = jamming
    return prepare(load_scenario(scenario_file(spec, f"{jammer_type}-{jamming}.yaml")))


def test_in_the_engine_the_growler_screens_the_vhf_radar_and_the_pod_does_not(scenario_file):
    growler = _prepared(scenario_file, "ew-aircraft")
    growler_off = _prepared(scenario_file, "ew-aircraft", jamming=False)
    fighter = _prepared(scenario_file, "escort-jammer")
    fighter_off = _prepared(scenario_file, "escort-jammer", jamming=False)
    w = growler.geometry.world
    ri = w.component_index["EW/radar"]
    flying = growler_off.geometry.sensors[ri].pd_nominal[0] > 0.5
    assert flying.sum() > 10
    # the Growler (in the radar's mainlobe when the beam is on it) screens its own echo
    pd_on = growler.geometry.sensors[ri].pd_nominal[0]
    assert (pd_on[flying] < 1e-3).all()
    # the fighter's pod (C, X) leaves the VHF radar's picture exactly as with no jamming
    np.testing.assert_array_equal(
        fighter.geometry.sensors[ri].pd_nominal, fighter_off.geometry.sensors[ri].pd_nominal
    )
    # the radio net between the sites (VHF radio sets) is jammed by the Growler's comms set
    lk = next(lk for lk in w.links if lk.id == "net")
    assert band_of(link_radio(w, lk).frequency_hz) == "VHF"
    assert radio_link_jamming(w).get("net")
    assert radio_link_jamming(fighter.geometry.world) == {}
