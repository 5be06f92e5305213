"""A bounded fuzz target for the scenario loader (hypothesis, derandomized: the same examples
every run, a few seconds): whatever the file holds, `load_scenario` returns a Scenario or
raises an InputError whose problems name the file; never another exception."""

from __future__ import annotations

import copy
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from iadsim.errors import InputError
from iadsim.scenario import load_scenario
from tests.builders import TUTORIAL

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BASE = YAML(typ="safe").load(TUTORIAL.read_text())

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 1e-300, 0.0, -0.0, 1e6, 2026, 13]),
    st.text(max_size=20),
    st.sampled_from(["2026-13-45", "2025-02-30", "SAM/cp", "SAM/cp", "EW/radar", "", "*", "?"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(node, prefix=()):
    """Every path into the scenario dict (containers and leaves)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(BASE) if p]


def _check(path) -> None:
    try:
        load_scenario(path)
    except InputError as exc:
        assert exc.problems and all(p.file == str(path) for p in exc.problems)
        assert all(p.message for p in exc.problems)


def _dump(data) -> str:
    buf = io.StringIO()
    y = YAML(typ="safe")
    y.default_flow_style = None
    y.dump(data, buf)
    return buf.getvalue()


@FUZZ
@given(edits=st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=4))
def test_mutated_scenarios_load_or_are_refused_cleanly(tmp_path_factory, edits):
    data = copy.deepcopy(BASE)
    for path, value in edits:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        text = _dump(data)
    except Exception:  # noqa: BLE001 - a value ruamel cannot write is not the loader's case
        return
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text)
    _check(path)


@FUZZ
@given(data=st.binary(max_size=400), cut=st.integers(min_value=0, max_value=3000))
def test_random_bytes_and_truncations_are_refused_cleanly(tmp_path_factory, data, cut):
    text = TUTORIAL.read_bytes()
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_bytes(text[:cut] + data)
    _check(path)
