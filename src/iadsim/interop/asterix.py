"""ASTERIX CAT048 (monoradar target reports, edition 1.31), CAT034 (monoradar service
messages, edition 1.29) and CAT062 (SDPS system tracks, edition 1.19) encoded and decoded
with libasterix, editions Wireshark 4.0 also decodes.

Encoding: a radar's scan is a CAT034 north marker followed by one CAT048 datablock with its
plots (I048/010 SAC/SIC, I048/140 time of day, I048/020 single PSR detection with the SIM
bit set: simulated, I048/040 range and azimuth, I048/110 height when known).
A command post's fused picture is one CAT062 datablock per update (I062/010 its SDPS
SAC/SIC, I062/015 service 1, I062/070 time of track information, I062/105 WGS-84 position,
I062/100 Cartesian position and I062/185 velocity in the scenario's ENU frame, I062/040 the
system track number, I062/080 status: monosensor or not, tentative while the fused position
is worse than the firm-track threshold, SIM set; I062/130 geometric altitude).
Decoding never raises on bad input: a datablock or record that cannot be read is counted and
reported with its byte offset, and the stream goes on with the next datablock it can find.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

import asterix.generated as gen
from asterix.base import Bits, ParsingMode

CAT048 = gen.Cat_048_1_31
CAT034 = gen.Cat_034_1_29
CAT062 = gen.Cat_062_1_19
NM_M = 1852.0
FT_M = 0.3048
DAY_S = 86400.0


@dataclass(frozen=True)
class Plot:
    """A radar plot: the radar (SAC, SIC), time of day (s, UTC), slant range (m), azimuth
    (rad, from north, clockwise) and height MSL (m; None when the radar gives none)."""

    sac: int
    sic: int
    tod_s: float
    range_m: float
    azimuth_rad: float
    height_m: float | None = None


@dataclass(frozen=True)
class Marker:
    """A CAT034 north marker (kind 1) or sector crossing (kind 2) of radar (SAC, SIC)."""

    sac: int
    sic: int
    tod_s: float
    kind: int


@dataclass(frozen=True)
class SystemTrack:
    """A CAT062 system track of SDPS (SAC, SIC): time of day (s, UTC), track number, WGS-84
    position (deg, geometric altitude m), Cartesian position and velocity in the system's
    plane (m, m/s; here the scenario's ENU frame), sources (1: monosensor) and whether it is
    confirmed."""

    sac: int
    sic: int
    tod_s: float
    number: int
    lat_deg: float
    lon_deg: float
    alt_m: float
    x_m: float
    y_m: float
    vx_ms: float
    vy_ms: float
    n_sources: int = 1
    confirmed: bool = True


@dataclass
class Decoded:
    """What a stream held: plots, markers, and per kind how many datablocks or records could
    not be used, with one problem line (byte offset, what) each."""

    plots: list[Plot] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    tracks: list[SystemTrack] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def problem(self, what: str, offset: int, message: str) -> None:
        self.count(what)
        self.problems.append(f"byte {offset}: {message}")


def plot_block(plots: list[Plot]) -> bytes:
    """One CAT048 datablock holding `plots` (all of one radar)."""
    recs = []
    for p in plots:
        items = {
            "010": (("SAC", p.sac), ("SIC", p.sic)),
            "140": (p.tod_s % DAY_S, "s"),
            "020": ((("TYP", 1), ("SIM", 1), ("RDP", 0), ("SPI", 0), ("RAB", 0), None),),
            "040": (
                ("RHO", (min(p.range_m / NM_M, 511.99), "NM")),
                ("THETA", (math.degrees(p.azimuth_rad) % 360.0, "°")),
            ),
        }
        if p.height_m is not None:
            items["110"] = (0, ("3DH", (p.height_m / FT_M, "ft")))
        recs.append(CAT048.cv_record.create(items))
    return CAT048.create(recs).unparse().to_bytes()


def _track_item(t: SystemTrack) -> dict:
    status = (
        (("MON", int(t.n_sources <= 1)), ("SPI", 0), ("MRH", 1), ("SRC", 2),
         ("CNF", int(not t.confirmed)), None),
        (("SIM", 1), ("TSE", 0), ("TSB", 0), ("FPC", 0), ("AFF", 0), ("STP", 0), ("KOS", 0),
         None),
    )  # fmt: skip
    return {
        "010": (("SAC", t.sac), ("SIC", t.sic)),
        "015": 1,
        "070": (t.tod_s % DAY_S, "s"),
        "105": (("LAT", (t.lat_deg, "°")), ("LON", (t.lon_deg, "°"))),
        "100": (("X", (t.x_m, "m")), ("Y", (t.y_m, "m"))),
        "185": (("VX", (t.vx_ms, "m/s")), ("VY", (t.vy_ms, "m/s"))),
        "040": t.number % 65536,
        "080": status,
        "130": (t.alt_m / FT_M, "ft"),
    }


def track_block(tracks: list[SystemTrack]) -> bytes:
    """One CAT062 datablock holding `tracks` (all of one SDPS)."""
    recs = [CAT062.cv_record.create(_track_item(t)) for t in tracks]
    return CAT062.create(recs).unparse().to_bytes()


def marker_block(m: Marker, azimuth_rad: float = 0.0) -> bytes:
    """A CAT034 datablock with one north marker (kind 1) or sector crossing (kind 2)."""
    items = {"000": m.kind, "010": (("SAC", m.sac), ("SIC", m.sic)), "030": (m.tod_s % DAY_S, "s")}
    if m.kind == 2:
        items["020"] = (math.degrees(azimuth_rad) % 360.0, "°")
    return CAT034.create([CAT034.cv_record.create(items)]).unparse().to_bytes()


def _sac_sic(rec) -> tuple[int, int]:
    i = rec.get_item("010")
    return (i.variation.get_item("SAC").as_uint(), i.variation.get_item("SIC").as_uint())


def _plot(rec) -> Plot | None:
    """A CAT048 record as a plot; None if it has no SAC/SIC, time or polar position."""
    if rec.get_item("010") is None or rec.get_item("140") is None or rec.get_item("040") is None:
        return None
    sac, sic = _sac_sic(rec)
    tod = rec.get_item("140").variation.content.as_quantity("s")
    pos = rec.get_item("040").variation
    rho = pos.get_item("RHO").variation.content.as_quantity("NM") * NM_M
    theta = math.radians(pos.get_item("THETA").variation.content.as_quantity("°"))
    height = None
    i110 = rec.get_item("110")
    if i110 is not None:
        height = i110.variation.get_item("3DH").variation.content.as_quantity("ft") * FT_M
    return Plot(sac, sic, tod, rho, theta, height)


def _records(spec, body: bytes, offset: int, out: Decoded, name: str):
    """The records of one datablock, one at a time; a record that does not parse ends the
    block (its length is unknown), counted with its offset."""
    bits = Bits.from_bytes(body)
    while len(bits) > 0:
        at = offset + len(body) - len(bits) // 8
        try:
            got = spec.cv_record.parse(ParsingMode.StrictParsing, bits)
        except Exception as exc:  # noqa: BLE001 -- third-party parser on untrusted bytes
            got = ValueError(str(exc))
        if isinstance(got, ValueError):
            out.problem(f"cat{name} malformed record", at, f"CAT{name} record does not parse")
            return
        rec, bits = got
        yield at, rec


def decode(data: bytes, base_offset: int = 0, out: Decoded | None = None) -> Decoded:
    """Decode a stream of ASTERIX datablocks (a raw recording or one UDP payload). Offsets in
    problems are `base_offset` + the position in `data`."""
    out = out if out is not None else Decoded()
    pos = 0
    while pos < len(data):
        at = base_offset + pos
        if len(data) - pos < 3:
            out.problem("truncated datablock", at, f"{len(data) - pos} bytes left, no header")
            return out
        cat, length = struct.unpack_from(">BH", data, pos)
        if length < 3 or pos + length > len(data):
            out.problem("truncated datablock", at, f"CAT{cat:03d} length {length} beyond the data")
            return out
        body = data[pos + 3 : pos + length]
        out.count("datablocks")
        if cat == 48:
            for where, rec in _records(CAT048, body, at + 3, out, "048"):
                plot = _safe(_plot, rec)
                if plot is None:
                    out.problem("cat048 records without a position", where, "no 010/140/040")
                else:
                    out.plots.append(plot)
                    out.count("cat048 plots")
        elif cat == 34:
            for where, rec in _records(CAT034, body, at + 3, out, "034"):
                m = _safe(_marker, rec)
                if m is None:
                    out.problem("cat034 records unused", where, "no 000/010/030")
                else:
                    out.markers.append(m)
                    out.count("cat034 messages")
        elif cat == 62:
            for where, rec in _records(CAT062, body, at + 3, out, "062"):
                trk = _safe(_track, rec)
                if trk is None:
                    out.problem("cat062 records without a position", where, "no 010/070/105/040")
                else:
                    out.tracks.append(trk)
                    out.count("cat062 system tracks")
        else:
            out.problem("unknown category datablocks", at, f"CAT{cat:03d} not read")
        pos += length
    return out


def _marker(rec) -> Marker | None:
    if rec.get_item("000") is None or rec.get_item("010") is None or rec.get_item("030") is None:
        return None
    sac, sic = _sac_sic(rec)
    tod = rec.get_item("030").variation.content.as_quantity("s")
    return Marker(sac, sic, tod, rec.get_item("000").as_uint())


def _pair(rec, item: str, a: str, b: str, unit: str) -> tuple[float, float]:
    i = rec.get_item(item)
    if i is None:
        return (math.nan, math.nan)
    v = i.variation
    return tuple(v.get_item(k).variation.content.as_quantity(unit) for k in (a, b))  # type: ignore[return-value]


def _track(rec) -> SystemTrack | None:
    """A CAT062 record as a system track; None without SAC/SIC, time, position or number."""
    if any(rec.get_item(k) is None for k in ("010", "070", "105", "040")):
        return None
    sac, sic = _sac_sic(rec)
    tod = rec.get_item("070").variation.content.as_quantity("s")
    lat, lon = _pair(rec, "105", "LAT", "LON", "°")
    x, y = _pair(rec, "100", "X", "Y", "m")
    vx, vy = _pair(rec, "185", "VX", "VY", "m/s")
    i130 = rec.get_item("130")
    alt = i130.variation.content.as_quantity("ft") * FT_M if i130 is not None else math.nan
    n_src, confirmed = 1, True
    i080 = rec.get_item("080")
    if i080 is not None:
        first = i080.variation.get_item("MON")
        n_src = 1 if first is not None and first.as_uint() else 2
        cnf = i080.variation.get_item("CNF")
        confirmed = not (cnf is not None and cnf.as_uint())
    number = rec.get_item("040").as_uint()
    return SystemTrack(sac, sic, tod, number, lat, lon, alt, x, y, vx, vy, n_src, confirmed)


def _safe(f, rec):
    try:
        return f(rec)
    except Exception:  # noqa: BLE001 -- a record libasterix parsed but cannot convert
        return None
