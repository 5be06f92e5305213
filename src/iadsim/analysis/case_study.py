"""The case study, computed: every number docs/case-study.md quotes comes from here.

`run_case_study` answers the four questions of the Caracas case with intervals:
1. what the bought equipment should have done (the scenario with every defence condition as
   designed: detection, tracking, engagement, kills per aircraft);
2. where each aircraft's kill chain broke and why (the observed scenario's ledger);
3. how much each defence condition explains, interactions included (analysis.attribute);
4. counterfactuals (each defence condition restored alone, full readiness, autonomous
   fallback, no deterrence, no strikes) with paired intervals, and some with the parameter
   uncertainty included (analysis.uncertainty);
and it tests which conclusions survive each notional number's plausible range, and scores
the night against its public record (NAME.record.yaml, analysis.scoring). The
counterfactual list is built from analysis.factors, so a factor group added there (a new
connectivity mechanism, say) appears in the case study without editing this module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from iadsim.analysis.attacker import attacker_attributions
from iadsim.analysis.attribute import attribution_for, run_attribution, subset_name
from iadsim.analysis.baselines import AS_DELIVERED, BRAND_NEW
from iadsim.analysis.butfor import causes_per_night, minimal_sets_words
from iadsim.analysis.case_outcomes import (
    SAM_METRIC,
    outcome_summary,
    paired_outcomes,
    where_chains_broke,
)
from iadsim.analysis.conclusions_file import (
    Conclusions,
    check_unchanged,
    conclusions_path,
    load_conclusions,
    record_start,
)
from iadsim.analysis.factors import (
    ATTACKER_GROUPS,
    FACTOR_GROUPS,
    SIDES,
    active_groups,
    as_designed,
    mechanisms,
    scenario_data,
)
from iadsim.analysis.history import record_path
from iadsim.analysis.metrics import DEFAULT_METRIC, units_of_class
from iadsim.analysis.montecarlo import StoredBatch, run_stores
from iadsim.analysis.robustness import WHATIFS, outcomes_from_stores, survive_ranges
from iadsim.analysis.runner import ProgressFn, Runner, no_progress
from iadsim.analysis.store import ResultStore, store_path
from iadsim.analysis.uncertain_model import UncertainModel
from iadsim.analysis.uncertainty import (
    WhatIf,
    latin_hypercube,
    morris,
    run_sets,
    two_level_interval,
)
from iadsim.analysis.variants import make_variant, parse_group
from iadsim.engine.run import Prepared, prepare, prepare_variant
from iadsim.scenario import Scenario

READINESS = ("storage", "maintenance", "crews")


@dataclass(frozen=True)
class Precision:
    """How hard the case study works (the defaults meet the 3-point target)."""

    target: float = 0.03
    n_min: int = 40
    n_max: int = 400
    cf_n: int = 100  # what-ifs run on their own: paired with the first cf_n observed ones
    oat_n_min: int = 24  # sensitivity: replications per range end, doubled where undecided
    oat_n_max: int = 96
    lhs_sets: int = 12
    lhs_n: int = 10
    morris_r: int = 2
    morris_n: int = 8
    record_n: int = 400  # replications scoring the night against its record
    quick: bool = False  # a reduced run: the documents say so


def sam_units(scenario: Scenario) -> list[str]:
    """Units with a SAM-class weapon (analysis.metrics: a missile that is not infrared-guided,
    from the catalog type): the SAM batteries."""
    return units_of_class(scenario, "sam")


RUN_DIRS = ("attribute", "counterfactuals", "attacker", "sets")
"""The directories of OUT that hold a case study's runs."""


def any_runs(out: Path) -> bool:
    """Whether OUT holds runs of a case study."""
    return any((Path(out) / d).is_dir() for d in RUN_DIRS)


