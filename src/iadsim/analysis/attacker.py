"""The attacker in the picture: how much of the outcome the defence's state explains and how
much the attacker's actions (issue 25.4).

Two attributions beside the defence-conditions one, on the same seeds (common random
numbers), each an ordinary `run_attribution` over factor groups (analysis.factors):
- **the two sides**: two players, `defence_conditions` (every defence condition as designed)
  and `attacker_actions` (every attacker action removed). Their Shapley values split the gap
  between the night as written and a designed defence facing no attacker action into the
  defence's part and the attacker's part, with the pair's interaction (positive: each side's
  effect needs the other's);
- **the attacker's actions**: each action that changes something in the scenario (strikes,
  jamming, SEAD, decoys, cyber, return fire) a player, the defence as written: how much
  removing each one adds.
Both are read for aircraft shot down and for SAM launches (the stores hold every metric).
"""

from __future__ import annotations

from pathlib import Path

from iadsim.analysis.attribute import attribution_for, run_attribution
from iadsim.analysis.factors import ATTACKER_GROUPS, SIDES, active_groups
from iadsim.analysis.runner import ProgressFn
from iadsim.engine.run import Prepared

METRICS = ("killed", "sam_launches")
"""What the attacker-inclusive attributions are read for."""


def attacker_attributions(
    base: Prepared,
    out: Path,
    n: int,
    *,
    workers: int = 1,
    root_seed: int = 1,
    progress: ProgressFn | None = None,
    baseline: str | None = None,
) -> dict:
    """Both attributions with n replications per subset, into OUT/sides and OUT/actions;
    JSON-ready: {"sides": {metric: attribution}, "actions": {metric: attribution} | None,
    "players": [...]}."""
    common = {
        "workers": workers,
        "root_seed": root_seed,
        "progress": progress,
        "n_min": n,
        "n_max": n,
        "resume": True,
        "baseline": baseline,
    }
    out = Path(out)
    result: dict = {"n": n, "players": active_groups(base.scenario, ATTACKER_GROUPS, baseline)}
    sides = run_attribution(base, out / "sides", list(SIDES), **common)
    result["sides"] = {m: _read(sides, m) for m in METRICS}
    result["actions"] = None
    if result["players"]:
        actions = run_attribution(base, out / "actions", result["players"], **common)
        result["actions"] = {m: _read(actions, m) for m in METRICS}
    return result


def _read(run, metric: str) -> dict:
    a = run.attribution if run.metric == metric else attribution_for(run, metric)
    return {**a.to_dict(), "metric": metric}
