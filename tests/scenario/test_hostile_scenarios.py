"""Hostile scenario files (issue 18): each is refused up front with FILE:LINE: field: message,
never a traceback, a hang or gigabytes of memory. A small version of every case found."""

from __future__ import annotations

import copy
import os

import pytest
from ruamel.yaml import YAML

from iadsim import limits
from iadsim.analysis.variants import make_variant, parse_assignment
from iadsim.errors import ScenarioError
from iadsim.scenario import load_scenario
from tests.builders import TUTORIAL, write_scenario


def _tutorial() -> dict:
    return YAML(typ="safe").load(TUTORIAL.read_text())


def _refused(path, *needles: str) -> str:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    text = str(exc.value)
    for needle in needles:
        assert needle in text, text
    for p in exc.value.problems:  # every problem names its file
        assert p.file == str(path)
    return text


def _write(tmp_path, text: str | bytes, name: str = "s.yaml"):
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


# -- denial of service: refused before the work ---------------------------------------------


def test_billion_laughs_is_refused_at_its_line(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    text = _refused(_write(tmp_path, "\n".join(lines) + "\n"), "limits.MAX_YAML_NODES")
    # line k holds a(k-1), 9**k values: lines 1-5 hold ~66 k, line 6 alone 531 k > 500 k
    assert ":6:" in text


def test_too_many_aliases_are_refused(tmp_path):
    body = "a: &a 1\nb: [" + ", ".join(["*a"] * (limits.MAX_YAML_ALIASES + 1)) + "]\n"
    _refused(_write(tmp_path, body), "limits.MAX_YAML_ALIASES", ":2:")


@pytest.mark.parametrize("flow", [True, False])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path, flow):
    depth = 300
    if flow:
        text = "a: " + "[" * depth + "]" * depth + "\n"
    else:
        text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    _refused(_write(tmp_path, text), "limits.MAX_YAML_DEPTH")


def test_devices_fifos_directories_and_huge_files_are_refused(tmp_path):
    _refused("/dev/zero", "not a regular file")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    _refused(fifo, "not a regular file")  # refused, not read: no hang
    _refused(tmp_path, "is a directory")
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(limits.MAX_SCENARIO_BYTES + 1)  # sparse: costs nothing
    _refused(big, "limits.MAX_SCENARIO_BYTES")


def test_route_durations_and_link_failure_rates_are_bounded(tmp_path):
    spec = _tutorial()
    spec.pop("duration_s")
    spec["raid"][0]["route"][1]["loiter_s"] = 1e308
    _refused(write_scenario(tmp_path, spec), "raid[0].route[1].loiter_s", "less than or equal")
    spec["raid"][0]["route"][1]["loiter_s"] = limits.MAX_DURATION_S
    _refused(write_scenario(tmp_path, spec), "raid[0].route", "limits.MAX_DURATION_S")
    spec = _tutorial()
    spec.pop("duration_s")
    spec["raid"][0]["speed_mps"] = 1e-300
    _refused(write_scenario(tmp_path, spec), "raid[0].speed_mps", "greater than or equal")
    spec = _tutorial()
    spec["network"]["links"][0].update(mtbf_s=1e-6, mttr_s=1e-6)
    _refused(write_scenario(tmp_path, spec), "network.links[0].mtbf_s", "greater than or equal")
    spec["duration_s"] = limits.MAX_DURATION_S  # 302,400 cycles of 2 s
    spec["network"]["links"][0].update(mtbf_s=1.0, mttr_s=1.0)
    _refused(write_scenario(tmp_path, spec), "limits.MAX_LINK_EVENTS")


