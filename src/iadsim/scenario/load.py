"""Load a scenario file: parse YAML, validate the schema, resolve catalog types and references.

Every problem found is reported at once, each as FILE:LINE:COL: field.path: message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from iadsim.errors import InputError, Problem, ScenarioError
from iadsim.scenario.catalog import Catalog, default_catalog
from iadsim.scenario.distributions import nominal
from iadsim.scenario.errors_map import field_path, problems_from_validation
from iadsim.scenario.flights import expand_flights
from iadsim.scenario.references import cross_check_raw
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
        problems += cross_check_raw(data, catalog, str(path), locations)
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

    problems = cross_check_raw(data, catalog, str(path), locations)
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


def _dedupe(problems: list[Problem]) -> list[Problem]:
    out, seen = [], set()
    for p in problems:
        key = (p.line, p.column, p.field, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.line or 0, p.column or 0))
