"""A real (or recorded) radar feed into iadsim's tracker: CAT048 plots (and CAT034 scan
markers) read from a raw ASTERIX file or a pcap, placed with their radar's site from a
SAC/SIC table, and tracked per radar by `iadsim.tracking.Tracker` with the configuration the
engine's Kalman mode uses; the result is the confirmed-track history, the table the engine
records for a simulated radar.

Nothing in the input stops the stream: unreadable frames, datablocks and records, and plots
of radars not in the table, are counted and reported with their byte offsets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from iadsim.engine.kalman_tracks import TRACKER_CONFIG
from iadsim.errors import InputError, Problem
from iadsim.geo.frames import LocalFrame
from iadsim.interop.asterix import DAY_S, Decoded, decode
from iadsim.interop.pcap import read_udp_pcap
from iadsim.tracking import Tracker

PCAP_MAGICS = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
SITE_FIELDS = {"sac": int, "sic": int, "lat_deg": float, "lon_deg": float, "alt_m": float}
NOISE_DEFAULTS = {"sigma_range_m": 50.0, "sigma_az_deg": 0.2, "sigma_el_deg": 0.5}
"""Plot noise assumed for a site that does not give its own (notional)."""


@dataclass(frozen=True)
class Site:
    sac: int
    sic: int
    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float
    sigma_range_m: float
    sigma_az_deg: float
    sigma_el_deg: float


@dataclass
class Ingested:
    """The decoded stream, the frames skipped, and the tracks: per row time (s of day),
    radar name, track id, latitude, longitude, altitude MSL."""

    decoded: Decoded
    frame_notes: list[str] = field(default_factory=list)
    tracks: dict[str, np.ndarray] = field(default_factory=dict)
    unplaced: dict[tuple[int, int], int] = field(default_factory=dict)


def load_sites(path: Path) -> tuple[LocalFrame, dict[tuple[int, int], Site]]:
    """The SAC/SIC table (YAML: `sites:` list of sac, sic, name, lat_deg, lon_deg, alt_m and
    optional sigma_range_m, sigma_az_deg, sigma_el_deg; optional `origin: {lat_deg,
    lon_deg}`, default the first site). Bad entries: InputError naming file, line and field."""
    from iadsim.scenario.yaml_loader import load_yaml

    data, where = load_yaml(path)

    def bad(keys: tuple, message: str) -> InputError:
        line, col = where.get(keys) or (None, None)
        return InputError(Problem(str(path), line, col, ".".join(map(str, keys)), message))

    if not isinstance(data, dict) or not isinstance(data.get("sites"), list) or not data["sites"]:
        raise bad((), "expected a mapping with a non-empty `sites:` list")
    sites: dict[tuple[int, int], Site] = {}
    for i, s in enumerate(data["sites"]):
        if not isinstance(s, dict):
            raise bad(("sites", i), "expected a mapping")
        vals = {}
        for key, kind in {**SITE_FIELDS, **dict.fromkeys(NOISE_DEFAULTS, float)}.items():
            v = s.get(key, NOISE_DEFAULTS.get(key))
            if v is None or isinstance(v, bool) or not isinstance(v, int | float):
                raise bad(("sites", i, key), "missing or not a number")
            if kind is int and (not isinstance(v, int) or not 0 <= v <= 255):
                raise bad(("sites", i, key), "must be an integer 0..255")
            vals[key] = kind(v)
        if not -90 <= vals["lat_deg"] <= 90 or not -180 <= vals["lon_deg"] <= 180:
            raise bad(("sites", i), "latitude/longitude out of range")
        if min(vals[k] for k in NOISE_DEFAULTS) <= 0:
            raise bad(("sites", i), "noise sigmas must be > 0")
        key = (vals["sac"], vals["sic"])
        if key in sites:
            raise bad(("sites", i, "sic"), f"SAC/SIC {key} listed twice")
        sites[key] = Site(name=str(s.get("name", f"{key[0]}/{key[1]}")), **vals)
    first = next(iter(sites.values()))
    origin = data.get("origin") or {"lat_deg": first.lat_deg, "lon_deg": first.lon_deg}
    try:
        frame = LocalFrame(float(origin["lat_deg"]), float(origin["lon_deg"]))
    except (KeyError, TypeError, ValueError):
        raise bad(("origin",), "expected {lat_deg, lon_deg}") from None
    return frame, sites


def read_stream(data: bytes) -> tuple[Decoded, list[str]]:
    """Decode a pcap (UDP payloads) or a raw ASTERIX recording."""
    if data[:4] in PCAP_MAGICS:
        out = Decoded()
        try:
            datagrams, notes = read_udp_pcap(data)
        except ValueError as exc:  # a pcap header that cannot be read: nothing to decode
            out.problem("unreadable pcap", 0, str(exc))
            return out, []
        for d in datagrams:
            decode(d.payload, d.offset, out)
        return out, notes
    return decode(data), []


def _unwrap(tod: np.ndarray) -> np.ndarray:
    """Times of day made increasing across midnight (a jump back of over 12 h is a new day)."""
    day = np.concatenate([[0], np.cumsum(np.diff(tod) < -DAY_S / 2)])
    return tod + DAY_S * day


def track(decoded: Decoded, frame: LocalFrame, sites: dict) -> tuple[dict, dict]:
    """Run one tracker per radar over its scans; returns the track table (columns) and the
    plots of radars not in the table, per SAC/SIC."""
    cfg = replace(TRACKER_CONFIG, record_history=True)
    cols: dict[str, list] = {k: [] for k in ("time_s", "radar", "track", "lat", "lon", "alt")}
    unplaced: dict[tuple[int, int], int] = {}
    for p in decoded.plots:
        if (p.sac, p.sic) not in sites:
            unplaced[(p.sac, p.sic)] = unplaced.get((p.sac, p.sic), 0) + 1
    for key, site in sites.items():
        plots = [p for p in decoded.plots if (p.sac, p.sic) == key]
        scans = [m.tod_s for m in decoded.markers if (m.sac, m.sic) == key and m.kind == 1]
        if not plots:
            continue
        t_plot = np.array([p.tod_s for p in plots])
        times = np.unique(_unwrap(np.concatenate([t_plot, np.asarray(scans, float)])))
        t_plot = _unwrap(t_plot) if t_plot.size else t_plot
        sensor = frame.to_enu(site.lat_deg, site.lon_deg, 0.0)
        sensor[2] = site.alt_m
        z = np.empty((len(plots), 3))
        for j, p in enumerate(plots):
            el = 0.0
            if p.height_m is not None and p.range_m > 0:
                el = math.asin(max(-1.0, min(1.0, (p.height_m - site.alt_m) / p.range_m)))
            z[j] = (p.range_m, p.azimuth_rad, el)
        r = np.diag(
            [
                site.sigma_range_m**2,
                math.radians(site.sigma_az_deg) ** 2,
                math.radians(site.sigma_el_deg) ** 2,
            ]
        )
        order = np.argsort(t_plot, kind="stable")
        t_plot, z = t_plot[order], z[order]
        lo, hi = np.searchsorted(t_plot, times, "left"), np.searchsorted(t_plot, times, "right")
        tracker = Tracker(cfg, n_dims=3)
        for t, a, b in zip(times, lo, hi, strict=True):
            tracker.step(float(t), z[a:b], r, sensor)
        h = tracker.history().confirmed_only()
        if h.t.size:
            pos = h.x[:, [0, 2, 4]]
            lat, lon, _ = frame.to_geodetic(np.column_stack([pos[:, :2], np.zeros(len(pos))]))
            cols["time_s"] += h.t.tolist()
            cols["radar"] += [site.name] * h.t.size
            cols["track"] += h.ids.tolist()
            cols["lat"] += np.atleast_1d(lat).tolist()
            cols["lon"] += np.atleast_1d(lon).tolist()
            cols["alt"] += pos[:, 2].tolist()
    return cols, unplaced


def ingest(data: bytes, frame: LocalFrame, sites: dict) -> Ingested:
    """Decode and track a recording."""
    decoded, notes = read_stream(data)
    cols, unplaced = track(decoded, frame, sites)
    return Ingested(decoded, notes, cols, unplaced)
