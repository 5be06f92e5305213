"""Electronic attack in the engine: a stand-off jammer raises the radar's noise floor through
the sidelobes; the detection probability follows the hand-computed SINR, burn-through
happens at the hand-computed range, and the ledger names JAMMED when jamming is why."""

from __future__ import annotations

import math

import numpy as np

from iadsim.engine.radar_picture import OK, pd_curve
from iadsim.engine.run import prepare
from iadsim.killchain import CODE_JAMMED, REASON_CODE, Reason
from iadsim.scenario import load_scenario
from tests.builders import aircraft, sam_battery
from tests.builders import make_scenario as scenario

K_B, C = 1.380649e-23, 299_792_458.0
STANDOFF = [
    {"lat_deg": 10.0, "lon_deg": -64.63, "alt_m": 8000, "loiter_s": 3000},
    (10.0, -64.62, 8000),
]  # fmt: skip  ~150 km east of the battery


def _spec(fighter_route, jamming=True, target="strike-fighter"):
    return scenario(
        "jam",
        units=[sam_battery("SAM")],
        raid=[
            aircraft("F1", target, fighter_route),
            aircraft("EW", "ew-aircraft", STANDOFF, jamming=jamming),
        ],
        duration_s=400,
    )


def _lin(db):
    return 10.0 ** (db / 10.0)


def test_detection_follows_the_hand_computed_sinr_and_burn_through(scenario_file):
    route = [(10.72, -66.0, 3000), (10.0, -66.0, 3000)]  # due south at 250 m/s from 80 km
    prepared = prepare(load_scenario(scenario_file(_spec(route))))
    world = prepared.geometry.world
    ri = world.component_index["SAM/radar"]
    geo = prepared.geometry.sensors[ri]
    radar = world.components[ri].radar
    sensor = world.components[ri].enu + [0.0, 0.0, radar.antenna_height_m]
    start = world.frame.to_enu(10.72, -66.0, 3000.0)
    jammer = world.frame.to_enu(10.0, -64.63, 8000.0)
    lam = C / radar.frequency_hz
    b_r = 1.0 / radar.pulse_width_s
    n = K_B * 290.0 * b_r * _lin(radar.noise_figure_db)
    # hand: the stand-off jammer is ~90 degrees off the beam -> sidelobes (G - 30 dB)
    r_j = math.dist(jammer, sensor)
    j = 10**5.0 * _lin(radar.gain_dbi - 30.0) * lam**2 / ((4 * math.pi) ** 2 * r_j**2) * b_r / 2e8
    curve = pd_curve(radar.pfa, 1, radar.n_pulses)
    flying = geo.airborne[0] & (geo.times_s < 80_000.0 / 250.0)
    t = geo.times_s[flying]
    target = np.stack(
        [np.full(t.size, start[0]), start[1] - 250.0 * t, np.full(t.size, 3000.0)], -1
    )
    los = sensor - target
    r = np.linalg.norm(los, axis=-1)
    aspect = np.degrees(np.arccos(-los[:, 1] / r))  # velocity due south (0, -1, 0)
    sigma = _lin(np.interp(aspect, [0, 90, 180], [0.0, 10.0, 5.0]))
    s = (
        radar.peak_power_w
        * _lin(2 * radar.gain_dbi)
        * lam**2
        * sigma
        / ((4 * math.pi) ** 3 * r**4 * _lin(radar.losses_db))
    )
    sinr_db = 10 * np.log10(s / (n + j))
    np.testing.assert_allclose(geo.pd_nominal[0][flying], curve(sinr_db), atol=0.02)
    # burn-through: the hand range where SINR reaches the Pd = 0.5 requirement
    grid = np.linspace(-10.0, 30.0, 40_001)
    req = grid[np.argmax(curve(grid) >= 0.5)]
    burned = sinr_db >= req
    r_bt = r[np.argmax(burned)]
    engine_first = r[np.argmax(geo.pd_nominal[0][flying] >= 0.5)]
    assert abs(engine_first - r_bt) < 250.0 * radar.scan_period_s + 1.0
    assert 15_000.0 < r_bt < 30_000.0  # free space it would be ~75 km
    # beyond burn-through (inside instrumented range) the reason is JAMMED
    codes = geo.geo_code[0][flying]
    assert (codes[~burned & (r < 70_000.0)] == CODE_JAMMED).all()
    assert (codes[burned] == OK).all()


