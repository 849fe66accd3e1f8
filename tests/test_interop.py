"""Issue 14: the graph opens in tools paperkg did not write (JSON-LD, old Turtle parsers,
DOI joins, exports beside the graph)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic

import kg
from kg.export.formats import FORMATS, by_name, for_path
from kg.export.jsonld import CONTEXT_IRI, context_document, write_jsonld
from kg.graph import vocab as v
from kg.graph.serialize import write_turtle
from kg.support.resources import ontology_dir
from tests.cli import run_kg

BASE = v.DEFAULT_BASE
# A realistic digest row whose author has a non-ASCII name (percent-escaped in the IRI).
DIGEST = ("## Papers for 2025-02-28\n\n| Title | Authors | Summary | Classification | "
          "GitHub URLs | HuggingFace URLs |\n|---|---|---|---|---|---|\n"
          "| [R2-T2: Re-Routing in Test-Time for Multimodal Mixture-of-Experts]"
          "(https://arxiv.org/abs/2502.20395) | Tianyi Zhou, Mette Thunø | Re-routes experts "
          "at test time, written for this test. | ['Multimodal'] | "
          "[Link](https://github.com/tianyi-lab/R2-T2) | N/A |\n")




@pytest.fixture(scope="module")
def built(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("interop") / "output"
    kg.build([examples_dir], out, formats=("turtle", "nt", "jsonld", "owl"))
    return out


def test_registry_names_suffixes_and_media_types() -> None:
    assert by_name("jsonld").media_type == "application/ld+json"
    assert for_path("x/graph.ttl") is FORMATS["turtle"]
    assert for_path("graph.nq") is FORMATS["nq"] and FORMATS["nq"].quads
    assert for_path("graph.xyz") is None
    with pytest.raises(ValueError, match="choose one of"):
        by_name("rdfxml")


def test_unknown_format_writes_nothing(built: Path, tmp_path: Path) -> None:
    graph = kg.open(built).graph
    with pytest.raises(ValueError, match="unknown RDF format 'rdfxml'"):
        kg.write_outputs(graph, tmp_path, ["nt", "rdfxml"])
    assert not (tmp_path / "graph.nt").exists()


def test_jsonld_is_compact_with_the_shipped_context(built: Path) -> None:
    doc = json.loads((built / "graph.jsonld").read_text(encoding="utf-8"))
    shipped = json.loads((ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == shipped["@context"]
    assert (ontology_dir() / "context.jsonld").read_text(encoding="utf-8") == context_document()
    paper = next(n for n in doc["@graph"] if n["@id"] == "paper:2502.19587")
    assert set(paper["@type"]) == {"fabio:Preprint", "schema:ScholarlyArticle"}
    assert paper["sameAs"] == "https://doi.org/10.48550/arXiv.2502.19587"
    assert paper["hasArXivId"] == "2502.19587"
    day = next(n for n in doc["@graph"] if n.get("datePublished"))
    assert day["datePublished"] in ("2025-02-27", "2025-02-28")


def _nt_graph(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="nt")


def test_jsonld_expands_to_the_same_triples_in_pyld_and_rdflib(built: Path) -> None:
    pyld = pytest.importorskip("pyld", reason="pyld is a test dependency (pip install .[test])")
    expected = _nt_graph(built / "graph.nt")
    doc = json.loads((built / "graph.jsonld").read_text(encoding="utf-8"))
    nquads = pyld.jsonld.to_rdf(doc, {"format": "application/n-quads"})
    from_pyld = rdflib.Graph().parse(data=nquads, format="nt")
    from_rdflib = rdflib.Graph().parse(built / "graph.jsonld", format="json-ld")
    assert len(expected) > 500
    assert to_isomorphic(from_pyld) == to_isomorphic(expected)
    assert to_isomorphic(from_rdflib) == to_isomorphic(expected)


def test_jsonld_falls_back_when_a_term_does_not_fit() -> None:
    paper = ox.NamedNode(BASE + "paper/2502.20395")
    odd = [ox.Triple(paper, v.DATE_PUBLISHED, ox.Literal("February 2025")),
           ox.Triple(paper, v.URL, ox.Literal("not an IRI")),
           ox.Triple(paper, v.LABEL, ox.Literal("R2-T2", language="en"))]
    out = io.BytesIO()
    write_jsonld(odd, out, BASE)
    doc = json.loads(out.getvalue())
    back = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    assert len(back) == 3
    assert (rdflib.URIRef(paper.value), rdflib.URIRef(v.URL.value),
            rdflib.Literal("not an IRI")) in back


def test_turtle_writes_percent_escaped_iris_in_full(tmp_path: Path) -> None:
    (tmp_path / "papers-2025-02-28.md").write_text(DIGEST, encoding="utf-8")
    out = tmp_path / "output"
    kg.build([tmp_path / "papers-2025-02-28.md"], out, formats=("turtle", "nt"))
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "\\%" not in text
    assert "<https://w3id.org/paperkg/person/mette-thun%C3%B8>" in text
    turtle = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert to_isomorphic(turtle) == to_isomorphic(_nt_graph(out / "graph.nt"))


def test_turtle_fix_leaves_literals_alone() -> None:
    person = ox.NamedNode(BASE + "person/x%20y")
    triples = [ox.Triple(person, v.NAME, ox.Literal('person:a\\%b "quoted" \\%'))]
    out = io.BytesIO()
    write_turtle(triples, out, BASE)
    assert set(q.triple for q in ox.parse(out.getvalue(), format=ox.RdfFormat.TURTLE)) \
        == set(triples)
    assert b"<https://w3id.org/paperkg/person/x%20y>" in out.getvalue()


def test_graph_imports_the_ontology_which_has_a_version_iri(built: Path) -> None:
    graph = rdflib.Graph().parse(built / "graph.ttl", format="turtle")
    dataset = rdflib.URIRef(BASE + "dataset")
    assert (dataset, rdflib.OWL.imports, rdflib.URIRef(v.ONTOLOGY_IRI)) in graph
    ontology = rdflib.Graph().parse(ontology_dir() / "paperkg.ttl", format="turtle")
    assert ontology.value(rdflib.URIRef(v.ONTOLOGY_IRI), rdflib.OWL.versionIRI) is not None
    # the JSON-LD context is published under the base, and the ontology says where
    assert ontology.value(rdflib.URIRef(v.ONTOLOGY_IRI), rdflib.DCTERMS.hasFormat) == \
        rdflib.URIRef(CONTEXT_IRI)


def test_reexporting_a_graph_file_keeps_one_header(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "graph.ttl"
    copy.write_bytes((built / "graph.ttl").read_bytes())
    result = run_kg("export", "-g", str(copy), "-f", "nt", "-f", "jsonld")
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines()
    imports = "<http://www.w3.org/2002/07/owl#imports>"
    assert sum(line.split(" ", 2)[1] == imports for line in lines) == 1


def test_every_arxiv_paper_has_its_datacite_doi(built: Path) -> None:
    graph = rdflib.Graph().parse(built / "graph.nt", format="nt")
    papers = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(v.PREPRINT.value)))
    assert papers
    for paper in papers:
        arxiv = str(graph.value(paper, rdflib.URIRef(v.HAS_ARXIV_ID.value)))
        assert str(graph.value(paper, rdflib.DCTERMS.identifier)) == f"arXiv:{arxiv}"
        assert graph.value(paper, rdflib.URIRef(v.SAME_AS.value)) == \
            rdflib.URIRef(f"https://doi.org/10.48550/arXiv.{arxiv}")


def test_owl_profile_has_no_xsd_date_and_no_void(built: Path) -> None:
    graph = rdflib.Graph().parse(built / "graph.owl.ttl", format="turtle")
    datatypes = {o.datatype for o in graph.objects() if isinstance(o, rdflib.Literal)}
    assert rdflib.XSD.date not in datatypes and rdflib.XSD.dateTime in datatypes
    assert not any(p.startswith(v.NAMESPACES["void"]) for p in graph.predicates())
    assert (None, rdflib.OWL.imports, rdflib.URIRef(v.ONTOLOGY_IRI)) in graph


def test_export_writes_beside_the_graph_it_read(built: Path, tmp_path: Path) -> None:
    result = run_kg("export", "-g", str(built), "-f", "jsonld", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "output").exists()
    assert f"wrote {built / 'graph.jsonld'}" in result.stdout
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    (elsewhere / "g.ttl").write_bytes((built / "graph.ttl").read_bytes())
    result = run_kg("export", "-g", str(elsewhere / "g.ttl"), "-f", "nt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "graph.nt").is_file() and not (tmp_path / "output").exists()
    result = run_kg("export", "-g", str(built), "-f", "nt", "-o", str(tmp_path / "x"))
    assert (tmp_path / "x" / "graph.nt").is_file()


def test_library_query_joins_a_wikidata_shaped_graph_by_arxiv_id_and_doi(
        examples_dir: Path) -> None:
    from kg.sparql.library import load_query

    result = kg.build([examples_dir])
    wikidata = Path(__file__).parent / "data" / "wikidata_like.ttl"
    result.store.store.load(path=str(wikidata), format=ox.RdfFormat.TURTLE)
    rows = {row["arxiv"].value: row["wikidata"]
            for row in result.store.store.query(load_query("wikidata-matches").text)}
    wd = "http://www.wikidata.org/entity/"
    assert rows["2502.19587"].value == wd + "Q900000001"  # both keys
    assert rows["2502.20082"].value == wd + "Q900000002"  # DOI only, upper-cased in Wikidata
    assert rows["2502.20321"].value == wd + "Q900000003"  # arXiv ID only
    assert rows["2502.19613"] is None and "1706.03762" not in rows
    assert len(rows) == 8
