"""What every export needs from a run directory: the scene, the events worth showing, the
times aircraft disappear (killed or route ended) and UTC timestamps."""

from __future__ import annotations

from datetime import datetime, timedelta

SHOWN_EVENTS = (
    "strike",
    "destroyed",
    "disabled",
    "launch",
    "intercept",
    "kill",
    "miss",
    "return_fire",
    "suppressed",
)
"""Event kinds drawn as points in time (firm tracks and sampled states are too many)."""


def start_time(scene: dict) -> datetime:
    return datetime.fromisoformat(scene["start_utc"])


def iso(scene: dict, t_s: float) -> str:
    """Scenario seconds as an ISO 8601 UTC time with millisecond precision."""
    t = start_time(scene) + timedelta(seconds=float(t_s))
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def kill_times(events: list[dict]) -> dict[str, float]:
    return {e["aircraft"]: e["time_s"] for e in events if e["kind"] == "kill" and e["aircraft"]}


def flown_track(aircraft: dict, events: list[dict]) -> list[list[float]]:
    """The aircraft's sampled track [t, lat, lon, alt] up to its kill (the kill point is the
    last sample, taken from the kill event's position)."""
    killed = kill_times(events).get(aircraft["id"])
    track = [p for p in aircraft["track"] if killed is None or p[0] < killed]
    if killed is not None:
        for e in events:
            if e["kind"] == "kill" and e["aircraft"] == aircraft["id"]:
                track.append(
                    [e["time_s"], e["aircraft_lat_deg"], e["aircraft_lon_deg"], e["aircraft_alt_m"]]
                )
                break
    return track


def shown(events: list[dict]) -> list[dict]:
    return [e for e in events if e["kind"] in SHOWN_EVENTS]


def event_label(e: dict) -> str:
    who = " ".join(x for x in (e.get("aircraft"), e.get("component") or e.get("unit")) if x)
    return f"{e['kind']} {who}".strip() + (f" ({e['detail']})" if e.get("detail") else "")


def event_position(e: dict) -> tuple[float, float, float] | None:
    """Where to draw an event: at the aircraft for launches' outcomes and kills, else at the
    site."""
    if e["kind"] in ("intercept", "kill", "miss") and e.get("aircraft_lat_deg") is not None:
        return e["aircraft_lat_deg"], e["aircraft_lon_deg"], e["aircraft_alt_m"]
    if e.get("site_lat_deg") is not None:
        return e["site_lat_deg"], e["site_lon_deg"], e["site_alt_m"]
    if e.get("aircraft_lat_deg") is not None:
        return e["aircraft_lat_deg"], e["aircraft_lon_deg"], e["aircraft_alt_m"]
    return None


REPEAT_GAP_S = 60.0
"""Repeats of one event (same kind, aircraft, unit or component, detail) closer than this are
one entry: the report's log (assets/app.js) and the exports collapse them alike."""


def collapse_repeats(events: list[dict]) -> list[tuple[dict, int, float]]:
    """(first event, how many, time of the last) per run of repeats, in time order."""
    runs: list[list] = []
    last: dict[tuple, list] = {}
    for e in events:
        key = (e["kind"], e.get("aircraft"), e.get("component") or e.get("unit"), e.get("detail"))
        r = last.get(key)
        if r is not None and e["time_s"] - r[2] <= REPEAT_GAP_S:
            r[1] += 1
            r[2] = e["time_s"]
        else:
            r = last[key] = [e, 1, e["time_s"]]
            runs.append(r)
    return [(e, n, t) for e, n, t in runs]
