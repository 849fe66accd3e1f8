"""The curation file: the user's decisions about people, kept beside the digests.

A CSV file (``people.csv`` by default) that people edit in any editor or
spreadsheet and review in diffs, one decision a line::

    decision,a,b,note
    accept,Percy Liang,percyliang,same Stanford group
    reject,Yi Yuan,Yiyuan,Yiyuan is Yiyuan Zhang's username
    split,Wei Wang,,several people share this name

``accept`` and ``reject`` name a pair by the names the digests write (any
spelling that maps to the same person node works); ``split`` names one person
node that stands for several people, so no automatic link touches it. Rows are
kept sorted and de-duplicated, so the file diffs cleanly; it is written
atomically. Build and add read it on every run, so the decisions survive
rebuilds.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.read.sources import InputError
from kg.support.atomic import atomic_writer

DEFAULT_NAME = "people.csv"
HEADER = ("decision", "a", "b", "note")
DECISIONS = ("accept", "reject", "split")


class CurationError(InputError):
    """A curation file that cannot be read as one (message names file and line)."""


@dataclass(frozen=True, slots=True, order=True)
class Decision:
    decision: str
    a: str
    b: str = ""
    note: str = ""


@dataclass(slots=True)
class Curation:
    """The decisions of one file (``path`` is None when there is no file)."""

    path: Path | None = None
    decisions: list[Decision] = field(default_factory=list)

    def set(self, decision: str, a: str, b: str = "", note: str = "") -> Decision:
        """Record a decision, replacing any earlier one about the same pair or name."""
        if decision not in DECISIONS:
            raise CurationError(f"unknown decision {decision!r} (use {', '.join(DECISIONS)})")
        if decision != "split":
            a, b = sorted((a, b))
        same = {(a, b)} if decision == "split" else {(a, b), (b, a)}
        self.decisions = [d for d in self.decisions
                          if not ((d.a, d.b) in same and (d.decision == "split")
                                  == (decision == "split"))]
        made = Decision(decision, a, b, note)
        self.decisions.append(made)
        self.decisions.sort()
        return made


def default_path(inputs: list[str]) -> Path | None:
    """``people.csv`` in the first input folder (or a file input's folder) that has one."""
    for item in inputs:
        if item == "-":
            continue
        path = Path(item)
        folder = path if path.is_dir() else path.parent
        if (folder / DEFAULT_NAME).is_file():
            return folder / DEFAULT_NAME
    return None


def read_curation(path: str | os.PathLike[str] | None) -> Curation:
    """Read a curation file; a missing ``path`` (None) is an empty curation."""
    if path is None:
        return Curation()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CurationError(f"{path}: cannot read the curation file: "
                            f"{exc.strerror or exc}") from None
    curation = Curation(path)
    rows = csv.reader(io.StringIO(text))
    for number, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 1 and tuple(cell.strip() for cell in row[:4]) == HEADER[:len(row[:4])]:
            continue
        cells = [cell.strip() for cell in row] + ["", "", ""]
        decision, a, b, note = cells[0].lower(), cells[1], cells[2], cells[3]
        if decision not in DECISIONS:
            raise CurationError(f"{path}:{number}: unknown decision {cells[0]!r} "
                                f"(use {', '.join(DECISIONS)})")
        if not a or (decision != "split" and not b):
            raise CurationError(f"{path}:{number}: {decision} needs "
                                f"{'a name' if decision == 'split' else 'two names'}")
        curation.set(decision, a, b if decision != "split" else "", note)
    return curation


def write_curation(curation: Curation, path: str | os.PathLike[str]) -> Path:
    """Write the decisions, sorted, atomically (the old file stays until the new one is whole)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for decision in sorted(curation.decisions):
        writer.writerow((decision.decision, decision.a, decision.b, decision.note))
    target = Path(path)
    with atomic_writer(target) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    curation.path = target
    return target