def counterfactual_list(groups: list[str], scenario: Scenario) -> list[dict]:
    """What-ifs: each defence condition restored alone, full readiness, all as designed (all
    read from the attribution's subset stores), then runs of their own: autonomous fallback
    of the SAM batteries and every attacker action removed."""
    k = {g: i for i, g in enumerate(groups)}
    items = []
    for g in groups:
        items.append(
            {"name": f"{g} as designed", "meaning": FACTOR_GROUPS[g].meaning, "mask": 1 << k[g]}
        )
    ready = [g for g in READINESS if g in k]
    if len(ready) > 1:
        items.append(
            {
                "name": "full readiness",
                "meaning": "; ".join(FACTOR_GROUPS[g].meaning for g in ready),
                "mask": sum(1 << k[g] for g in ready),
            }
        )
    items.append(
        {"name": "all as designed", "meaning": "every defence condition", "mask": (1 << len(k)) - 1}
    )
    items.append(
        {
            "name": "upper bound",
            "meaning": "every defence condition as designed with brand-new equipment and elite "
            "crews (" + BRAND_NEW.label + ")",
            "groups": tuple(groups),
            "baseline": BRAND_NEW.key,
        }
    )
    mech = mechanisms(scenario)
    if len(mech) > 1:  # the connection restored mechanism by mechanism
        for m in mech:
            items.append(
                {"name": f"{m} restored", "meaning": FACTOR_GROUPS[m].meaning, "groups": (m,)}
            )
    sams = sam_units(scenario)
    data = scenario_data(scenario)
    if sams and all("authority" in u for u in data["units"] if u["id"] in sams):
        items.append(
            {
                "name": "authority delegated",
                "meaning": "release authority delegated to the SAM batteries: released, and "
                "fighting on their own radars when cut off from their post: " + ", ".join(sams),
                "set": ";".join(
                    f"units.{u}.authority.p_released=1;units.{u}.authority.p_delegated=1"
                    for u in sams
                ),
            }
        )
    elif sams:
        has_fallback = all("fallback" in u for u in data["units"] if u["id"] in sams)
        how = "fallback.allowed=true" if has_fallback else "c2_mode=autonomous"
        items.append(
            {
                "name": "autonomous fallback",
                "meaning": f"the SAM batteries fight on their own radars ({how}): "
                + ", ".join(sams),
                "set": ";".join(f"units.{u}.{how}" for u in sams),
            }
        )
    guns = [g["id"] for g in data.get("guns") or []]
    if guns:  # gun sites of their own (scenario `guns:`): none manned at the hour
        items.append(
            {
                "name": "guns silent",
                "meaning": "no gun, heavy machine gun or rifle fires (every gun site unmanned): "
                + ", ".join(guns),
                "set": ";".join(f"guns.{g}.p_manned=0" for g in guns),
            }
        )
    for g in active_groups(scenario, ATTACKER_GROUPS):
        items.append({"name": f"no {g}", "meaning": FACTOR_GROUPS[g].meaning, "groups": (g,)})
    return items


class _Phases:
    """The case study's steps and their wall seconds (keyed by the text before a message's
    ':'); `say` ends the current step, starts the next and tells the progress function."""

    def __init__(self, progress: ProgressFn | None, t0: float):
        self.phases: dict[str, float] = {}
        self.current: tuple[str, float] = ("preparing", t0)
        self.tell = progress or no_progress

    def say(self, msg: str) -> None:
        now = time.perf_counter()
        name, since = self.current
        self.phases[name] = self.phases.get(name, 0.0) + now - since
        self.current = (msg.split(":")[0], now)
        self.tell(0, 0, f"case study: {msg}")


def _as_written_and_designed(sc: Scenario, attr, a, out: Path, metric: str) -> dict:
    """The night as written and as designed (the attribution's empty and full subsets), where
    their chains broke, and the attribution read for aircraft shot down and SAM launches."""
    groups = list(a.groups)

    def subset_store(mask: int) -> ResultStore:
        return ResultStore(
            store_path(out / "attribute" / "subsets" / subset_name(mask, a.groups)), writer=False
        )

    full = (1 << len(groups)) - 1
    with subset_store(0) as observed, subset_store(full) as designed:
        result = {
            "scenario": sc.spec.scenario,
            "sam_units": sam_units(sc),
            # guns as weapons of units, or as gun sites of their own (scenario `guns:`)
            "gun_units": units_of_class(sc, "gun")
            + [g.id for g in getattr(sc.spec, "guns", None) or []],
            "n": a.n,
            "observed": outcome_summary(observed),
            "designed": outcome_summary(designed),
            "chains_observed": where_chains_broke(observed),
            "chains_designed": where_chains_broke(designed),
        }
    result["attribution"] = {**attr.to_dict(), **a.to_dict(), "metric": DEFAULT_METRIC}
    result["precision_metric"] = metric
    result["attribution_sam"] = {
        **attr.to_dict(),
        **attribution_for(attr, SAM_METRIC).to_dict(),
        "metric": SAM_METRIC,
    }
    # causes per night, not only shares (analysis.butfor): the same replications, nothing run
    result["causes"] = {}
    for m in (DEFAULT_METRIC, SAM_METRIC):
        c = causes_per_night(attr, m)
        result["causes"][m] = {**c.to_dict(), "words": minimal_sets_words(c)}
    result["meanings"] = {g: FACTOR_GROUPS[g].meaning for g in groups}
    return result