def test_waypoint_count_is_bounded(tmp_path):
    spec = _tutorial()
    a, b = spec["raid"][0]["route"][:2]
    spec["raid"][0]["route"] = [copy.deepcopy(w) for w in [a, b] * (limits.MAX_WAYPOINTS // 2 + 1)]
    _refused(write_scenario(tmp_path, spec), "raid[0].route", str(limits.MAX_WAYPOINTS))


def test_dem_dimensions_are_checked_before_decompression(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    side = int(limits.MAX_DEM_CELLS**0.5) + 16
    with rasterio.open(
        tmp_path / "big.tif",
        "w",
        driver="GTiff",
        width=side,
        height=side,
        count=1,
        dtype="int16",
        crs="EPSG:4326",
        transform=from_origin(-67, 11, 1e-5, 1e-5),
        compress="deflate",
        tiled=True,
    ):
        pass  # no tile written: a small file that would decompress to 20 GB
    assert (tmp_path / "big.tif").stat().st_size < 10_000_000
    spec = _tutorial()
    spec["terrain"] = "big.tif"
    _refused(write_scenario(tmp_path, spec), "terrain", "limits.MAX_DEM_CELLS")


# -- input checks ---------------------------------------------------------------------------


def test_impossible_dates_are_located_errors(tmp_path):
    spec = _tutorial()
    bad = TUTORIAL.read_text().replace("start_utc: 2026-01-01T12:00:00Z", "start_utc: 2026-13-45")
    assert "2026-13-45" in bad
    _refused(_write(tmp_path, bad, "d.yaml"), "start_utc", "month value is outside")
    spec["observations"] = [
        {
            "component": "SAM/telar-1",
            "date": "2025-02-30",
            "observed": "in_storage",
            "confidence": 0.9,
        }
    ]
    _refused(write_scenario(tmp_path, spec), "observations[0].date", "day value is outside")


def test_dates_written_as_yaml_timestamps_still_load(tmp_path):
    text = TUTORIAL.read_text()
    assert "start_utc: 2026-01-01T12:00:00Z" in text  # an unquoted YAML timestamp
    spaced = text.replace("2026-01-01T12:00:00Z", "2026-01-01 12:00:00Z")
    assert load_scenario(_write(tmp_path, spaced)).spec.start_utc.hour == 12


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("raid", 0, "start_s"), ".inf"),
        (("raid", 0, "route", 1, "speed_mps"), ".inf"),
        (("strikes", 0, "time_s"), ".inf"),
        (("network", "links", 0, "latency_s"), ".inf"),
        (("raid", 0, "route", 0, "lat_deg"), ".nan"),
        (("units", 0, "position", "alt_m"), "-.inf"),
    ],
)
def test_infinities_and_nan_are_refused(tmp_path, where, value):
    spec = _tutorial()
    node = spec
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = float(value.replace(".", "")) if value != ".nan" else float("nan")
    field = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in where).lstrip(".")
    _refused(write_scenario(tmp_path, spec), field)


def test_jamming_windows_and_formation_offsets_must_be_finite(tmp_path):
    spec = _tutorial()
    spec["network"]["links"][0]["jammed"] = [{"start_s": 10, "end_s": float("inf")}]
    _refused(write_scenario(tmp_path, spec), "network.links[0].jammed[0].end_s")
    spec = _tutorial()
    spec["raid"].append(
        {
            "id": "WING",
            "type": spec["raid"][0]["type"],
            "formation": {"lead": spec["raid"][0]["id"], "offset_east_m": float("nan")},
        }
    )
    _refused(write_scenario(tmp_path, spec), "raid[2].formation.offset_east_m")


def test_duplicates_and_self_links_are_refused_by_validate(tmp_path):
    spec = _tutorial()
    links = spec["network"]["links"]
    links.append(copy.deepcopy(links[0]))
    links.append({"from": "EW/radar", "to": "EW/radar"})
    spec["sites"] = [
        {"id": "S", "position": {"lat_deg": 10.0, "lon_deg": -66.0}, "members": ["SAM"]},
        {"id": "S", "position": {"lat_deg": 10.1, "lon_deg": -66.0}, "members": ["EW"]},
    ]
    spec["strikes"] = [
        {"id": "K", "site": "S", "time_s": 10},
        {"id": "K", "site": "S", "time_s": 20},
    ]
    _refused(
        write_scenario(tmp_path, spec),
        "duplicate link between 'EW/radar' and 'SAM/cp'",
        "a link from 'EW/radar' to itself",
        "duplicate site id 'S'",
        "duplicate strike id 'K'",
    )


