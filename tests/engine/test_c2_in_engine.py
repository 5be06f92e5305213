"""The C2 network inside the engine: a cut cable, a jammed link and a destroyed relay each
flip an engagement into a ledger reason that names the cause."""

from __future__ import annotations

import textwrap

from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario

BASE = textwrap.dedent(
    """\
    scenario: c2-test
    start_utc: 2026-01-01T00:00:00Z
    duration_s: 600
    origin: {lat_deg: 10.0, lon_deg: -66.0}
    units:
      - id: SAM
        type: sam-medium-range
        position: {lat_deg: 10.0, lon_deg: -66.0, alt_m: 0}
        components:
          - {id: radar, type: acquisition-radar-mr}
          - {id: cp, type: command-post-mr}
          - {id: telar-1, type: telar-mr}
      - id: RELAY
        type: comms-site
        position: {lat_deg: 10.05, lon_deg: -66.05, alt_m: 0}
        components:
          - {id: mast, type: comms-relay}
    network:
      auto_internal_links: AUTO
      links: LINKS
    raid:
      - id: F1
        type: ew-aircraft   # no anti-radiation missiles: the radars stay up
        route:
          - {lat_deg: 10.6, lon_deg: -66.0, alt_m: 5000}
          - {lat_deg: 9.6, lon_deg: -66.0, alt_m: 5000}
    STRIKES
    """
)


def run(tmp_path, links: str, strikes: str = "", seeds=range(3), auto: bool = True):
    text = BASE.replace("LINKS", links).replace("STRIKES", strikes)
    text = text.replace("AUTO", "true" if auto else "false")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    prepared = prepare(load_scenario(path))
    return [
        {r["unit"]: r for r in prepared.replicate(s).ledger.table().to_pylist()}["SAM"]
        for s in seeds
    ]


def test_connected_battery_engages(tmp_path):
    rows = run(tmp_path, "[]")
    assert all(r["stage"] in ("launched", "intercepted", "killed") for r in rows)


def test_cutting_the_cp_to_launcher_cable_gives_link_down(tmp_path):
    rows = run(tmp_path, "[{from: SAM/cp, to: SAM/telar-1, up: false}]")
    # the TELAR still tracks on its own, but centralized doctrine needs the CP's order
    assert all((r["stage"], r["reason"]) == ("reported", "LINK_DOWN") for r in rows)


def test_jamming_the_link_for_the_whole_pass_gives_jammed(tmp_path):
    rows = run(
        tmp_path,
        "[{from: SAM/cp, to: SAM/telar-1, kind: radio, jammed: [{start_s: 0, end_s: 600}]}]",
    )
    assert all((r["stage"], r["reason"]) == ("reported", "JAMMED") for r in rows)


def test_destroying_the_relay_cuts_the_links_through_it(tmp_path):
    # as designed, the command post reaches the TELAR only through the relay
    links = (
        "[{from: SAM/radar, to: SAM/cp},"
        " {id: via-relay, from: SAM/cp, to: RELAY/mast, kind: radio},"
        " {id: relay-telar, from: RELAY/mast, to: SAM/telar-1, kind: radio}]"
    )
    strike = textwrap.dedent(
        """\
        sites:
          - {id: hill, position: {lat_deg: 10.05, lon_deg: -66.05}, members: [RELAY/mast]}
        strikes:
          - {id: k, site: hill, time_s: 1, p_destroy: 1.0}
        """
    )
    intact = run(tmp_path, links, auto=False)
    assert all(r["stage"] in ("launched", "intercepted", "killed") for r in intact)
    cut = run(tmp_path, links, strike, auto=False)
    assert all((r["stage"], r["reason"]) == ("reported", "NODE_DESTROYED") for r in cut)


def test_failing_links_break_some_replications_not_all(tmp_path):
    # MTBF 5 min / MTTR 20 min: the link is down most of the time, but not always
    rows = run(
        tmp_path,
        "[{from: SAM/cp, to: SAM/telar-1, kind: radio, mtbf_s: 300, mttr_s: 1200}]",
        seeds=range(12),
    )
    reasons = {r["reason"] for r in rows}
    assert "LINK_DOWN" in reasons
    assert any(r["stage"] in ("launched", "intercepted", "killed") for r in rows)


def test_strike_that_disables_the_command_post_by_kind(tmp_path):
    strike = textwrap.dedent(
        """\
        sites:
          - {id: hq, position: {lat_deg: 10.0, lon_deg: -66.0}, members: [SAM]}
        strikes:
          - {id: k, site: hq, time_s: 1,
             p_destroy: {command_post: 0.0, "*": 0.0},
             p_disable: {command_post: 1.0}}
        """
    )
    rows = run(tmp_path, "[]", strike)
    # only the command post is hit (disabled, not destroyed): the chain stops at reported
    assert all((r["stage"], r["reason"]) == ("tracked", "NOT_MISSION_CAPABLE") for r in rows)


def test_strike_probabilities_above_one_are_refused(tmp_path):
    import pytest

    from iadsim.errors import ScenarioError

    strike = textwrap.dedent(
        """\
        sites:
          - {id: hq, position: {lat_deg: 10.0, lon_deg: -66.0}, members: [SAM]}
        strikes:
          - {id: k, site: hq, time_s: 1, p_destroy: {radar_x: 0.5}}
        """
    )
    path = tmp_path / "bad.yaml"
    path.write_text(BASE.replace("LINKS", "[]").replace("AUTO", "true").replace("STRIKES", strike))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert any(p.field.startswith("strikes[0].p_destroy") for p in info.value.problems)
    path.write_text(
        BASE.replace("LINKS", "[]")
        .replace("AUTO", "true")
        .replace("STRIKES", strike.replace("{radar_x: 0.5}", "0.7, p_disable: 0.5"))
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert any("> 1" in p.message for p in info.value.problems)


def test_the_first_break_along_the_way_is_named(tmp_path):
    broken_cp = BASE.replace(
        "{id: cp, type: command-post-mr}",
        "{id: cp, type: command-post-mr, readiness: not_mission_capable}",
    )
    for links, expected in (
        ("[]", "NOT_MISSION_CAPABLE"),  # only the post is broken
        ("[{from: SAM/radar, to: SAM/cp, up: false}]", "LINK_DOWN"),  # the link comes first
    ):
        text = broken_cp.replace("LINKS", links).replace("STRIKES", "").replace("AUTO", "true")
        path = tmp_path / "s.yaml"
        path.write_text(text)
        prepared = prepare(load_scenario(path))
        rows = [
            {r["unit"]: r for r in prepared.replicate(s).ledger.table().to_pylist()}["SAM"]
            for s in range(3)
        ]
        # both sensors stop at tracked; the acquisition radar, the first one, names its cause
        assert all(r["reason"] == expected for r in rows), (links, rows)
