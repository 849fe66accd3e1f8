"""Progress shows on a terminal only, with files, rows and a rate."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from kg.support.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal() -> None:
    stream = Terminal()
    progress = Progress(2, stream=stream)
    progress.advance(12)
    progress.advance(3)
    progress.close()
    text = stream.getvalue()
    assert "\r  reading: 2/2 files, 15 rows (" in text and "rows/s)" in text
    assert text.endswith("\n")


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(1, stream=stream)
    progress.advance(5)
    progress.close()
    assert stream.getvalue() == ""


def test_build_writes_no_progress_into_a_pipe(examples_dir: Path, tmp_path: Path,
                                              kg_cli: Callable[..., CompletedProcess[str]]
                                              ) -> None:
    done = kg_cli("build", str(examples_dir), "-o", str(tmp_path), "--no-html", ok=True)
    assert "\r" not in done.stderr and "reading:" not in done.stderr
