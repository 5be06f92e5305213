"""Electronic attack in the engine's shared geometry: the jamming each radar receives while
it looks at each aircraft, from the raid's jammers (sensors/jamming.py).

Seed-independent, computed once per scenario with the rest of the radar picture. A jammer
radiates while its aircraft flies and its raid entry has `jamming: true`; a support jammer
(escort, stand-off) screens every target of every radar that has it in line of sight (the
one line of sight of `geo.line_of_sight`), through the mainlobe when it flies within half a
beamwidth of the target, else the sidelobes; a self-protection jammer screens only its own
aircraft (mainlobe, at the target's range).

A jammer stops radiating when its aircraft is shot down. The shared picture is built with
every jammer radiating; in a replication, `Jamming` hears each kill (AircraftDown) when it
happens and, for a screening jammer (support radar jammer or communications jammer), gives
the radars it covered their picture with it silent from its kill time on
(`radar_picture.sensor_with_jammers_down`: the radar equation again, the line of sight
looked up) and the radio links their jamming windows again (`radio_link_jamming` with
`stop_s`, aircraft index -> kill time).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from iadsim.engine.events import AircraftDown, AircraftWithdrawn
from iadsim.engine.mechanisms import Mechanism
from iadsim.geo.line_of_sight import obstruction
from iadsim.killchain import Reason
from iadsim.scenario.catalog import RadarSpec
from iadsim.sensors.jamming import (
    Jammer,
    RadioLink,
    beamwidth_from_gain_rad,
    jam_to_noise_db,
    jammed_intervals,
    link_jam_to_signal_db,
    support_jn_db,
)
from iadsim.sensors.radar_equation import RadarParameters


def as_jammer(j) -> Jammer:
    """The sensors room's Jammer for a catalog jammer entry (`JammerSpec`)."""
    return Jammer(
        j.erp_dbw,
        j.bandwidth_hz,
        tuple(j.bands),
        j.mode,
        erp_by_band=tuple(sorted(j.erp_by_band_dbw.items())),
    )


def jammer_of(spec) -> Jammer | None:
    """The sensors room's Jammer for an aircraft type's catalog `jammer:` entry."""
    return None if spec.jammer is None else as_jammer(spec.jammer)


def active_jammers(world) -> list[tuple[int, Jammer]]:
    """(aircraft index, jammer) of every raid aircraft whose jammer radiates."""
    raid = world.scenario.spec.raid
    out = []
    for a, ac in enumerate(world.aircraft):
        jam = jammer_of(ac.spec)
        if jam is not None and raid[a].jamming:
            out.append((a, jam))
    return out


def screening_jammers(world) -> set[int]:
    """Aircraft whose jammer screens others (support radar jammers and communications
    jammers, radiating): the ones whose kill changes what the defence sees and hears."""
    support = {a for a, jam in active_jammers(world) if jam.mode != "self_protection"}
    return support | {a for a, _ in comms_jammers(world)}


def radars_covered(world, sensors, jammers) -> list[int]:
    """The radars among `sensors` (component indices) in the band of one of `jammers`."""
    out = []
    for i in sensors:
        radar = world.components[i].radar
        if radar is not None and any(j.covers(radar.frequency_hz) for j in jammers):
            out.append(i)
    return out


def radiating(times_s: np.ndarray, airborne: np.ndarray, stop_s: float) -> np.ndarray:
    """Whether a jammer radiates at each time: its aircraft flies and is not yet shot down."""
    return airborne & (times_s < stop_s)


def beamwidth_rad(radar: RadarSpec) -> float:
    """The radar's beamwidth: the catalog's, else from its gain."""
    if radar.beamwidth_deg is not None:
        return math.radians(radar.beamwidth_deg)
    return beamwidth_from_gain_rad(radar.gain_dbi)


