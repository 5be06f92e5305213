"""Fuzz targets for the scenario loader (tests/fuzzing.py: brief and derandomized in `make
test`, long in `make fuzz`): whatever the file holds, `load_scenario` returns a Scenario or
raises an InputError whose problems name the file; never another exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from iadsim.errors import InputError
from iadsim.scenario import load_scenario
from tests.builders import TUTORIAL
from tests.fuzzing import apply_edits, dump_yaml, fuzz, scenario_edits

BASE = YAML(typ="safe").load(TUTORIAL.read_text())


def _check(path) -> None:
    try:
        load_scenario(path)
    except InputError as exc:
        assert exc.problems and all(p.file == str(path) for p in exc.problems)
        assert all(p.message for p in exc.problems)


@fuzz(30, 3000)
@given(edits=scenario_edits(BASE))
def test_mutated_scenarios_load_or_are_refused_cleanly(tmp_path_factory, edits):
    text = dump_yaml(apply_edits(BASE, edits))
    if text is None:
        return
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text)
    _check(path)


@fuzz(30, 3000)
@given(data=st.binary(max_size=400), cut=st.integers(min_value=0, max_value=3000))
def test_random_bytes_and_truncations_are_refused_cleanly(tmp_path_factory, data, cut):
    text = TUTORIAL.read_bytes()
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_bytes(text[:cut] + data)
    _check(path)


_BRACKETS = st.text(alphabet="[]{}&*a:, -\n", max_size=60)


@fuzz(60, 5000)
@given(
    prefix=_BRACKETS,
    depth=st.integers(min_value=0, max_value=3000),
    opener=st.sampled_from(["[", "{a: ", "- ", "[&a ", "{? "]),
    suffix=_BRACKETS,
)
def test_nesting_anchors_and_aliases_are_refused_cleanly(
    tmp_path_factory, prefix, depth, opener, suffix
):
    """Deep flow and block nesting, anchors and aliases in any arrangement: a located refusal
    (or a document), never a RecursionError."""
    if opener == "- ":
        body = "".join("  " * i + "- \n" for i in range(min(depth, 400)))
    else:
        body = opener * depth
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text("x: " + prefix + body + suffix + "\n")
    _check(path)
