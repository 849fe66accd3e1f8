"""What a graph holds, by source file: the report of ``kg status``."""

from __future__ import annotations

from dataclasses import dataclass

from kg.engine.result import BuildResult
from kg.graph.store import GraphStore
from kg.read.parse import ParseResult


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One ingested source file: its path (its identity key), content hash and days."""

    name: str
    sha256: str
    days: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Status:
    sources: tuple[SourceStatus, ...]
    days: tuple[str, ...]
    counts: dict[str, int]


def status(graph: GraphStore) -> Status:
    """The sources of a graph (sorted by path) with their days, and the graph's totals."""
    by_file: dict[str, list[str]] = {}
    hashes: dict[str, str] = {}
    for item in graph.manifest():
        by_file.setdefault(item.source, []).append(item.day)
        hashes[item.source] = item.sha256
    sources = tuple(SourceStatus(name, hashes[name], tuple(sorted(by_file[name])))
                    for name in sorted(by_file))
    days = tuple(sorted({day for days in by_file.values() for day in days}))
    return Status(sources, days, BuildResult(graph, ParseResult()).summary())
