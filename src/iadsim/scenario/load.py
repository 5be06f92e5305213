"""Load a scenario file: parse YAML, validate the schema, resolve catalog types and references.

Every problem found is reported at once, each as FILE:LINE:COL: field.path: message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from iadsim.errors import InputError, Problem, ScenarioError
from iadsim.scenario.catalog import Catalog, default_catalog
from iadsim.scenario.cyber import check_cyber
from iadsim.scenario.distributions import nominal
from iadsim.scenario.errors_map import field_path, problems_from_validation
from iadsim.scenario.flights import expand_flights
from iadsim.scenario.guns import check_guns
from iadsim.scenario.schema import LinkSpec, ScenarioSpec
from iadsim.scenario.yaml_loader import Location, load_yaml, locate


@dataclass(frozen=True)
class Scenario:
    """A validated scenario with its catalog resolved: the immutable input of every run."""

    spec: ScenarioSpec
    catalog: Catalog
    path: Path
    links: tuple[LinkSpec, ...] = field(default=())
    warnings: tuple[Problem, ...] = field(default=())  # FILE:LINE notes that do not refuse

    @property
    def terrain_path(self) -> Path | None:
        if self.spec.terrain is None:
            return None
        return resolve_terrain(self.spec.terrain, self.path)

    def component_ids(self) -> list[str]:
        return [f"{u.id}/{c.id}" for u in self.spec.units for c in u.components]

    def __repr__(self) -> str:
        s = self.spec
        return (
            f"Scenario({s.scenario!r}, file={self.path.name!r}, units={len(s.units)}, "
            f"aircraft={len(s.raid)}, start_utc={s.start_utc.isoformat()!r})"
        )

    def _repr_html_(self) -> str:
        """The notebook view: name, start, units and the raid."""
        from html import escape

        s = self.spec
        units = "".join(
            f"<tr><td>{escape(u.id)}</td><td>{escape(u.type)}</td>"
            f"<td>{escape(', '.join(c.id for c in u.components))}</td></tr>"
            for u in s.units
        )
        raid = "".join(f"<tr><td>{escape(a.id)}</td><td>{escape(a.type)}</td></tr>" for a in s.raid)
        return (
            f"<div><b>Scenario {escape(s.scenario)}</b> ({escape(self.path.name)}), start "
            f"{s.start_utc.isoformat()}<table><tr><th>unit</th><th>type</th><th>components</th>"
            f"</tr>{units}</table><table><tr><th>aircraft</th><th>type</th></tr>{raid}</table>"
            "</div>"
        )


def load_scenario(path: str | Path, catalog: Catalog | None = None) -> Scenario:
    """Read, validate and cross-check a scenario file; raise ScenarioError listing all problems."""
    path = Path(path)
    catalog = catalog or default_catalog()
    data, locations = load_yaml(path)
    if not isinstance(data, dict):
        raise ScenarioError(Problem(str(path), 1, 1, "", "expected a mapping at the top level"))
    # numbers written as distributions run at their nominal value (scenario.distributions)
    data, _ = nominal(data, str(path), locations)
    return scenario_from_data(data, path, catalog, locations)


def scenario_from_data(
    data: dict, path: Path, catalog: Catalog, locations: dict[tuple, Location] | None = None
) -> Scenario:
    """Validate and cross-check a scenario's plain data (as read from `path`); flights of N
    are written out as their members first (scenario.flights)."""
    data, locations = expand_flights(data, locations or {})
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, str(path), locations, ())
        # cross-reference problems of the parts that did validate are reported too
        problems += _cross_check_raw(data, catalog, str(path), locations)
        raise ScenarioError(_dedupe(problems)) from None
    problems = check_scenario(data, spec, catalog, path, locations)
    warnings = _site_warnings(spec, path, locations)
    if not problems:
        from iadsim.scenario.echelon import echelon_warnings

        warnings += echelon_warnings(spec, catalog, str(path), locations)
    if problems:
        raise ScenarioError(_dedupe(problems))
    links = resolve_links(spec, catalog)
    return Scenario(spec=spec, catalog=catalog, path=path, links=links, warnings=tuple(warnings))


def check_scenario(
    data: dict, spec: ScenarioSpec, catalog: Catalog, path: Path, locations: dict
) -> list[Problem]:
    """Every check after the schema: references, uniqueness, terrain, readiness, limits.

    The same checks run on a file and on a `--set` variant (analysis.variants), so what a
    variant breaks is refused exactly as the file would be."""
    from iadsim.scenario.echelon import check_echelons
    from iadsim.scenario.limits_check import check_limits

    problems = _cross_check_raw(data, catalog, str(path), locations)
    problems += _check_terrain(spec, path, locations)[0]
    problems += _check_readiness(spec, str(path), locations)
    problems += check_echelons(spec, catalog, str(path), locations)
    for fpath, message in check_limits(spec, catalog):
        line, col = locate(locations, fpath)
        problems.append(Problem(str(path), line, col, field_path(fpath), message))
    return problems


# message kinds a unit's internal link carries by default, by the role pair it joins
DEFAULT_CARRIES: dict[str, tuple[str, ...]] = {
    "sensor_command": ("track_report", "status"),
    "command_launcher": ("target_designation", "track_report", "status"),
    "fire_control_launcher": ("fire_control",),
    "sensor_launcher": ("track_report", "status"),
}


def resolve_links(spec: ScenarioSpec, catalog: Catalog) -> tuple[LinkSpec, ...]:
    """The scenario's links plus each unit's internal links as designed (unless overridden).

    A generated link takes its medium and message kinds from the unit type's `links`
    defaults (catalog), else `internal` with DEFAULT_CARRIES. A listed link between the same
    pair overrides it; if it does not say what it carries, it carries what the design did.
    """
    listed = list(spec.network.links)
    if not spec.network.auto_internal_links:
        return tuple(_with_ids(listed))
    designed: dict[frozenset, LinkSpec] = {}
    order: list[frozenset] = []
    for unit in spec.units:
        for a, b, kind, carries in design_links(unit, catalog):
            key = frozenset((a, b))
            designed[key] = LinkSpec(
                **{"from": a, "to": b, "kind": kind, "latency_s": 0.2, "carries": carries}
            )
            order.append(key)
    out = []
    for lk in listed:
        key = frozenset((lk.from_, lk.to))
        if key in designed and lk.carries is None:
            lk = lk.model_copy(update={"carries": designed[key].carries})
        designed.pop(key, None)
        out.append(lk)
    out += [designed[k] for k in order if k in designed]
    return tuple(_with_ids(out))


def _with_ids(links: list[LinkSpec]) -> list[LinkSpec]:
    """Give every link an id (its own, or 'from--to')."""
    return [lk if lk.id else lk.model_copy(update={"id": f"{lk.from_}--{lk.to}"}) for lk in links]


def design_links(unit, catalog: Catalog) -> list[tuple[str, str, str, list[str]]]:
    """The links a unit has as designed, as (from, to, medium, message kinds): sensors to
    command post, command post to launchers, fire-control radars to the launchers that have
    no fire control of their own (or, with no command post, sensors to launchers). A pair
    joined for several roles gets one link carrying every kind those roles need."""
    kinds = {
        c.id: catalog.components[c.type].kind
        for c in unit.components
        if c.type in catalog.components
    }
    utype = catalog.units.get(unit.type)
    roles = utype.roles if utype is not None else {}
    defaults = utype.links if utype is not None else {}

    def members(role: str) -> list[str]:
        return [cid for cid, k in kinds.items() if k in roles.get(role, [])]

    search, fire, launch, command = (
        members(r) for r in ("search", "fire_control", "launcher", "command")
    )
    pairs: list[tuple[str, str, str]] = []
    for cp in command:  # a TELAR's link to the post is first a launcher's (its medium)
        pairs += [(cp, lch, "command_launcher") for lch in launch if lch != cp]
        pairs += [(s, cp, "sensor_command") for s in search if s != cp]
    if not command:
        pairs += [(s, lch, "sensor_launcher") for s in search for lch in launch if s != lch]
    pairs += [(f, lch, "fire_control_launcher") for f in fire for lch in launch if lch not in fire]
    merged: dict[frozenset, list] = {}
    for a, b, role in pairs:
        d = defaults.get(role)
        carries = list(d.carries) if d is not None else list(DEFAULT_CARRIES[role])
        key = frozenset((a, b))
        if key not in merged:
            merged[key] = [a, b, d.kind if d is not None else "internal", carries]
        else:
            merged[key][3] += [k for k in carries if k not in merged[key][3]]
    return [(f"{unit.id}/{a}", f"{unit.id}/{b}", kind, c) for a, b, kind, c in merged.values()]


def _cross_check_raw(data: dict, catalog: Catalog, file: str, locations) -> list[Problem]:
    """Check references in the raw data, so they are found even when other fields are bad."""
    problems: list[Problem] = []

    def report(path: tuple, message: str) -> None:
        line, col = locate(locations, path)
        problems.append(Problem(file, line, col, field_path(path), message))

    def items(key: str) -> Iterable[tuple[int, dict]]:
        seq = data.get(key)
        if isinstance(seq, list):
            for i, item in enumerate(seq):
                if isinstance(item, dict):
                    yield i, item

    components: set[str] = set()
    unit_ids: dict[str, int] = {}
    for i, unit in items("units"):
        uid = unit.get("id")
        if isinstance(uid, str):
            if uid in unit_ids:
                report(("units", i, "id"), f"duplicate unit id {uid!r}")
            unit_ids[uid] = i
        utype = unit.get("type")
        if isinstance(utype, str) and utype not in catalog.units:
            report(("units", i, "type"), _unknown("unit type", utype, catalog.units))
        comps = unit.get("components")
        seen: set[str] = set()
        _check_support(unit, i, catalog, report)
        for j, comp in enumerate(comps if isinstance(comps, list) else []):
            if not isinstance(comp, dict):
                continue
            cid, ctype = comp.get("id"), comp.get("type")
            if isinstance(cid, str):
                if cid in seen:
                    report(("units", i, "components", j, "id"), f"duplicate component id {cid!r}")
                seen.add(cid)
                components.add(f"{uid}/{cid}")
            if isinstance(ctype, str) and ctype not in catalog.components:
                report(
                    ("units", i, "components", j, "type"),
                    _unknown("component type", ctype, catalog.components),
                )
    for i, unit in items("units"):
        if isinstance(unit.get("higher"), str) and unit["higher"] not in components:
            report(("units", i, "higher"), _unknown_ref(unit["higher"], components))
    aircraft_ids: set[str] = set()
    for i, ac in items("raid"):
        aid = ac.get("id")
        if isinstance(aid, str):
            if aid in aircraft_ids:
                report(("raid", i, "id"), f"duplicate aircraft id {aid!r}")
            aircraft_ids.add(aid)
        atype = ac.get("type")
        if isinstance(atype, str) and atype not in catalog.aircraft:
            report(("raid", i, "type"), _unknown("aircraft type", atype, catalog.aircraft))
        lead = (
            ac.get("formation", {}).get("lead") if isinstance(ac.get("formation"), dict) else None
        )
        if isinstance(lead, str):
            leads = {
                a["id"]
                for _, a in items("raid")
                if isinstance(a.get("id"), str) and isinstance(a.get("route"), list)
            }
            if lead not in leads:
                report(
                    ("raid", i, "formation", "lead"),
                    _unknown("formation lead (an aircraft with a route)", lead, leads),
                )
        if ac.get("altitude_mode") == "agl" and isinstance(ac.get("route"), list):
            for j, wp in enumerate(ac["route"]):
                alt = wp.get("alt_m") if isinstance(wp, dict) else None
                if isinstance(alt, int | float) and alt < 0:
                    report(("raid", i, "route", j, "alt_m"), "height above ground must be >= 0")
    network = data.get("network")
    links = network.get("links") if isinstance(network, dict) else None
    link_ids: set[str] = set()
    pairs: dict[frozenset, int] = {}
    for i, link in enumerate(links if isinstance(links, list) else []):
        if not isinstance(link, dict):
            continue
        if isinstance(link.get("id"), str):
            if link["id"] in link_ids:
                report(("network", "links", i, "id"), f"duplicate link id {link['id']!r}")
            link_ids.add(link["id"])
        a, b = link.get("from"), link.get("to")
        if isinstance(a, str) and isinstance(b, str):
            if a == b:
                report(("network", "links", i, "to"), f"a link from {a!r} to itself")
            elif (first := pairs.get(frozenset((a, b)))) is not None:
                report(
                    ("network", "links", i),
                    f"duplicate link between {a!r} and {b!r} (also links[{first}]); links are "
                    "undirected, give each pair once",
                )
            else:
                pairs[frozenset((a, b))] = i
        for end in ("from", "to"):
            ref = link.get(end)
            if isinstance(ref, str) and ref not in components:
                report(("network", "links", i, end), _unknown_ref(ref, components))
        for k, ref in enumerate(_list(link.get("via"))):
            if isinstance(ref, str) and ref not in components:
                report(("network", "links", i, "via", k), _unknown_ref(ref, components))
    integrations = network.get("integrations") if isinstance(network, dict) else None
    for i, rec in enumerate(integrations if isinstance(integrations, list) else []):
        for end in ("sensor", "command_post"):
            ref = rec.get(end) if isinstance(rec, dict) else None
            if isinstance(ref, str) and ref not in components:
                report(("network", "integrations", i, end), _unknown_ref(ref, components))
    site_ids: set[str] = set()
    for i, site in items("sites"):
        if isinstance(site.get("id"), str):
            if site["id"] in site_ids:
                report(("sites", i, "id"), f"duplicate site id {site['id']!r}")
            site_ids.add(site["id"])
        for k, ref in enumerate(_list(site.get("members"))):
            if isinstance(ref, str) and ref not in components and ref not in unit_ids:
                report(("sites", i, "members", k), _unknown_ref(ref, components | set(unit_ids)))
    strike_ids: set[str] = set()
    for i, strike in items("strikes"):
        if isinstance(strike.get("id"), str):
            if strike["id"] in strike_ids:
                report(("strikes", i, "id"), f"duplicate strike id {strike['id']!r}")
            strike_ids.add(strike["id"])
        site = strike.get("site")
        if isinstance(site, str) and site not in site_ids:
            report(("strikes", i, "site"), _unknown("site", site, site_ids))
        for k, ref in enumerate(_list(strike.get("targets"))):
            if isinstance(ref, str) and ref not in components and ref not in unit_ids:
                report(("strikes", i, "targets", k), _unknown_ref(ref, components | set(unit_ids)))
    check_cyber(items("cyber"), components, unit_ids, site_ids, report)
    check_guns(items, catalog, unit_ids, report)
    return problems


def _check_support(unit: dict, i: int, catalog: Catalog, report) -> None:
    """Comms set and power source types known; power feeds name the unit's components."""
    comps = unit.get("components") if isinstance(unit.get("components"), list) else []
    ids = {c.get("id") for c in comps if isinstance(c, dict) and isinstance(c.get("id"), str)}
    for j, comp in enumerate(comps):
        sets = comp.get("comms") if isinstance(comp, dict) else None
        for k, cs in enumerate(sets if isinstance(sets, list) else []):
            t = cs.get("type") if isinstance(cs, dict) else None
            if isinstance(t, str) and t not in catalog.comms:
                where = ("units", i, "components", j, "comms", k, "type")
                report(where, _unknown("comms type", t, catalog.comms))
    pool = unit.get("cannibalise")
    for k, ref in enumerate(_list(pool.get("vehicles")) if isinstance(pool, dict) else []):
        if isinstance(ref, str) and ref not in ids:
            where = ("units", i, "cannibalise", "vehicles", k)
            report(where, _unknown("component of this unit", ref, ids))
    power = unit.get("power")
    for k, src in enumerate(power if isinstance(power, list) else []):
        if not isinstance(src, dict):
            continue
        t = src.get("type")
        if isinstance(t, str) and t not in catalog.power:
            report(("units", i, "power", k, "type"), _unknown("power type", t, catalog.power))
        for m, ref in enumerate(_list(src.get("feeds"))):
            if isinstance(ref, str) and ref not in ids:
                report(
                    ("units", i, "power", k, "feeds", m),
                    _unknown("component of this unit", ref, ids),
                )