def jam_to_noise(
    world,
    radar: RadarSpec,
    params: RadarParameters,
    sensor: np.ndarray,
    pos: np.ndarray,
    airborne: np.ndarray,
    slant_m: np.ndarray,
    times_s: np.ndarray,
    stop_s: Mapping[int, float] | None = None,
) -> np.ndarray:
    """Total J/N (linear) at a radar looking at each aircraft at each look (`times_s`),
    (A, K); a jammer in `stop_s` radiates only before its time there."""
    stop_s = stop_s or {}
    total = np.zeros(slant_m.shape)
    for a, jam in active_jammers(world):
        if not jam.covers(params.frequency_hz):
            continue
        on = radiating(times_s, airborne[a], stop_s.get(a, math.inf))
        if jam.mode == "self_protection":
            jn = jam_to_noise_db(params, jam, slant_m[a], params.gain_dbi)
            total[a] += np.where(on, 10.0 ** (jn / 10.0), 0.0)
            continue
        in_sight = (obstruction(sensor, pos[a], world.terrain) == 0) & on
        if not in_sight.any():
            continue
        jn = support_jn_db(
            params, jam, sensor, pos, pos[a], in_sight, radar.sidelobe_db, beamwidth_rad(radar)
        )
        total += 10.0 ** (jn / 10.0)
    return total


RADIO_LINK = RadioLink(erp_dbw=10.0, frequency_hz=4.0e8, bandwidth_hz=2.0e6, required_js_db=0.0)
"""Notional radio / radio-relay link of the defence: 10 W ERP, 2 MHz wide, lost when J/S
exceeds 0 dB (digital link; Adamy 2001, ch. 10); at 400 MHz (UHF) unless its ends carry
radio sets with a frequency (`link_radio`)."""


def link_radio(world, lk) -> RadioLink:
    """The radio link between a link's ends: RADIO_LINK at the frequency of the first radio
    set (catalog `comms.yaml` `frequency_hz`) its `from` end, else its `to` end, carries
    (the scenario's `comms:` of the component, else its catalog type's)."""
    cat = world.scenario.catalog
    comps = {f"{u.id}/{c.id}": c for u in world.scenario.spec.units for c in u.components}
    for end in (str(lk.from_), str(lk.to)):
        comp = comps.get(end)
        if comp is None:
            continue
        types = (
            [cs.type for cs in comp.comms]
            if comp.comms is not None
            else cat.components[comp.type].comms
        )
        for t in types:
            ct = cat.comms[t]
            if ct.medium == "radio" and ct.frequency_hz is not None:
                return RadioLink(
                    RADIO_LINK.erp_dbw, ct.frequency_hz, RADIO_LINK.bandwidth_hz,
                    RADIO_LINK.required_js_db,
                )  # fmt: skip
    return RADIO_LINK


LINK_JAM_STEP_S = 5.0
"""Time step on which radio links are tested against the raid's communications jammers."""


def comms_jammers(world) -> list[tuple[int, Jammer]]:
    """(aircraft index, jammer) of every raid aircraft whose communications jammer radiates."""
    raid = world.scenario.spec.raid
    out = []
    for a, ac in enumerate(world.aircraft):
        j = ac.spec.comms_jammer
        if j is not None and raid[a].jamming:
            out.append((a, as_jammer(j)))
    return out


def link_jam_windows(
    world,
    a_enu: np.ndarray,
    b_enu: np.ndarray,
    stop_s: Mapping[int, float] | None = None,
    radio: RadioLink = RADIO_LINK,
) -> list[tuple[float, float]]:
    """[start, end) windows in which the raid's communications jammers break a radio link
    between two ground points: the jammer covers the link's band, J/S at either receiver is
    above the link's requirement, the jammer radiates (flying, and before its time in
    `stop_s`) and is in line of sight of that receiver."""
    stop_s = stop_s or {}
    jammers = [(a, jam) for a, jam in comms_jammers(world) if jam.covers(radio.frequency_hz)]
    if not jammers:
        return []
    times = np.arange(0.0, world.duration_s + 1e-9, LINK_JAM_STEP_S)
    ground = world.terrain.ground_m if world.terrain is not None else None
    d_link = float(np.linalg.norm(np.asarray(b_enu) - np.asarray(a_enu)))
    jammed = np.zeros(times.size, bool)
    for a, jam in jammers:
        route = world.aircraft[a].route
        pos = route.positions(times, ground)
        up = radiating(times, route.airborne(times), stop_s.get(a, math.inf))
        for rx in (np.asarray(a_enu, float), np.asarray(b_enu, float)):
            rx_ant = rx + np.array([0.0, 0.0, 10.0])  # notional 10 m mast
            seen = obstruction(rx_ant, pos, world.terrain) == 0
            r_j = np.linalg.norm(pos - rx_ant, axis=-1)
            js = link_jam_to_signal_db(radio, jam, d_link, r_j)
            jammed |= up & seen & (js > radio.required_js_db)
    return jammed_intervals(times, jammed)


