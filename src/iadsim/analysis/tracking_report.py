"""Tracking metrics of one replication: who got a firm track when, and how good the tracks were.

`tracking_report(prepared, result)` recomputes each sensor's draws from the replication's seed,
states and destructions (named streams make them identical to the engine's) and returns a
JSON-ready dict, written by `iadsim run` as DIR/tracking.json:

- ``aircraft``: per aircraft, the first look at which a working sensor could see it
  (``first_visible_s``), the first detection, the first firm track (either mode) and which
  sensor held it, and ``time_to_firm_s`` = first firm - first visible.
- ``sensors`` (Kalman mode, radars): GOSPA over time of the tracker's confirmed tracks against
  the aircraft inside the radar's coverage (alive, airborne, line of sight, in range, radar
  working), its mean and components, and per aircraft the track breaks, ID swaps and time to
  the first confirmed track (`iadsim.tracking.metrics`).
- ``command_posts`` (Kalman mode): per command post that fuses radar tracks, the radars that
  feed it by design (``sources``) and those whose tracks reached it (``contributing``), and
  per aircraft (while alive): when it first entered the picture, the decision times it was
  firm there, how many system track numbers it got over the run (1 = a stable number), how
  often the number of its best system track changed, the most system tracks it had at once
  (duplicates: association failures), the mean number of fused sources and the median fused
  horizontal position std. These come from the engine's own pictures (`engine.fusion_picture`,
  the replication re-run from its seed), so they include the killed aircraft's last tracks only
  up to the kill.

In the report a killed aircraft's plots stop at its kill time (the engine draws sensing before
the event loop and never looks at tracks of dead aircraft), so the tracker run here matches the
engine's up to the kills.
"""

from __future__ import annotations

import math

import numpy as np

from iadsim.engine.electronic_attack import screening_jammers
from iadsim.engine.fusion_picture import CpPicture
from iadsim.engine.kalman_tracks import kalman_firm
from iadsim.engine.radar_picture import with_jammers_down
from iadsim.engine.replication import Replication, ReplicationResult
from iadsim.engine.rng import RngStreams
from iadsim.engine.run import Prepared
from iadsim.engine.sensing import sensor_state
from iadsim.engine.states import outage
from iadsim.tracking.metrics import gospa_over_time, truth_track_stats

GOSPA_C_M = 5000.0
"""GOSPA cut-off (m): a track further than this from every aircraft counts as false (notional:
several times a long-range search radar's elevation error at 100 km)."""
GOSPA_P = 1.0


def _num(x: float | None, nd: int = 3) -> float | None:
    """JSON-safe float: None for NaN/inf, rounded."""
    if x is None:
        return None
    x = float(x)
    return round(x, nd) if math.isfinite(x) else None


def kill_times(prepared: Prepared, result: ReplicationResult) -> np.ndarray:
    """Kill time per aircraft (inf when it survived), in the world's aircraft order."""
    rows = result.aircraft + result.decoys
    by_id = {row["aircraft"]: row.get("killed_at_s") for row in rows}
    return np.array(
        [
            float(by_id.get(a.id)) if by_id.get(a.id) is not None else np.inf
            for a in prepared.geometry.world.aircraft
        ]
    )


def tracking_report(
    prepared: Prepared, result: ReplicationResult, c: float = GOSPA_C_M, p: float = GOSPA_P
) -> dict:
    """Tracking metrics of one replication (see the module docstring)."""
    w = prepared.geometry.world
    n_air = len(w.aircraft)
    until = kill_times(prepared, result)
    # the picture the replication ran on: screening jammers silent from their kill time
    downed = {a: float(until[a]) for a in sorted(screening_jammers(w)) if np.isfinite(until[a])}
    geom = with_jammers_down(prepared.geometry, downed)
    first_visible = np.full(n_air, np.inf)
    first_detected = np.full(n_air, np.inf)
    first_firm = np.full(n_air, np.inf)
    firm_sensor: list[str | None] = [None] * n_air
    sensors_out = []
    for si, g in geom.sensors.items():
        comp = w.components[si]
        rs = RngStreams(result.seed)
        st = sensor_state(
            w,
            g,
            result.states[comp.id],
            outage(w, comp.id, result.destroyed_at, result.disabled_at),
            rs,
            tracker="mofn",
        )
        t = g.times_s
        alive = g.airborne & (t[None, :] <= until[:, None])
        cover = alive & (g.geo_code == 0) & (st.working == 0)[None, :]
        run = None
        if prepared.tracker == "kalman" and comp.is_radar:
            run = kalman_firm(w, g, st.detected, rs, until_s=until, record=True)
            firm = run.firm & alive
        else:
            firm = st.firm & alive
        det = st.detected & alive
        for a in range(n_air):
            for arr, best in ((cover[a], first_visible), (det[a], first_detected)):
                if arr.any():
                    best[a] = min(best[a], float(t[np.argmax(arr)]))
            if firm[a].any():
                tf = float(t[np.argmax(firm[a])])
                if tf < first_firm[a]:
                    first_firm[a], firm_sensor[a] = tf, comp.id
        if run is not None:
            sensors_out.append(_sensor_metrics(comp, g, cover, run, c, p, w))
    aircraft = [
        {
            "aircraft": ac.id,
            "first_visible_s": _num(first_visible[a]),
            "first_detected_s": _num(first_detected[a]),
            "first_firm_s": _num(first_firm[a]),
            "firm_sensor": firm_sensor[a],
            "time_to_firm_s": (
                _num(first_firm[a] - first_visible[a]) if np.isfinite(first_firm[a]) else None
            ),
            "killed_at_s": _num(until[a]),
        }
        for a, ac in enumerate(w.aircraft)
    ]
    return {
        "scenario": prepared.scenario.spec.scenario,
        "seed": int(result.seed),
        "tracker": prepared.tracker,
        "gospa": {"c_m": c, "p": p, "alpha": 2} if prepared.tracker == "kalman" else None,
        "aircraft": aircraft,
        "sensors": sensors_out,
        "command_posts": _command_posts(prepared, result, until)
        if prepared.tracker == "kalman"
        else [],
    }