def run_case_study(
    scenario: str | Path,
    ranges: str | Path | None,
    out: str | Path,
    *,
    precision: Precision = Precision(),
    workers: int = 1,
    root_seed: int = 1,
    progress: ProgressFn | None = None,
    prepared: Prepared | None = None,
    metric: str = DEFAULT_METRIC,
    conclusions: Conclusions | None = None,
) -> dict:
    """Run every analysis of the case study into OUT and return its numbers (JSON-ready).

    The attribution adds replications until its shares of `metric` (a registry name,
    analysis.metrics) meet the precision target; it is then read for aircraft shot down and
    for SAM launches (the same replications: the stores hold every metric). `conclusions`
    (default: NAME.conclusions.yaml beside the scenario) are checked against the record of
    those the stores in OUT were made with (analysis.conclusions_file: refused if one changed
    unrecorded) before anything runs.
    `progress(done, total, what)` as in every analysis; each step starts with a call of
    total 0 naming it (its wall time is kept in the result's `phases_s`)."""
    t0 = time.perf_counter()
    out = Path(out)
    if conclusions is None:
        conclusions = load_conclusions(conclusions_path(scenario))
    check_unchanged(out, conclusions, runs_exist=any_runs(out))
    record_start(out, conclusions)
    clock = _Phases(progress, t0)
    say = clock.say
    base = prepared if prepared is not None else prepare(scenario)
    sc = base.scenario
    say("attribution")
    common = {"workers": workers, "root_seed": root_seed, "progress": progress}
    attr = run_attribution(
        base,
        out / "attribute",
        None,
        target=precision.target,
        n_min=precision.n_min,
        n_max=precision.n_max,
        resume=True,
        metric=metric,
        **common,
    )
    a = attr.attribution if metric == DEFAULT_METRIC else attribution_for(attr, DEFAULT_METRIC)
    n = a.n
    result = _as_written_and_designed(sc, attr, a, out, metric)

    say("counterfactuals")
    cfs = _counterfactuals(base, a, min(n, precision.cf_n), out, common)
    result["counterfactuals"] = cfs
    say("attacker: the two sides and the attacker's actions")
    result["attacker"] = attacker_attributions(
        base, out / "attacker", min(n, precision.cf_n), **common
    )
    result["attacker_meanings"] = {
        g: FACTOR_GROUPS[g].meaning for g in (*result["attacker"]["players"], *SIDES)
    }
    result["baseline"] = {
        "as_designed": AS_DELIVERED.__dict__,
        "upper_bound": BRAND_NEW.__dict__,
        "availability": AS_DELIVERED.availability(),
    }

    if ranges is not None:
        result["uncertainty"] = _uncertainty(
            scenario, ranges, base, out / "attribute" / "subsets", a, precision, workers,
            root_seed, say, progress, out, conclusions,
        )  # fmt: skip
    if record_path(Path(scenario)).exists():
        from iadsim.analysis.scoring import score_case

        say("the record of the night")
        with Runner(workers) as runner:
            result["record"] = score_case(Path(scenario), precision.record_n, root_seed, runner)
    say("done")
    result["conclusions"] = {
        "file": str(conclusions.path),
        "forms": conclusions.forms(),
        "stamps": conclusions.stamps(),
        "history": conclusions.history(),
    }
    result["wall_s"] = time.perf_counter() - t0
    result["phases_s"] = [[name, sec] for name, sec in clock.phases.items()]  # in order
    result["precision"] = precision.__dict__
    result["workers"] = workers
    return result


