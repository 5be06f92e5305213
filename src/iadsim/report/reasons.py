"""What each reason code means, in one sentence, for the report's legend, the console's
legend and docs/reasons.md (a test checks all three cover every `killchain.Reason`)."""

from __future__ import annotations

from iadsim.killchain import Reason

REASON_HELP: dict[Reason, str] = {
    Reason.NONE: "The chain reached a kill.",
    Reason.OUT_OF_RANGE: "Never inside the weapon's (or the sensor's) range while the unit "
    "was deciding, or the aircraft was not airborne then.",
    Reason.OUTSIDE_ALTITUDE: "Inside range but above or below the missile's altitude limits.",
    Reason.BELOW_HORIZON: "Hidden by the curvature of the earth (4/3-earth radar horizon).",
    Reason.TERRAIN_MASKED: "Hidden by terrain along the line of sight (the DEM).",
    Reason.CLUTTER: "Lost in ground clutter or in the MTI notch (too slow radially).",
    Reason.NOT_DETECTED: "Visible, but the radar's detection draws failed (SNR too low or "
    "unlucky).",
    Reason.NOT_TRACKED: "Detections never formed a firm track (M-of-N, or the Kalman "
    "tracker's confirmation and quality test).",
    Reason.RADAR_OFF: "The radar was silent under emission control (EMCON).",
    Reason.RADAR_NOT_OPERATIONAL: "The radar was broken (not mission capable) or disabled.",
    Reason.NO_SENSOR: "The unit has no sensor able to see this target.",
    Reason.IN_STORAGE: "A component the chain needs was in storage, not deployed.",
    Reason.NOT_MISSION_CAPABLE: "A component the chain needs (command post, launcher, "
    "MANPADS team) was broken.",
    Reason.LINK_DOWN: "No path of working links between the components (sensor to command "
    "post, command post to launcher, fire-control radar to launcher).",
    Reason.NODE_DESTROYED: "A component the chain needs (or its only relay) was destroyed by a "
    "strike or an anti-radiation missile.",
    Reason.JAMMED: "A link or a sensor was jammed.",
    Reason.NOT_ASSIGNED: "The command post gave the target to another unit or to no one "
    "(fire channels busy, or no decision fell due before the target left).",
    Reason.NO_LAUNCHER: "No launcher was working and connected.",
    Reason.NO_FIRE_CONTROL_RADAR: "No engagement radar held a track to guide the missile (or "
    "it lost the track during the flight of a semi-active missile).",
    Reason.NO_LOCK: "The infrared seeker of a MANPADS did not lock on.",
    Reason.CREW_SUPPRESSED: "The crew was deterred by return fire.",
    Reason.CREW_NOT_READY: "The crew was too slow, made an error or was not at its post.",
    Reason.NO_MISSILES: "The launchers' magazines were empty.",
    Reason.UNIT_DESTROYED: "The unit itself was destroyed.",
    Reason.MISSED: "A missile was launched and the target survived (Pk draw).",
    Reason.TARGET_LOST: "The target left the envelope or the track before the intercept.",
    Reason.TARGET_ALREADY_DOWN: "Another unit shot the aircraft down first.",
    Reason.NO_POWER: "The component's power sources (generators, grid) were all down.",
    Reason.NOT_DEPLOYED: "The unit was in garrison, on the march or still setting up.",
    Reason.NOT_INTEGRATED: "The sensor's output could not be used by that command post "
    "(a foreign radar never integrated).",
    Reason.DATALINK_FAILED: "A radio set, cable terminal or data unit on the path had failed.",
    Reason.PICTURE_DENIED: "A cyber attack blanked or froze the picture (a command post's "
    "display, a radar's display) or stopped a network node passing traffic.",
    Reason.GRID_DOWN: "The grid was cut (a grid attack) and no working generator had taken "
    "the load.",
    Reason.WEAPONS_HOLD: "The unit was on weapons hold: its release authority did not let it fire.",
    Reason.DAMAGED: "Hit by gunfire and not lost: the aircraft flew on damaged or aborted its "
    "mission and left.",
}
