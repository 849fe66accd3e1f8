"""``graph.ttl`` after an add, from the previous one: blocks no touched subject owns are copied.

Why: with the union's sorted lines kept (:mod:`kg.engine.union`), serialising the
whole union as Turtle was the largest part of what remained of a daily add that
grows with the graph (10k papers: 1.2 s of every add, for one new day).

How: ``graph.ttl`` is the prefixes, the ontology header's block, one block per
subject of the union in union order (sorted by N-Triples subject term), then the
VoID description. pyoxigraph writes a block from that subject's triples alone, so
the new file is the old one with the touched subjects' blocks swapped for new
ones (found by binary search; new subjects inserted in order) and a new VoID
section: byte for byte what serialising everything gives, at the cost of copying
the file.

Each ``graph.ttl`` written with a store is recorded in ``.graph-ttl.json``: the union
generation it shows (:meth:`GraphStore.union_token`), its size and modification
time, and where its data and VoID start. An add splices only a file that matches
the record of the generation it started from; any other (edited, left by a killed
add, written by an older release) is serialised whole, as before. Size and time
are the check ``make`` and ``rsync`` make: an edit, a restored copy or a file an
interrupted add replaced has another time, while a folder copied with its times
(``cp -p``, ``rsync -a``) is still spliced. A SHA-256 of the file, read once to
check it and once as it was written, was a third of a year's splice (0.04 s).
"""

from __future__ import annotations

import io
import json
import mmap
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from kg.graph.iris import Minter
from kg.graph.lines import triple_line
from kg.graph.serialize import ontology_header, turtle_prefixes, write_turtle
from kg.graph.store import GraphStore
from kg.support.atomic import atomic_writer, write_atomic

RECORD = ".graph-ttl.json"
#: A subject block starts a line; its other lines start with a tab.
_BLOCK = re.compile(rb"\n(?!\t)")
_TAB = ord("\t")
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class Layout:
    """What a written graph.ttl is: its union generation, size, modification time
    (``st_mtime_ns``) and sections."""

    token: str
    size: int
    mtime_ns: int
    data_start: int
    void_start: int


def record(directory: str | os.PathLike[str], token: str | None, base: str,
           description: list[ox.Triple], written: Layout | None = None) -> None:
    """Record the graph.ttl just written in ``directory`` for union generation ``token``.

    ``written`` is its layout when the writer took it on the way (:func:`rewrite`);
    otherwise the file is read back to find it.
    """
    path = Path(directory) / RECORD
    ttl = Path(directory) / "graph.ttl"
    if token is None or not ttl.is_file() or ttl.stat().st_size == 0:
        path.unlink(missing_ok=True)
        return
    if written is None:
        head = _body(ontology_header(Minter(base).dataset), base)
        with _mapped(ttl) as data:
            data_start = data.find(head) + len(head)
            void_start = len(data) - len(_void_body(description, base))
            written = Layout("", len(data), 0, data_start, void_start)
    layout = replace(written, token=token, mtime_ns=ttl.stat().st_mtime_ns)
    write_atomic(path, json.dumps(asdict(layout), sort_keys=True) + "\n")


def rewrite(graph: GraphStore, directory: str | os.PathLike[str], previous: str | None,
            touched: Iterable[str]) -> bool:
    """Write graph.ttl by splicing the previous one; False (nothing written) when the
    previous file is not the recorded graph.ttl of union generation ``previous``.
    True without writing when graph.ttl is already the recorded one of the store's
    generation (the page's process spliced it, :mod:`kg.engine.page_job`).

    ``touched`` are the union lines the add may have changed (:class:`UnionChange`);
    the new content of their subjects is read from the store's union.
    """
    ttl = Path(directory) / "graph.ttl"
    layout = _layout(Path(directory) / RECORD)
    if layout is None or not ttl.is_file() or not _recorded(ttl, layout):
        return False
    if layout.token == graph.union_token():
        return True
    if previous is None or layout.token != previous:
        return False
    with open(ttl, "rb") as source, \
            mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as old:
        written = _splice(graph, source.fileno(), old, layout, touched, ttl)
    record(directory, graph.union_token(), graph.base, graph.void(), written)
    return True


def _recorded(ttl: Path, layout: Layout) -> bool:
    """Whether the file ``ttl`` is the one ``layout`` records (size and time, the check
    ``make`` and ``rsync`` use), and not empty."""
    stat = ttl.stat()
    return (stat.st_size, stat.st_mtime_ns) == (layout.size, layout.mtime_ns) and bool(stat.st_size)


def _splice(graph: GraphStore, source: int, old: mmap.mmap, layout: Layout,
            touched: Iterable[str], ttl: Path) -> Layout:
    """Write the spliced file; its layout (size and sections) as written (its time is
    taken by :func:`record`, once the file has its name).

    ``source`` is the descriptor of the file ``old`` maps: the unchanged stretches
    between the touched blocks (nearly all of the file) are copied by the kernel.
    """
    subjects = sorted({line[:line.index(">") + 1] for line in touched if line.startswith("<")})
    blocks = _blocks(graph, subjects)
    found = _Blocks(old, layout.data_start, layout.void_start,
                    _Keys(old, turtle_prefixes(graph.base)))
    size = 0
    with memoryview(old) as view, atomic_writer(ttl) as out:

        def write(data: bytes) -> None:
            nonlocal size
            out.write(data)
            size += len(data)

        def copy(start: int, end: int) -> None:
            nonlocal size
            out.flush()
            _copy(source, out.fileno(), start, end, view)
            size += end - start

        cursor = layout.data_start
        copy(0, cursor)
        for subject in subjects:
            start, end = found.block(subject, cursor)
            copy(cursor, start)
            write(blocks.get(subject, b""))
            cursor = end
        copy(cursor, layout.void_start)
        void_start = size
        write(_void_body(graph.void(), graph.base))
    return Layout("", size, 0, layout.data_start, void_start)


