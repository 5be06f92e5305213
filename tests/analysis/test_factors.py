"""Factor groups as pure transformations of scenario data (the connection mechanisms are
checked on plain dicts, so they hold whatever the scenario format adds around them)."""

from __future__ import annotations

import copy

from iadsim.analysis.factors import CONNECTION_MECHANISMS, FACTOR_GROUPS

DATA = {
    "units": [
        {
            "id": "SAM",
            "deployment": {"state": "garrison", "ordered_s": 0.0, "march_s": 600.0},
            "power": [
                {"id": "gen", "type": "diesel-generator", "readiness": "not_mission_capable"}
            ],
            "components": [
                {
                    "id": "radar",
                    "comms": [
                        {
                            "type": "radio-set",
                            "maintenance": {"last_overhaul_year": 2009, "regime": "minimal"},
                        }
                    ],
                    "readiness": {"operational": 0.4, "in_storage": 0.3},
                }
            ],
        },
        {"id": "EW", "deployment": {"state": "deployed", "network_at_start": "down"}},
    ],
    "network": {
        "links": [{"from": "a", "to": "b", "up": False, "mtbf_s": 10.0, "mttr_s": 5.0}],
        "integrations": [{"sensor": "EW/radar", "command_post": "SAM/cp", "integrated": False}],
    },
    "strikes": [{"id": "s"}],
}


def applied(name: str) -> dict:
    data = copy.deepcopy(DATA)
    FACTOR_GROUPS[name].apply(data)
    return data


def test_each_connection_mechanism_changes_only_its_part():
    assert applied("links")["network"]["links"] == [{"from": "a", "to": "b", "up": True}]
    assert applied("power")["units"][0]["power"][0]["readiness"] == "operational"
    comms = applied("comms")["units"][0]["components"][0]["comms"][0]
    assert comms["maintenance"]["regime"] == "full" and comms["maintenance"]["supplier_support"]
    dep = applied("deployment")["units"]
    assert dep[0]["deployment"] == {"state": "deployed"}
    assert dep[1]["deployment"]["network_at_start"] == "up"
    assert applied("integration")["network"]["integrations"][0]["integrated"] is True
    for name in CONNECTION_MECHANISMS:
        out = applied(name)
        assert out["strikes"] == DATA["strikes"]  # attacker actions untouched
        assert (
            out["units"][0]["components"][0]["readiness"]
            == DATA["units"][0]["components"][0]["readiness"]
        )


def test_connectivity_is_every_mechanism_together():
    data = copy.deepcopy(DATA)
    for name in CONNECTION_MECHANISMS:
        FACTOR_GROUPS[name].apply(data)
    assert applied("connectivity") == data


def test_storage_and_groups_that_change_nothing():
    out = applied("storage")["units"][0]["components"][0]["readiness"]
    assert out["operational"] == 0.7 and "in_storage" not in out
    plain = {"units": [{"id": "X", "components": [{"id": "c"}]}]}
    for name in ("storage", "maintenance", "links", "comms", "power", "strikes", "jamming"):
        assert not FACTOR_GROUPS[name].changes(plain), name
