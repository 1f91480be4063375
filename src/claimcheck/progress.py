"""A progress bar for runs that ask live sources: on stderr, on a terminal only, after a moment.

Short runs (everything cached or locked) print nothing; pipes and CI logs never get bar noise.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class LiveProgress:
    """Callable as (label, done): shown once the run has taken longer than `delay` seconds."""

    def __init__(self, total: int = 0, delay: float = 0.7, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay = delay
        self.total = total
        self.started = time.monotonic()
        self.done = 0
        self._bar: Progress | None = None
        self._task = None

    def __call__(self, label: str, advance: int) -> None:
        self.done += max(0, advance)
        if not self.enabled:
            return
        if self._bar is None and time.monotonic() - self.started >= self.delay:
            self._bar = Progress(
                TextColumn("[dim]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(label, total=self.total or None, completed=self.done)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, description=label[:60], completed=self.done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
