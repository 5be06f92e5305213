"""summary.json counts the raid's decoys apart from its aircraft: how many flew, how many the
defence detected, engaged and shot down, and the missiles it spent on them."""

from __future__ import annotations

from iadsim.analysis.summary import replication_summary
from iadsim.engine.run import prepare
from iadsim.scenario import load_scenario
from tests.builders import aircraft, component, link, make_scenario, sam_battery, unit

# the Bekaa case of tests/engine/test_sead_in_engine.py: a cued battery, two decoys flying at
# it, and a third decoy released after the run has ended (it never flies)


def test_decoys_are_counted_in_the_summary(scenario_file):
    spec = make_scenario(
        "bekaa-summary",
        units=[
            sam_battery("SAM", launchers=2, emcon={"cued": True}),
            unit("EW", "early-warning-site", [component("radar", "early-warning-radar")],
                 at=(10.1, -66.0)),
        ],
        links=[link("EW/radar", "SAM/cp", id="ew-cp", kind="cable")],
        raid=[
            aircraft("D1", "decoy", [(10.6, -66.01, 4000), (9.6, -66.01, 4000)]),
            aircraft("D2", "decoy", [(10.6, -65.99, 4000), (9.6, -65.99, 4000)]),
            aircraft("D3", "decoy", [(10.6, -66.0, 4000), (9.6, -66.0, 4000)], start_s=700),
        ],
        duration_s=600,
    )  # fmt: skip
    scenario = load_scenario(scenario_file(spec))
    prepared = prepare(scenario)
    fired_any = False
    for seed in range(5):
        result = prepared.replicate(seed)
        summary = replication_summary(scenario, result, tracker="mofn")
        events = result.events.table().to_pylist()
        missiles = sum(
            int(e["value"]) for e in events if e["kind"] == "launch" and e["aircraft"][0] == "D"
        )
        rows = {r["aircraft"]: r for r in summary["decoys"]}
        assert set(rows) == {"D1", "D2", "D3"} and summary["aircraft"] == []
        assert summary["totals"]["aircraft"] == 0
        totals = summary["decoy_totals"]
        assert totals["decoys"] == 3 and totals["launched"] == 2  # D3 is released at 700 s
        assert not rows["D3"]["detected"] and not rows["D3"]["engaged"]
        assert totals["missiles_fired"] == missiles
        assert totals["engaged"] == sum(
            any(e["kind"] == "launch" and e["aircraft"] == d for e in events) for d in rows
        )
        assert totals["killed"] == sum(
            any(e["kind"] == "kill" and e["aircraft"] == d for e in events) for d in rows
        )
        assert totals["detected"] == sum(r["detected"] for r in rows.values())
        fired_any |= missiles > 0
    assert fired_any  # the battery does fire at decoys
