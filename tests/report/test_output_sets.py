"""Every reader of an output directory reads the set its manifest lists (issue 18): a file
changed after it was written, a missing manifest, files of two runs mixed, a JSON file put in
afterwards, each is refused by `iadsim report` (exit 2, the path, no traceback); the batch
commands (`compare`, `sweep`, `attribute`, `uncertainty`, `case-study`) write a manifest last."""

from __future__ import annotations

import json
import shutil

import pytest

from iadsim.cli import main
from iadsim.io.outdir import MANIFEST, check_manifest
from tests.builders import TUTORIAL, small_raid_on_a_battery, write_scenario

SCENARIO = small_raid_on_a_battery("tiny-sets")


def _report(path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    try:
        rc = main(["report", str(path)])
    except SystemExit as exc:  # argparse
        rc = int(exc.code)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return rc, err


def _compare(scenario, out, seed: int) -> None:
    argv = ["compare", str(scenario), "-n", "2", "--seed", str(seed), "--out", str(out)]
    assert main([*argv, "--quiet", "--set", "raid.0.start_s=30", "--name", "late"]) == 0


@pytest.fixture(scope="module")
def two_compares(tmp_path_factory):
    """Two `iadsim compare` directories of the same what-if, seeds 1 and 2 (written once)."""
    root = tmp_path_factory.mktemp("sets")
    scenario = write_scenario(root, SCENARIO, "tiny.yaml")
    a, b = root / "a", root / "b"
    _compare(scenario, a, 1)
    _compare(scenario, b, 2)
    return a, b


@pytest.fixture()
def compare_dir(two_compares, tmp_path):
    """A fresh copy of the seed-1 comparison to tamper with."""
    dest = tmp_path / "cmp"
    shutil.copytree(two_compares[0], dest)
    return dest


def test_a_complete_compare_directory_is_read_and_its_report_stays_readable(compare_dir, capsys):
    listed = check_manifest(compare_dir, kind="compare")["files"]
    assert {"compare.json", "compare.csv", "tornado.png"} <= set(listed)
    assert _report(compare_dir, capsys)[0] == 0
    assert _report(compare_dir, capsys)[0] == 0  # report.html is not part of the set
    assert "report.html" not in json.loads((compare_dir / MANIFEST).read_text())["files"]


def test_a_changed_compare_json_is_refused(compare_dir, capsys):
    report = json.loads((compare_dir / "compare.json").read_text())
    report["differences"][0]["diff"] += 1.0  # a doctored number
    (compare_dir / "compare.json").write_text(json.dumps(report))
    rc, err = _report(compare_dir, capsys)
    assert rc == 2
    assert f"{compare_dir / 'compare.json'}: missing, or not the file manifest.json lists" in err
    assert not (compare_dir / "report.html").exists()


def test_a_compare_directory_without_its_manifest_is_refused(compare_dir, capsys):
    (compare_dir / MANIFEST).unlink()
    rc, err = _report(compare_dir, capsys)
    assert rc == 2
    assert f"{compare_dir / MANIFEST}: missing: not a complete iadsim output directory" in err
    assert "iadsim compare" in err  # how to write it again


def test_files_of_two_compares_mixed_are_refused(two_compares, compare_dir, capsys):
    other = two_compares[1]
    assert (other / "compare.json").read_bytes() != (compare_dir / "compare.json").read_bytes()
    for name in ("compare.json", "compare.csv"):  # the file the report reads, and one it doesn't
        mixed = compare_dir.parent / f"mixed-{name}"
        shutil.copytree(compare_dir, mixed)
        shutil.copy(other / name, mixed / name)
        rc, err = _report(mixed, capsys)
        assert rc == 2
        assert f"{mixed / name}: missing, or not the file" in err and "mixes outputs" in err


def test_a_deleted_listed_file_is_refused(compare_dir, capsys):
    (compare_dir / "compare.csv").unlink()
    rc, err = _report(compare_dir, capsys)
    assert rc == 2 and str(compare_dir / "compare.csv") in err


def test_a_json_put_in_after_the_outputs_were_written_is_refused(two_compares, compare_dir, capsys):
    shutil.copy(two_compares[1] / "compare.json", compare_dir / "attribution.json")
    rc, err = _report(compare_dir, capsys)
    assert rc == 2
    assert f"{compare_dir / 'attribution.json'}: not listed in {compare_dir / MANIFEST}" in err


def test_a_directory_of_another_kind_is_named(compare_dir, capsys):
    manifest = json.loads((compare_dir / MANIFEST).read_text())
    manifest["kind"] = "case-study"
    (compare_dir / MANIFEST).write_text(json.dumps(manifest))
    rc, err = _report(compare_dir, capsys)
    assert rc == 2 and "holds 'case-study' outputs" in err


def test_an_interrupted_mc_is_refused_and_a_report_html_never_enters_the_set(tmp_path, capsys):
    scenario = write_scenario(tmp_path, SCENARIO, "tiny.yaml")
    out = tmp_path / "mc"
    assert main(["mc", str(scenario), "-n", "2", "--quiet", "--out", str(out)]) == 0
    assert _report(out, capsys)[0] == 0
    # a batch extended in place rewrites its manifest: the report.html there is not listed,
    # so the next report (which replaces it) still reads a complete set
    assert main(["mc", str(scenario), "-n", "3", "--resume", "--quiet", "--out", str(out)]) == 0
    assert "report.html" not in check_manifest(out, kind="mc")["files"]
    assert _report(out, capsys)[0] == 0
    assert _report(out, capsys)[0] == 0
    (out / MANIFEST).unlink()  # as an mc killed before its summary and manifest
    rc, err = _report(out, capsys)
    assert rc == 2 and "--resume" in err


def test_attribute_writes_its_manifest_last_and_report_reads_it(tmp_path, capsys):
    out = tmp_path / "attr"
    argv = ["attribute", str(TUTORIAL), "-n", "2", "--n-max", "2", "--groups", "crews"]
    assert main([*argv, "--quiet", "--out", str(out)]) == 0
    listed = check_manifest(out, kind="attribute")["files"]
    assert {"attribution.json", "attribution.png"} <= set(listed)
    assert _report(out, capsys)[0] == 0
    (out / "attribution.json").write_text((out / "attribution.json").read_text() + " ")
    rc, err = _report(out, capsys)
    assert rc == 2 and str(out / "attribution.json") in err


def test_sweep_and_uncertainty_write_their_manifest_last(tmp_path, capsys):
    scenario = write_scenario(tmp_path, SCENARIO, "tiny.yaml")
    sweep = tmp_path / "sweep"
    argv = ["sweep", str(scenario), "-n", "2", "--param", "raid.0.start_s=0:30:2"]
    assert main([*argv, "--quiet", "--out", str(sweep)]) == 0
    assert {"sweep.csv", "sweep.parquet", "sweep.png"} <= set(
        check_manifest(sweep, kind="sweep")["files"]
    )
    assert "sweep_reasons.csv" in check_manifest(sweep, kind="sweep")["files"]
    assert _report(sweep, capsys)[0] == 0  # its own page: the response curve
    assert 'id="sweep"' in (sweep / "report.html").read_text()
    # one point in the same directory: no reason shifts, and none of the grid's left behind
    argv = ["sweep", str(scenario), "-n", "2", "--param", "raid.0.start_s=0:0:1"]
    assert main([*argv, "--quiet", "--out", str(sweep), "--resume"]) == 0
    assert not (sweep / "sweep_reasons.csv").exists()
    assert "sweep_reasons.csv" not in check_manifest(sweep, kind="sweep")["files"]
    ranges = tmp_path / "ranges.yaml"
    ranges.write_text(
        "scenario:\n"
        "  units.SAM.components.telar-1.readiness.operational: {low: 0.5, mode: 0.9, high: 1}\n"
        "  strikes.strike-ew.p_destroy: {dist: uniform, low: 0.2, high: 0.8}\n"
    )
    unc = tmp_path / "unc"
    unc.mkdir()
    (unc / "notes.txt").write_text("mine")
    argv = ["uncertainty", str(TUTORIAL), "--ranges", str(ranges), "--sets", "1", "-n", "2"]
    assert main([*argv, "--quiet", "--out", str(unc)]) == 2  # someone's files: before the work
    assert "holds files iadsim did not write" in capsys.readouterr().err
    (unc / "notes.txt").unlink()
    argv = ["uncertainty", str(TUTORIAL), "--ranges", str(ranges), "--sets", "1", "-n", "2"]
    assert main([*argv, "--quiet", "--out", str(unc)]) == 0
    assert {"sensitivity.csv", "sensitivity.json", "sensitivity.png"} == set(
        check_manifest(unc, kind="uncertainty")["files"]
    )
    assert _report(unc, capsys)[0] == 0  # its own page, titled from the scenario
    html = (unc / "report.html").read_text()
    assert "<title>iadsim: tutorial</title>" in html and 'id="uncertainty"' in html
    assert "strikes.strike-ew.p_destroy" in html


def test_case_study_render_only_refuses_a_result_without_its_manifest(tmp_path, capsys):
    out = tmp_path / "cs"
    out.mkdir()
    (out / "case-study.json").write_text("{}")
    argv = ["case-study", "--render-only", "--out", str(out), "--docs", str(tmp_path / "docs")]
    assert main([*argv, "--readme", ""]) == 2
    err = capsys.readouterr().err
    assert f"{out / MANIFEST}: missing" in err and "without --render-only" in err
    assert "Traceback" not in err and not (tmp_path / "docs").exists()


def test_a_what_ifs_store_inside_a_compare_directory_is_not_an_output_directory(
    compare_dir, capsys
):
    rc, err = _report(compare_dir / "late", capsys)
    assert rc == 2 and "read the directory above" in err
    pytest.importorskip("starlette")  # the web extra
    from iadsim.web.app import discover

    assert list(discover(compare_dir)) == ["."]  # the web app lists the comparison alone
