"""The progress bar the commands show on stderr while batches run (rich).

Analysis functions take any object with rich's `add_task`/`advance`/`stop` (or None for no
bar); the commands make it here, so the analysis layer never draws on the console.
"""

from __future__ import annotations

import os
from typing import Any


def console_bar(eta: bool = False) -> Any:
    """A started rich Progress on stderr: description, bar, done/total, elapsed (and ETA).

    Hidden when stderr is not a terminal unless IADSIM_PROGRESS is set."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    if eta:
        columns.append(TimeRemainingColumn())
    bar = Progress(
        *columns,
        console=console,
        disable=not console.is_terminal and not os.environ.get("IADSIM_PROGRESS"),
    )
    bar.start()
    return bar
