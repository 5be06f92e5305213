"""The layers hold: nothing lower imports anything higher, and the models do no I/O.

Read from the source with `ast` (every import, including those inside functions and under
TYPE_CHECKING), so a lazy import cannot hide a dependency that points the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Highest first. A module may import its own layer and any layer below it.
LAYERS: list[set[str]] = [
    # the Python API and the command line
    {"__init__", "__main__", "api", "api_open", "display", "cli"},
    {"report", "web", "interop"},  # console tables, files, figures, exports
    {"analysis"},
    {"engine"},
    {"sensors", "tracking", "network", "readiness", "engagement", "threats", "killchain"},
    {"scenario", "geo"},
    {
        "io",
        "errors",
        "limits",
        "memo",
        "bands",
        "catalog",
        "data",
        "_version",
        "bundled",
        "scenarios",
    },
]
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}
MODELS = LAYERS[4] | {"engine"}
# writers of files, tables and plots: only report/ and io/ (and the entry points) use them
WRITERS = {"rich", "matplotlib", "pyarrow.parquet", "pyarrow.csv", "csv"}


def room_of(module: str) -> str:
    """'iadsim.sensors.coverage' -> 'sensors'; 'iadsim' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[str, int]]:
    """(absolute module name, line) of every import in the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((name, node.lineno))
    return out


def sources() -> list[Path]:
    return sorted((SRC / "iadsim").rglob("*.py"))


def violations(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        here = room_of(module_name(path))
        for name, line in imports_of(path):
            where = f"{path.relative_to(SRC)}:{line}"
            if name == "iadsim" or name.startswith("iadsim."):
                there = room_of(name)
                if there not in RANK:
                    found.append(f"{where}: imports {name}, a room not in LAYERS")
                elif RANK[there] < RANK[here]:
                    found.append(f"{where}: {here} imports {name} (a higher layer)")
            elif here in MODELS and any(name == w or name.startswith(w + ".") for w in WRITERS):
                found.append(f"{where}: {here} is a model layer but imports {name} (a writer)")
    return found


def test_every_room_has_a_layer():
    rooms = {p.name.removesuffix(".py") for p in (SRC / "iadsim").iterdir()}
    rooms -= {"__pycache__", "py.typed"}
    assert rooms <= set(RANK), sorted(rooms - set(RANK))


def test_no_import_points_up_and_models_write_nothing():
    assert violations(sources()) == []


@pytest.mark.parametrize(
    ("room", "text", "expected"),
    [
        ("geo", "from iadsim.killchain import Reason\n", "geo imports iadsim.killchain"),
        ("scenario", "def f():\n    import iadsim.engine.run\n", "imports iadsim.engine.run"),
        ("sensors", "import matplotlib.pyplot as plt\n", "imports matplotlib.pyplot"),
        ("engine", "from rich.table import Table\n", "imports rich.table"),
        ("analysis", "from ..report import console\n", "imports iadsim.report"),
    ],
)
def test_the_check_catches_an_upward_import(tmp_path, monkeypatch, room, text, expected):
    """The checker itself: a planted bad import in a copy of the tree is reported."""
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", tmp_path)
    bad = tmp_path / "iadsim" / room / "planted.py"
    bad.parent.mkdir(parents=True)
    bad.write_text(text)
    (found,) = violations([bad])
    assert expected in found and "planted.py:" in found


def test_the_check_allows_downward_imports(tmp_path, monkeypatch):
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", tmp_path)
    ok = tmp_path / "iadsim" / "report" / "planted.py"
    ok.parent.mkdir(parents=True)
    ok.write_text("import rich\nfrom iadsim.analysis import stats\nfrom . import console\n")
    assert violations([ok]) == []


def test_tests_mirror_src():
    """tests/<room>/ for each room of src/iadsim; a top-level test names a module of the
    package (test_api.py for api.py), or the whole tree (layers, the wheel) or the examples."""
    tests = Path(__file__).resolve().parent
    rooms = {p.name.removesuffix(".py") for p in (SRC / "iadsim").iterdir()}
    dirs = {p.name for p in tests.iterdir() if p.is_dir() and p.name not in ("__pycache__",)}
    assert dirs - {"fixtures"} <= rooms, sorted(dirs - rooms - {"fixtures"})
    top = {p.stem.removeprefix("test_") for p in tests.glob("test_*.py")}
    whole = {"layers", "examples", "wheel"}
    assert top <= rooms | whole, sorted(top - rooms - whole)
