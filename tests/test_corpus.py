"""The real corpus (KG_CORPUS): parser accuracy against the generator's own records,
and the corpus graph read cleanly by the shapes, rdflib, pyoxigraph and rapper."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import rdflib

import kg
from kg.read.entries import split_authors, squash
from kg.read.parse import ParseResult, parse_inputs
from tests.conftest import require
from tests.rdfcheck import have_rapper, oxigraph_count, rapper_count, shacl_report

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def parsed(corpus_dir: Path) -> ParseResult:
    return parse_inputs([str(corpus_dir / "digests")])


@pytest.fixture(scope="module")
def corpus_ttl(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    kg.write_outputs(kg.build([corpus_dir / "digests"]).store, out)
    return out / "graph.ttl"


def test_every_markdown_row_matches_its_oracle_record(parsed: ParseResult,
                                                      corpus_dir: Path) -> None:
    assert parsed.documents == 92
    assert parsed.rows == 854
    mismatches = []
    for digest in parsed.digests:
        records = json.loads((corpus_dir / "expected" / f"papers-{digest.day}.json").read_text())
        by_link = {record["link"]: record for record in records}
        for entry in digest.entries:
            record = by_link.get(entry.link)
            if record is None:
                mismatches.append((digest.day, entry.line, "no record for", entry.link))
                continue
            expected = {
                "title": squash(record["title"]),
                "authors": split_authors(record["authors"]),
                "summary": squash(record["summary"]),
                "tasks": tuple(dict.fromkeys(record["classification"])),
                "code_urls": tuple("".join(u.split()) for u in record.get("github_urls") or []),
                "hf_urls": tuple("".join(u.split()) for u in record.get("huggingface_urls") or []),
                "day": record.get("date") or digest.day,
            }
            for field, value in expected.items():
                if getattr(entry, field) != value:
                    mismatches.append((digest.day, entry.line, field, getattr(entry, field), value))
    assert mismatches == []


def test_only_real_problems_are_warned(parsed: ParseResult) -> None:
    # The corpus has 2 'null' targets and 4 links to bare github.com / huggingface.co.
    messages = [d.message for d in parsed.diagnostics]
    assert len(messages) == 6
    assert all(m.endswith("link dropped") for m in messages)


def test_json_records_of_the_corpus_match_the_markdown_graph(corpus_dir: Path,
                                                             tmp_path: Path) -> None:
    """For the papers both hold, the generator's JSON and the markdown give one graph."""
    from tests.test_graph import without_provenance

    days = sorted((corpus_dir / "digests").glob("papers-2025-03-1*.md"))
    for md in days:
        links = {e.link for d in parse_inputs([str(md)]).digests for e in d.entries}
        records = json.loads((corpus_dir / "expected" / f"{md.stem}.json").read_text())
        # github_repo has no markdown column (issue 9 reads it from JSON only)
        shared = [{k: v for k, v in r.items() if k != "github_repo"}
                  for r in records if r["link"] in links]
        if not shared:  # the one day with no rows
            continue
        path = tmp_path / f"{md.stem}.json"
        path.write_text(json.dumps(shared))
        assert without_provenance(kg.build_graph([md])) == without_provenance(
            kg.build_graph([path])), md.name


def test_json_records_keep_the_papers_markdown_filtered_out(corpus_dir: Path) -> None:
    parsed = parse_inputs([str(corpus_dir / "expected")])
    assert parsed.rows > 854
    assert not [d for d in parsed.diagnostics if "skipped" in d.message]


def test_legacy_layouts_parse(corpus_dir: Path) -> None:
    parsed = parse_inputs([str(corpus_dir / "legacy")])
    assert [len(d.entries) for d in parsed.digests] == [8, 24, 10]
    assert all(e.arxiv_id and e.title for d in parsed.digests for e in d.entries)
    assert parsed.diagnostics == []


def test_corpus_graph_conforms_to_the_shapes(corpus_ttl: Path) -> None:
    conforms, report = shacl_report(rdflib.Graph().parse(corpus_ttl))
    assert conforms, report[:2000]


def test_corpus_turtle_loads_in_rdflib_pyoxigraph_and_rapper(corpus_ttl: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an rdflib warning fails the test
        count = len(rdflib.Graph().parse(corpus_ttl))
    assert count > 40_000
    assert oxigraph_count(corpus_ttl) == count
    require(have_rapper(), "rapper (Debian raptor2-utils) is not installed")
    rapper, stderr = rapper_count(corpus_ttl)
    assert rapper == count
    assert "Warning" not in stderr and "Error" not in stderr


def test_corpus_build_is_byte_identical(corpus_dir: Path, corpus_ttl: Path) -> None:
    again = kg.build([corpus_dir / "digests"]).store.serialize()
    assert again == corpus_ttl.read_bytes()
