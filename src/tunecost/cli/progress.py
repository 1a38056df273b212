"""A progress bar on stderr for work that can take more than a moment (Monte Carlo
draws, sensitivity, threshold, the report).

It is drawn only when stderr is a terminal, never into a pipe or a file, and only once
the work has run for :data:`DELAY` seconds, so quick runs print nothing. The analyses
report ``(done, total)`` through a callback; :meth:`Progress.part` maps one step of a
longer job (the report) onto its share of the bar.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable

DELAY = 0.5
"""Seconds of work before the bar appears."""

EVERY = 0.1
"""Least seconds between redraws."""


class Progress:
    """A bar labelled ``label`` on ``stream`` (stderr), drawn only on a terminal."""

    def __init__(self, label: str, stream=None, *, delay: float = DELAY, force: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = force or bool(isatty and isatty())
        self.label = label
        self.delay = delay
        self.start = time.monotonic()
        self.last = 0.0
        self.fraction = 0.0
        self.drawn = False

    def __call__(self, done: float, total: float) -> None:
        """Record that ``done`` of ``total`` is finished, and redraw if it is time."""
        self.fraction = min(1.0, done / total) if total else 1.0
        now = time.monotonic()
        if not self.enabled or now - self.start < self.delay:
            return
        if self.drawn and now - self.last < EVERY and self.fraction < 1.0:
            return
        self.last = now
        self._draw(now)

    def part(self, start: float, end: float, label: str | None = None) -> Callable:
        """A callback that maps ``(done, total)`` of one step onto ``start``..``end`` of
        this bar (fractions), relabelling the bar with ``label``."""

        def report(done: float, total: float) -> None:
            if label is not None:
                self.label = label
            share = min(1.0, done / total) if total else 1.0
            self(start + (end - start) * share, 1.0)

        return report

    def _draw(self, now: float) -> None:
        width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 1
        tail = f" {self.fraction:4.0%} {now - self.start:4.0f}s"
        label = self.label[: max(0, width // 3)]
        bar = max(10, width - len(label) - len(tail) - 3)
        filled = round(bar * self.fraction)
        line = f"{label} [{'#' * filled}{'-' * (bar - filled)}]{tail}"
        self.stream.write("\r" + line[:width])
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the bar (the line is left as it was before it was drawn)."""
        if self.drawn:
            width = min(shutil.get_terminal_size((80, 24)).columns, 100) - 1
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self.drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
