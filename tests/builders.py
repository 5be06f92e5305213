"""Build small test scenarios as Python dicts and write them as YAML files.

Tests describe the scenario they need with these helpers instead of pasting YAML: a SAM
battery at the origin, a helicopter on a route, a link that is down. `write_scenario` turns
the dict into a scenario file (what `iadsim.scenario.load_scenario` reads), so the tests
still go through the real loader, its validation and its catalog resolution.

    spec = make_scenario(
        "wta",
        units=[sam_battery("SAM", launchers=2)],
        raid=[aircraft("A", "ew-aircraft", [(10.6, -66.02, 5000), (9.4, -66.02, 5000)])],
        duration_s=400,
    )
    path = write_scenario(tmp_path, spec)

Fields the helpers do not name pass through as keyword arguments (`crew=...`, `c2_mode=...`),
so any part of the scenario format can be written; `copy.deepcopy` a spec before editing it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
CARACAS = SCENARIOS / "caracas-2026-01-03.yaml"
TUTORIAL = SCENARIOS / "tutorial.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

ORIGIN = (10.0, -66.0)
START_UTC = "2026-01-01T12:00:00Z"

Waypoint = tuple[float, float, float] | dict[str, Any]


def position(lat_deg: float, lon_deg: float, alt_m: float | None = None, **extra: Any) -> dict:
    """A WGS84 position (`alt_m` left out when None, as the format allows)."""
    out: dict[str, Any] = {"lat_deg": lat_deg, "lon_deg": lon_deg}
    if alt_m is not None:
        out["alt_m"] = alt_m
    out.update(extra)
    return out


def waypoint(point: Waypoint) -> dict:
    """A route point from `(lat, lon, alt_m)` or a dict (with `loiter_s`, ...)."""
    if isinstance(point, dict):
        return dict(point)
    return position(*point)


def component(id: str, type: str, **extra: Any) -> dict:
    """One component of a unit, e.g. `component("radar", "acquisition-radar-mr")`."""
    return {"id": id, "type": type, **extra}


def unit(
    id: str,
    type: str,
    components: Iterable[dict],
    at: tuple[float, ...] = ORIGIN,
    **extra: Any,
) -> dict:
    """A defending unit at `at` = (lat, lon[, alt_m]; ground level if no alt_m)."""
    out: dict[str, Any] = {"id": id, "type": type, **extra}
    out.setdefault("position", position(*at))
    out["components"] = list(components)
    return out


def sam_battery(
    id: str = "SAM",
    launchers: int = 1,
    at: tuple[float, ...] = ORIGIN,
    **extra: Any,
) -> dict:
    """A medium-range battery: acquisition radar, command post and `launchers` TELARs."""
    components = [
        component("radar", "acquisition-radar-mr"),
        component("cp", "command-post-mr"),
        *(component(f"telar-{i}", "telar-mr") for i in range(1, launchers + 1)),
    ]
    return unit(id, "sam-medium-range", components, at=at, **extra)


def aircraft(id: str, type: str, route: Sequence[Waypoint], **extra: Any) -> dict:
    """An attacking aircraft flying `route` (points as `(lat, lon, alt_m)` or dicts)."""
    return {"id": id, "type": type, **extra, "route": [waypoint(p) for p in route]}


def link(from_: str, to: str, **extra: Any) -> dict:
    """A network link between two `UNIT/component` names (`up=False` to cut it)."""
    return {"from": from_, "to": to, **extra}


def site(id: str, at: tuple[float, ...], members: Sequence[str]) -> dict:
    """A named site that strikes can hit; `members` are unit or `UNIT/component` names."""
    return {"id": id, "position": position(*at), "members": list(members)}


def strike(id: str, site: str, time_s: float, **probabilities: Any) -> dict:
    """A strike on `site` at `time_s` (`p_destroy=`, `p_disable=`: a number or by kind)."""
    return {"id": id, "site": site, "time_s": time_s, **probabilities}


def make_scenario(
    name: str,
    *,
    units: Iterable[dict] = (),
    raid: Iterable[dict] = (),
    links: Iterable[dict] | None = None,
    start_utc: str = START_UTC,
    duration_s: float | None = None,
    origin: tuple[float, float] = ORIGIN,
    **extra: Any,
) -> dict:
    """A whole scenario as the dict its YAML file holds."""
    out: dict[str, Any] = {"scenario": name, "start_utc": start_utc}
    if duration_s is not None:
        out["duration_s"] = duration_s
    out["origin"] = position(*origin)
    out.update(extra)
    out["units"] = list(units)
    if links is not None:
        out["network"] = {"links": list(links)}
    out["raid"] = list(raid)
    return out


def small_raid_on_a_battery(name: str, manpads: bool = False) -> dict:
    """The small batch-test case (Monte Carlo, compare): a medium-range battery at the origin
    whose acquisition radar is cut from its command post (readiness 0.6-0.8), optionally a
    MANPADS team 2 km north, against a transport helicopter overflying it and a strike
    fighter from t = 60 s; 15 minutes."""
    units = [
        unit(
            "SAM",
            "sam-medium-range",
            [
                component("acq", "acquisition-radar-mr", readiness={"operational": 0.7}),
                component("cp", "command-post-mr", readiness={"operational": 0.8}),
                component("telar-1", "telar-mr", readiness={"operational": 0.6}),
            ],
        )
    ]
    if manpads:
        units.append(
            unit(
                "MANPADS",
                "manpads-section",
                [component("team-1", "manpads-team", readiness={"operational": 0.8})],
                at=(10.02, -66.0),
            )
        )
    return make_scenario(
        name,
        start_utc="2026-01-03T06:00:00Z",
        duration_s=900,
        units=units,
        links=[link("SAM/acq", "SAM/cp", id="acq-cp", kind="cable", up=False)],
        raid=[
            aircraft(
                "HELO-1",
                "transport-helicopter",
                [(10.3, -66.0, 300), (10.0, -66.01, 300), (9.8, -66.0, 300)],
            ),
            aircraft(
                "FIGHTER-1",
                "strike-fighter",
                [(10.5, -66.1, 3000), (9.6, -65.95, 3000)],
                start_s=60,
            ),
        ],
    )


def to_yaml(spec: dict) -> str:
    """The YAML text of a scenario dict (leaf mappings written inline, like the bundled files)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.sort_base_mapping_type_on_output = False  # keep the order the dict was built in
    yaml.width = 100
    stream = io.StringIO()
    yaml.dump(spec, stream)
    return stream.getvalue()


def write_scenario(directory: Path, spec: dict, name: str = "s.yaml") -> Path:
    """Write `spec` as `directory/name` and return the path."""
    path = Path(directory) / name
    path.write_text(to_yaml(spec), encoding="utf-8")
    return path
