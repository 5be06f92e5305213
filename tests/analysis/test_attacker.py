"""The attacker in the picture (analysis.attacker): the two sides' Shapley values add up to the
gap they split, the night as written is the same replications as a plain batch with the same
seeds, and the attacker's actions that change nothing are not players."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iadsim.analysis.attacker import attacker_attributions
from iadsim.analysis.factors import ATTACKER_GROUPS, active_groups
from iadsim.analysis.montecarlo import run_batch
from iadsim.analysis.store import ResultStore


def test_two_sides_and_the_actions_on_the_tutorial(tutorial_prepared, tmp_path):
    n = 6
    r = attacker_attributions(tutorial_prepared, tmp_path / "att", n, root_seed=3)
    assert r["players"] == active_groups(tutorial_prepared.scenario, ATTACKER_GROUPS)
    assert r["players"] and "cyber" not in r["players"]  # the tutorial has no cyber attack
    for metric in ("killed", "sam_launches"):
        sides = r["sides"][metric]
        assert sides["groups"] == ["defence_conditions", "attacker_actions"]
        phi = sum(e["shapley"]["mean"] for e in sides["effects"])
        assert math.isclose(phi, sides["total"]["mean"], abs_tol=1e-9)  # efficiency
        acts = r["actions"][metric]
        assert sorted(acts["groups"]) == sorted(r["players"])
        assert math.isclose(acts["observed"]["mean"], sides["observed"]["mean"])
    # the night as written: the same seeds as a plain batch (a second path to the same mean)
    run_batch(tutorial_prepared, n, tmp_path / "plain", root_seed=3, progress=False)
    with ResultStore(tmp_path / "plain", writer=False) as store:
        killed = np.mean([row["killed"] for row in store.rows("replications")])
    assert r["sides"]["killed"]["observed"]["mean"] == pytest.approx(killed)