def radio_link_jamming(
    world, stop_s: Mapping[int, float] | None = None
) -> dict[str, list[tuple[float, float]]]:
    """Link id -> the windows in which the raid's communications jammers break it, for the
    radio and radio-relay links of the network (cables cannot be jammed); jammers in `stop_s`
    radiate only before their time there."""
    if not comms_jammers(world):
        return {}
    out = {}
    for lk in world.links:
        if lk.kind not in ("radio", "relay") or lk.id is None:
            continue
        a = world.components[world.component_index[str(lk.from_)]].enu
        b = world.components[world.component_index[str(lk.to)]].enu
        windows = link_jam_windows(world, a, b, stop_s, link_radio(world, lk))
        if windows:
            out[lk.id] = windows
    return out


class Jamming:
    """Jamming of radars and of radio links in one replication.

    State: the screening jammers shot down and when (`stopped`), the radio links' jamming
    windows as they stand (`link_windows`). Reads the catalog's `jammer:` and
    `comms_jammer:` entries and the raid's `jamming:` flags; hears AircraftDown. Its
    reason code is JAMMED (set in the radars' picture and the links' windows).
    """

    def __init__(self, geometry):
        self.geom, self.world = geometry, geometry.world
        self.radar = {
            a: jam for a, jam in active_jammers(self.world) if jam.mode != "self_protection"
        }
        self.comms = {a for a, _ in comms_jammers(self.world)}
        self.stopped: dict[int, float] = {}
        self.link_windows = geometry.link_jamming

    def hear(self, outcome: AircraftDown | AircraftWithdrawn):
        """A kill: for a screening jammer, (radars whose picture changes from then on with
        their new geometry, whether the links' windows changed); else ({}, False)."""
        a = outcome.aircraft
        if a in self.stopped or (a not in self.radar and a not in self.comms):
            return {}, False
        from iadsim.engine.radar_picture import sensor_with_jammers_down

        self.stopped[a] = outcome.time_s
        sensors = {}
        if a in self.radar:
            for i in radars_covered(self.world, self.geom.sensors, [self.radar[a]]):
                geo = self.geom.sensors[i]
                sensors[i] = sensor_with_jammers_down(self.world, geo, self.stopped)
        if a in self.comms:
            self.link_windows = radio_link_jamming(self.world, self.stopped)
        return sensors, a in self.comms


CONTRACTS = (
    Mechanism(
        name="radar-jamming",
        summary="the raid's noise jammers raise the noise at radars in their bands (J/N "
        "against the radar equation); a screening jammer falls silent at its kill",
        module=__name__,
        process="Jamming",
        reads=("catalog.aircraft.jammer", "scenario.raid.jamming"),
        owns=("Jamming.down",),
        hears=(AircraftDown, AircraftWithdrawn),
        route="jamming",
        reasons=(Reason.JAMMED,),
        doc="docs/sensors.md",
    ),
    Mechanism(
        name="radio-link-jamming",
        summary="communications jammers overpower radio links in their bands (J/S at the "
        "receiving set); a link's hand-set jam windows are the explicit override",
        module=__name__,
        process="Jamming",
        reads=(
            "catalog.aircraft.comms_jammer",
            "catalog.comms.frequency_hz",
            "scenario.raid.jamming",
            "scenario.network.links.jammed",
        ),  # fmt: skip
        owns=("Jamming.link_windows",),
        hears=(AircraftDown, AircraftWithdrawn),
        route="jamming",
        also_gives=(Reason.JAMMED,),
        doc="docs/network.md",
    ),
)
