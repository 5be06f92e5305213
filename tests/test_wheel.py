"""The wheel carries what a pip user needs: built here, installed into a fresh virtual
environment, it runs the bundled case study from an empty directory, with no file of the
repository (the scenario, its terrain and the catalog all come from the installed package).

The fresh environment gets the third-party libraries of this one through a `.pth` line (so
the test needs no network); `.pth` files in that directory, such as the editable install of
the repository, are not processed, so `import iadsim` can only find the installed wheel.
`tools/check_wheel.sh` does the same with a fully independent install from the registry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(cmd, cwd, env=None) -> str:
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert out.returncode == 0, f"{cmd}\n{out.stdout}\n{out.stderr}"
    return out.stdout


def test_wheel_runs_the_bundled_case_study_without_the_repository(tmp_path):
    wheels = tmp_path / "wheels"
    build = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w"]
        + [str(wheels), str(ROOT)],
        cwd=tmp_path,
    )
    assert "deprecat" not in build.lower()
    (wheel,) = wheels.glob("iadsim-*.whl")

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index"]
        + ["--quiet", str(wheel)],
        cwd=tmp_path,
    )
    site = Path(
        _run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path
        ).strip()
    )
    (site / "_third_party.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = _run(
        [
            str(py),
            "-c",
            "import iadsim, iadsim.bundled as b; print(iadsim.__file__); print(b.bundled_dir())",
        ],
        work,
        env,
    ).split()
    assert all(Path(w).is_relative_to(env_dir) for w in where), where

    iadsim = str(env_dir / "bin" / "iadsim")
    _run([iadsim, "run", "caracas", "--seed", "1", "--out", "out/caracas"], work, env)
    summary = json.loads((work / "out" / "caracas" / "summary.json").read_text())
    assert summary  # the run wrote its summary
    assert (work / "out" / "caracas" / "events.parquet").stat().st_size > 0

    listing = _run([iadsim, "examples"], work, env)
    assert "caracas-2026-01-03" in listing and "tutorial" in listing
    _run([iadsim, "examples", "ex"], work, env)
    copied = sorted(p.name for p in (work / "ex").iterdir())
    assert copied == sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert (work / "ex" / "tutorial.yaml").read_bytes() == (
        ROOT / "scenarios" / "tutorial.yaml"
    ).read_bytes()
    _run([iadsim, "validate", "ex/tutorial.yaml"], work, env)
