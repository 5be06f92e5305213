"""iadsim: a Monte Carlo simulator of integrated air defence systems and the raids against them.

The package answers: given this equipment, this network and this state of readiness, what
happens to this raid, and where and why does the kill chain break? All parameters are notional.

The public Python API (docs/python-api.md):

    import iadsim
    scenario = iadsim.load("caracas")              # a bundled name, or a scenario file
    run = iadsim.run(scenario, seed=1)             # run.events, run.ledger, run.aircraft
    batch = iadsim.run_many(scenario, 50, workers=2)
    comparison = iadsim.compare(scenario, ["network.links.*.up=true"], n=50)
    again = iadsim.open("out/caracas-7")           # any output directory, read back

Functions:
    load(path)            a scenario file or bundled name -> Scenario (validated)
    prepare(scenario)     precompute the geometry once -> Prepared, to run many times
    run(scenario, seed)   one replication -> Run (events, ledger, aircraft tables)
    run_many(scenario, n) n replications -> Batch (replications, aircraft, ledger, components)
    compare(scenario, changes, n) what-if variants with common random numbers -> Comparison
    open(directory)       an output directory -> Run, Batch, Comparison or Study

Classes: Scenario, Run, Batch, Comparison, Study; Stage and Reason (the kill chain's stages
and reason codes); IadsimError, InputError, ScenarioError (bad input: file, line, field).
Every result shows itself as a table in a notebook (`_repr_html_`) and has `.to_pandas()`.

The names below are imported on first use, so `import iadsim` (and `iadsim --version`)
stays fast.
"""

from __future__ import annotations

from iadsim._version import __version__

TYPE_CHECKING = False  # typing not imported: it would slow `iadsim --version`
if TYPE_CHECKING:
    from typing import Any

    from iadsim.api import (
        Batch,
        Comparison,
        Run,
        compare,
        load,
        prepare,
        run,
        run_many,
    )
    from iadsim.api_open import Study
    from iadsim.api_open import open_dir as open
    from iadsim.errors import IadsimError, InputError, ScenarioError
    from iadsim.killchain import Reason, Stage
    from iadsim.scenario import Scenario

__all__ = [
    "Batch",
    "Comparison",
    "IadsimError",
    "InputError",
    "Reason",
    "Run",
    "Scenario",
    "ScenarioError",
    "Stage",
    "Study",
    "__version__",
    "compare",
    "load",
    "open",
    "prepare",
    "run",
    "run_many",
]

_HOME = {
    "Batch": "iadsim.api",
    "Comparison": "iadsim.api",
    "Run": "iadsim.api",
    "compare": "iadsim.api",
    "load": "iadsim.api",
    "prepare": "iadsim.api",
    "run": "iadsim.api",
    "run_many": "iadsim.api",
    "open": "iadsim.api_open:open_dir",
    "Study": "iadsim.api_open",
    "IadsimError": "iadsim.errors",
    "InputError": "iadsim.errors",
    "ScenarioError": "iadsim.errors",
    "Reason": "iadsim.killchain",
    "Stage": "iadsim.killchain",
    "Scenario": "iadsim.scenario",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'iadsim' has no attribute {name!r}")
    import importlib

    module, _, attr = home.partition(":")
    value = getattr(importlib.import_module(module), attr or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
