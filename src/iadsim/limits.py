"""Every limit iadsim puts on its inputs, in one place (documented in docs/limits.md).

The limits keep a hostile or mistaken input from costing minutes, gigabytes or a hang before
it is refused: each is checked before the work it protects, and its error names the field, the
line and the limit. They sit far above any realistic scenario (the Caracas case study uses
under 1% of each).
"""

from __future__ import annotations

# -- the scenario file ---------------------------------------------------------------------
# a regular file of at most 2 MiB: reading YAML with line numbers costs ~20 s of CPU per MiB
# (the Caracas case study is 20 kB; 1,000 units with 3 components each are about 0.4 MB)
MAX_SCENARIO_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 32  # nesting of mappings and sequences
MAX_YAML_ALIASES = 200  # `*alias` references (each may copy a whole subtree)
MAX_YAML_NODES = 500_000  # values after expanding aliases ("billion laughs")

# -- scenario content ----------------------------------------------------------------------
MAX_DURATION_S = 7 * 86_400.0  # simulated time: duration_s, start times, loiters, strike times
MAX_WAYPOINTS = 10_000  # per route
MAX_AIRCRAFT = 5_000
MAX_UNITS = 5_000
MIN_SPEED_MPS = 0.1  # a route flown slower would take longer than any scenario
MAX_LINK_EVENTS = 100_000  # expected failures of one link over the scenario (duration/mtbf)

# -- terrain -------------------------------------------------------------------------------
MAX_DEM_CELLS = 100_000_000  # width x height of a DEM, checked before it is decompressed

# -- batches -------------------------------------------------------------------------------
MAX_REPLICATIONS = 1_000_000  # -n of mc, compare, sweep, attribute
MAX_SWEEP_POINTS = 10_000  # points of a sweep grid (product of the parameters' steps)
MAX_WORKERS = 1024
MAX_SEED = 2**63 - 1  # seeds are 0 .. 2**63-1 (stored as SQLite integers)
