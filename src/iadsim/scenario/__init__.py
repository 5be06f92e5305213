"""Scenario files: schema, YAML loading with line numbers, the equipment catalog."""

from iadsim.scenario.catalog import Catalog, default_catalog
from iadsim.scenario.load import Scenario, load_scenario

__all__ = ["Catalog", "Scenario", "default_catalog", "load_scenario"]
