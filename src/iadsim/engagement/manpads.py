"""MANPADS teams: what the engine asks about a team and an aircraft, from the catalog.

At the level of the rest of iadsim, no seeker internals. Per (aircraft, decision time):

* visual acquisition per look (`look_probability`): the sensors room's search model
  (`sensors.visual_ir.visual_look_probability`) with the team's median ranges by light and
  night vision, the aircraft's size, and acoustic cueing (the team hears the aircraft
  inside its type's `acoustic_range_m` and looks the right way);
* IR lock per attempt (`lock_probability`): the seeker's irradiance margin on the aircraft's
  infrared intensity at the aspect it presents (`sensors.visual_ir.ir_lock_probability`);
* infrared countermeasures (`countermeasure_factor`): flares and directed IR countermeasures
  by aircraft type multiply an infrared missile's Pk (1 for other guidance or when the
  scenario switches them off).

The willingness to fire (deterrence) is the crews' (readiness/suppression.py), the flyout
and Pk the engagement room's, as for every missile.
"""

from __future__ import annotations

import numpy as np

from iadsim.scenario.catalog import AircraftType, IrSeekerSpec, MissileType, VisualSpec
from iadsim.sensors.signatures import _fold
from iadsim.sensors.visual_ir import (
    IrSeeker,
    aural_cue,
    ir_lock_probability,
    scaled_r50_m,
    visual_look_probability,
)


def median_range_m(visual: VisualSpec, night: bool, night_vision: bool) -> float:
    """The team's median detection range on a 15 m aircraft in this light (catalog)."""
    if not night:
        return visual.detection_range_day_m
    return visual.detection_range_night_nvg_m if night_vision else visual.detection_range_night_m


def look_probability(
    visual: VisualSpec, night: bool, night_vision: bool, aircraft: AircraftType, range_m
) -> np.ndarray:
    """Per-look probability that a team sees the aircraft (in line of sight) at range_m."""
    r50 = scaled_r50_m(median_range_m(visual, night, night_vision), aircraft.length_m)
    cued = aural_cue(range_m, aircraft.acoustic_range_m)
    return visual_look_probability(range_m, r50, cued)


def seeker_model(spec: IrSeekerSpec, max_range_m: float) -> IrSeeker:
    """The sensors room's IR seeker for a catalog seeker entry."""
    return IrSeeker(
        lock_range_ref_m=spec.lock_range_ref_m,
        ref_intensity_w_sr=spec.ref_intensity_w_sr,
        extinction_per_m=spec.extinction_per_m,
        width_db=spec.width_db,
        max_range_m=max_range_m,
    )


def ir_intensity_w_sr(aircraft: AircraftType, aspect_rad) -> np.ndarray:
    """The aircraft's IR intensity at an aspect (0 nose-on, pi tail-on), interpolated."""
    t = aircraft.ir_w_sr
    return np.interp(_fold(aspect_rad), [0.0, np.pi / 2, np.pi], [t.nose, t.beam, t.tail])


def lock_probability(
    missile: MissileType, aircraft: AircraftType, range_m, aspect_rad
) -> np.ndarray:
    """IR lock probability per attempt of an infrared missile's seeker on an aircraft."""
    seeker = seeker_model(missile.seeker, missile.max_range_m)
    return ir_lock_probability(seeker, range_m, ir_intensity_w_sr(aircraft, aspect_rad))


def countermeasure_factor(missile: MissileType, aircraft: AircraftType, enabled: bool) -> float:
    """Fraction of an infrared missile's Pk left by the aircraft's flares and DIRCM."""
    if missile.guidance != "infrared" or not enabled or aircraft.countermeasures is None:
        return 1.0
    return aircraft.countermeasures.pk_factor
