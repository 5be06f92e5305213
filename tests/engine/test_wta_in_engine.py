"""Weapon-target assignment inside a unit: two targets arriving together are split over two
launchers, each launcher taking one, and the channel limit is respected."""

from __future__ import annotations

from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from tests.builders import aircraft, make_scenario, sam_battery, write_scenario


def two_targets(wta: str) -> dict:
    """A battery with two TELARs; two aircraft fly south side by side, 4 km apart."""
    return make_scenario(
        "wta",
        duration_s=400,
        units=[
            sam_battery(
                "SAM", launchers=2, at=(10.0, -66.0, 0), wta=wta, crew={"proficiency": "elite"}
            )
        ],
        raid=[
            aircraft(
                "A", "ew-aircraft", [(10.6, -66.02, 5000), (9.4, -66.02, 5000)], jamming=False
            ),
            aircraft(
                "B", "ew-aircraft", [(10.6, -65.98, 5000), (9.4, -65.98, 5000)], jamming=False
            ),
        ],
    )


def decisions(tmp_path, wta: str, seeds=range(6)):
    path = write_scenario(tmp_path, two_targets(wta), f"{wta}.yaml")
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


def test_an_assignment_reads_pk_and_feasibility_not_the_names():
    """The launch plan keeps solved problems by (method, Pk, feasibility) alone, so that
    units and targets with other names share them: an assignment must not depend on the
    names. Random problems solved under two sets of names give the same pairs."""
    import numpy as np

    from iadsim.engagement.assignment import WTAProblem, assign

    rng = np.random.default_rng(5)
    for _ in range(200):
        u, t = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        pk = np.round(rng.uniform(0, 1, (u, t)), int(rng.integers(1, 3)))  # ties happen
        feasible = rng.random((u, t)) < 0.8
        for method in ("optimal", "greedy"):
            got = [
                assign(
                    WTAProblem.build(
                        units, targets, pk, feasible=feasible, channels=1, max_units_per_target=1
                    ),
                    method,
                ).matrix
                for units, targets in (
                    ([f"L{i}" for i in range(u)], [f"A{j}" for j in range(t)]),
                    ([f"z{u - i}" for i in range(u)], [f"b{t - j}" for j in range(t)]),
                )
            ]
            np.testing.assert_array_equal(got[0], got[1])
