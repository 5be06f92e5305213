"""How the batch commands show progress: the one protocol of the analysis layer,
`progress(done, total, what)` (analysis.runner.ProgressFn), drawn on stderr.

On a terminal: a rich bar (step, bar, done/total, elapsed, time left). Elsewhere (a log, a CI
job, `nohup`): one line per 10% of a step or per minute, whichever comes first, with the
time left. Either way, when a step starts (a new `what`), a line says how many replications
it will run and, from the cost per replication measured by a short probe
(`analysis.runner.probe_cost`), about how long that will take on the workers given.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

LOG_EVERY_S = 60.0
LOG_EVERY_FRACTION = 0.10


def duration(seconds: float) -> str:
    """A duration a person reads: 40 s, 3.5 min, 2.1 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def plan_line(what: str, todo: int, per_rep_s: float | None, workers: int, done: int = 0) -> str:
    """ "<what>: N replications to run (M already stored), about T on W workers"."""
    line = f"{what}: {todo:,} replication{'s' if todo != 1 else ''} to run"
    if done:
        line += f" ({done:,} already stored)"
    if per_rep_s is not None and todo:
        eta = todo * per_rep_s / max(1, workers)
        line += (
            f", about {duration(eta)} on {workers} worker{'s' if workers != 1 else ''} "
            f"({per_rep_s:.2f} s per replication measured; fewer replications or more "
            "--workers make it shorter)"
        )
    return line


class Display:
    """A `progress(done, total, what)` callable drawing on `stream` (a rich bar on a terminal,
    log lines otherwise); `quiet` shows only the plan lines."""

    def __init__(
        self,
        per_rep_s: float | None = None,
        workers: int = 1,
        quiet: bool = False,
        stream: TextIO | None = None,
    ):
        self.per_rep_s, self.workers, self.quiet = per_rep_s, workers, quiet
        self.stream = stream or sys.stderr
        self.what: str | None = None
        self.t0 = self.last_t = time.monotonic()
        self.start_done = self.last_done = 0
        self.bar: Any = None
        self.task: Any = None
        if not quiet and (self.stream.isatty() or os.environ.get("IADSIM_PROGRESS")):
            self.bar = _rich_bar(self.stream)

    def __call__(self, done: int, total: int, what: str) -> None:
        if what != self.what:
            self._new_step(done, total, what)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total or None, description=what)
        elif not self.quiet and total:
            self._log(done, total)

    def _new_step(self, done: int, total: int, what: str) -> None:
        self.what = what
        self.t0 = self.last_t = time.monotonic()
        self.start_done = self.last_done = done
        line = plan_line(what, total - done, self.per_rep_s, self.workers, done) if total else what
        self._print(line)
        if self.bar is not None and self.task is None:
            self.task = self.bar.add_task(what, total=total or None, completed=done)

    def _log(self, done: int, total: int) -> None:
        now = time.monotonic()
        step = max(1, int(total * LOG_EVERY_FRACTION))
        if done < total and done - self.last_done < step and now - self.last_t < LOG_EVERY_S:
            return
        self.last_done, self.last_t = done, now
        ran, elapsed = done - self.start_done, now - self.t0
        left = f", about {duration(elapsed / ran * (total - done))} left" if ran else ""
        self._print(
            f"{self.what}: {done:,}/{total:,} ({100 * done / total:.0f}%), "
            f"{duration(elapsed)} elapsed{left}"
        )

    def _print(self, line: str) -> None:
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _rich_bar(stream: TextIO) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream, force_terminal=stream.isatty() or None),
    )
    bar.start()
    return bar


@contextmanager
def progress_display(
    per_rep_s: float | None = None, workers: int = 1, quiet: bool = False
) -> Iterator[Display]:
    """A `Display` on stderr for the time of a command, closed (the bar stopped) at the end."""
    display = Display(per_rep_s, workers, quiet)
    try:
        yield display
    finally:
        display.close()
