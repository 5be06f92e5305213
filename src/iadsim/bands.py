"""Radar and radio frequency bands by their letter names, after IEEE Std 521-2019 ("IEEE
Standard Letter Designations for Radar-Frequency Bands"), with HF, VHF and UHF as the ITU
names them (ITU-R V.431): a jammer declares the bands it covers, a radar or a radio set is
in the band of its frequency.

| band | from | to |
|---|---|---|
| HF | 3 MHz | 30 MHz |
| VHF | 30 MHz | 300 MHz |
| UHF | 300 MHz | 1 GHz |
| L | 1 GHz | 2 GHz |
| S | 2 GHz | 4 GHz |
| C | 4 GHz | 8 GHz |
| X | 8 GHz | 12 GHz |
| Ku | 12 GHz | 18 GHz |
| K | 18 GHz | 27 GHz |
| Ka | 27 GHz | 40 GHz |

A frequency on a boundary belongs to the higher band (1 GHz is L). The table stands below
the scenario layer: the catalog validates band names with it, the sensors compute with it.
"""

from __future__ import annotations

import bisect
from typing import Literal

from iadsim.errors import ValueRangeError

BandName = Literal["HF", "VHF", "UHF", "L", "S", "C", "X", "Ku", "K", "Ka"]
BANDS: dict[str, tuple[float, float]] = {
    "HF": (3.0e6, 3.0e7),
    "VHF": (3.0e7, 3.0e8),
    "UHF": (3.0e8, 1.0e9),
    "L": (1.0e9, 2.0e9),
    "S": (2.0e9, 4.0e9),
    "C": (4.0e9, 8.0e9),
    "X": (8.0e9, 1.2e10),
    "Ku": (1.2e10, 1.8e10),
    "K": (1.8e10, 2.7e10),
    "Ka": (2.7e10, 4.0e10),
}
_NAMES = list(BANDS)
_EDGES = [lo for lo, _ in BANDS.values()]


def band_of(frequency_hz: float) -> str | None:
    """The band a frequency lies in (None below HF or from 40 GHz up)."""
    f = float(frequency_hz)
    k = bisect.bisect_right(_EDGES, f) - 1
    if k < 0 or f >= BANDS[_NAMES[-1]][1]:
        return None
    return _NAMES[k]


def check_bands(bands) -> tuple[str, ...]:
    """The bands as a tuple, refusing an empty list or a name not in the table."""
    out = tuple(bands)
    if not out:
        raise ValueRangeError("a jammer must cover at least one band")
    unknown = [b for b in out if b not in BANDS]
    if unknown:
        raise ValueRangeError(f"unknown band(s) {unknown}: expected some of {_NAMES}")
    return out


def span_hz(bands) -> tuple[float, float]:
    """The lowest and highest frequency of a set of bands (for exports that need one span)."""
    los = [BANDS[b][0] for b in bands]
    his = [BANDS[b][1] for b in bands]
    return min(los), max(his)
