"""Read digest markdown: ``## Papers for YYYY-MM-DD`` sections holding tables.

The reader is header-driven: columns are found by their header names, so the
current six-column layout and the older three- and four-column ones all parse.
The generator escapes nothing, so a row may wrap over several lines (titles and
URLs keep their line breaks) and a cell may contain ``|``; rows are joined until
they are complete, and extra ``|`` are given back to the free-text column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kg.read.entries import Warn, make_entry, parse_classification, split_authors
from kg.records import Digest, Source

# Every pattern here is linear on any input: no two adjacent quantifiers can share the
# characters of a long run (spaces, pipes, brackets); headings, separator rows and legacy
# titles are recognised by the small scanners below instead of regexes that were.
_DAY = re.compile(r"papers\s+for\s+(\S+)", re.IGNORECASE)
_ISO_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})", re.ASCII)
_SEPARATOR_CELL = re.compile(r":?-+:?")
_LINK_START = re.compile(r"\[([^\[\]]*)\]\(")
_READ_MORE = re.compile(r"\(\s*read more on\s", re.IGNORECASE)

MAX_LINE = 32 * 1024 * 1024
"""Characters in one line; longer lines are skipped with a warning."""
MAX_CELL = 64 * 1024
"""Characters in one cell; longer cells are cut with a warning (a summary is a few KB;
pyoxigraph cannot store a literal over 16 MiB at all)."""

# Header names (lower-cased, spaces squashed) to the role each column plays.
COLUMN_ROLES = {
    "title": "title", "paper": "title", "name": "title",
    "authors": "authors", "author": "authors",
    "summary": "summary", "abstract": "summary", "tl;dr": "summary",
    "classification": "tasks", "tasks": "tasks", "task": "tasks", "labels": "tasks",
    "github urls": "code", "github url": "code", "github": "code", "code": "code",
    "huggingface urls": "hf", "hugging face urls": "hf", "huggingface": "hf",
    "hf urls": "hf", "hugging face": "hf",
    "link": "link", "links": "link", "url": "link", "arxiv": "link", "paper link": "link",
}


@dataclass(slots=True)
class _Table:
    roles: list[str | None]  # one per column; None for unknown columns
    line: int


def heading_text(line: str) -> str | None:
    """The text of an ATX heading line (``#`` to ``######``), or ``None`` if it is none."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3:
        return None
    hashes = len(body) - len(body.lstrip("#"))
    if not 1 <= hashes <= 6:
        return None
    rest = body[hashes:]
    if rest and not rest[0].isspace():
        return None
    return rest.strip()


def is_separator(line: str) -> bool:
    """Whether ``line`` is a table's ``|---|:--:|`` separator row."""
    cells = _strip_pipes(line).split("|")
    return all(_SEPARATOR_CELL.fullmatch(cell.strip()) for cell in cells)


def day_from_name(name: str) -> str | None:
    """The ``YYYY-MM-DD`` in a file name, the fallback when a file has no heading."""
    match = _ISO_DAY.search(name)
    return match.group(1) if match and valid_day(match.group(1)) else None


def valid_day(text: str) -> bool:
    """Whether ``text`` is a real calendar day in ISO form."""
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII) is not None


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF and CR only (``str.splitlines`` also splits on \\x1c, \\x85...)."""
    return re.split(r"\r\n|\r|\n", text)


def read_markdown(text: str, source: Source, warn_at: Callable[[int | None, str], None]
                  ) -> list[Digest]:
    """Parse one markdown document into its day sections."""
    return list(_Reader(text, source, warn_at).digests())


class _Reader:
    def __init__(self, text: str, source: Source, warn: Warn) -> None:
        self.lines = split_lines(text)
        self.source = source
        self.warn = warn
        self.fallback_day = day_from_name(source.name)

    def digests(self) -> Iterator[Digest]:
        current: Digest | None = None
        table: _Table | None = None
        index = 0
        lines = self.lines
        while index < len(lines):
            line = lines[index]
            number = index + 1
            if len(line) > MAX_LINE:
                self.warn(number, f"line of {len(line):,} characters is over the limit of "
                                  f"{MAX_LINE:,}; line skipped")
                lines[index] = line = ""
            heading = heading_text(line)
            if heading is not None:
                table = None
                day = self._heading_day(heading, number)
                if day is not None:
                    if current is not None:
                        yield current
                    current = Digest(day, self.source, number)
                index += 1
                continue
            if not line.lstrip().startswith("|"):
                table = None
                index += 1
                continue
            if table is None:
                table, index = self._table_header(index)
                continue
            row, index = self._gather_row(index, len(table.roles))
            if current is None:
                current = self._fallback_digest(number)
                if current is None:
                    self.warn(number, "table row outside any '## Papers for YYYY-MM-DD' "
                                      "section and no date in the file name; row skipped")
                    continue
            self._add_row(current, table, row, number)
        if current is not None:
            yield current

    def _heading_day(self, heading: str, number: int) -> str | None:
        match = _DAY.search(heading)
        if not match:
            return None
        day = match.group(1)
        if valid_day(day):
            return day
        if self.fallback_day:
            self.warn(number, f"heading date {day!r} is not a valid YYYY-MM-DD date; "
                              f"using {self.fallback_day} from the file name")
            return self.fallback_day
        self.warn(number, f"heading date {day!r} is not a valid YYYY-MM-DD date; "
                          "rows until the next heading are skipped")
        return None

    def _fallback_digest(self, number: int) -> Digest | None:
        if self.fallback_day is None:
            return None
        return Digest(self.fallback_day, self.source, number)

    def _table_header(self, index: int) -> tuple[_Table | None, int]:
        """Read a header row and its separator; warn about a row with no header."""
        number = index + 1
        has_separator = index + 1 < len(self.lines) and is_separator(self.lines[index + 1])
        if is_separator(self.lines[index]) or not has_separator:
            self.warn(number, "table row without a header row above it; row skipped")
            return None, index + 1
        names = [name.strip() for name in _strip_pipes(self.lines[index]).split("|")]
        roles: list[str | None] = []
        seen: set[str] = set()
        for name in names:
            role = COLUMN_ROLES.get(" ".join(name.lower().split()))
            if role is None:
                self.warn(number, f"unknown column {name!r} ignored")
            elif role in seen:
                self.warn(number, f"duplicate column {name!r} ignored")
                role = None
            if role:
                seen.add(role)
            roles.append(role)
        if "title" not in seen and "link" not in seen:
            self.warn(number, "table has no Title or Link column; its rows are skipped")
        return _Table(roles, number), index + 2

    def _gather_row(self, index: int, columns: int) -> tuple[str, int]:
        """Join a row with its continuation lines (rows wrap where titles/URLs did)."""
        parts = [self.lines[index]]
        pipes = parts[0].count("|")
        index += 1
        while index < len(self.lines):
            if parts[-1].rstrip().endswith("|") and pipes >= columns + 1:
                break
            nxt = self.lines[index]
            if (not nxt.strip() or nxt.lstrip().startswith("|") or len(nxt) > MAX_LINE
                    or heading_text(nxt) is not None):
                break
            parts.append(nxt)
            pipes += nxt.count("|")
            index += 1
        return "\n".join(parts), index

    def _add_row(self, digest: Digest, table: _Table, row: str, number: int) -> None:
        roles = table.roles
        if "title" not in roles and "link" not in roles:
            self.warn(number, "row in a table with no Title or Link column; row skipped")
            return
        cells = split_cells(row, roles)
        if cells is None:
            self.warn(number, f"row has fewer cells than the header's {len(roles)}; "
                              "missing cells read as empty")
            cells = _pad(row, len(roles))
        values = {role: self._cut(cell, role, number)
                  for role, cell in zip(roles, cells, strict=True) if role}
        entry = build_entry(values, digest.day, len(digest.entries) + 1, number, self.warn)
        if entry is not None:
            digest.entries.append(entry)


    def _cut(self, cell: str, role: str, number: int) -> str:
        if len(cell) <= MAX_CELL:
            return cell
        self.warn(number, f"{role} cell of {len(cell):,} characters is over the limit of "
                          f"{MAX_CELL:,}; cut to the limit")
        return cell[:MAX_CELL]


def build_entry(values: dict[str, str], day: str, position: int, number: int, warn: Warn):
    """Interpret the cells of one row (keyed by role) into an entry."""
    title, link, extra = _title_cell(values.get("title", ""))
    if "link" in values:
        link_targets = link_list(values["link"], number, warn)
        if link_targets:
            link = link or link_targets[0]
            extra = [*extra, *link_targets[1:]]
    return make_entry(
        day=day, position=position, line=number, title=title, link=link,
        authors=split_authors(values.get("authors", "")),
        summary=values.get("summary", ""),
        tasks=parse_classification(values.get("tasks", ""), number, warn),
        code_urls=link_list(values.get("code", ""), number, warn),
        hf_urls=link_list(values.get("hf", ""), number, warn),
        extra_urls=extra, warn=warn,
    )


def _strip_pipes(row: str) -> str:
    body = row.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return body


def _pad(row: str, columns: int) -> list[str]:
    parts = _strip_pipes(row).split("|")
    return (parts + [""] * columns)[:columns]


_MAX_GROW = 32
_VALIDATORS: dict[str, Callable[[str], bool]] = {
    "title": lambda cell: not cell.lstrip().startswith("[") or _is_linked_title(cell),
    "tasks": lambda cell: not cell.strip() or (cell.strip().startswith("[")
                                              and cell.strip().endswith("]")),
    "code": lambda cell: _is_link_list(cell),
    "hf": lambda cell: _is_link_list(cell),
    "link": lambda cell: _is_link_list(cell),
}


def split_cells(row: str, roles: list[str | None]) -> list[str] | None:
    """Split a row into one cell per column, or ``None`` if it has too few.

    Nothing in a digest is escaped, so a summary may hold ``|``. Structured
    columns are taken from both ends, each growing until its content is well
    formed, and whatever is left in the middle goes to the free-text column.
    """
    parts = _strip_pipes(row).split("|")
    count = len(roles)
    if len(parts) < count:
        return None
    if len(parts) == count:
        return parts
    free = roles.index("summary") if "summary" in roles else count - 1
    spare = len(parts) - count
    left: list[str] = []
    cursor = 0
    for role in roles[:free]:
        cell, used = _grow(parts, cursor, 1, role, spare)
        spare -= used
        left.append(cell)
        cursor += used + 1
    right: list[str] = []
    end = len(parts)
    for role in reversed(roles[free + 1:]):
        cell, used = _grow(parts, end - 1, -1, role, spare)
        spare -= used
        right.append(cell)
        end -= used + 1
    return [*left, "|".join(parts[cursor:end]), *reversed(right)]


def _grow(parts: list[str], start: int, step: int, role: str | None, spare: int
          ) -> tuple[str, int]:
    """Take parts from ``start`` in direction ``step`` until the role's cell is valid.

    At most ``_MAX_GROW`` extra parts are tried, so a cell full of ``|`` costs
    linear time, not quadratic.
    """
    check = _VALIDATORS.get(role or "")
    for used in range(min(spare, _MAX_GROW) + 1):
        chunk = parts[start: start + used + 1] if step > 0 else parts[start - used: start + 1]
        cell = "|".join(chunk)
        if check is None or check(cell):
            return cell, used
    return parts[start], 0


def _is_linked_title(cell: str) -> bool:
    text = cell.strip()
    return text.startswith("[") and text.endswith(")") and "](" in text


def _is_link_list(cell: str) -> bool:
    text = cell.strip()
    if not text or text.upper() == "N/A":
        return True
    targets, leftover = _scan_links(text)
    return bool(targets) and not leftover.strip(" ,")


def _title_cell(cell: str) -> tuple[str, str | None, list[str]]:
    """Split a title cell into title, main link and any further links.

    Forms: ``[title](link)``; legacy ``Title (Read more on [arXiv](url) or
    [HuggingFace](url))``; or a plain title whose link is in a Link column.
    """
    text = cell.strip()
    if _is_linked_title(text):
        split = text.rfind("](")
        return text[1:split], text[split + 2: -1], []
    legacy = _READ_MORE.search(text) if text.endswith(")") else None
    if legacy:
        targets, _ = _scan_links(text[legacy.end():-1].strip())
        if targets:
            return text[:legacy.start()].rstrip(), targets[0], targets[1:]
    return text, None, []


def link_list(cell: str, number: int, warn: Warn) -> list[str]:
    """The targets of a ``[Link](url), [Link](url)`` / ``N/A`` / bare-URL cell."""
    text = cell.strip()
    if not text or text.upper() == "N/A":
        return []
    targets, leftover = _scan_links(text)
    for piece in (p.strip() for p in re.split(r"[,\s]+", leftover)):
        if not piece or piece.upper() == "N/A":
            continue
        if re.match(r"^(https?:)?//|^[\w-]+(\.[\w-]+)+/", piece, re.IGNORECASE):
            targets.append(piece)
        else:
            warn(number, f"text {piece[:60]!r} in a link cell is not a link; ignored")
    return targets


def _scan_links(text: str) -> tuple[list[str], str]:
    """Find ``[label](target)`` links, targets may hold balanced parentheses."""
    targets: list[str] = []
    leftover: list[str] = []
    position = 0
    while True:
        match = _LINK_START.search(text, position)
        if not match:
            leftover.append(text[position:])
            break
        depth, cursor = 1, match.end()
        while cursor < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[cursor], 0)
            cursor += 1
        if depth:
            leftover.append(text[position:])
            break
        leftover.append(text[position: match.start()])
        targets.append(text[match.end(): cursor - 1])
        position = cursor
    return targets, "".join(leftover)
