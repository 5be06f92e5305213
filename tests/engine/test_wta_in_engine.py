"""Weapon-target assignment inside a unit: two targets arriving together are split over two
launchers, each launcher taking one, and the channel limit is respected."""

from __future__ import annotations

import textwrap

from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario

SCENARIO = textwrap.dedent(
    """\
    scenario: wta
    start_utc: 2026-01-01T12:00:00Z
    duration_s: 400
    origin: {lat_deg: 10.0, lon_deg: -66.0}
    units:
      - id: SAM
        type: sam-medium-range
        wta: WTA
        position: {lat_deg: 10.0, lon_deg: -66.0, alt_m: 0}
        crew: {proficiency: elite}
        components:
          - {id: radar, type: acquisition-radar-mr}
          - {id: cp, type: command-post-mr}
          - {id: telar-1, type: telar-mr}
          - {id: telar-2, type: telar-mr}
    raid:
      - id: A
        type: ew-aircraft
        route:
          - {lat_deg: 10.6, lon_deg: -66.02, alt_m: 5000}
          - {lat_deg: 9.4, lon_deg: -66.02, alt_m: 5000}
      - id: B
        type: ew-aircraft
        route:
          - {lat_deg: 10.6, lon_deg: -65.98, alt_m: 5000}
          - {lat_deg: 9.4, lon_deg: -65.98, alt_m: 5000}
    """
)


def decisions(tmp_path, wta: str, seeds=range(6)):
    path = tmp_path / f"{wta}.yaml"
    path.write_text(SCENARIO.replace("WTA", wta))
    prepared = prepare(load_scenario(path))
    out = []
    for s in seeds:
        ev = prepared.replicate(s).events.table().to_pylist()
        out.append([e for e in ev if e["kind"] == "launch_decision"])
    return out


def test_two_targets_two_launchers_one_each(tmp_path):
    for wta in ("optimal", "greedy"):
        for ds in decisions(tmp_path, wta):
            assert ds, "the battery should engage"
            by_time: dict[float, list] = {}
            for d in ds:
                by_time.setdefault(d["time_s"], []).append(d)
            for same in by_time.values():
                # one launcher per target at a decision, never the same launcher twice
                assert len({d["component"] for d in same}) == len(same)
                assert len({d["aircraft"] for d in same}) == len(same)
            assert {d["aircraft"] for d in ds} == {"A", "B"}
