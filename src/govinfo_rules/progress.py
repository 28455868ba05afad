"""A progress line on a terminal while a long ledger is read (`score` on JSON Lines).

Entry point: :meth:`Progress.for_terminal`.  Nothing is shown for a short input (under
50,000 records by default), when standard error is not a terminal (a pipe, a log file,
CI), or after the work is done: the line is erased, so the terminal keeps only the
command's own output.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import IO


class Progress:
    """Records read so far, their rate and, from the file's size, about how far along."""

    def __init__(
        self,
        out: IO[str],
        total_bytes: int | None = None,
        *,
        after: int = 50_000,
        every: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.out = out
        self.total_bytes = total_bytes
        self.after = after
        self.every = every
        self.clock = clock
        self.started = clock()
        self.shown = 0  # width of the line on screen, 0 when none is
        self.sampled_bytes = 0
        self.sampled_lines = 0

    @classmethod
    def for_terminal(cls, out: IO[str], path: str | os.PathLike[str]) -> Progress | None:
        """A progress line for reading ``path``, or None when ``out`` is not a terminal."""
        try:
            if not out.isatty():
                return None
            size: int | None = os.path.getsize(path)
        except (OSError, ValueError):
            size = None
        return cls(out, size)

    def update(self, records: int, line: str | None = None) -> None:
        """Called for every record read; draws only every ``every`` records."""
        if records % self.every:
            return
        if line is not None:
            # One line in `every` is enough to estimate the file's lines from its size.
            self.sampled_bytes += len(line.encode("utf-8")) + 1
            self.sampled_lines += 1
        if records < self.after:
            return
        elapsed = max(self.clock() - self.started, 1e-9)
        text = f"govinfo-rules: {records:,} records read ({records / elapsed:,.0f}/s)"
        if self.total_bytes and self.sampled_lines:
            estimated = self.total_bytes * self.sampled_lines / self.sampled_bytes
            text += f", about {min(99, int(100 * records / estimated))}%"
        self._draw(text)

    def done(self) -> None:
        """Erase the line, if one is shown."""
        if self.shown:
            self.out.write("\r" + " " * self.shown + "\r")
            self.out.flush()
            self.shown = 0

    def _draw(self, text: str) -> None:
        padding = " " * max(0, self.shown - len(text))
        self.out.write("\r" + text + padding)
        self.out.flush()
        self.shown = len(text)
