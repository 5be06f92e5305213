"""Settings shared by the fuzz targets (hypothesis) and the regression corpus of every crash
found so far (tests/fixtures/crashes/, README there).

`make test` runs each target briefly and derandomized: the same examples every run, a few
seconds each. `make fuzz` sets IADSIM_FUZZ=long: fresh random examples, many more of them
(docs/limits.md, "Fuzzing", gives the duration and what each target covers). A failure found
there is shrunk by hypothesis; add the shrunk input to the corpus so that `make test` keeps it.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

LONG = os.environ.get("IADSIM_FUZZ") == "long"
CORPUS = Path(__file__).parent / "fixtures" / "crashes"


def fuzz(short: int, long: int) -> settings:
    """`short` derandomized examples in `make test`; `long` random ones under `make fuzz`."""
    return settings(
        max_examples=long if LONG else short,
        deadline=None,
        derandomize=not LONG,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# -- scenario mutations ----------------------------------------------------------------------

DELETE = object()
"""An edit's value meaning: remove that key or item."""


def _values():
    from hypothesis import strategies as st

    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([1e308, -1e308, 1e-300, 0.0, -0.0, 1e6, 2026, 13, -1, 90.0, 180.0]),
        st.text(max_size=20),
        st.sampled_from(["2026-13-45", "2025-02-30", "SAM/cp", "EW/radar", "", "*", "?"]),
        st.sampled_from([[], {}, DELETE, DELETE]),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    )


def paths(node, prefix: tuple = ()):
    """Every path into a scenario dict (containers and leaves), the root excepted."""
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, (*prefix, i))


def scenario_edits(base: dict):
    """Lists of (path, value) edits of `base`: a value set, a key or item removed, a list or
    mapping emptied, wrong types, extreme and non-finite numbers, impossible dates."""
    from hypothesis import strategies as st

    return st.lists(
        st.tuples(st.sampled_from(list(paths(base))), _values()), min_size=1, max_size=4
    )


def apply_edits(base: dict, edits) -> dict:
    """A deep copy of `base` with the edits made (one whose path no longer exists is skipped)."""
    import copy

    data = copy.deepcopy(base)
    for path, value in edits:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            if value is DELETE:
                del node[path[-1]]
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return data


def dump_yaml(data) -> str | None:
    """The YAML text of `data`, or None when ruamel cannot write a value (not the loader's
    case)."""
    import io

    from ruamel.yaml import YAML

    buf = io.StringIO()
    y = YAML(typ="safe")
    y.default_flow_style = None
    try:
        y.dump(data, buf)
    except Exception:  # noqa: BLE001
        return None
    return buf.getvalue()
