"""The C2 network inside the engine: a cut cable, a jammed link and a destroyed relay each
flip an engagement into a ledger reason that names the cause."""

from __future__ import annotations

from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from tests.builders import (
    aircraft,
    component,
    link,
    make_scenario,
    sam_battery,
    site,
    strike,
    unit,
    write_scenario,
)


def base(links: list[dict], strikes: dict | None = None, auto: bool = True, cp_readiness=None):
    """A battery (radar, command post, TELAR) and a relay mast; one aircraft flies over."""
    # centralized only: no autonomous fire on the TELAR when the post is cut
    sam = sam_battery("SAM", at=(10.0, -66.0, 0), fallback={"allowed": False})
    if cp_readiness is not None:
        sam["components"][1]["readiness"] = cp_readiness
    relay = unit("RELAY", "comms-site", [component("mast", "comms-relay")], at=(10.05, -66.05, 0))
    spec = make_scenario(
        "c2-test",
        start_utc="2026-01-01T00:00:00Z",
        duration_s=600,
        units=[sam, relay],
        links=links,
        # no anti-radiation missiles: the radars stay up
        raid=[
            aircraft("F1", "ew-aircraft", [(10.6, -66.0, 5000), (9.6, -66.0, 5000)], jamming=False)
        ],
        **(strikes or {}),
    )
    spec["network"]["auto_internal_links"] = auto
    return spec


def run(tmp_path, links: list[dict], strikes: dict | None = None, seeds=range(3), auto=True):
    path = write_scenario(tmp_path, base(links, strikes, auto))
    prepared = prepare(load_scenario(path))
    return [
        {r["unit"]: r for r in prepared.replicate(s).ledger.table().to_pylist()}["SAM"]
        for s in seeds
    ]


def test_connected_battery_engages(tmp_path):
    rows = run(tmp_path, [])
    assert all(r["stage"] in ("launched", "intercepted", "killed") for r in rows)


def test_cutting_the_cp_to_launcher_cable_gives_link_down(tmp_path):
    rows = run(tmp_path, [link("SAM/cp", "SAM/telar-1", up=False)])
    # the TELAR still tracks on its own, but centralized doctrine needs the CP's order
    assert all((r["stage"], r["reason"]) == ("reported", "LINK_DOWN") for r in rows)


def test_jamming_the_link_for_the_whole_pass_gives_jammed(tmp_path):
    rows = run(
        tmp_path,
        [link("SAM/cp", "SAM/telar-1", kind="radio", jammed=[{"start_s": 0, "end_s": 600}])],
    )
    assert all((r["stage"], r["reason"]) == ("reported", "JAMMED") for r in rows)


def test_destroying_the_relay_cuts_the_links_through_it(tmp_path):
    # as designed, the command post reaches the TELAR only through the relay
    links = [
        link("SAM/radar", "SAM/cp"),
        link("SAM/cp", "RELAY/mast", id="via-relay", kind="radio"),
        link("RELAY/mast", "SAM/telar-1", id="relay-telar", kind="radio"),
    ]
    strikes = {
        "sites": [site("hill", (10.05, -66.05), ["RELAY/mast"])],
        "strikes": [strike("k", "hill", 1, p_destroy=1.0)],
    }
    intact = run(tmp_path, links, auto=False)
    assert all(r["stage"] in ("launched", "intercepted", "killed") for r in intact)
    cut = run(tmp_path, links, strikes, auto=False)
    assert all((r["stage"], r["reason"]) == ("reported", "NODE_DESTROYED") for r in cut)


def test_failing_links_break_some_replications_not_all(tmp_path):
    # MTBF 5 min / MTTR 20 min: the link is down most of the time, but not always
    rows = run(
        tmp_path,
        [link("SAM/cp", "SAM/telar-1", kind="radio", mtbf_s=300, mttr_s=1200)],
        seeds=range(12),
    )
    reasons = {r["reason"] for r in rows}
    assert "LINK_DOWN" in reasons
    assert any(r["stage"] in ("launched", "intercepted", "killed") for r in rows)


def test_strike_that_disables_the_command_post_by_kind(tmp_path):
    strikes = {
        "sites": [site("hq", (10.0, -66.0), ["SAM"])],
        "strikes": [
            strike(
                "k",
                "hq",
                1,
                p_destroy={"command_post": 0.0, "*": 0.0},
                p_disable={"command_post": 1.0},
            )
        ],
    }
    rows = run(tmp_path, [], strikes)
    # only the command post is hit (disabled, not destroyed): the chain stops at reported
    assert all((r["stage"], r["reason"]) == ("tracked", "NOT_MISSION_CAPABLE") for r in rows)


def test_strike_probabilities_above_one_are_refused(tmp_path):
    import pytest

    from iadsim.errors import ScenarioError

    hq = [site("hq", (10.0, -66.0), ["SAM"])]
    bad_kind = {"sites": hq, "strikes": [strike("k", "hq", 1, p_destroy={"radar_x": 0.5})]}
    path = write_scenario(tmp_path, base([], bad_kind), "bad.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert any(p.field.startswith("strikes[0].p_destroy") for p in info.value.problems)
    over_one = {"sites": hq, "strikes": [strike("k", "hq", 1, p_destroy=0.7, p_disable=0.5)]}
    write_scenario(tmp_path, base([], over_one), "bad.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert any("> 1" in p.message for p in info.value.problems)


def test_the_first_break_along_the_way_is_named(tmp_path):
    for links, expected in (
        ([], "NOT_MISSION_CAPABLE"),  # only the post is broken
        ([link("SAM/radar", "SAM/cp", up=False)], "LINK_DOWN"),  # the link comes first
    ):
        path = write_scenario(tmp_path, base(links, cp_readiness="not_mission_capable"))
        prepared = prepare(load_scenario(path))
        rows = [
            {r["unit"]: r for r in prepared.replicate(s).ledger.table().to_pylist()}["SAM"]
            for s in range(3)
        ]
        # both sensors stop at tracked; the acquisition radar, the first one, names its cause
        assert all(r["reason"] == expected for r in rows), (links, rows)
