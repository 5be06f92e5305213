"""The gate order is defined once (killchain.GATE_ORDER): the gates' headline reason and the
failing element named by engine.culprits both follow it."""

from __future__ import annotations

import ast
import inspect

import numpy as np

from iadsim.engine import culprits
from iadsim.engine.run import prepare
from iadsim.killchain import GATE_ORDER, REASON_CODE, Reason, Stage, Step, first_blocking
from tests.builders import aircraft, component, link, make_scenario, unit, write_scenario

# a helicopter hovering 11 km north of the battery for ten minutes
HOVER = [
    {"lat_deg": 10.12, "lon_deg": -66.0, "alt_m": 500},
    {"lat_deg": 10.10, "lon_deg": -66.0, "alt_m": 500, "loiter_s": 600},
    {"lat_deg": 10.12, "lon_deg": -66.0, "alt_m": 500},
]
C = REASON_CODE


def test_every_step_is_in_the_order_once_and_gates_follow_the_stages() -> None:
    assert [g.step for g in GATE_ORDER] == list(Step)
    gates = [g.gate for g in GATE_ORDER]
    assert gates == sorted(gates)  # a later step never belongs to an earlier gate
    assert {g.gate for g in GATE_ORDER} == {Stage.REPORTED, Stage.ASSIGNED, Stage.FIRE_CONTROL}


def test_first_blocking_takes_the_stated_order_whatever_the_order_asked() -> None:
    post = np.array([C[Reason.IN_STORAGE], 0, C[Reason.IN_STORAGE], 0])
    path = np.array([C[Reason.LINK_DOWN], C[Reason.LINK_DOWN], 0, 0])
    integ = C[Reason.NOT_INTEGRATED]
    # by hand: path first where it is down, then the post, then integration
    want = [C[Reason.LINK_DOWN], C[Reason.LINK_DOWN], C[Reason.IN_STORAGE], integ]
    for codes in (
        {Step.INTEGRATION: integ, Step.POST: post, Step.SENSOR_TO_POST: path},
        {Step.SENSOR_TO_POST: path, Step.POST: post, Step.INTEGRATION: integ},
    ):
        assert first_blocking(codes).tolist() == want
    assert first_blocking({Step.LAUNCHER: np.zeros(3, int)}).tolist() == [0, 0, 0]


def test_culprits_search_every_step_of_the_order_and_write_none_of_their_own() -> None:
    """The failing-element search names a finder for each step and takes them from
    GATE_ORDER: no stage comparison of its own."""
    src = inspect.getsource(culprits.failing_elements)
    tree = ast.parse(src)
    steps = {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "Step"
    }
    assert steps == {s.name for s in Step}
    assert "g.passed_at" in src  # which steps to search comes from the order


def battery(tmp_path, cp_readiness: str | None, cut: bool, name: str):
    cp = component("cp", "command-post-mr", **({"readiness": cp_readiness} if cp_readiness else {}))
    sam = unit(
        "SAM",
        "sam-medium-range",
        [component("acq", "acquisition-radar-mr"), cp, component("telar-1", "telar-mr")],
        fallback={"allowed": False},
    )
    links = [link("SAM/acq", "SAM/cp", id="acq-cp", kind="cable", up=not cut)]
    spec = make_scenario(
        name,
        units=[sam],
        raid=[aircraft("H", "transport-helicopter", HOVER)],
        links=links,
        duration_s=700,
    )
    return prepare(write_scenario(tmp_path, spec, f"{name}.yaml"))


def test_a_cut_link_before_a_stored_post_speaks_for_the_chain_and_names_itself(tmp_path) -> None:
    """The radar tracks the helicopter; its link to the post is cut and the post is in
    storage: the path comes before the post in GATE_ORDER, so the headline is LINK_DOWN
    and the element the link; with the link up the post's storage speaks (the post)."""
    both = battery(tmp_path, "in_storage", True, "both").replicate(1).ledger.table().to_pylist()
    assert (both[0]["stage"], both[0]["reason"], both[0]["element"]) == (
        "tracked",
        "LINK_DOWN",
        "acq-cp",
    )
    post = battery(tmp_path, "in_storage", False, "post").replicate(1).ledger.table().to_pylist()
    assert (post[0]["stage"], post[0]["reason"], post[0]["element"]) == (
        "tracked",
        "IN_STORAGE",
        "SAM/cp",
    )
