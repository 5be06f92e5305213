"""References of a scenario file checked in its raw data (before the schema), so that a bad
reference is found with its line even when other fields are wrong: unit, component, aircraft,
link, site and strike ids unique; catalog types known (with "did you mean"); every reference
(UNIT/component, sites, formation leads, power feeds, comms sets) names something that exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from iadsim.errors import Problem
from iadsim.scenario.catalog import Catalog
from iadsim.scenario.cyber import check_cyber
from iadsim.scenario.errors_map import field_path
from iadsim.scenario.guns import check_guns
from iadsim.scenario.yaml_loader import locate


def cross_check_raw(data: dict, catalog: Catalog, file: str, locations) -> list[Problem]:
    """Check references in the raw data, so they are found even when other fields are bad."""
    raw = _Raw(data, file, locations)
    components, unit_ids = _check_units(raw, catalog)
    _check_raid(raw, catalog)
    _check_network(raw, components)
    site_ids = _check_sites_and_strikes(raw, components, unit_ids)
    check_cyber(raw.items("cyber"), components, unit_ids, site_ids, raw.report)
    check_guns(raw.items, catalog, unit_ids, raw.report)
    return raw.problems


class _Raw:
    """The raw data of a scenario file with its locations: `report` a problem at a path,
    `items` the mappings of a top-level list."""

    def __init__(self, data: dict, file: str, locations):
        self.data, self.file, self.locations = data, file, locations
        self.problems: list[Problem] = []

    def report(self, path: tuple, message: str) -> None:
        line, col = locate(self.locations, path)
        self.problems.append(Problem(self.file, line, col, field_path(path), message))

    def items(self, key: str) -> Iterable[tuple[int, dict]]:
        seq = self.data.get(key)
        if isinstance(seq, list):
            for i, item in enumerate(seq):
                if isinstance(item, dict):
                    yield i, item


def _check_units(raw: _Raw, catalog: Catalog) -> tuple[set[str], dict[str, int]]:
    """Unit and component ids unique and types known; returns the component references
    (UNIT/component) and the unit ids."""
    report, items = raw.report, raw.items
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
    return components, unit_ids


def _check_raid(raw: _Raw, catalog: Catalog) -> None:
    """Aircraft ids unique, types known, formation leads fly a route, heights above ground."""
    report, items = raw.report, raw.items
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


def _check_network(raw: _Raw, components: set[str]) -> None:
    """Links unique, between two different known components; integrations name components."""
    report, data = raw.report, raw.data
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


def _check_sites_and_strikes(raw: _Raw, components: set[str], unit_ids: dict[str, int]) -> set[str]:
    """Site and strike ids unique; members, targets and struck sites known. Returns the sites."""
    report, items = raw.report, raw.items
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
    return site_ids


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
