"""Print rich tables without ever cutting an answer: reason codes, ids, stages.

Rich fits a table to the console (80 columns when output is piped) by wrapping and then
by truncating cells with an ellipsis: `RADAR_NOT_…`. `print_table` marks the columns that
hold answers (`keep`): they never wrap or shrink, the other columns wrap instead; and when
even that does not fit, the table is printed as one record per row (`column: value` lines),
which a narrow terminal or a pipe cannot cut.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

MIN_FREE = 6
"""Width left, at the least, to each column that may wrap."""


def _width(console: Console, renderable) -> int:
    return console.measure(renderable).maximum


def needed_width(console: Console, table: Table, keep: set[str]) -> int:
    """Total width of the table with every `keep` column at its widest cell and the others
    at MIN_FREE (or their widest cell if narrower), borders and padding included."""
    total = 1
    for col in table.columns:
        widest = max([_width(console, col.header)] + [_width(console, c) for c in col.cells])
        header_word = max((len(w) for w in str(col.header).split()), default=0)
        free = min(widest, max(MIN_FREE, header_word))
        total += (widest if str(col.header) in keep else free) + 3
    return total


def print_table(console: Console, table: Table, keep: set[str] | tuple[str, ...]) -> None:
    """Print `table` so that no cell of a `keep` column is cut (see the module docstring)."""
    keep = set(keep)
    if needed_width(console, table, keep) <= console.width:
        for col in table.columns:
            if str(col.header) in keep:
                col.no_wrap = True
                col.min_width = max(
                    [_width(console, col.header)] + [_width(console, c) for c in col.cells]
                )
            else:
                col.overflow = "fold"
        console.print(table)
        return
    if table.title:
        console.print(Text.from_markup(str(table.title), style="italic"))
    headers = [str(c.header) for c in table.columns]
    for values in zip(*(list(c.cells) for c in table.columns), strict=True):
        parts = [f"{h}: {v}" for h, v in zip(headers, values, strict=True) if str(v).strip()]
        console.print("  " + "; ".join(parts), soft_wrap=True)
