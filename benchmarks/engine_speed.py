"""The engine's cost on the Caracas case study (issue 15: the case study's thousands of
replications on 2 cores): one `prepare` (world and seed-independent geometry), one
replication, and one what-if variant that changes only a missile's Pk (`prepare_variant`,
which reuses the geometry when the variant changes nothing the geometry reads).

Every figure is the CPU time of this thread (wall time on a shared machine measures the
others too), the minimum over `--repeats` rounds: the least disturbed measurement of the
same work. A replication's figure is the mean over the same `--n` seeds in each round,
timed as a batch runs them (`analysis.runner.long_lived_frozen`: the objects alive before
the batch, the modules imported among them, are left out of the garbage collector's
passes), then again with the collector as it is. Last line: `caracas_rep_ms=<r>
collector_as_is_ms=<c> prepare_s=<p> variant_s=<v> repeats=<k>`.

`--phases` then runs the same seeds once more with a thread-time timer around each phase of
`engine.replication.Replication.run` (the processes' set-up, the chains, the event loop, the
finish) and each kind of event handler, and prints their mean per replication: where the
time goes, to profile before optimising (the timers add a little to each; phases nest: the
chains worked out again inside an event count in that event's handler and in the chains).

    .venv/bin/python benchmarks/engine_speed.py [--n 30] [--repeats 3] [--phases]

`--issue-23` times the case study as it was when issue 23 set its target of 50 ms a
replication (five aircraft; benchmarks/data/caracas-at-issue-23.yaml): today's bundled case
study has 21.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARACAS = ROOT / "scenarios" / "caracas-2026-01-03.yaml"
# the case study when issue 23 set its target (50 ms a replication): five aircraft, frozen
CARACAS_AT_ISSUE_23 = ROOT / "benchmarks" / "data" / "caracas-at-issue-23.yaml"


def _cpu_s(fn, *args) -> tuple[float, object]:
    """CPU seconds of this thread to run `fn(*args)`, and what it returned."""
    c0 = time.thread_time()
    out = fn(*args)
    return time.thread_time() - c0, out


def _replicate_all(prepared, seeds) -> None:
    for seed in seeds:
        prepared.replicate(seed)


def pk_variant(scenario):
    """The scenario with every missile's Pk scaled by 0.9: a what-if the geometry ignores."""
    weapons = {
        name: m.model_copy(update={"pk": {kind: 0.9 * pk for kind, pk in m.pk.items()}})
        for name, m in scenario.catalog.weapons.items()
    }
    catalog = scenario.catalog.model_copy(update={"weapons": weapons})
    return dataclasses.replace(scenario, catalog=catalog)


# the steps of Replication.run timed by --phases: names in engine.replication it calls
PHASES = {
    "readiness and strikes (Equipment)": "Equipment",
    "cyber": "Cyber",
    "crews": "Crews",
    "network": "replication_network",
    "sensing": "Sensing",
    "sector command": "SectorCommand",
    "fight set-up": "Fight",
}


@contextlib.contextmanager
def phase_timers(acc: dict[str, float]):
    """Thread time accumulated into `acc` per phase of a replication and per event handler
    (by qualified name), while the context is open; the engine is restored afterwards."""
    from iadsim.engine import replication as rep
    from iadsim.engine.scheduler import EventQueue

    original_schedule = EventQueue.schedule

    def timed(label, fn):
        def wrapper(*args, **kwargs):
            t0 = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                acc[label] += time.thread_time() - t0

        return wrapper

    def schedule(queue, time_s, handler, *args):  # each handler timed when it runs
        label = "event: " + handler.__qualname__
        original_schedule(queue, time_s, timed(label, handler), *args)

    saved = [(rep, name, getattr(rep, name)) for name in PHASES.values()]
    saved += [(rep.Replication, n, getattr(rep.Replication, n)) for n in ("_chains", "_finish")]
    saved += [(rep.Replication, "run", rep.Replication.run)]
    saved += [(EventQueue, "schedule", original_schedule)]
    try:
        for label, name in PHASES.items():
            setattr(rep, name, timed(label, getattr(rep, name)))
        rep.Replication._chains = timed("chains (gates)", rep.Replication._chains)
        rep.Replication._finish = timed("finish (ledger, elements)", rep.Replication._finish)
        rep.Replication.run = timed("TOTAL", rep.Replication.run)
        EventQueue.schedule = schedule
        yield acc
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def print_phases(prepared, seeds) -> None:
    """Mean thread time per replication of each phase and event handler over `seeds`."""
    acc: dict[str, float] = defaultdict(float)
    with phase_timers(acc):
        _replicate_all(prepared, seeds)
    events = sum(v for k, v in acc.items() if k.startswith("event: "))
    acc["event loop (sum of handlers)"] = events
    print("phase (mean CPU ms per replication):")
    for label, v in sorted(acc.items(), key=lambda kv: -kv[1]):
        print(f"  {label:45s} {1e3 * v / len(seeds):8.2f}")


def main(argv: list[str] | None = None) -> dict:
    from iadsim.analysis.runner import long_lived_frozen
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare, prepare_variant
    from iadsim.scenario import load_scenario

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=30, help="replications per round")
    ap.add_argument("--repeats", type=int, default=3, help="rounds (the minimum is reported)")
    ap.add_argument("--scenario", default=str(CARACAS))
    ap.add_argument(
        "--issue-23",
        action="store_true",
        help="the Caracas case study as it was when issue 23 set its 50 ms target (5 aircraft)",
    )
    ap.add_argument("--phases", action="store_true", help="then time each phase and handler")
    args = ap.parse_args(argv)

    scenario = load_scenario(CARACAS_AT_ISSUE_23 if args.issue_23 else args.scenario)
    variant = pk_variant(scenario)
    seeds = [replication_seed(15, i) for i in range(args.n)]
    prep_s, var_s, rep_ms, plain_ms = [], [], [], []
    for rnd in range(args.repeats):
        cpu, prepared = _cpu_s(prepare, scenario)
        prep_s.append(cpu)
        cpu, _ = _cpu_s(prepare_variant, prepared, variant)
        var_s.append(cpu)
        # first-call paths (imports, the prepared scenario's memos) out of the timing, in
        # every round: each round prepares afresh, and a batch of thousands pays them once
        for s in range(3):
            prepared.replicate(replication_seed(99, s))
        # as a batch runs them (`runner.long_lived_frozen`), then with the collector as is
        with long_lived_frozen():
            cpu, _ = _cpu_s(_replicate_all, prepared, seeds)
        rep_ms.append(1e3 * cpu / len(seeds))
        cpu, _ = _cpu_s(_replicate_all, prepared, seeds)
        plain_ms.append(1e3 * cpu / len(seeds))
        print(
            f"round {rnd + 1}: prepare {prep_s[-1]:.2f} s, Pk variant {var_s[-1]:.2f} s, "
            f"replication {rep_ms[-1]:.1f} ms (collector as is: {plain_ms[-1]:.1f} ms)",
            flush=True,
        )
    if args.phases:
        print_phases(prepared, seeds)
    out = {
        "caracas_rep_ms": min(rep_ms),
        "collector_as_is_ms": min(plain_ms),
        "prepare_s": min(prep_s),
        "variant_s": min(var_s),
    }
    print(
        f"caracas_rep_ms={out['caracas_rep_ms']:.1f} "
        f"collector_as_is_ms={out['collector_as_is_ms']:.1f} prepare_s={out['prepare_s']:.2f} "
        f"variant_s={out['variant_s']:.2f} repeats={args.repeats}"
    )
    return out


if __name__ == "__main__":
    main()
