"""The scene of a scenario: what a map needs to draw it, in WGS84, as plain JSON.

`iadsim run` and `iadsim mc` write it as `scene.json` next to their results, so the HTML
report, the web app and the exports read a run directory alone (no scenario file needed):
units and components with their positions and MIL-STD-2525C symbol codes, each aircraft's
route sampled in time (terrain following included), named sites, strikes, links as
designed, a hillshade of the terrain and the coastline around the area.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from iadsim.engine.world import World
from iadsim.report.basemap import land_polygons
from iadsim.scenario.catalog import ComponentKind

TRACK_STEP_S = 5.0
"""Route sampling step for the map; the route's own turn points are always kept."""

RADAR_KINDS = {
    ComponentKind.SURVEILLANCE_RADAR,
    ComponentKind.ACQUISITION_RADAR,
    ComponentKind.ENGAGEMENT_RADAR,
    ComponentKind.EARLY_WARNING_RADAR,
    ComponentKind.TELAR,
}


# every code unit_sidc and aircraft_sidc give: the symbols bundled for the exports
# (data/symbols/symbols.json, drawn by the report's milsymbol: tools/render_symbols.py)
SIDCS = (
    "SFGPUCDSS---C--",
    "SFGPUCDMH--F---",
    "SFGPUCDMM--E---",
    "SFGPUUMR-------",
    "SFGPUUS--------",
    "SHAPMH---------",
    "SHAPMF---------",
)


def unit_sidc(world: World, unit) -> str:
    """A MIL-STD-2525C symbol code (15 characters, friendly ground unit) for a defence unit:
    air-defence missile heavy/medium by the missile's reach, a MANPADS section as a short-range
    (Stinger-class) unit, a radar site as a radar unit, anything else as a signal unit."""
    kinds = {world.components[i].kind for i in unit.components}
    missiles = [world.components[i].missile for i in unit.components]
    reach = max((m.max_range_m for m in missiles if m is not None), default=0.0)
    if ComponentKind.MANPADS_TEAM in kinds:
        return "SFGPUCDSS---C--"
    if reach >= 100e3:
        return "SFGPUCDMH--F---"
    if reach > 0:
        return "SFGPUCDMM--E---"
    if kinds & RADAR_KINDS:
        return "SFGPUUMR-------"
    return "SFGPUUS--------"


def aircraft_sidc(category: str) -> str:
    """Hostile military rotary wing or fixed wing (2525C air track)."""
    return "SHAPMH---------" if category == "helicopter" else "SHAPMF---------"