def _site_warnings(spec: ScenarioSpec, path: Path, locations) -> list[Problem]:
    """Site altitudes far from the DEM (warnings; scenario.terrain_checks)."""
    if spec.terrain is None:
        return []
    return _check_terrain(spec, path, locations)[1]


def _check_terrain(
    spec: ScenarioSpec, path: Path, locations: dict[tuple, Location]
) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings): the DEM must load; aircraft must not fly under it
    (scenario.terrain_checks); site altitudes far from it are warned about."""
    if spec.terrain is None:
        return [], []
    terrain = resolve_terrain(spec.terrain, path)
    line, col = locate(locations, ("terrain",))
    from iadsim.geo.terrain import Terrain
    from iadsim.io.raster import file_kind_problem
    from iadsim.scenario.terrain_checks import clearance_problems, site_altitude_warnings

    why = file_kind_problem(terrain)
    if why is not None:
        return [Problem(str(path), line, col, "terrain", f"terrain {terrain}: {why}")], []
    try:  # a corrupt or mis-georeferenced DEM is refused here, at the scenario's line
        dem = Terrain.from_geotiff(terrain)
    except InputError as exc:
        why = "; ".join(p.message for p in exc.problems)
        return [Problem(str(path), line, col, "terrain", f"{terrain}: {why}")], []
    return (
        clearance_problems(spec, dem, str(path), locations),
        site_altitude_warnings(spec, dem, str(path), locations),
    )


def _check_readiness(
    spec: ScenarioSpec, file: str, locations: dict[tuple, Location]
) -> list[Problem]:
    """Observations of unknown components or dated after start_utc; overhauls after it."""
    from iadsim.scenario.readiness import check_maintenance, check_observations

    problems: list[Problem] = []

    def report(path: tuple, message: str) -> None:
        line, col = locate(locations, path)
        problems.append(Problem(file, line, col, field_path(path), message))

    known = [f"{u.id}/{c.id}" for u in spec.units for c in u.components]
    for i, fld, message in check_observations(spec.observations, known, spec.start_utc):
        report(("observations", i, fld), message)
    for i, unit in enumerate(spec.units):
        for j, comp in enumerate(unit.components):
            if comp.maintenance is None:
                continue
            for fld, message in check_maintenance(comp.maintenance, spec.start_utc):
                report(("units", i, "components", j, "maintenance", fld), message)
    return problems


def resolve_terrain(terrain: str, scenario_path: Path) -> Path:
    """A terrain reference: `builtin:NAME` for a bundled DEM, else a path relative to the file."""
    from iadsim.geo.terrain_adapter import BUILTIN_PREFIX, builtin_terrain_path

    if terrain.startswith(BUILTIN_PREFIX):
        return builtin_terrain_path(terrain[len(BUILTIN_PREFIX) :])
    return (scenario_path.parent / terrain).resolve()


def _list(value: object) -> list:
    """A value the schema will check as a list: itself if it is one, else nothing to cross-check
    here (the schema reports the wrong type at its line)."""
    return value if isinstance(value, list) else []


def _unknown(what: str, value: str, known: Iterable[str]) -> str:
    import difflib

    known = sorted(known)
    close = difflib.get_close_matches(value, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
    return f"unknown {what} {value!r}{hint}"


def _unknown_ref(ref: str, known: set[str]) -> str:
    return _unknown("component reference", ref, known) + " (references are UNIT/component)"


def _dedupe(problems: list[Problem]) -> list[Problem]:
    out, seen = [], set()
    for p in problems:
        key = (p.line, p.column, p.field, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0))
