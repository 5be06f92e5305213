"""Checks of a scenario against its DEM: aircraft under the ground, sites off the ground.

- A route point (loiter points included) of an aircraft flying by MSL altitude that lies
  below the terrain, or below the aircraft's stated `min_clearance_m` above it, is refused:
  the aircraft would fly (or wait for twenty minutes) underground, and every line of sight
  to it would be masked. With `altitude_mode: agl` the clearance applies to the height.
- A unit or component position whose stated `alt_m` differs from the DEM by more than
  SITE_ALTITUDE_TOLERANCE_M is warned about: the radar's horizon and masking use the stated
  height, so a mismatch lifts the antenna or buries it.
Points outside the DEM are not checked.
"""

from __future__ import annotations

import math

import numpy as np

from iadsim.errors import Problem
from iadsim.scenario.errors_map import field_path
from iadsim.scenario.yaml_loader import locate

SITE_ALTITUDE_TOLERANCE_M = 25.0
"""Stated site altitudes further than this from the DEM are warned about (DEM cells are
~90 m, so a summit or a mast site can differ from its cell by a few tens of metres)."""


def _ground(terrain, lat: float, lon: float) -> float:
    w, s, e, n = terrain.bounds
    if not (s <= lat <= n and w <= lon <= e):
        return math.nan
    return float(terrain.elevation(np.array([lat]), np.array([lon]))[0])


def clearance_problems(spec, terrain, file: str, locations) -> list[Problem]:
    """Route points under the terrain or the stated clearance, with FILE:LINE:COL."""
    out: list[Problem] = []
    for i, ac in enumerate(spec.raid):
        clearance = ac.min_clearance_m or 0.0
        for j, wp in enumerate(ac.route or []):
            path = ("raid", i, "route", j, "alt_m")
            what = "loiter point" if wp.loiter_s > 0 else "route point"
            if ac.altitude_mode == "agl":
                if clearance and wp.alt_m < clearance:
                    line, col = locate(locations, path)
                    msg = (
                        f"{what} at {wp.alt_m:g} m above ground is under the stated "
                        f"min_clearance_m {clearance:g} m"
                    )
                    out.append(Problem(file, line, col, field_path(path), msg))
                continue
            ground = _ground(terrain, wp.lat_deg, wp.lon_deg)
            if math.isnan(ground) or wp.alt_m >= ground + clearance:
                continue
            line, col = locate(locations, path)
            if wp.alt_m < ground:
                msg = f"{what} at {wp.alt_m:g} m MSL is {ground - wp.alt_m:.0f} m under the terrain"
            else:
                msg = f"{what} at {wp.alt_m:g} m MSL is only {wp.alt_m - ground:.0f} m above"
            msg += (
                f" (DEM {ground:.0f} m here; stated clearance {clearance:g} m): raise alt_m to "
                f">= {math.ceil(ground + clearance):d} m or use altitude_mode: agl"
            )
            out.append(Problem(file, line, col, field_path(path), msg))
    return out


def site_altitude_warnings(spec, terrain, file: str, locations) -> list[Problem]:
    """Stated site altitudes far from the DEM (warnings, not refusals)."""
    out: list[Problem] = []
    places = []
    for i, unit in enumerate(spec.units):
        places.append((("units", i, "position", "alt_m"), unit.position))
        for j, comp in enumerate(unit.components):
            if comp.position is not None:
                places.append((("units", i, "components", j, "position", "alt_m"), comp.position))
    for path, pos in places:
        if pos.alt_m is None:
            continue
        ground = _ground(terrain, pos.lat_deg, pos.lon_deg)
        if math.isnan(ground) or abs(pos.alt_m - ground) <= SITE_ALTITUDE_TOLERANCE_M:
            continue
        line, col = locate(locations, path)
        side = "above" if pos.alt_m > ground else "below"
        msg = (
            f"warning: site altitude {pos.alt_m:g} m is {abs(pos.alt_m - ground):.0f} m {side} "
            f"the DEM ({ground:.0f} m); horizon and masking use the stated height "
            f"(leave alt_m out to stand on the DEM)"
        )
        out.append(Problem(file, line, col, field_path(path), msg))
    return out
