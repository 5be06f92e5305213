"""When each aircraft crosses the high ground: its crest time, the time it passes the highest
ground under its ingress (from its start to its first loiter, or the whole route without one),
from its route and the world's DEM. Seed-independent: computed once per prepared scenario.

"Before the crest" is the case study's question of the low route: did a defence radar hold a
firm track on a helicopter before it crossed the coastal range (the record: no)? The mc
summary reports it per aircraft (`stats.batch_report`, `<aircraft>.p_radar_track_before_crest`)
and `iadsim score` scores it (`analysis.scoring`, metric `detected_before_crest`).
"""

from __future__ import annotations

import numpy as np

from iadsim.engine.run import Prepared

CREST_STEP_S = 1.0
"""Time step (s) at which the ingress is sampled to find its highest ground."""


def crest_times(prepared: Prepared, climbing_only: bool = False) -> dict[str, float]:
    """Each aircraft's crest time (s): when it passes the highest ground of its ingress,
    from its start to its first loiter (the whole route if it never loiters). With
    `climbing_only`, only the aircraft (decoys left out) whose highest ground comes after
    their start: one that starts over its highest ground has no crest to cross."""
    world = prepared.geometry.world
    out = {}
    for ac in world.aircraft:
        r = ac.route
        dt = np.diff(r.t_s)
        still = (dt > 0) & (np.diff(r.east_m) == 0) & (np.diff(r.north_m) == 0)
        end = float(r.t_s[np.argmax(still)]) if still.any() else r.end_s
        times = np.arange(r.start_s, end + CREST_STEP_S, CREST_STEP_S)
        times = np.minimum(times, end)
        pos = r.positions(times)
        ground = world.ground_m(pos[:, 0], pos[:, 1])
        crest = float(times[int(np.argmax(ground))])
        if climbing_only and (crest <= r.start_s or ac.spec.decoy):
            continue
        out[ac.id] = crest
    return out
