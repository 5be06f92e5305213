"""Fuzz target for `--set` (tests/fuzzing.py): any PATH=VALUE on the tutorial scenario gives a
variant or an InputError with a message; never another exception (a value reaches the same
structure checks as a file: depth, aliases, recursion, expansion)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iadsim.analysis.variants import make_variant, parse_group
from iadsim.errors import InputError
from iadsim.scenario import load_scenario
from tests.builders import TUTORIAL
from tests.fuzzing import fuzz, paths

BASE = load_scenario(TUTORIAL)
PATHS = sorted({".".join(str(k) for k in p) for p in paths(BASE.spec.model_dump(mode="json"))})
YAMLISH = st.text(alphabet="[]{}&*!|>'\"#:,-?%@`ab01.e+\n\t ", max_size=40)
VALUES = st.one_of(
    YAMLISH,
    st.text(max_size=20),
    st.sampled_from(["&a [*a]", "&a {b: *a}", "[]", "{}", ".nan", ".inf", "-1", "1e400", "~"]),
    st.integers(min_value=0, max_value=3000).map(lambda n: "[" * n + "]" * n),
)


@fuzz(40, 3000)
@given(
    path=st.one_of(st.sampled_from(PATHS), st.text(alphabet="ab.0*", max_size=12)),
    value=VALUES,
)
def test_any_set_value_gives_a_variant_or_a_clear_refusal(path, value):
    try:
        make_variant(BASE, parse_group(f"{path}={value}"))
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
