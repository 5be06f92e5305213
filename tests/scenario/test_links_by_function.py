"""A unit's internal links as designed: medium and message kinds from the catalog, by role."""

from __future__ import annotations

from iadsim.scenario.load import load_scenario
from tests.builders import CARACAS


def by_pair(sc):
    return {frozenset((lk.from_, lk.to)): lk for lk in sc.links}


def test_s300vm_battery_links_by_role_pair() -> None:
    links = by_pair(load_scenario(CARACAS))
    s = "S300-BN/"
    # a TELAR is a launcher and a sensor: one radio link to the post carrying both roles' kinds
    lk = links[frozenset((s + "cp", s + "telar-1"))]
    assert lk.kind == "radio"
    assert set(lk.carries) == {"target_designation", "track_report", "status"}
    # radars report to the post by cable
    lk = links[frozenset((s + "surv-radar", s + "cp"))]
    assert lk.kind == "cable" and set(lk.carries) == {"track_report", "status"}
    # fire-control data from each TELAR to the loader-launchers, nothing else
    lk = links[frozenset((s + "telar-1", s + "ll-2"))]
    assert lk.carries == ["fire_control"]
    # no TELAR-to-TELAR fire control: each guides with its own radar
    assert frozenset((s + "telar-1", s + "telar-2")) not in links
    # the guidance radar designates through the post, not straight to the launchers
    assert frozenset((s + "engage-radar", s + "ll-1")) not in links


def test_listed_links_carry_every_kind_unless_they_say() -> None:
    links = by_pair(load_scenario(CARACAS))
    lk = links[frozenset(("EW-VOLCAN/ew-radar", "RELAY-VOLCAN/mast"))]
    assert lk.carries is None  # any kind