@pytest.mark.parametrize(
    ("data", "needle", "line"),
    [
        (b"scenario: x\nstart_utc: 2026\x00-01\n", "NUL byte", ":2:16:"),
        ("scenario: x\ndescription: caf\xe9\n".encode("latin-1"), "not UTF-8", ":2:17:"),
        ("scenario: x\n".encode("utf-16"), "UTF-16", ":1:1:"),
        (b"scenario: x\ndescription: a\x07b\n", "not allowed in YAML", ":2:15:"),
    ],
)
def test_undecodable_text_is_refused_with_a_line(tmp_path, data, needle, line):
    text = _refused(_write(tmp_path, data), needle)
    assert line in text


def test_set_variants_get_every_check_a_file_gets(tmp_path):
    from iadsim.errors import InputError

    base = load_scenario(write_scenario(tmp_path, _tutorial()))
    for assignment, needle in [
        ("units.EW.id=EW2", "unknown component reference 'EW/radar'"),
        ("network.links.0.to=EW/radar", "a link from 'EW/radar' to itself"),
        ("raid.0.start_s=.inf", "finite"),
        ("raid.0.route.1.loiter_s=1e308", "less than or equal"),
    ]:
        with pytest.raises(InputError) as exc:
            make_variant(base, [parse_assignment(assignment)])
        assert needle in str(exc.value), str(exc.value)
        assert "after --set" in str(exc.value)


@pytest.mark.parametrize("depth", [999, 1000, 1001, 5000, 100_000])
def test_nesting_past_libyamls_own_limit_is_refused_not_parsed_again(tmp_path, depth):
    """libyaml refuses 1,000 flow levels while scanning ahead, before any event: that refusal is
    the answer (issue 29), the recursive round-trip parser never sees the document."""
    text = "name: x\na: " + "[" * depth + "]" * depth + "\n"
    _refused(_write(tmp_path, text), "limits.MAX_YAML_DEPTH", ":2:")


@pytest.mark.parametrize(
    "text, line",
    [
        ("description: &a [*a]\n", 1),
        ("x: 1\ndescription: &a {k: [1, *a]}\n", 2),
        ("a: &a\n  b: &b [*b]\n", 2),
    ],
)
def test_a_recursive_alias_is_refused_at_its_line(tmp_path, text, line):
    _refused(_write(tmp_path, text), "recursive", f":{line}:")


def test_an_anchor_used_after_it_closes_is_not_recursive(tmp_path):
    text = "a: &a [1, 2]\nb: [*a, *a]\nc: &c [3, [4, &a 5, *a]]\n"
    # not a scenario: it is refused by the schema, not by the structure checks
    text = _refused(_write(tmp_path, text), "raid")
    assert "recursive" not in text


@pytest.mark.parametrize(
    "value, needle",
    [
        ("&a [*a]", "recursive"),
        ("&a {b: *a}", "recursive"),
        ("[" * 40 + "]" * 40, "limits.MAX_YAML_DEPTH"),
        ("[" * 2000 + "]" * 2000, "limits.MAX_YAML_DEPTH"),
        ("[" + ", ".join(["*a"] * 300) + "]", "limits.MAX_YAML_ALIASES"),
    ],
)
def test_set_values_get_the_structure_checks_a_file_gets(value, needle):
    with pytest.raises(ScenarioError) as exc:
        parse_assignment(f"description={value}")
    assert needle in str(exc.value) and "<command line>" in str(exc.value)
