"""From input documents to day digests, collecting every warning on the way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.read.jsonrecords import read_json
from kg.read.markdown import read_markdown
from kg.read.sources import Document, decode, expand_inputs, read_document
from kg.records import Diagnostic, Digest, Source
from kg.support.progress import Progress


@dataclass(slots=True)
class ParseResult:
    """Digests read from the inputs, in input order, and the problems found."""

    digests: list[Digest] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    documents: int = 0
    #: (rows, days) of digests handed over by :meth:`release`.
    released: tuple[int, int] | None = None

    @property
    def rows(self) -> int:
        """Digest rows read (entries)."""
        if self.released is not None:
            return self.released[0]
        return sum(len(d.entries) for d in self.digests)

    @property
    def days(self) -> int:
        """Distinct digest days read."""
        if self.released is not None:
            return self.released[1]
        return len({d.day for d in self.digests})

    def release(self) -> None:
        """Let go of the digests once they are in the graph, keeping their counts.

        Why: a build's records are done with once mapped, and at 100k papers they
        are 0.25 GB that the load and the people links would otherwise hold on top
        of their own.
        """
        self.released = (self.rows, self.days)
        self.digests = []


def parse_document(document: Document, result: ParseResult) -> list[Digest]:
    """Parse one document into ``result``; returns the digests it held."""
    source = Source(document.name, document.sha256, document.key)

    def warn(line: int | None, message: str) -> None:
        result.diagnostics.append(Diagnostic(document.name, line, message))

    result.documents += 1
    text, problem = decode(document.data)
    if problem:
        warn(None, problem)
    if text is None:
        return []
    if "\x00" in text:
        text = _strip_nul(text, warn)
    if document.is_json:
        digests = read_json(text, source, warn)
    else:
        digests = read_markdown(text, source, warn)
    if not digests and text.strip():
        warn(None, "no '## Papers for YYYY-MM-DD' section or digest table found")
    _drop_repeats(digests, warn)
    result.digests.extend(digests)
    return digests


def parse_documents(documents: Iterable[Document],
                    progress: Progress | None = None) -> ParseResult:
    """Parse documents in order."""
    result = ParseResult()
    for document in documents:
        digests = parse_document(document, result)
        if progress is not None:
            progress.advance(sum(len(d.entries) for d in digests))
    if progress is not None:
        progress.close()
    return result


def parse_inputs(inputs: list[str], *, progress: bool | None = False) -> ParseResult:
    """Parse files, directories, globs or ``-`` (raises ``InputError`` if one is missing).

    ``progress=None`` shows a progress line when standard error is a terminal.
    """
    paths = expand_inputs(inputs)
    report = Progress(len(paths), enabled=progress) if progress is not False else None
    return parse_documents((read_document(path) for path in paths), report)


def _drop_repeats(digests: list[Digest], warn) -> None:
    """Keep one entry per paper and day within a document, warning about repeats."""
    for digest in digests:
        seen: dict[str, int] = {}
        kept = []
        for entry in digest.entries:
            key = entry.arxiv_id or entry.title.casefold()
            if key in seen:
                warn(entry.line, f"paper {key!r} already listed for {digest.day} "
                                 f"(line {seen[key]}); repeated row skipped")
                continue
            seen[key] = entry.line
            kept.append(entry)
        digest.entries = kept


def _strip_nul(text: str, warn) -> str:
    """Remove stray NUL characters, warning at each line that held one."""
    for number, line in enumerate(text.split("\n"), start=1):
        if "\x00" in line:
            warn(number, "stray NUL byte removed")
    return text.replace("\x00", "")
