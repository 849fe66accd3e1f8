"""kg.graph.void: the VoID counts are the graph's, whether taken by SPARQL or by a line scan."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.graph import vocab as v
from kg.graph.iris import Minter
from kg.graph.lines import sorted_unique, store_lines
from kg.graph.void import Counts, LineCounter, class_counts, triple_count, void_triples


@pytest.fixture(scope="module")
def union(examples_dir: Path) -> ox.Store:
    """The example graph's union, without its own VoID description."""
    graph = kg.build([examples_dir]).store
    assert graph is not None
    store = ox.Store()
    minter = graph.minter
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples()
                 if not str(t.subject).startswith(f"<{minter.dataset.value}"))
    return store


def test_line_scan_and_sparql_give_the_same_description(union: ox.Store) -> None:
    minter = Minter()
    counter = LineCounter(minter)
    for line in sorted_unique(store_lines(union)):
        counter.add(line)
    assert set(counter.triples()) == set(void_triples(union, minter))


def test_counts_match_the_graph(union: ox.Store) -> None:
    description = list(void_triples(union, Minter()))
    assert triple_count(description, Minter()) == len(union)
    classes = class_counts(description)
    papers = {q.subject for q in union.quads_for_pattern(None, v.TYPE, v.PREPRINT)}
    assert classes[v.PREPRINT.value] == len(papers) == 8
    assert classes[v.DIGEST_ISSUE.value] == 2


def test_description_names_its_sources_and_uri_space(union: ox.Store) -> None:
    minter = Minter()
    description = list(void_triples(union, minter))
    sources = {t.object for t in description
               if t.subject == minter.dataset and t.predicate == v.WAS_DERIVED_FROM}
    assert len(sources) == 2  # the two example files
    assert ox.Triple(minter.dataset, v.VOID_URI_SPACE, ox.Literal(minter.base)) in description


def test_empty_graph() -> None:
    minter = Minter()
    description = list(void_triples(ox.Store(), minter))
    assert triple_count(description, minter) == 0 and class_counts(description) == {}
    assert set(LineCounter(minter).triples()) == set(description)


def test_a_description_reads_back_as_the_counts_that_wrote_it(union: ox.Store) -> None:
    minter = Minter()
    counter = LineCounter(minter)
    for line in sorted_unique(store_lines(union)):
        counter.add(line)
    description = counter.triples()
    counts = Counts.of(description, minter)
    assert counts == counter.counts()
    assert counts is not None and set(counts.triples(minter)) == set(description)


def test_a_description_that_does_not_state_every_count_is_not_read(union: ox.Store) -> None:
    minter = Minter()
    description = list(void_triples(union, minter))
    partial = [t for t in description if t.predicate != v.VOID_DISTINCT_OBJECTS]
    assert Counts.of(partial, minter) is None
    one_partition_less = [t for t in description if t.object != v.TITLE]
    assert Counts.of(one_partition_less, minter) is None, "a property without its partition"
    assert Counts.of([], minter) is None
