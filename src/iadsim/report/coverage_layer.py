"""Radar coverage at a chosen height above the ground, as map layers for the report and the
web app: where each radar (and any radar) detects a target with at least `pd_threshold` per
scan, from `sensors.coverage.compute_coverage` over the scenario's terrain (line of sight,
radar equation, clutter), drawn as transparent PNG overlays."""

from __future__ import annotations

import base64
import io

import numpy as np

from iadsim.errors import InputError, Problem
from iadsim.scenario import Scenario


def radar_sites(scenario: Scenario) -> list:
    """Every radar of the scenario as a `sensors.coverage.RadarSite` (catalog parameters)."""
    from iadsim.sensors.clutter import ClutterParameters
    from iadsim.sensors.coverage import RadarSite
    from iadsim.sensors.radar_equation import RadarParameters

    sites = []
    for unit in scenario.spec.units:
        for comp in unit.components:
            radar = scenario.catalog.components[comp.type].radar
            if radar is None:
                continue
            pos = comp.position or unit.position
            sites.append(
                RadarSite(
                    name=f"{unit.id}/{comp.id}",
                    lat_deg=pos.lat_deg,
                    lon_deg=pos.lon_deg,
                    antenna_agl_m=radar.antenna_height_m,
                    params=RadarParameters.from_spec(radar),
                    max_range_m=radar.max_range_m,
                    clutter=ClutterParameters.from_spec(radar),
                )
            )
    return sites


def _png(mask: np.ndarray, rgb: tuple[float, float, float], alpha: float) -> str:
    from matplotlib.image import imsave

    rgba = np.zeros(mask.shape + (4,))
    rgba[..., :3] = rgb
    rgba[..., 3] = np.where(mask, alpha, 0.0)
    buf = io.BytesIO()
    imsave(buf, rgba, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def coverage_overlay(
    scenario: Scenario,
    altitude_agl_m: float,
    pd_threshold: float = 0.5,
    rcs_m2: float = 10.0,
    step: int = 2,
) -> dict:
    """The overlay the front end draws (docs/outputs.md, scene.json `coverage`)."""
    from iadsim.geo.terrain import Terrain
    from iadsim.sensors.coverage import compute_coverage

    if scenario.terrain_path is None:
        raise InputError(
            Problem(str(scenario.path), None, None, "terrain", "coverage maps need a terrain DEM")
        )
    sites = radar_sites(scenario)
    if not sites:
        raise InputError(Problem(str(scenario.path), None, None, "units", "no radars to map"))
    result = compute_coverage(
        Terrain.from_geotiff(scenario.terrain_path),
        sites,
        altitude_agl_m,
        rcs_m2=rcs_m2,
        pd_threshold=pd_threshold,
        step=step,
    )
    west, dlon, _, north, _, neg_dlat = result.geotransform
    rows, cols = result.pd_combined.shape
    bounds = [west, north + rows * neg_dlat, west + cols * dlon, north]
    return {
        "altitude_agl_m": altitude_agl_m,
        "pd_threshold": pd_threshold,
        "rcs_m2": rcs_m2,
        "bounds": [round(float(b), 6) for b in bounds],
        "combined": _png(result.pd_combined >= pd_threshold, (0.85, 0.15, 0.55), 0.4),
        "radars": [
            {
                "name": name,
                "covered_share": round(float(np.mean(pd >= pd_threshold)), 4),
                "png": _png(pd >= pd_threshold, (0.12, 0.37, 0.75), 0.35),
            }
            for name, pd in zip(result.names, result.pd, strict=True)
        ],
    }
