"""Counterfactuals with common random numbers, tornado chart, and sweeps."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from iadsim.analysis.sweep import grid, parse_param
from iadsim.cli import main
from iadsim.errors import InputError
from tests.builders import small_raid_on_a_battery

SCENARIO = small_raid_on_a_battery("tiny-compare")


@pytest.fixture()
def scenario(scenario_file):
    return scenario_file(SCENARIO)


def test_compare_pairs_variants_with_the_base(scenario, tmp_path):
    out = tmp_path / "cmp"
    rc = main(
        [
            "compare",
            str(scenario),
            "-n",
            "30",
            "--out",
            str(out),
            "--quiet",
            "--set",
            "description=only words change",
            "--set",
            "units.SAM.readiness=operational;network.links.*.up=true",
            "--set",
            "units.SAM.readiness=in_storage",
        ]
    )
    assert rc == 0
    report = json.loads((out / "compare.json").read_text())
    assert [v["name"] for v in report["variants"]] == ["base", "v1", "v2", "v3"]
    diff = {(r["variant"], r["metric"]): r for r in report["differences"]}
    # common random numbers: a variant that changes nothing differs by exactly zero
    same = diff[("v1", "mean_killed")]
    assert same["diff"] == 0 and same["lo"] == same["hi"] == 0 and same["changed"] == 0
    # everything operational and connected cannot kill less; all in storage kills nothing
    up = diff[("v2", "mean_killed")]
    assert up["diff"] >= 0 and up["lo"] <= up["diff"] <= up["hi"]
    down = diff[("v3", "mean_killed")]
    assert down["variant_mean"] == 0 and down["diff"] == -down["base_mean"]
    assert (out / "tornado.png").stat().st_size > 1000
    assert (out / "compare.csv").read_text().startswith("variant,label,metric")
    for name in ("base", "v1", "v2", "v3"):
        assert (out / name / "results.sqlite").exists()


def test_parse_param():
    p = parse_param("units.SAM.readiness=0:1:5")
    assert p.path == "units.SAM.readiness" and p.values == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert parse_param("duration_s=600:1200:3").values == (600, 900, 1200)
    assert parse_param("units.SAM.c2_mode=centralized,autonomous").values == (
        "centralized",
        "autonomous",
    )
    assert len(grid([parse_param("a=0:1:3"), parse_param("b=1,2")])) == 6
    for bad in ("x", "x=0:1", "x=a:b:3", "x=0:1:0"):
        with pytest.raises(InputError):
            parse_param(bad)


def test_sweep_writes_table_and_plot(scenario, tmp_path):
    out = tmp_path / "sw"
    rc = main(
        [
            "sweep",
            str(scenario),
            "--param",
            "units.SAM.components.telar-1.readiness=0:1:3",
            "-n",
            "12",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert rc == 0
    table = pq.read_table(out / "sweep.parquet").to_pylist()
    assert [r["units.SAM.components.telar-1.readiness"] for r in table] == [0.0, 0.5, 1.0]
    assert table[0]["mean_killed"] == 0.0  # no working launcher, no kill
    assert table[0]["mean_killed"] <= table[2]["mean_killed"]
    assert all(r["p_any_killed_lo"] <= r["p_any_killed"] <= r["p_any_killed_hi"] for r in table)
    assert (out / "sweep.csv").exists() and (out / "sweep.png").stat().st_size > 1000


def test_sweep_refuses_a_bad_path_before_running(scenario, tmp_path, capsys):
    rc = main(
        [
            "sweep",
            str(scenario),
            "--param",
            "units.SAM.readyness=0:1:3",
            "-n",
            "2",
            "--out",
            str(tmp_path / "x"),
            "--quiet",
        ]
    )
    assert rc == 2
    assert "units.SAM.readiness" in capsys.readouterr().err


def test_named_variants_and_paired_reason_shifts(scenario, tmp_path):
    """Putting the TELAR in storage moves every chain of SAM that reached a kill to
    IN_STORAGE-type reasons; the shares and shifts are recomputed here from the two ledgers."""
    from iadsim.analysis.store import ResultStore

    out = tmp_path / "named"
    rc = main(
        [
            "compare",
            str(scenario),
            "-n",
            "20",
            "--out",
            str(out),
            "--quiet",
            "--set",
            "network.links.*.up=true",
            "--name",
            "links-up",
            "--set",
            "units.SAM.readiness=in_storage",
            "--name",
            "stored",
        ]
    )
    assert rc == 0
    report = json.loads((out / "compare.json").read_text())
    assert [v["name"] for v in report["variants"]] == ["base", "links-up", "stored"]
    shifts = {(r["variant"], r["reason"]): r for r in report["reason_shifts"]}

    def shares(name):
        with ResultStore(out / name / "results.sqlite") as s:
            rows = s.rows("ledger")
        per: dict = {}
        for row in rows:
            stage, reason = row[3], row[5]
            key = "KILLED" if stage == "killed" else reason
            per[key] = per.get(key, 0) + 1
        return {k: v / len(rows) for k, v in per.items()}  # one unit: rows = n x aircraft

    base, stored = shares("base"), shares("stored")
    assert stored == {"IN_STORAGE": 1.0}
    r = shifts[("stored", "IN_STORAGE")]
    assert r["variant_share"] == 1.0
    assert r["shift"] == pytest.approx(1.0 - base.get("IN_STORAGE", 0.0))
    for reason, share in base.items():
        if reason != "IN_STORAGE" and share >= 0.01:
            assert shifts[("stored", reason)]["shift"] == pytest.approx(-share)
    assert (out / "compare_reasons.csv").read_text().startswith("variant,unit,reason")
    bad = ["compare", str(scenario), "-n", "2", "--set", "a.b=1", "--name", "x", "--name", "y"]
    assert main(bad) == 2


def test_sweep_writes_reason_shifts_from_the_first_point(scenario, tmp_path):
    out = tmp_path / "swr"
    param = "units.SAM.components.telar-1.readiness=0:1:2"
    assert (
        main(["sweep", str(scenario), "--param", param, "-n", "6", "--out", str(out), "--quiet"])
        == 0
    )
    text = (out / "sweep_reasons.csv").read_text()
    assert text.splitlines()[0].startswith("point,values,unit,reason")
    assert "p001" in text and "p000" not in text.split("\n", 1)[1]
