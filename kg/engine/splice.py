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
generation it shows (:meth:`GraphStore.union_token`), its SHA-256 and where its
data and VoID start. An add splices only a file that matches the record of the
generation it started from; any other (edited, left by a killed add, written by an
older release) is serialised whole, as before.
"""

from __future__ import annotations

import bisect
import hashlib
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
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class Layout:
    """What a written graph.ttl is: its union generation, size, SHA-256 and sections."""

    token: str
    size: int
    sha256: str
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
            written = Layout("", len(data), hashlib.sha256(data).hexdigest(), data_start,
                             void_start)
    layout = replace(written, token=token)
    write_atomic(path, json.dumps(asdict(layout), sort_keys=True) + "\n")


def rewrite(graph: GraphStore, directory: str | os.PathLike[str], previous: str | None,
            touched: Iterable[str]) -> bool:
    """Write graph.ttl by splicing the previous one; False (nothing written) when the
    previous file is not the recorded graph.ttl of union generation ``previous``.

    ``touched`` are the union lines the add may have changed (:class:`UnionChange`);
    the new content of their subjects is read from the store's union.
    """
    ttl = Path(directory) / "graph.ttl"
    layout = _layout(Path(directory) / RECORD)
    if previous is None or layout is None or layout.token != previous or not ttl.is_file() \
            or ttl.stat().st_size != layout.size:
        return False
    with _mapped(ttl) as old:
        if hashlib.sha256(old).hexdigest() != layout.sha256:
            return False
        written = _splice(graph, old, layout, touched, ttl)
    record(directory, graph.union_token(), graph.base, graph.void(), written)
    return True


def _splice(graph: GraphStore, old: mmap.mmap, layout: Layout, touched: Iterable[str],
            ttl: Path) -> Layout:
    """Write the spliced file; its layout (size, SHA-256, sections) as written."""
    subjects = sorted({line[:line.index(">") + 1] for line in touched if line.startswith("<")})
    blocks = _blocks(graph, subjects)
    starts = [layout.data_start] + [m.end() for m in _BLOCK.finditer(
        old, layout.data_start, layout.void_start - 1)]
    if starts[-1] == layout.void_start:  # no data block at all
        starts.pop()
    keys = _Keys(old, turtle_prefixes(graph.base))
    digest = hashlib.sha256()
    size = 0
    with memoryview(old) as copy, atomic_writer(ttl) as out:

        def write(data: bytes | memoryview) -> None:
            nonlocal size
            out.write(data)
            digest.update(data)
            size += len(data)

        cursor = layout.data_start
        write(copy[:cursor])
        for subject in subjects:
            index = bisect.bisect_left(starts, subject, key=keys.at)
            found = index < len(starts) and keys.at(starts[index]) == subject
            start = starts[index] if index < len(starts) else layout.void_start
            write(copy[cursor:start])
            write(blocks.get(subject, b""))
            cursor = (starts[index + 1] if index + 1 < len(starts) else layout.void_start) \
                if found else start
        write(copy[cursor:layout.void_start])
        void_start = size
        write(_void_body(graph.void(), graph.base))
    return Layout("", size, digest.hexdigest(), layout.data_start, void_start)


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
