"""Wireshark's own dissectors as the independent reader of what iadsim sends.

`make test` installs Debian's tshark and sets IADSIM_REQUIRE_TSHARK=1, as CI does (CI=true):
there a missing tshark fails the tests that need it; elsewhere they skip, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

TSHARK = shutil.which("tshark")


def need_tshark() -> str:
    """tshark's path; fails when it is required (make test, CI), else skips."""
    if TSHARK:
        return TSHARK
    if os.environ.get("IADSIM_REQUIRE_TSHARK") or os.environ.get("CI"):
        pytest.fail("tshark is missing but required (make test installs Debian's tshark)")
    pytest.skip("tshark missing: `make tshark` installs it (make test does)")


def fields(pcap: Path, names: list[str], decode_as: str = "", filt: str = "") -> list[dict]:
    """One dict per frame: field name -> list of values as tshark prints them (-T fields)."""
    cmd = [need_tshark(), "-n", "-r", str(pcap), "-T", "fields", "-E", "separator=\t"]
    if decode_as:
        cmd += ["-d", decode_as]
    if filt:
        cmd += ["-Y", filt]
    for n in names:
        cmd += ["-e", n]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        rows.append({n: (c.split(",") if c else []) for n, c in zip(names, cols, strict=True)})
    return rows


def malformed(pcap: Path, decode_as: str = "") -> int:
    """Frames tshark flags as malformed or with warnings/errors of its expert system."""
    cmd = [
        need_tshark(),
        "-n",
        "-r",
        str(pcap),
        "-Y",
        "_ws.malformed || _ws.expert.severity >= warning",
    ]
    if decode_as:
        cmd += ["-d", decode_as]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return len([x for x in out.splitlines() if x.strip()])
