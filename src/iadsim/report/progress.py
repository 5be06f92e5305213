"""The progress bars the commands show on stderr while batches run (rich): one per batch,
or one overall bar for a long analysis made of many batches (`overall_bar`).

Analysis functions take any object with rich's `add_task`/`advance`/`stop` (or None for no
bar); the commands make it here, so the analysis layer never draws on the console.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def _progress(eta: bool, transient: bool = False) -> Any:
    """A rich Progress on stderr (not started): description, bar, done/total, elapsed (and
    ETA); disabled when stderr is not a terminal unless IADSIM_PROGRESS is set."""
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
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if eta:
        columns.append(TimeRemainingColumn())
    return Progress(
        *columns,
        console=console,
        transient=transient,
        disable=not console.is_terminal and not os.environ.get("IADSIM_PROGRESS"),
    )


def console_bar(eta: bool = False) -> Any:
    """A started rich Progress on stderr: description, bar, done/total, elapsed (and ETA).

    Hidden when stderr is not a terminal unless IADSIM_PROGRESS is set."""
    bar = _progress(eta)
    bar.start()
    return bar


@contextmanager
def overall_bar(description: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """Yield `update(done, total)`; draws a rich bar on stderr when it is a terminal (or when
    IADSIM_PROGRESS is set), nothing otherwise."""
    bar = _progress(eta=True, transient=True) if enabled else None
    if bar is None or bar.disable:
        yield lambda done, total: None
        return
    task = bar.add_task(description, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


class OverallTasks:
    """Looks like a rich `Progress` to `run_batch` (add_task / advance / stop) but draws one
    overall bar for all the batches of a comparison or sweep, described by the batch now
    running (a variant's name, a sweep point's values)."""

    def __init__(self, bar, total: int | None):
        self.bar, self.total, self.done = bar, total, 0
        self.task = bar.add_task("", total=total) if bar is not None else None

    @classmethod
    def start(cls, total: int | None) -> OverallTasks:
        return cls(console_bar(eta=True), total)

    def add_task(self, description: str, total: int | None = None, completed: int = 0) -> int:
        self.done += completed
        if self.bar is not None:
            self.bar.update(self.task, description=description, completed=self.done)
        return 0

    def advance(self, task: int, k: int = 1) -> None:
        self.done += k
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