def _copy(source: int, target: int, start: int, end: int, view: memoryview) -> None:
    """Append bytes ``start:end`` of the file ``source`` to ``target`` at its offset: in
    the kernel (``copy_file_range``, 0.01 s for 32 MB where writing them from the map
    took 0.07 s), or by writing them where the call is missing or refused."""
    copy_range = getattr(os, "copy_file_range", None)
    while start < end and copy_range is not None:
        try:
            copied = copy_range(source, target, end - start, start)
        except OSError:  # not supported by this system or file system: write them
            break
        if copied == 0:
            break
        start += copied
    if start < end:
        _write_all(target, view[start:end])


def _write_all(target: int, data: memoryview) -> None:
    while data:
        data = data[os.write(target, data):]


class _Blocks:
    """The subject blocks of graph.ttl's data section (``start:end`` of the file),
    found by binary search in the bytes: an add looks up a few hundred subjects, so
    no list of the file's 100k blocks is made (0.04 s of a year's add)."""

    def __init__(self, data: mmap.mmap | bytes, start: int, end: int, keys: _Keys) -> None:
        self.data, self.start, self.end, self.keys = data, start, end, keys

    def block(self, subject: str, low: int) -> tuple[int, int]:
        """Where ``subject``'s block is (``start, end``), or where it would be inserted
        (``start, start``): the first block from ``low`` whose subject is not less."""
        high, answer = self.end, self.end
        while low < high:
            middle = (low + high) // 2
            start = self._next(middle)
            if start >= high:
                high = middle
            elif self.keys.at(start) >= subject:
                answer, high = start, middle
            else:
                low = start + 1
        if answer < self.end and self.keys.at(answer) == subject:
            return answer, self._next(answer + 1)
        return answer, answer

    def _next(self, position: int) -> int:
        """The first block start at or after ``position`` (the section's end if none):
        the section's start, or a line start whose line does not begin with a tab."""
        if position <= self.start:
            return self.start
        while True:
            newline = self.data.find(b"\n", position - 1, self.end)
            if newline < 0 or newline + 1 >= self.end:
                return self.end
            if self.data[newline + 1] != _TAB:
                return newline + 1
            position = newline + 2


@contextmanager
def _mapped(path: Path) -> Iterator[mmap.mmap]:
    """The file's bytes, mapped rather than read (graph.ttl of 100k papers: ~300 MB)."""
    with open(path, "rb") as handle, \
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        yield data


def _layout(path: Path) -> Layout | None:
    try:
        return Layout(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _blocks(graph: GraphStore, subjects: list[str]) -> dict[str, bytes]:
    """The new Turtle block of each subject that still has triples in the union."""
    union = ox.DefaultGraph()
    triples: list[tuple[str, ox.Triple]] = []
    for subject in subjects:
        for quad in graph.store.quads_for_pattern(ox.NamedNode(subject[1:-1]), None, None,
                                                  union):
            line = triple_line(subject, str(quad.predicate), str(quad.object))
            triples.append((line, quad.triple))
    if not triples:
        return {}
    triples.sort(key=lambda item: item[0])
    body = _body((triple for _, triple in triples), graph.base)
    starts = [0, *(m.end() for m in _BLOCK.finditer(body, 0, len(body) - 1))]
    present = list(dict.fromkeys(line[:line.index(">") + 1] for line, _ in triples))
    ends = [*starts[1:], len(body)]
    return {subject: body[start:end] for subject, start, end in zip(present, starts, ends,
                                                                    strict=True)}


def _void_body(description: list[ox.Triple], base: str) -> bytes:
    """The VoID section of graph.ttl: the description without the header's triples,
    which open the file (:func:`kg.graph.serialize.with_header`)."""
    header = set(ontology_header(Minter(base).dataset))
    return _body((t for t in description if t not in header), base)


def _body(triples: Iterable[ox.Triple], base: str) -> bytes:
    """Turtle of ``triples`` without the prefix lines: their blocks as graph.ttl has them."""
    buffer = io.BytesIO()
    write_turtle(triples, buffer, base)
    data = buffer.getvalue()
    end = 0
    while data.startswith(b"@prefix", end):
        end = data.index(b"\n", end) + 1
    return data[end:]


class _Keys:
    """The N-Triples subject term of the block starting at an offset of graph.ttl."""

    def __init__(self, data: mmap.mmap | bytes, prefixes: dict[str, str]) -> None:
        self.data = data
        self.prefixes = prefixes

    def at(self, start: int) -> str:
        token = self.data[start:self.data.find(b" ", start)].decode("utf-8")
        if token.startswith("<"):
            return token
        prefix, local = token.split(":", 1)
        return "<" + self.prefixes[prefix] + _ESCAPE.sub(r"\1", local) + ">"