def _command_posts(prepared: Prepared, result: ReplicationResult, until: np.ndarray) -> list:
    """Fusion metrics of every command post's picture (the replication re-run from its seed)."""
    rep = Replication(prepared.geometry, result.seed)
    rep.run()
    w = prepared.geometry.world
    out = []
    for unit_id, pic in rep.gates.pictures.items():
        unit = w.units[w.unit_index[unit_id]]
        out.append(
            {
                "unit": unit_id,
                "command_post": w.components[unit.role("command")[0]].id,
                "sources": sorted(w.components[s].id for s in pic.sources),
                "contributing": sorted({w.components[int(s)].id for s in np.unique(pic.c_source)}),
                "fusion_calls": pic.fusion_calls,
                "times": int(pic.times.size),
                "aircraft": fusion_metrics(pic, until, [a.id for a in w.aircraft]),
            }
        )
    return out


def fusion_metrics(pic: CpPicture, until: np.ndarray, names: list[str]) -> list[dict]:
    """Per aircraft metrics of a command post's picture, at the times it was alive."""
    rows = []
    for a, name in enumerate(names):
        alive_t = pic.times <= until[a]
        sel = np.flatnonzero((pic.g_truth == a) & alive_t[pic.g_t])
        firm = pic.firm[a] & alive_t
        changes = 0
        if sel.size:
            # the best (most precise) system track of the aircraft at each time it had one
            order = np.lexsort((pic.g_std_h[sel], pic.g_t[sel]))
            s = sel[order]
            first = np.ones(s.size, bool)
            first[1:] = pic.g_t[s][1:] != pic.g_t[s][:-1]
            best = pic.g_sys[s[first]]
            changes = int((best[1:] != best[:-1]).sum())
        rows.append(
            {
                "aircraft": name,
                "first_in_picture_s": _num(pic.times[np.argmax(firm)]) if firm.any() else None,
                "times_firm": int(firm.sum()),
                "system_tracks": int(np.unique(pic.g_sys[sel]).size),
                "number_changes": changes,
                "max_simultaneous": int(np.bincount(pic.g_t[sel]).max()) if sel.size else 0,
                "mean_sources": _num(pic.g_n_sources[sel].mean()) if sel.size else None,
                "median_std_h_m": _num(np.median(pic.g_std_h[sel]), 1) if sel.size else None,
            }
        )
    return rows


def _sensor_metrics(comp, g, cover: np.ndarray, run, c: float, p: float, w) -> dict:
    """GOSPA over time and per-aircraft track statistics of one radar's tracker run."""
    a_idx, k_idx = np.nonzero(cover)
    truth_t = g.times_s[k_idx]
    truth_pos = g.truth_enu[a_idx, k_idx]
    gos = gospa_over_time(run.hist_t, run.hist_ids, run.hist_pos, truth_t, a_idx, truth_pos, c, p)
    stats = truth_track_stats(gos.assign_t, gos.assign_truth, gos.assign_track, run.confirmed_at)
    per = {int(tid): i for i, tid in enumerate(stats.truth_ids.tolist())}
    per_aircraft = []
    for a, ac in enumerate(w.aircraft):
        i = per.get(a)
        per_aircraft.append(
            {
                "aircraft": ac.id,
                "looks_in_cover": int(cover[a].sum()),
                "looks_firm": int(run.firm[a].sum()),
                "breaks": int(stats.breaks[i]) if i is not None else 0,
                "id_swaps": int(stats.id_swaps[i]) if i is not None else 0,
                "time_to_first_track_s": _num(stats.time_to_firm_track[i])
                if i is not None
                else None,
            }
        )
    n = gos.times.size
    return {
        "sensor": comp.id,
        "kind": str(comp.kind),
        "looks": int(g.times_s.size),
        "looks_processed": run.looks_processed,
        "confirmed_tracks": len(run.confirmed_at or {}),
        "gospa_mean": _num(gos.distance.mean()) if n else None,
        "gospa_mean_localisation": _num(gos.localisation.mean()) if n else None,
        "gospa_mean_missed": _num(gos.missed.mean()) if n else None,
        "gospa_mean_false": _num(gos.false.mean()) if n else None,
        "gospa_t_s": [_num(x) for x in gos.times],
        "gospa_m": [_num(x, 1) for x in gos.distance],
        "aircraft": per_aircraft,
    }
