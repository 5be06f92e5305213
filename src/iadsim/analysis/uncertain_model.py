"""A scenario whose notional numbers carry plausible ranges: the uncertain numbers written in
the scenario and catalog files (scenario.distributions), plus those of a ranges file that puts
distributions on numbers of a scenario and catalog written with plain numbers:

    # caracas-2026-01-03.ranges.yaml
    scenario:
      strikes.strike-volcan.p_destroy: {low: 0.5, mode: 0.8, high: 0.95, why: "..."}
    catalog:
      weapons.manpads-missile.pk.helicopter: {low: 0.2, mode: 0.35, high: 0.5, why: "..."}

Scenario paths use the `--set` path language (analysis.variants); catalog paths start with
the catalog file (components, weapons, units, aircraft). `scenario_at(values)` gives the
validated scenario with every uncertain number set to the given values.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from iadsim.analysis.variants import Assignment, apply_assignments, values_at
from iadsim.errors import InputError, Problem, ScenarioError
from iadsim.scenario import Scenario
from iadsim.scenario.catalog import Catalog, catalog_from_data, read_catalog_dir
from iadsim.scenario.distributions import UncertainNumber, nominal, plain_tree, substitute
from iadsim.scenario.load import scenario_from_data
from iadsim.scenario.yaml_loader import load_yaml


def _bundled_catalog_dir() -> Path:
    return Path(str(resources.files("iadsim") / "catalog"))


@dataclass
class UncertainModel:
    """Nominal scenario and catalog data, and the uncertain numbers found in them."""

    path: Path
    scenario_data: dict
    scenario_locations: dict
    catalog_dir: Path
    catalog_data: dict[str, tuple[Any, dict]]
    numbers: list[UncertainNumber]

    @classmethod
    def load(
        cls, scenario: str | Path, ranges: str | Path | None = None, catalog_dir=None
    ) -> UncertainModel:
        path = Path(scenario)
        catalog_dir = Path(catalog_dir) if catalog_dir else _bundled_catalog_dir()
        data, locations = load_yaml(path)
        if not isinstance(data, dict):
            raise ScenarioError(Problem(str(path), 1, 1, "", "expected a mapping at the top level"))
        data = plain_tree(data)
        raw_catalog = read_catalog_dir(catalog_dir)
        if ranges is not None:
            data, raw_catalog = _apply_ranges(Path(ranges), path, data, raw_catalog)
        plain, numbers = nominal(data, str(path), locations)
        catalog_plain = {}
        for section, (cdata, cloc) in raw_catalog.items():
            cp, cn = nominal(cdata, str(catalog_dir / f"{section}.yaml"), cloc, section)
            catalog_plain[section] = (cp, cloc)
            numbers += cn
        return cls(path, plain, locations, catalog_dir, catalog_plain, numbers)

    @property
    def names(self) -> list[str]:
        return [(f"catalog.{n.section}." if n.section else "") + n.name for n in self.numbers]

    @property
    def nominal_values(self) -> list[float]:
        return [n.dist.nominal for n in self.numbers]

    def catalog_at(self, values) -> Catalog:
        sections = {}
        for section, (cdata, cloc) in self.catalog_data.items():
            idx = [i for i, n in enumerate(self.numbers) if n.section == section]
            sub = substitute(cdata, [self.numbers[i] for i in idx], [values[i] for i in idx])
            sections[section] = (sub, cloc)
        return catalog_from_data(sections, self.catalog_dir)

    def scenario_at(self, values, catalog: Catalog | None = None) -> Scenario:
        """The validated scenario with the uncertain numbers at `values` (in `names` order)."""
        idx = [i for i, n in enumerate(self.numbers) if not n.section]
        data = substitute(
            self.scenario_data, [self.numbers[i] for i in idx], [values[i] for i in idx]
        )
        catalog = catalog or self.catalog_at(values)
        return scenario_from_data(data, self.path, catalog, self.scenario_locations)

    def nominal_scenario(self) -> Scenario:
        return self.scenario_at(self.nominal_values)


def _apply_ranges(ranges: Path, scenario_path: Path, data: dict, raw_catalog: dict):
    """Put the ranges file's distributions at their paths (each checked first, with the ranges
    file's line numbers)."""
    rdata, rloc = load_yaml(ranges)
    problems = []
    if not isinstance(rdata, dict) or set(rdata) - {"scenario", "catalog"}:
        raise InputError(
            Problem(str(ranges), 1, 1, "", "expected a mapping with `scenario:` and `catalog:`")
        )
    for part in ("scenario", "catalog"):
        entries = rdata.get(part) or {}
        for key, value in entries.items():
            line, col = rloc.get((part, key), (None, None))
            try:
                nominal({"x": value}, str(ranges))  # a malformed law is refused here
                from iadsim.scenario.distributions import is_distribution

                if not is_distribution(value):
                    raise ValueError("expected a distribution ({low, mode, high} or {dist: ...})")
            except (InputError, ValueError) as exc:
                msg = exc.problems[0].message if isinstance(exc, InputError) else str(exc)
                problems.append(Problem(str(ranges), line, col, f"{part}.{key}", msg))
                continue
            try:
                if part == "scenario":
                    _check_nominal(ranges, line, col, key, value, values_at(data, key), "scenario")
                    data = apply_assignments(data, [Assignment(key, value, key)], str(ranges))
                else:
                    section, _, rest = key.partition(".")
                    if section not in raw_catalog or not rest:
                        raise InputError(
                            Problem(
                                str(ranges),
                                line,
                                col,
                                f"catalog.{key}",
                                "catalog paths start with a catalog file: "
                                + ", ".join(sorted(raw_catalog)),
                            )
                        )
                    cdata, cloc = raw_catalog[section]
                    _check_nominal(ranges, line, col, key, value, values_at(cdata, rest), "catalog")
                    cdata = apply_assignments(cdata, [Assignment(rest, value, key)], str(ranges))
                    raw_catalog = {**raw_catalog, section: (cdata, cloc)}
            except InputError as exc:
                problems += [
                    Problem(str(ranges), line, col, f"{part}.{key}", p.message)
                    for p in exc.problems
                ]
    if problems:
        raise InputError(problems)
    return data, raw_catalog


def _check_nominal(ranges: Path, line, col, key: str, value, written: list, part: str) -> None:
    """The scenario and catalog keep their single notional values: a range's nominal (its
    mode, median or centre) must be the value written there, or the nominal run would
    silently differ from the file."""
    nominal_value = nominal({"x": value}, str(ranges))[1][0].dist.nominal
    for v in written:
        if isinstance(v, bool) or not isinstance(v, int | float):
            continue
        if abs(v - nominal_value) > 1e-9 * max(1.0, abs(v)):
            raise InputError(
                Problem(
                    str(ranges),
                    line,
                    col,
                    f"{part}.{key}",
                    f"the range's nominal value {nominal_value:g} is not the value written in "
                    f"the {part} ({v:g}); make its mode (or centre) the written value",
                )
            )
