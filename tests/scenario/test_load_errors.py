"""Bad scenario files: every problem reported with its file, line and field; exit 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from iadsim.errors import ScenarioError
from iadsim.scenario import load_scenario

GOOD = textwrap.dedent(
    """\
    scenario: small
    start_utc: 2026-01-01T00:00:00Z
    origin: {lat_deg: 10.0, lon_deg: -66.0}
    units:
      - id: SAM
        type: sam-medium-range
        position: {lat_deg: 10.0, lon_deg: -66.0}
        components:
          - {id: radar, type: acquisition-radar-mr}
          - {id: cp, type: command-post-mr}
          - {id: telar-1, type: telar-mr}
    network:
      links:
        - {from: SAM/radar, to: SAM/cp, up: false}
    raid:
      - id: A1
        type: strike-fighter
        speed_mps: 200
        route:
          - {lat_deg: 10.5, lon_deg: -66.0, alt_m: 5000}
          - {lat_deg: 10.0, lon_deg: -66.0, alt_m: 5000}
    """
)


def write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def problems_of(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_good_file_loads(tmp_path):
    sc = load_scenario(write(tmp_path, GOOD))
    assert sc.spec.units[0].components[2].type == "telar-mr"
    # the listed link overrides the generated radar-cp link and keeps up=false
    rc = [lk for lk in sc.links if {lk.from_, lk.to} == {"SAM/radar", "SAM/cp"}]
    assert len(rc) == 1 and rc[0].up is False


def test_three_errors_reported_with_their_lines(tmp_path):
    bad = (
        GOOD.replace("type: command-post-mr", "type: command-post-xx")  # line 10
        .replace("to: SAM/cp, up: false", "to: SAM/cpp, up: false")  # line 14
        .replace("speed_mps: 200", "speed_mps: -200")  # line 18
    )
    path = write(tmp_path, bad)
    probs = problems_of(path)
    found = {(p.line, p.field) for p in probs}
    assert (10, "units[0].components[1].type") in found
    assert (14, "network.links[0].to") in found
    assert (18, "raid[0].speed_mps") in found
    assert all(p.file == str(path) for p in probs)
    texts = " ".join(p.message for p in probs)
    assert (
        "command-post-xx" in texts
        and "SAM/cpp" in texts
        and "greater than or equal to 0.1" in texts
    )


def test_validate_cli_exit_2_no_traceback(tmp_path):
    bad = GOOD.replace("type: command-post-mr", "type: nope").replace(
        "speed_mps: 200", "speed_mps: -1"
    )
    path = write(tmp_path, bad)
    proc = subprocess.run(
        [sys.executable, "-m", "iadsim.cli", "validate", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert f"{path}:10:" in lines[0] and "units[0].components[1].type" in lines[0]
    assert any(f"{path}:18:" in ln and "raid[0].speed_mps" in ln for ln in lines)


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("scenario: x\n  bad: [\n", 2, "malformed YAML"),
        ("", 1, "empty"),
        ("- just\n- a list\n", 1, "mapping"),
        (GOOD.replace("lat_deg: 10.5", "lat_deg: 123"), 20, "less than or equal to 90"),
        (GOOD.replace("  - id: A1\n", "  - id: A1\n    colour: red\n"), 17, "unknown field"),
        (GOOD.replace("start_utc: 2026-01-01T00:00:00Z", "start_utc: yesterday"), 2, "datetime"),
        (GOOD.replace("origin:", "origin_typo:"), 3, "unknown field"),
        (GOOD.replace("{id: cp, type", "{id: radar, type"), 10, "duplicate component id"),
        (GOOD.replace("type: strike-fighter", "type: ufo"), 17, "unknown aircraft type"),
    ],
)
def test_each_kind_of_bad_input_is_located(tmp_path, text, line, fragment):
    probs = problems_of(write(tmp_path, text))
    assert any(p.line == line and fragment in p.message for p in probs), [str(p) for p in probs]


def test_readiness_probabilities_must_not_exceed_one(tmp_path):
    bad = GOOD.replace(
        "{id: telar-1, type: telar-mr}",
        "{id: telar-1, type: telar-mr, readiness: {operational: 0.8, in_storage: 0.5}}",
    )
    probs = problems_of(write(tmp_path, bad))
    assert any(p.line == 11 and "sum to 1.300" in p.message for p in probs)


def test_missing_file_and_terrain(tmp_path):
    probs = problems_of(tmp_path / "nope.yaml")
    assert "not found" in probs[0].message
    probs = problems_of(write(tmp_path, GOOD.replace("origin:", "terrain: missing.tif\norigin:")))
    assert probs[0].field == "terrain" and probs[0].line == 3


def test_unknown_strike_site_and_target(tmp_path):
    text = GOOD + textwrap.dedent(
        """\
        sites:
          - {id: s1, position: {lat_deg: 10, lon_deg: -66}, members: [SAM/radar]}
        strikes:
          - {id: k1, site: s2, time_s: 10}
          - {id: k2, site: s1, time_s: 10, targets: [SAM/nothing]}
        """
    )
    probs = problems_of(write(tmp_path, text))
    fields = {p.field for p in probs}
    assert "strikes[0].site" in fields and "strikes[1].targets[0]" in fields


def test_corrupt_terrain_is_refused_at_the_scenario_line(tmp_path):
    (tmp_path / "dem.tif").write_bytes(b"II*\x00 this is not really a GeoTIFF" * 50)
    probs = problems_of(write(tmp_path, GOOD.replace("origin:", "terrain: dem.tif\norigin:")))
    assert probs[0].field == "terrain" and probs[0].line == 3
    assert "dem.tif" in probs[0].message


def test_formation_slot_loads_and_bad_lead_is_located(tmp_path):
    slot = (
        "  - id: A2\n    type: strike-fighter\n"
        "    formation: {lead: A1, offset_east_m: 500, delay_s: 10}\n"
    )
    sc = load_scenario(write(tmp_path, GOOD + slot))
    assert sc.spec.raid[1].formation.lead == "A1"
    from iadsim.engine.run import prepare

    world = prepare(sc).geometry.world
    a1, a2 = world.aircraft
    assert a2.route.start_s == a1.route.start_s + 10.0
    probs = problems_of(write(tmp_path, GOOD + slot.replace("lead: A1", "lead: A9")))
    assert any(p.line == 24 and p.field == "raid[1].formation.lead" for p in probs), probs
    probs = problems_of(write(tmp_path, GOOD + "  - id: A3\n    type: strike-fighter\n"))
    assert any("either a route" in p.message for p in probs)
