"""Positions at every event, added to the event log after the run (post-processing).

The engine's event log names who did what when; a map needs where. For each event this
module looks up, from the prepared world: the aircraft's position on its route at the event's
time (held at the point of its kill after it was shot down), and the position of the site
involved (the component, else the unit, else the struck site). Columns are added, nothing is
changed; a position that does not apply is a null, not NaN.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from iadsim.engine.world import World
from iadsim.report.scene import _latlon, site_positions

POSITION_COLUMNS = (
    ("aircraft_lat_deg", "aircraft's latitude at the event (deg, WGS84)"),
    ("aircraft_lon_deg", "aircraft's longitude at the event (deg, WGS84)"),
    ("aircraft_alt_m", "aircraft's altitude above mean sea level at the event (m)"),
    ("site_lat_deg", "latitude of the component, unit or struck site (deg, WGS84)"),
    ("site_lon_deg", "longitude of the component, unit or struck site (deg, WGS84)"),
    ("site_alt_m", "ground altitude MSL of the component, unit or site (m)"),
)


def with_positions(events: pa.Table, world: World) -> pa.Table:
    """The event table with POSITION_COLUMNS appended (float64, null where not applicable)."""
    n = events.num_rows
    times = np.asarray(events.column("time_s").to_numpy(zero_copy_only=False), float)
    kinds = events.column("kind").to_pylist()
    aircraft = events.column("aircraft").to_pylist()
    index = {a.id: a.index for a in world.aircraft}
    killed_at = {
        ac: t for ac, k, t in zip(aircraft, kinds, times, strict=True) if k == "kill" and ac
    }
    ac_pos = np.full((n, 3), np.nan)
    for ac, a in index.items():
        rows = np.array([i for i, name in enumerate(aircraft) if name == ac], dtype=int)
        if rows.size == 0:
            continue
        t = np.minimum(times[rows], killed_at.get(ac, np.inf))
        enu = world.aircraft[a].route.positions(t, world.ground_m)
        lat, lon = _latlon(world, enu)
        ac_pos[rows] = np.stack([lat, lon, enu[:, 2]], axis=-1)
    sites = site_positions(world)
    site_pos = np.full((n, 3), np.nan)
    comps = events.column("component").to_pylist()
    units = events.column("unit").to_pylist()
    for i, (c, u) in enumerate(zip(comps, units, strict=True)):
        hit = sites.get(c or "") or sites.get(u or "")
        if hit is not None:
            site_pos[i] = hit
    for (name, _), col in zip(POSITION_COLUMNS, [*ac_pos.T, *site_pos.T], strict=True):
        events = events.append_column(
            pa.field(name, pa.float64()), pa.array(col, pa.float64(), mask=np.isnan(col))
        )
    return events


def with_nulls(table: pa.Table) -> pa.Table:
    """The same table with real nulls: empty strings and NaN floats become null (the engine
    writes "" and NaN for "does not apply"; readers of the files should not have to know)."""
    import pyarrow.compute as pc

    cols = []
    for field, col in zip(table.schema, table.columns, strict=True):
        if pa.types.is_string(field.type):
            col = pc.if_else(pc.equal(col, ""), pa.scalar(None, field.type), col)
        elif pa.types.is_floating(field.type):
            col = pc.if_else(pc.is_nan(col), pa.scalar(None, field.type), col)
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=table.schema)
