"""Cannibalisation (issue 24.5, network/pooling.py): a unit moves its working comms sets onto
the vehicles that matter, which work from the set-up time on; the donor loses its set."""

from __future__ import annotations

import math

from iadsim.killchain import Reason
from iadsim.network.pooling import pool_sets
from iadsim.scenario.load import load_scenario
from tests.network.test_connection_causes import draw

INF = math.inf


def test_working_sets_move_to_the_vehicles_in_order_by_hand():
    sets = {
        "VM/cp": {"radio": [["VM/cp:radio-set", "radio-set", INF]]},
        "VM/telar-1": {"radio": [["VM/telar-1:radio-set", "radio-set", INF]]},
        "VM/ll-1": {"radio": [["VM/ll-1:radio-set", "radio-set", -INF]]},
        "VM/ll-2": {"radio": [["VM/ll-2:radio-set", "radio-set", INF]]},
        "EW/radar": {"radio": [["EW/radar:radio-set", "radio-set", -INF]]},  # another unit
    }
    moves = pool_sets(sets, "VM", ["cp", "telar-1"], 600.0)
    # the one working set of the unit goes to the first vehicle on the list
    assert moves == [("VM/ll-1:radio-set", "VM/ll-1", "VM/cp")]
    assert sets["VM/cp"]["radio"][0][2] == 600.0
    assert sets["VM/ll-1"]["radio"][0] == ["VM/ll-1:radio-set>VM/cp", "radio-set", INF]
    # none left for the TELAR; the other unit's set is never taken
    assert sets["VM/telar-1"]["radio"][0][2] == INF
    assert sets["EW/radar"]["radio"][0][2] == -INF
    # a vehicle whose set works keeps it and takes nothing
    sets = {
        "VM/cp": {"radio": [["VM/cp:radio-set", "radio-set", -INF]]},
        "VM/ll-1": {"radio": [["VM/ll-1:radio-set", "radio-set", -INF]]},
    }
    assert pool_sets(sets, "VM", ["cp"], 600.0) == []


UNIT = """
scenario: pooling
start_utc: 2026-01-03T06:00:00Z
duration_s: 600
origin: {lat_deg: 10.0, lon_deg: -66.0}
units:
  - id: VM
    type: sam-long-range-vm
    position: {lat_deg: 10.0, lon_deg: -66.0, alt_m: 100}
%s
    components:
      - id: cp
        type: command-post-vm
        comms: [{id: radio-set, type: radio-set, readiness: not_mission_capable},
                {id: cable-terminal, type: cable-terminal, readiness: operational},
                {id: data-transfer-unit, type: data-transfer-unit, readiness: operational}]
      - id: telar-1
        type: telar-vm
        comms: [{id: radio-set, type: radio-set, readiness: operational},
                {id: data-transfer-unit, type: data-transfer-unit, readiness: operational}]
  - id: EW
    type: early-warning-site
    position: {lat_deg: 10.1, lon_deg: -66.0, alt_m: 100}
    components:
      - id: radar
        type: early-warning-radar-jyl1
        comms: [{id: radio-set, type: radio-set, readiness: operational},
                {id: data-transfer-unit, type: data-transfer-unit, readiness: operational}]
network:
  links:
    - {id: ew-cp, from: EW/radar, to: VM/cp, kind: radio}
raid:
  - id: H
    type: transport-helicopter
    route:
      - {lat_deg: 10.5, lon_deg: -66.0, alt_m: 300}
      - {lat_deg: 10.0, lon_deg: -66.0, alt_m: 300}
"""


def test_the_post_s_radio_link_comes_back_at_the_set_up_time(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(UNIT % "")
    plain = draw(load_scenario(path))
    (lost,) = [c for c in plain.links["ew-cp"] if c.reason is Reason.DATALINK_FAILED]
    assert (lost.end_s, lost.element) == (INF, "VM/cp:radio-set")
    path.write_text(UNIT % "    cannibalise: {vehicles: [cp], setup_s: 600}")
    pooled = draw(load_scenario(path))
    # the TELAR's working radio set moves to the post: the post's link is back at 600 s
    (lost,) = [c for c in pooled.links["ew-cp"] if c.reason is Reason.DATALINK_FAILED]
    assert (lost.start_s, lost.end_s, lost.element) == (-INF, 600.0, "VM/cp:radio-set")
    # the TELAR lost it: its radio link to the post is out for the run, naming the move
    radio = [
        c
        for lid, cs in pooled.links.items()
        if "telar-1" in lid
        for c in cs
        if c.element == "VM/telar-1:radio-set>VM/cp"
    ]
    assert radio and radio[0].end_s == INF
