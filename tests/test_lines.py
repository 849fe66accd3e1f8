"""kg.graph.lines: the canonical order every export shares, sorted in bounded chunks."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.graph.lines import read_triples, sorted_unique, store_lines, triple_line, write_sorted

S = "<https://w3id.org/paperkg/paper/2502.19587>"


def test_type_lines_sort_first_within_their_subject() -> None:
    typed = triple_line(S, str(v.TYPE), str(v.PREPRINT))
    titled = triple_line(S, str(v.TITLE), '"NeoBERT"')
    creator = triple_line(S, str(v.CREATOR), "<https://w3id.org/paperkg/person/a>")
    assert typed == f"{S}\t{v.TYPE} {v.PREPRINT} .\n"
    assert titled == f'{S} {v.TITLE} "NeoBERT" .\n'
    assert list(sorted_unique([titled, creator, typed])) == [typed, creator, titled]


def test_every_line_parses_as_n_triples() -> None:
    lines = [triple_line(S, str(v.TYPE), str(v.PREPRINT)),
             triple_line(S, str(v.TITLE), str(ox.Literal('say "hi"\n\tthere')))]
    parsed = list(ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES))
    assert [q.object for q in parsed] == [v.PREPRINT, ox.Literal('say "hi"\n\tthere')]


def test_spilled_sort_equals_in_memory_sort(tmp_path: Path) -> None:
    rng = random.Random(7)
    lines = [f"<x:s{rng.randrange(300)}> <x:p> \"{rng.randrange(50)}\" .\n" for _ in range(5000)]
    expected = sorted(set(lines))
    assert list(sorted_unique(lines, tmp_path, chunk=97)) == expected  # many runs merged
    assert list(sorted_unique(lines, tmp_path, chunk=10_000)) == expected  # one chunk
    assert list(tmp_path.iterdir()) == []  # spilled runs are removed


def test_empty_input() -> None:
    assert list(sorted_unique([])) == []


def test_store_round_trip_through_a_sorted_file(tmp_path: Path) -> None:
    store = ox.Store()
    paper = ox.NamedNode("https://w3id.org/paperkg/paper/2502.19587")
    quads = [ox.Quad(paper, v.TITLE, ox.Literal("NeoBERT")),
             ox.Quad(paper, v.TYPE, v.PREPRINT),
             ox.Quad(paper, v.TYPE, v.PREPRINT, ox.NamedNode("x:other-graph"))]
    store.extend(quads)
    assert len(list(store_lines(store))) == 2  # the default graph only
    path = tmp_path / "graph.nt"
    write_sorted(store, path)
    assert [t.predicate for t in read_triples(path)] == [v.TYPE, v.TITLE]
