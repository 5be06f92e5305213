"""`iadsim --version` and `--help` stay light: they import none of the heavy libraries.

Checked in a fresh interpreter through `sys.modules` (not by timing, which depends on the
machine's load): the command parser must be built without the engine, the analysis layer or
their dependencies, so that `iadsim --version` starts in a fraction of a second."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "networkx", "dask", "distributed", "matplotlib", "rasterio", "pyarrow")

PROBE = """
import json, sys
from iadsim.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))
"""


def _top_modules(*argv: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["mc", "--help"]])
def test_parser_imports_no_heavy_library(argv):
    loaded = _top_modules(*argv)
    assert "iadsim" in loaded  # the probe did run the command line
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_probe_sees_heavy_imports_when_a_command_runs(tmp_path):
    """The same probe on a command that does work reports the heavy libraries (so an empty
    answer above means they were not imported, not that the probe is blind)."""
    loaded = _top_modules("catalog")
    assert "pydantic" in loaded
