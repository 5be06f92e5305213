"""Strikes on named sites; a destroyed relay cuts exactly the links through it."""

from types import SimpleNamespace

import numpy as np
import pytest

from iadsim.errors import ValueRangeError
from iadsim.threats.strikes import (
    MemberRole,
    SiteMember,
    Strike,
    StrikeEffect,
    links_cut,
    resolve_schedule,
    resolve_strike,
)

VOLCAN = [
    SiteMember("VOLCAN-RELAY", "relay", MemberRole.NODE),
    SiteMember("VOLCAN-MAST", "antenna", MemberRole.COMPONENT),
]
LINKS = [
    ("EW-1", "C2", ("VOLCAN-RELAY",)),
    ("C2", "SAM-BN", ()),
    ("SAM-BN", "TEL-1", ("VOLCAN-RELAY", "R2")),
    ("VOLCAN-RELAY", "C2", ()),
    ("EW-2", "C2", ("R2",)),
]


def test_strike_on_relay_cuts_exactly_its_links():
    s = Strike(3600.0, "el-volcan", "cruise-missile", p_destroy={"relay": 1.0})
    res = resolve_strike(np.random.default_rng(0), s, VOLCAN)
    assert res.destroyed_nodes == {"VOLCAN-RELAY"}
    effects = {o.member_id: o.effect for o in res.outcomes}
    assert effects == {"VOLCAN-RELAY": StrikeEffect.DESTROYED, "VOLCAN-MAST": StrikeEffect.UNHARMED}
    assert links_cut(LINKS, res.destroyed_nodes) == [LINKS[0], LINKS[2], LINKS[3]]
    assert links_cut(LINKS, res.destroyed_nodes, include_endpoints=False) == [LINKS[0], LINKS[2]]
    assert links_cut(LINKS, []) == []


def test_links_cut_accepts_link_objects():
    objs = [SimpleNamespace(a=a, b=b, via=via) for a, b, via in LINKS]
    assert links_cut(objs, {"R2"}) == [objs[2], objs[4]]


def test_probability_lookup_kind_then_role_then_star():
    s = Strike(
        0.0, "x", "bomb", p_destroy={"relay": 0.9, "node": 0.5, "*": 0.1}, p_disable={"*": 0.2}
    )
    assert s.probabilities(SiteMember("a", "relay", MemberRole.NODE)) == (0.9, 0.0)
    assert s.probabilities(SiteMember("b", "switch", MemberRole.NODE)) == (0.5, 0.0)
    assert s.probabilities(SiteMember("c", "tel", MemberRole.COMPONENT)) == (0.1, 0.2)
    assert Strike(0.0, "x", "bomb").probabilities(VOLCAN[0]) == (0.0, 0.0)
    with pytest.raises(ValueRangeError, match="> 1"):
        Strike(0.0, "x", "bomb", p_destroy={"relay": 0.7}, p_disable={"relay": 0.5})
    with pytest.raises(ValueRangeError):
        Strike(0.0, "x", "bomb", p_destroy={"relay": -0.1})


def test_destroy_disable_frequencies_converge():
    n = 20_000
    members = [SiteMember(f"m{i}", "tel") for i in range(n)]
    s = Strike(0.0, "x", "bomb", p_destroy={"tel": 0.3}, p_disable={"tel": 0.2})
    res = resolve_strike(np.random.default_rng(42), s, members)
    eff = np.array([o.effect for o in res.outcomes])
    for eff_kind, p in ((StrikeEffect.DESTROYED, 0.3), (StrikeEffect.DISABLED, 0.2)):
        assert abs((eff == eff_kind).mean() - p) < 4 * np.sqrt(p * (1 - p) / n)
    assert res.destroyed_nodes == frozenset()  # components are not network nodes


def test_schedule_in_time_order_and_destroyed_stay_destroyed():
    sites = {
        "el-volcan": VOLCAN,
        "la-carlota": [SiteMember("LC-CP", "command-post", MemberRole.UNIT)],
    }
    strikes = [
        Strike(200.0, "el-volcan", "bomb", p_destroy={"*": 1.0}),
        Strike(100.0, "la-carlota", "bomb", p_disable={"command-post": 1.0}),
        Strike(50.0, "el-volcan", "bomb", p_destroy={"relay": 1.0}),
    ]
    res = resolve_schedule(strikes, sites, lambda s: np.random.default_rng(hash(s.site) % 1000))
    assert [r.strike.time_s for r in res] == [50.0, 100.0, 200.0]
    assert res[0].destroyed_nodes == {"VOLCAN-RELAY"}
    assert res[1].outcomes[0].effect is StrikeEffect.DISABLED
    # the relay is already gone at 200 s: only the mast is reported
    assert [o.member_id for o in res[2].outcomes] == ["VOLCAN-MAST"]
    with pytest.raises(ValueRangeError, match="unknown site"):
        resolve_schedule([Strike(1.0, "nowhere", "bomb")], sites, lambda s: np.random.default_rng())