def _counterfactuals(base: Prepared, a, n_cf: int, out: Path, common: dict) -> list[dict]:
    """Every what-if of `counterfactual_list` beside the observed scenario: those the
    attribution ran are read from its subset stores, the others run together on one pool
    (the first n_cf seeds) into OUT/counterfactuals/<name>."""
    sc = base.scenario
    items = counterfactual_list(list(a.groups), sc)
    subsets = out / "attribute" / "subsets"
    paths, batches = {}, []
    for item in items:
        if "mask" in item:
            paths[item["name"]] = subsets / subset_name(item["mask"], a.groups)
            continue
        if "set" in item:
            variant = make_variant(sc, parse_group(item["set"]))
        else:
            variant = as_designed(sc, item["groups"], item.get("baseline"))
        where = out / "counterfactuals" / item["name"].replace(" ", "-")
        batches.append(
            StoredBatch(item["name"], prepare_variant(base, variant), where, item["name"])
        )
        paths[item["name"]] = where
    with Runner(common["workers"]) as runner:
        run_stores(
            batches,
            n_cf,
            runner,
            root_seed=common["root_seed"],
            resume=True,
            progress=common["progress"],
            what=f"counterfactuals: {len(batches)} what-ifs x {n_cf} replications",
        )
    observed = subsets / subset_name(0, a.groups)
    cfs = []
    for item in items:
        with (
            ResultStore(observed, writer=False) as obs,
            ResultStore(paths[item["name"]], writer=False) as other,
        ):
            cfs.append(
                {
                    "name": item["name"],
                    "meaning": item["meaning"],
                    **outcome_summary(other),
                    "vs_observed": paired_outcomes(obs, other),
                }
            )
    return cfs


def _uncertainty(
    scenario, ranges, base, attr_out, a, precision, workers, root_seed, say, progress, out,
    conclusions,
) -> dict:  # fmt: skip
    groups = list(a.groups)
    model = UncertainModel.load(scenario, ranges)
    whatifs = [
        WhatIf(WHATIFS[0], tuple(g for g in groups if g == "connectivity")),
        WhatIf(WHATIFS[1], tuple(groups)),
    ]
    nominal_base = prepare_variant(base, model.nominal_scenario())
    sams = sam_units(base.scenario)
    conn = 1 << groups.index("connectivity") if "connectivity" in groups else 0

    def store(mask: int) -> ResultStore:
        return ResultStore(store_path(attr_out / subset_name(mask, a.groups)), writer=False)

    with store(0) as obs, store(conn) as con, store((1 << len(groups)) - 1) as des:
        nominal = outcomes_from_stores(obs, con, des, sams, len(base.scenario.spec.raid), a.n)
    say("sensitivity: each assumption at the ends of its range")
    run = {"workers": workers, "root_seed": root_seed, "base": nominal_base, "keep": out}
    survival = survive_ranges(
        model,
        nominal,
        sams,
        whatifs,
        conclusions=conclusions.conclusions,
        m_min=precision.oat_n_min,
        m_max=precision.oat_n_max,
        **run,
        progress=progress,
    )
    say("counterfactuals with parameter uncertainty")
    lhs = latin_hypercube(model, precision.lhs_sets, seed=root_seed)
    sets = run_sets(model, lhs, precision.lhs_n, whatifs=whatifs, progress=progress, **run)
    with_params = []
    for w, name in enumerate(sets.whatifs, 1):
        d = sets.killed[:, w] - sets.killed[:, 0]
        m, lo, hi = two_level_interval(d)
        anyd = (sets.killed[:, w] > 0).astype(float) - (sets.killed[:, 0] > 0).astype(float)
        pm, plo, phi = two_level_interval(anyd)
        with_params.append(
            {
                "name": name,
                "mean_killed_diff": {"mean": m, "lo": lo, "hi": hi},
                "p_any_killed_diff": {"mean": pm, "lo": plo, "hi": phi},
            }
        )
    m, lo, hi = two_level_interval(sets.killed[:, 0])
    say("global sensitivity (Morris)")
    s_mean, s_any, msets = morris(
        model, precision.morris_r, precision.morris_n, seed=root_seed, progress=progress, **run
    )
    return {
        "ranges": str(ranges),
        "survival": survival,
        "lhs": {"sets": precision.lhs_sets, "n": precision.lhs_n},
        "observed_with_params": {"mean": m, "lo": lo, "hi": hi},
        "counterfactuals_with_params": with_params,
        "morris": {
            "sets": int(msets.values.shape[0]),
            "n": precision.morris_n,
            "mean_killed": s_mean.rows(),
            "p_any_killed": s_any.rows(),
        },
    }
