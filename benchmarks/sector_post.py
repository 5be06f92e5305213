"""What a sector command post's weapon-target assignment across batteries changes, on a
small notional case: two S-125-class batteries (one fire channel each) and four strike
fighters in two pairs passing between them, with a sector post linked by radio to both
battery posts. Paired differences (common random numbers) of the base (batteries under the
post) against the batteries choosing for themselves (`higher` removed) and against the
post's radio links cut.

    .venv/bin/python benchmarks/sector_post.py [--n 200] [--workers 2]

Last line: `sector_post mean_killed=<base> alone=<diff [lo, hi]> cut=<diff [lo, hi]>`.
"""

from __future__ import annotations

import argparse
import tempfile
import textwrap
from pathlib import Path

S125 = """\
  - id: {id}
    type: sam-low-altitude
    crew: {{proficiency: elite}}
    higher: SECTOR/cp
    position: {{lat_deg: 10.0, lon_deg: {lon}, alt_m: 0}}
    components:
      - {{id: snr, type: engagement-radar-sr}}
      - {{id: cp, type: command-post-mr}}
      - {{id: launcher-1, type: launcher-sr}}
      - {{id: launcher-2, type: launcher-sr}}
"""

PAIRS = [(10.30, -66.0), (10.31, -66.0), (10.45, -65.99), (10.46, -65.99)]
"""Start of each fighter's southbound track: two pairs, 1.1 km apart within a pair."""

SCENARIO = (
    textwrap.dedent(
        """\
        scenario: sector-demo
        start_utc: 2026-01-01T12:00:00Z
        duration_s: 400
        origin: {lat_deg: 10.0, lon_deg: -66.0}
        units:
        """
    )
    + S125.format(id="SAM-1", lon=-66.03)
    + S125.format(id="SAM-2", lon=-65.95)
    + textwrap.dedent(
        """\
          - id: SECTOR
            type: sector-command-post
            position: {lat_deg: 10.1, lon_deg: -66.0, alt_m: 0}
            components:
              - {id: cp, type: command-post-sector}
        network:
          links:
            - {id: sector-sam-1, from: SECTOR/cp, to: SAM-1/cp, kind: radio}
            - {id: sector-sam-2, from: SECTOR/cp, to: SAM-2/cp, kind: radio}
        raid:
        """
    )
    + "".join(
        f"  - id: F{i + 1}\n    type: strike-fighter\n    route:\n"
        f"      - {{lat_deg: {lat}, lon_deg: {lon}, alt_m: 3000}}\n"
        f"      - {{lat_deg: {lat - 0.7:.2f}, lon_deg: {lon}, alt_m: 3000}}\n"
        for i, (lat, lon) in enumerate(PAIRS)
    )
)

VARIANTS = {
    "alone": "units.SAM-1.higher=null;units.SAM-2.higher=null",
    "cut": "network.links.*.up=false",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    import iadsim

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sector-demo.yaml"
        path.write_text(SCENARIO, encoding="utf-8")
        result = iadsim.compare(
            path, list(VARIANTS.values()), n=args.n, seed=1, workers=args.workers
        )
    rows = result.differences.to_pylist()
    names = dict(zip(VARIANTS.values(), VARIANTS, strict=True))
    line = {}
    for r in rows:
        if r["metric"] in ("mean_killed", "mean_engaged", "mean_launches"):
            name = names.get(r["label"].replace("; ", ";"), r["variant"])
            print(
                f"{name:6s} {r['metric']:14s} base {r['base_mean']:.3f} variant "
                f"{r['variant_mean']:.3f} diff {r['diff']:+.3f} [{r['lo']:+.3f}, {r['hi']:+.3f}]"
            )
            if r["metric"] == "mean_killed":
                line["base"] = r["base_mean"]
                line[name] = f"{r['diff']:+.3f} [{r['lo']:+.3f}, {r['hi']:+.3f}]"
    print(
        f"sector_post mean_killed={line['base']:.3f} alone={line['alone']} cut={line['cut']}"
        f" (n={args.n})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
