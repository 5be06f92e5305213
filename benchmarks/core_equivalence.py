"""Paired comparison of two engine cores on the same seeds (issue 23): the Caracas outputs
of the landed core against another source tree (e.g. the commit before the event-driven
core, `git archive <commit> src | tar -x -C /tmp/old`), replication by replication with the
seeds of a batch (`engine.rng.replication_seed`), so the differences are paired and
common random numbers make them small.

Per replication: aircraft killed, missile launches, ARM launches, and the share of
(aircraft, weapon unit) ledger pairs that stopped for each reason. For each, the mean of
new - old with a bootstrap 95% interval (`analysis.stats.paired_difference`) and how many
replications differ at all.

    .venv/bin/python benchmarks/core_equivalence.py --old /tmp/old/src [--n 200]
    .venv/bin/python benchmarks/core_equivalence.py --old-commit 2aff3f7 [--n 200]

`--old-commit REV` exports that commit's src/ (`git archive`) into a temporary directory.
The last line says whether every interval holds 0 (`equivalent=yes`) and how many
replications differ in any metric (`identical=<k>/<n>`).

Each side runs in its own interpreter with its source tree first on the path.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CARACAS = ROOT / "scenarios" / "caracas-2026-01-03.yaml"


def measure(scenario: str, n: int, root_seed: int) -> list[dict]:
    """Per replication of the batch: its counts and reason shares (this interpreter's core)."""
    from iadsim.engine.rng import replication_seed
    from iadsim.engine.run import prepare

    prepared = prepare(scenario)
    rows = []
    for i in range(n):
        result = prepared.replicate(replication_seed(root_seed, i))
        events = result.events.table()
        kinds = events.column("kind").to_pylist()
        details = events.column("detail").to_pylist()
        reasons = result.ledger.table().column("reason").to_pylist()
        row = {
            "killed": sum(bool(a["killed"]) for a in result.aircraft),
            "launches": kinds.count("launch"),
            "arm_launches": sum(
                k == "return_fire" and d == "anti-radiation"
                for k, d in zip(kinds, details, strict=True)
            ),
        }
        for r in set(reasons):
            row[f"share:{r}"] = reasons.count(r) / len(reasons)
        rows.append(row)
    return rows


def export_src(commit: str, into: Path) -> Path:
    """The src/ tree of `commit` of this repository, exported under `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _side(src: Path, scenario: str, n: int, root_seed: int) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, __file__, "--emit", "--scenario", scenario, "--n", str(n),
           "--seed", str(root_seed)]  # fmt: skip
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def compare(old: list[dict], new: list[dict]) -> list[dict]:
    """paired_difference of every metric either side reports (a missing share is 0)."""
    from iadsim.analysis.stats import paired_difference

    keys = sorted({k for row in old + new for k in row})
    return [
        paired_difference([r.get(k, 0.0) for r in old], [r.get(k, 0.0) for r in new], k)
        for k in keys
    ]


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, help="the other core's src/ directory")
    ap.add_argument("--old-commit", help="a commit of this repository: its src/ is the old core")
    ap.add_argument("--new", type=Path, default=ROOT / "src")
    ap.add_argument("--scenario", default=str(CARACAS))
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=23, help="root seed of the batch")
    ap.add_argument("--emit", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.emit:
        print(json.dumps(measure(args.scenario, args.n, args.seed)))
        return []
    if (args.old is None) == (args.old_commit is None):
        ap.error("give one of --old or --old-commit")
    with tempfile.TemporaryDirectory() as tmp:
        old_src = args.old if args.old is not None else export_src(args.old_commit, Path(tmp))
        old = _side(old_src, args.scenario, args.n, args.seed)
    new = _side(args.new, args.scenario, args.n, args.seed)
    rows = compare(old, new)
    print(f"{'metric':<34}{'old':>9}{'new':>9}{'new-old':>10}  95% interval      changed")
    for r in rows:
        print(
            f"{r['metric']:<34}{r['base_mean']:9.4f}{r['variant_mean']:9.4f}{r['diff']:10.4f}"
            f"  [{r['lo']:+.4f}, {r['hi']:+.4f}]  {r['changed']}/{r['n']}"
        )
    same = sum(o == n for o, n in zip(old, new, strict=True))
    holds = all(r["lo"] <= 0.0 <= r["hi"] for r in rows)
    print(f"equivalent={'yes' if holds else 'no'} identical={same}/{len(old)}")
    return rows


if __name__ == "__main__":
    main()