def _latlon(world: World, enu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    enu = np.asarray(enu, float)
    flat = np.stack([enu[..., 0], enu[..., 1], np.zeros(enu.shape[:-1])], axis=-1)
    lat, lon, _ = world.frame.to_geodetic(flat)
    return np.asarray(lat), np.asarray(lon)


def track_times(route) -> np.ndarray:
    """Sample times of a route: every TRACK_STEP_S plus every knot."""
    grid = np.arange(route.start_s, route.end_s, TRACK_STEP_S)
    return np.unique(np.concatenate([grid, route.t_s]))


def aircraft_positions(world: World, a: int, times_s: np.ndarray) -> np.ndarray:
    """(lat_deg, lon_deg, alt_m MSL) of aircraft `a` at the given times, shape (n, 3)."""
    enu = world.aircraft[a].route.positions(np.asarray(times_s, float), world.ground_m)
    lat, lon = _latlon(world, enu)
    return np.stack([lat, lon, enu[:, 2]], axis=-1)


def site_positions(world: World) -> dict[str, tuple[float, float, float]]:
    """(lat_deg, lon_deg, alt_m MSL) of every unit, component and named site, by id: latitude
    and longitude as the scenario gives them (no round trip through the local frame), the
    altitude of the ground the world placed them on."""
    spec = world.scenario.spec
    out: dict[str, tuple[float, float, float]] = {}
    for u in spec.units:
        rt = world.units[world.unit_index[u.id]]
        out[u.id] = (u.position.lat_deg, u.position.lon_deg, float(rt.enu[2]))
        for c in u.components:
            cid = f"{u.id}/{c.id}"
            p = c.position or u.position
            alt = float(world.components[world.component_index[cid]].enu[2])
            out[cid] = (p.lat_deg, p.lon_deg, alt)
    for site in spec.sites:
        p = site.position
        if p.alt_m is not None:
            alt = p.alt_m
        else:
            enu = world.frame.to_enu(p.lat_deg, p.lon_deg, 0.0)
            alt = float(world.ground_m(enu[0], enu[1]))
        out.setdefault(site.id, (p.lat_deg, p.lon_deg, float(alt)))
    return out


def _pos(sites: dict, key: str) -> dict:
    lat, lon, alt = sites[key]
    return {"lat_deg": round(lat, 6), "lon_deg": round(lon, 6), "alt_m": round(alt, 1)}


def build_scene(world: World) -> dict:
    """The scene as a JSON-ready dict (see the module docstring and docs/outputs.md)."""
    spec = world.scenario.spec
    where = site_positions(world)
    sites = [
        {
            "id": s.id,
            "name": s.name or s.id,
            "lat_deg": s.position.lat_deg,
            "lon_deg": s.position.lon_deg,
            "members": list(s.members),
        }
        for s in spec.sites
    ]
    strikes = [
        {"id": s.id, "site": s.site, "time_s": s.time_s, "weapon": s.weapon} for s in spec.strikes
    ]
    links = [
        {
            "id": link.id or f"{link.from_}--{link.to}",
            "from": link.from_,
            "to": link.to,
            "kind": link.kind,
            "up": link.up,
        }
        for link in world.links
    ]
    scene = {
        "scenario": spec.scenario,
        "start_utc": spec.start_utc.isoformat(),
        "duration_s": world.duration_s,
        "origin": {"lat_deg": spec.origin.lat_deg, "lon_deg": spec.origin.lon_deg},
        "units": [_unit(world, u, where) for u in world.units],
        "aircraft": [_aircraft(world, a) for a in range(len(world.aircraft))],
        "sites": sites,
        "strikes": strikes,
        "links": links,
        "terrain": terrain_image(world),
    }
    scene["bounds"] = scene_bounds(scene)
    scene["focus"] = focus_bounds(scene)
    w, s_, e, n = scene["bounds"]
    scene["land"] = land_polygons((w - 2.0, s_ - 2.0, e + 2.0, n + 2.0))  # past the view
    return scene


def _unit(world: World, u, where: dict) -> dict:
    """A unit of the scene: where it stands, its symbol and its components' reach."""
    comps = []
    for i in u.components:
        c = world.components[i]
        comps.append(
            {
                "id": c.id,
                "type": c.type,
                "kind": str(c.kind),
                **_pos(where, c.id),
                "radar_range_m": None if c.radar is None else round(float(c.radar.max_range_m), 1),
                "missile_range_m": None
                if c.missile is None
                else round(float(c.missile.max_range_m), 1),
            }
        )
    return {
        "id": u.id,
        "type": u.type,
        "c2_mode": u.c2_mode,
        "weapon": bool(u.role("launcher")),
        "sidc": unit_sidc(world, u),
        **_pos(where, u.id),
        "components": comps,
    }


def _aircraft(world: World, a: int) -> dict:
    """Aircraft `a` of the scene: its symbol and its planned track (time, lat, lon, alt)."""
    ac = world.aircraft[a]
    t = track_times(ac.route)
    pos = aircraft_positions(world, a, t)
    return {
        "id": ac.id,
        "type": ac.type,
        "category": ac.spec.category,
        "sidc": aircraft_sidc(ac.spec.category),
        "track": [
            [
                round(float(ti), 2),
                round(float(p[0]), 6),
                round(float(p[1]), 6),
                round(float(p[2]), 1),
            ]
            for ti, p in zip(t, pos, strict=True)
        ],
    }


def scene_bounds(scene: dict, margin_deg: float = 0.05) -> list[float]:
    """(west, south, east, north) around every site, track point and the terrain."""
    lats = [u["lat_deg"] for u in scene["units"]] + [s["lat_deg"] for s in scene["sites"]]
    lons = [u["lon_deg"] for u in scene["units"]] + [s["lon_deg"] for s in scene["sites"]]
    for ac in scene["aircraft"]:
        lats += [p[1] for p in ac["track"]]
        lons += [p[2] for p in ac["track"]]
    if scene.get("terrain"):
        w, s, e, n = scene["terrain"]["bounds"]
        lats += [s, n]
        lons += [w, e]
    lats.append(scene["origin"]["lat_deg"])
    lons.append(scene["origin"]["lon_deg"])
    return [
        round(min(lons) - margin_deg, 5),
        round(min(lats) - margin_deg, 5),
        round(max(lons) + margin_deg, 5),
        round(max(lats) + margin_deg, 5),
    ]


def focus_bounds(scene: dict, margin_deg: float = 0.04) -> list[float]:
    """(west, south, east, north) of the defence: every unit and named site (where the fight
    is); the map opens on it, routes may run beyond. No defence (`units: []`): the whole
    scene."""
    lats = [u["lat_deg"] for u in scene["units"]] + [s["lat_deg"] for s in scene["sites"]]
    lons = [u["lon_deg"] for u in scene["units"]] + [s["lon_deg"] for s in scene["sites"]]
    if not lats:
        return scene_bounds(scene)
    return [
        round(min(lons) - margin_deg, 5),
        round(min(lats) - margin_deg, 5),
        round(max(lons) + margin_deg, 5),
        round(max(lats) + margin_deg, 5),
    ]


def terrain_image(world: World, max_px: int = 480) -> dict | None:
    """Hillshaded terrain as a PNG data URL with its (west, south, east, north) bounds; sea
    (elevation <= 0) is left transparent so the base map's coastline shows through."""
    local = world.terrain
    terrain = getattr(local, "terrain", None)
    if terrain is None:
        return None
    from matplotlib.colors import LightSource
    from matplotlib.image import imsave

    elev = np.asarray(terrain.elevation_m, float)
    step = max(1, int(np.ceil(max(elev.shape) / max_px)))
    z = np.nan_to_num(elev[::step, ::step], nan=0.0)
    dx, dy = terrain.cell_size_m()
    # grey-brown hillshade (sun from the north-west), so coloured overlays stand out on it
    shade = LightSource(azdeg=315, altdeg=45).hillshade(
        z, vert_exag=2.0, dx=dx * step, dy=dy * step
    )
    tan = np.array([0.93, 0.89, 0.80])
    rgba = np.ones(z.shape + (4,))
    rgba[..., :3] = tan * (0.45 + 0.55 * shade[..., None])
    rgba[..., 3] = np.where(z > 0, 0.9, 0.0)
    buf = io.BytesIO()
    imsave(buf, rgba, format="png", metadata={"Software": None})
    return {
        "bounds": [round(float(b), 6) for b in terrain.bounds],
        "png": "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii"),
        "max_elevation_m": round(float(np.nanmax(elev)), 1),
    }
