"""A one-line progress report for long runs, shown only on a terminal.

Reading a year of digests takes seconds; a user at a terminal should see it move,
while logs and pipes (and ``--quiet``) get no carriage-return noise.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts files and rows and redraws one status line at most ten times a second."""

    def __init__(self, total_files: int, *, enabled: bool | None = None,
                 stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = total_files
        self.files = 0
        self.rows = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def advance(self, rows: int) -> None:
        """One more file read, holding ``rows`` rows."""
        self.files += 1
        self.rows += rows
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= 0.1 or self.files == self.total):
            self._drawn = now
            rate = self.rows / max(now - self.started, 1e-9)
            self.stream.write(f"\r  reading: {self.files:,}/{self.total:,} files, "
                              f"{self.rows:,} rows ({rate:,.0f} rows/s)")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.files:
            self.stream.write("\n")
            self.stream.flush()