def test_ledger_says_jammed_and_switch_off_restores_detection(scenario_file):
    # the fighter runs in and out between 39 and 44 km north (radial, clear of the Doppler
    # notch): inside the Buk's 45 km envelope, beyond burn-through. A decoy (a fighter's
    # radar echo, no anti-radiation missiles to destroy the radar)
    hold = [(10.35 + 0.05 * (i % 2), -66.0, 3000) for i in range(8)]
    jammed = prepare(load_scenario(scenario_file(_spec(hold, target="decoy"), "on.yaml")))
    clear = prepare(
        load_scenario(scenario_file(_spec(hold, jamming=False, target="decoy"), "off.yaml"))
    )
    for seed in range(3):
        rows = {r["aircraft"]: r for r in jammed.replicate(seed).ledger.table().to_pylist()}
        # the search radars (or, after a lucky track, the TELAR's fire-control radar) are
        # jammed: the chain stops before any launch, and says why
        assert rows["F1"]["reason"] == "JAMMED"
        assert rows["F1"]["stage"] in ("line_of_sight", "detected", "tracked", "assigned")
        rows = {r["aircraft"]: r for r in clear.replicate(seed).ledger.table().to_pylist()}
        assert rows["F1"]["stage"] not in ("in_envelope", "line_of_sight")


def test_radio_link_jammed_from_the_same_geometry(scenario_file):
    from iadsim.engine.replication import Replication

    # an early-warning radar's radio link 20 km to a battery's command post; the EW aircraft
    # flies in from 200 km east at 8 km. By hand (Adamy 2001, ch. 10): J/S = 30 - 10 dBW
    # + 20 log10(d / R_j) + 10 log10(2 MHz / 10 MHz) > 0 dB  <=>  R_j < d 10^(13/20)
    spec = scenario(
        "comms",
        units=[
            {"id": "EW", "type": "early-warning-site",
             "position": {"lat_deg": 10.0, "lon_deg": -66.0},
             "components": [{"id": "radar", "type": "early-warning-radar"}]},
            sam_battery("SAM", at=(10.18, -66.0, 0.0)),
        ],
        links=[{"id": "ewlink", "from": "EW/radar", "to": "SAM/cp", "kind": "radio"}],
        raid=[aircraft("J", "ew-aircraft", [(10.09, -64.17, 8000), (10.09, -66.0, 8000)])],
        duration_s=900,
    )  # fmt: skip
    prepared = prepare(load_scenario(scenario_file(spec)))
    world = prepared.geometry.world
    windows = prepared.geometry.link_jamming["ewlink"]
    a = world.components[world.component_index["EW/radar"]].enu
    b = world.components[world.component_index["SAM/cp"]].enu
    d = math.dist(a, b)
    reach = d * 10 ** (13 / 20)
    route = world.aircraft[0].route
    t = np.arange(0.0, 900.0, 0.5)
    pos = route.positions(t)
    near = np.minimum(
        np.linalg.norm(pos - (a + [0, 0, 10.0]), axis=-1),
        np.linalg.norm(pos - (b + [0, 0, 10.0]), axis=-1),
    )
    t_hand = t[np.argmax(near < reach)]
    assert windows and abs(windows[0][0] - t_hand) <= 5.0
    rep = Replication(prepared.geometry, 0)
    rep.run()
    path = rep.network.status("EW/radar", "SAM/cp", np.array([t_hand - 20.0, t_hand + 20.0]))
    assert path.ok.tolist() == [True, False]
    assert int(path.code[1]) == REASON_CODE[Reason.JAMMED]
