"""The engine against another commit's, taking turns (issue 23): CPU per replication of the
same seeds on the same scenario in two warm worker processes, one per source tree, that run
round by round in turn (ABBA: old-new, new-old, ...). On a shared VM separate runs swing by
20-30%; taking turns puts the same drift on both engines, so the ratio of their best and
median rounds is the speed-up, measured against a baseline in the same run.

    .venv/bin/python benchmarks/engine_against.py --old-commit 'fb96a2d' [--rounds 12] [--n 8]
    .venv/bin/python benchmarks/engine_against.py --old-commit '6a08289^' --issue-23

`--issue-23`: the case study as it was when issue 23 set its target of 50 ms a replication
(five aircraft; `engine_speed.CARACAS_AT_ISSUE_23`), which the engine before that issue
(6a08289^) also reads. Each worker prepares the scenario once and runs three seeds untimed
before the rounds. Last line:
`against=<commit> old_ms=<best>/<median> new_ms=<best>/<median> ratio=<best>/<median>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core_equivalence import export_src
from engine_speed import CARACAS, CARACAS_AT_ISSUE_23

ROOT = Path(__file__).resolve().parents[1]


def worker(scenario: str, n: int) -> None:
    """Prepare once, then run the `n` seeds each time a line `round` comes in, and answer
    the mean CPU ms per replication (the engine on the path: this or another tree)."""
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare

    prepared = prepare(scenario)
    for s in range(3):  # first-call paths and the prepared scenario's memos
        prepared.replicate(replication_seed(99, s))
    seeds = [replication_seed(15, i) for i in range(n)]
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "round":
            return
        c0 = time.thread_time()
        for seed in seeds:
            prepared.replicate(seed)
        print(f"{1e3 * (time.thread_time() - c0) / n:.3f}", flush=True)


def _start(src: Path, scenario: str, n: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, __file__, "--worker", "--scenario", scenario, "--n", str(n)]
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if proc.stdout.readline().strip() != "ready":
        raise SystemExit(f"the worker on {src} did not start (its output above)")
    return proc


def _round(proc: subprocess.Popen) -> float:
    proc.stdin.write("round\n")
    proc.stdin.flush()
    return float(proc.stdout.readline())


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old-commit", help="a commit of this repository (required)")
    ap.add_argument("--scenario", default=str(CARACAS))
    ap.add_argument("--issue-23", action="store_true", help="the case study at issue 23")
    ap.add_argument("--rounds", type=int, default=12, help="rounds per engine")
    ap.add_argument("--n", type=int, default=8, help="replications per round")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    scenario = str(CARACAS_AT_ISSUE_23) if args.issue_23 else args.scenario
    if args.worker:
        worker(scenario, args.n)
        return {}
    if args.old_commit is None:
        ap.error("--old-commit is required")
    per: dict[str, list[float]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory() as tmp:
        procs = {
            "old": _start(export_src(args.old_commit, Path(tmp)), scenario, args.n),
            "new": _start(ROOT / "src", scenario, args.n),
        }
        try:
            for r in range(args.rounds):
                for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
                    per[name].append(_round(procs[name]))
        finally:
            for proc in procs.values():
                proc.stdin.close()
                proc.wait()
    best = {k: min(v) for k, v in per.items()}
    median = {k: statistics.median(v) for k, v in per.items()}
    for k in ("old", "new"):
        rounds = ", ".join(f"{x:.1f}" for x in per[k])
        print(f"{k}: best {best[k]:.1f} ms, median {median[k]:.1f} ms (rounds: {rounds})")
    out = {
        "old_ms": (best["old"], median["old"]),
        "new_ms": (best["new"], median["new"]),
        "ratio": (best["new"] / best["old"], median["new"] / median["old"]),
    }
    print(
        f"against={args.old_commit} old_ms={best['old']:.1f}/{median['old']:.1f} "
        f"new_ms={best['new']:.1f}/{median['new']:.1f} "
        f"ratio={out['ratio'][0]:.3f}/{out['ratio'][1]:.3f}"
    )
    return out


if __name__ == "__main__":
    main()
