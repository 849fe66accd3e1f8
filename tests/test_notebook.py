"""Issue 14: ``kg.open`` for notebooks (typed DataFrames, rdflib, networkx) and the
example notebook under examples/, run cell by cell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.notebook import bind

pd = pytest.importorskip("pandas", reason="pandas is the notebook extra (.[notebook], .[test])")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graph(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> kg.KnowledgeGraph:
    out = tmp_path_factory.mktemp("nb") / "output"
    kg.build([examples_dir], out)
    return kg.open(out)


def test_counts_are_int64_and_match_the_store(graph: kg.KnowledgeGraph) -> None:
    frame = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert str(frame["n"].dtype) == "int64"
    assert frame["n"][0] == len(graph.graph)


def test_dates_are_datetimes_iris_strings_missing_ints_nullable(graph: kg.KnowledgeGraph
                                                                ) -> None:
    frame = graph.query("""
        SELECT ?day ?date WHERE { ?day schema:datePublished ?date } ORDER BY ?date""")
    assert str(frame["date"].dtype).startswith("datetime64")
    assert list(frame["date"].dt.strftime("%Y-%m-%d")) == ["2025-02-27", "2025-02-28"]
    assert frame["day"][0] == "https://w3id.org/paperkg/day/2025-02-27"
    gaps = graph.query("SELECT ?n WHERE { VALUES ?n { 3 UNDEF } }")
    assert str(gaps["n"].dtype) == "Int64" and gaps["n"].isna().sum() == 1
    positions = graph.query("SELECT ?p WHERE { ?a pkg:authorPosition ?p }")
    assert str(positions["p"].dtype) == "int64" and positions["p"].min() == 1


def test_parameters_bind_pattern_variables(graph: kg.KnowledgeGraph) -> None:
    frame = graph.query("SELECT ?title WHERE { ?p fabio:hasArXivId ?id ; dcterms:title ?title }",
                        id="2502.19587")
    assert list(frame["title"]) == ["NeoBERT: A Next-Generation BERT"]
    by_iri = graph.query("SELECT ?id WHERE { ?p fabio:hasArXivId ?id }",
                         p=ox.NamedNode("https://w3id.org/paperkg/paper/2502.19587"))
    assert list(by_iri["id"]) == ["2502.19587"]


def test_bind_leaves_strings_iris_comments_and_the_projection_alone() -> None:
    query = 'SELECT ?id WHERE { ?x <http://e/?id> "?id" . # ?id\n FILTER(?id > 2) }'
    bound = bind(query, {"id": 3})
    assert bound.startswith("SELECT ?id WHERE { ?x <http://e/?id> \"?id\" . # ?id\n")
    assert 'FILTER("3"^^<http://www.w3.org/2001/XMLSchema#integer> > 2)' in bound


def test_construct_is_refused_with_a_pointer(graph: kg.KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="SELECT"):
        graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_rdflib_and_networkx(graph: kg.KnowledgeGraph) -> None:
    # the store holds what graph.ttl holds: data, VoID and the two-triple OWL header
    header = 2
    assert len(graph.to_rdflib()) == len(graph.graph)
    assert len(graph.graph) == sum(1 for _ in graph.graph.data_triples()) \
        + len(graph.graph.void())
    assert len(graph.graph.void()) > header
    network = graph.to_networkx()
    assert "https://w3id.org/paperkg/paper/2502.19587" in network


def test_example_notebook_runs(examples_dir: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Each code cell, in order, in one namespace, from a copy of examples/ (no kernel)."""
    shutil.copytree(examples_dir, tmp_path / "digests")
    monkeypatch.chdir(tmp_path)
    notebook = json.loads((ROOT / "examples" / "notebook.ipynb").read_text(encoding="utf-8"))
    namespace: dict[str, object] = {}
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert len(cells) >= 4
    for index, cell in enumerate(cells):
        exec(compile("".join(cell["source"]), f"notebook cell {index}", "exec"), namespace)
    assert list(namespace["papers"]["title"]) == ["NeoBERT: A Next-Generation BERT"]
    assert (tmp_path / "output" / "graph.ttl").is_file()
