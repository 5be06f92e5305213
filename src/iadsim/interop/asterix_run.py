"""A replication's radar plots as ASTERIX: each radar (its own SAC/SIC) sends, at every look
it works, a CAT034 north marker and a CAT048 datablock with that look's plots.

The plots are the engine's own (`engine.kalman_tracks`): the detections drawn in the
replication, measured with the radar's noise from its `sensor:<id>:measure` stream, plus its
false alarms on the looks the tracker processes; in Kalman mode they are exactly the plots the
radar's tracker was fed. A sites file (SAC/SIC -> position and noise) goes with the capture,
so `iadsim ingest asterix` can place the plots again.

In Kalman mode each command post also publishes its fused air picture (`picture_feeds`): at
each of its decision times, every system track it holds as CAT062 (its own SDPS SAC/SIC,
numbered after the radars from 101), with the fused position and velocity the post decided on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from iadsim.engine.fusion_picture import MAX_POS_STD_PICTURE_M
from iadsim.engine.kalman_tracks import (
    _false_plots,
    _plots,
    _stretches,
    kalman_sensor_geometry,
    track_margin,
)
from iadsim.engine.replication import Replication
from iadsim.engine.rng import RngStreams
from iadsim.engine.run import Prepared
from iadsim.interop.asterix import (
    Marker,
    Plot,
    SystemTrack,
    marker_block,
    plot_block,
    track_block,
)


@dataclass(frozen=True)
class RadarFeed:
    """One radar's ASTERIX: its site entry and its (scenario time, datablock bytes)."""

    site: dict
    blocks: list[tuple[float, bytes]]


def time_of_day(start: datetime, t_s: float) -> float:
    """Seconds since UTC midnight of scenario time t_s."""
    t = start + timedelta(seconds=float(t_s))
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond * 1e-6


def radar_feeds(
    prepared: Prepared, seed: int, sac: int = 1, rep: Replication | None = None
) -> list[RadarFeed]:
    """Every radar's feed in one replication (SIC 1, 2, ... in the world's order); `rep`: the
    replication already run with this seed, when the caller has it."""
    world = prepared.geometry.world
    start = prepared.scenario.spec.start_utc
    if rep is None:
        rep = run_once(prepared, seed)
    rs = RngStreams(int(seed))
    feeds = []
    radars = [ci for ci in sorted(rep.sensing.sensors) if world.components[ci].is_radar]
    for sic, ci in enumerate(radars, start=1):
        comp = world.components[ci]
        state = rep.sensing.sensors[ci]
        kgeo = kalman_sensor_geometry(world, state.geo)
        rng = rs.stream(f"sensor:{comp.id}:measure")
        det = state.detected
        k_det, _, z_det = _plots(kgeo, det, rng)
        looks = np.flatnonzero(_stretches(det.any(axis=0), track_margin()))
        k_fa, z_fa = _false_plots(comp, looks, rng) if looks.size else (k_det[:0], z_det[:0])
        k_all = np.concatenate([k_det, k_fa])
        z_all = np.concatenate([z_det, z_fa])
        order = np.argsort(k_all, kind="stable")
        k_all, z_all = k_all[order], z_all[order]
        e, n, up = (float(x) for x in kgeo.sensor_enu)
        lat, lon, _ = world.frame.to_geodetic(np.array([e, n, 0.0]))
        noise = kgeo.noise
        site = {
            "sac": sac,
            "sic": sic,
            "name": comp.id,
            "lat_deg": round(float(lat), 9),
            "lon_deg": round(float(lon), 9),
            "alt_m": round(up, 3),
            "sigma_range_m": float(noise.sigma_range_m),
            "sigma_az_deg": math.degrees(noise.sigma_az_rad),
            "sigma_el_deg": math.degrees(noise.sigma_el_rad),
        }
        blocks = []
        lo = np.searchsorted(k_all, np.arange(kgeo.times_s.size), "left")
        hi = np.searchsorted(k_all, np.arange(kgeo.times_s.size), "right")
        for k, t in enumerate(kgeo.times_s):
            if state.working[k] != 0:
                continue  # silent: destroyed, broken, not radiating
            tod = time_of_day(start, t)
            blocks.append((float(t), marker_block(Marker(sac, sic, tod, 1))))
            z = z_all[lo[k] : hi[k]]
            if z.size:
                plots = [
                    Plot(sac, sic, tod, r, az, up + r * math.sin(el)) for r, az, el in z.tolist()
                ]
                blocks.append((float(t), plot_block(plots)))
        feeds.append(RadarFeed(site, blocks))
    return feeds


def run_once(prepared: Prepared, seed: int) -> Replication:
    """The replication of `seed`, run (one pass) so that its processes can be read."""
    rep = Replication(prepared.geometry, seed)
    rep.run()
    return rep


PICTURE_SIC0 = 101  # the command posts' SDPS SICs: 101, 102, ... (radars: 1, 2, ...)


def picture_feeds(
    prepared: Prepared, seed: int, sac: int = 1, rep: Replication | None = None
) -> list[RadarFeed]:
    """Every command post's fused picture (Kalman mode) as CAT062 datablocks, one per decision
    time with tracks; empty in M-of-N mode, where posts hold no fused picture. The site entry
    names the post and the units whose picture it is."""
    world = prepared.geometry.world
    start = prepared.scenario.spec.start_utc
    rep = rep if rep is not None else run_once(prepared, seed)
    feeds = []
    for k, (unit_id, pic) in enumerate(sorted(rep.gates.pictures.items())):
        sic = PICTURE_SIC0 + k
        site = {"sac": sac, "sic": sic, "name": f"{unit_id}/picture", "category": 62}
        blocks = []
        if pic.g_x is not None and pic.g_t.size:
            x = pic.g_x
            lat, lon, alt = world.frame.to_geodetic(x[:, [0, 2, 4]])
            firm_std = pic.g_std_h <= MAX_POS_STD_PICTURE_M
            for ti in np.unique(pic.g_t).tolist():
                rows = np.flatnonzero(pic.g_t == ti)
                t = float(pic.times[ti])
                tod = time_of_day(start, t)
                tracks = [
                    SystemTrack(sac, sic, tod, int(pic.g_sys[r]), float(lat[r]), float(lon[r]),
                                float(alt[r]), float(x[r, 0]), float(x[r, 2]), float(x[r, 1]),
                                float(x[r, 3]), int(pic.g_n_sources[r]), bool(firm_std[r]))
                    for r in rows
                ]  # fmt: skip
                blocks.append((t, track_block(tracks)))
        feeds.append(RadarFeed(site, blocks))
    return feeds
