"""The RDF graph of the bundled example: model, ontology, shapes, IRIs, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Literal, URIRef

import kg
from kg.graph import vocab
from kg.support.resources import ontology_text
from tests.rdfcheck import shacl_report

BASE = vocab.DEFAULT_BASE
SCHEMA = rdflib.Namespace(vocab.NAMESPACES["schema"])
DCT = rdflib.Namespace(vocab.NAMESPACES["dcterms"])
PROV = rdflib.Namespace(vocab.NAMESPACES["prov"])
PKG = rdflib.Namespace(vocab.NAMESPACES["pkg"])
SKOS = rdflib.Namespace(vocab.NAMESPACES["skos"])
SIOC = rdflib.Namespace(vocab.NAMESPACES["sioc"])
NEOBERT = URIRef(BASE + "paper/2502.19587")


@pytest.fixture(scope="module")
def graph(examples_dir: Path) -> rdflib.Graph:
    return kg.build_graph([examples_dir])


def test_paper_node(graph: rdflib.Graph) -> None:
    assert (NEOBERT, RDF.type, URIRef(vocab.PREPRINT.value)) in graph
    assert graph.value(NEOBERT, DCT.title) == Literal("NeoBERT: A Next-Generation BERT")
    assert graph.value(NEOBERT, DCT.identifier) == Literal("arXiv:2502.19587")
    assert graph.value(NEOBERT, SCHEMA.url) == URIRef("https://arxiv.org/abs/2502.19587")


def test_paper_on_two_days_is_one_node_with_two_entries(graph: rdflib.Graph) -> None:
    entries = sorted(graph.subjects(SCHEMA.about, NEOBERT))
    assert entries == [URIRef(BASE + "entry/2025-02-27_2502.19587"),
                       URIRef(BASE + "entry/2025-02-28_2502.19587")]
    days = {graph.value(e, SCHEMA.isPartOf) for e in entries}
    assert days == {URIRef(BASE + "day/2025-02-27"), URIRef(BASE + "day/2025-02-28")}
    texts = {str(graph.value(e, SCHEMA.text)) for e in entries}
    assert any(t.startswith("- Featured again") for t in texts)
    assert graph.value(URIRef(BASE + "day/2025-02-28"), SCHEMA.datePublished) == Literal(
        "2025-02-28", datatype=rdflib.XSD.date)


def test_ordered_authorship_and_creator_shortcut(graph: rdflib.Graph) -> None:
    positions = {}
    # each listing (entry) keeps its own ordered author list
    listing = graph.value(predicate=SCHEMA.about, object=NEOBERT)
    for attribution in graph.objects(listing, PROV.qualifiedAttribution):
        person = graph.value(attribution, PROV.agent)
        positions[int(graph.value(attribution, PKG.authorPosition))] = str(
            graph.value(person, SCHEMA.name))
    assert positions == {1: "Lola Le Breton", 2: "Quentin Fournier", 3: "Mariam El Mezouar",
                         4: "Sarath Chandar"}
    creators = {str(graph.value(p, SCHEMA.name)) for p in graph.objects(NEOBERT, DCT.creator)}
    assert creators == set(positions.values())


def test_usernames_are_people_too(graph: rdflib.Graph) -> None:
    assert (URIRef(BASE + "person/che111"), SCHEMA.name, Literal("che111")) in graph


def test_tasks_are_skos_concepts_in_one_scheme(graph: rdflib.Graph) -> None:
    qa = URIRef(BASE + "task/visual-question-answering")
    assert graph.value(qa, SKOS.prefLabel) == Literal("Visual Question Answering", lang="en")
    schemes = set(graph.objects(None, SKOS.inScheme))
    assert schemes == {URIRef(BASE + "tasks")}
    subjects = set(graph.objects(NEOBERT, DCT.subject))
    assert URIRef(BASE + "task/feature-extraction") in subjects


def test_repository_hf_items_and_owners(graph: rdflib.Graph) -> None:
    repo = URIRef(BASE + "github/chandar-lab/neobert")
    assert (NEOBERT, PKG.hasRepository, repo) in graph
    assert graph.value(repo, SCHEMA.codeRepository) == URIRef(
        "https://github.com/chandar-lab/NeoBERT")
    owner = graph.value(repo, SIOC.has_owner)
    assert owner == URIRef(BASE + "github/chandar-lab")
    assert graph.value(owner, SCHEMA.url) == URIRef("https://github.com/chandar-lab")
    model = URIRef(BASE + "huggingface/chandar-lab/neobert")
    assert (NEOBERT, PKG.hasModel, model) in graph
    space = URIRef(BASE + "huggingface/spaces/mteb/leaderboard")
    assert (NEOBERT, PKG.hasSpace, space) in graph
    dataset = URIRef(BASE + "huggingface/datasets/ai-mo/numinamath-cot")
    assert graph.value(dataset, SCHEMA.url) == URIRef(
        "https://huggingface.co/datasets/AI-MO/NuminaMath-CoT")


def test_void_description_counts_the_graph(graph: rdflib.Graph) -> None:
    dataset = URIRef(BASE + "dataset")
    void = rdflib.Namespace(vocab.NAMESPACES["void"])
    data_triples = [t for t in graph if not str(t[0]).startswith(BASE + "dataset")]
    assert int(graph.value(dataset, void.triples)) == len(data_triples)
    papers = next(p for p in graph.objects(dataset, void.classPartition)
                  if graph.value(p, void["class"]) == URIRef(vocab.PREPRINT.value))
    assert int(graph.value(papers, void.entities)) == 8


def test_conforms_to_shapes(graph: rdflib.Graph) -> None:
    conforms, report = shacl_report(graph)
    assert conforms, report


def test_every_term_is_declared_in_the_ontology(graph: rdflib.Graph) -> None:
    ontology = rdflib.Graph().parse(data=ontology_text(), format="turtle")
    declared = set(ontology.subjects(RDF.type, None))
    builtin = {RDF.type, rdflib.OWL.Ontology, rdflib.OWL.imports}  # the file's OWL header
    # RDF reification (identity links) and owl:sameAs are built into RDF and OWL: OWL 2 DL
    # forbids redeclaring them.
    builtin |= {RDF.Statement, RDF.subject, RDF.predicate, RDF.object, rdflib.OWL.sameAs}
    used = {p for p in graph.predicates()} | set(graph.objects(None, RDF.type))
    assert used - declared - builtin == set()
    terms = {URIRef(t.value) for t in vocab.declared_terms().values()}
    assert terms - declared - builtin - {rdflib.XSD.date, rdflib.XSD.integer, rdflib.XSD.dateTime,
                                         rdflib.OWL.Ontology, rdflib.OWL.imports} == set()


def test_no_blank_nodes_and_every_node_iri_under_the_base(graph: rdflib.Graph) -> None:
    assert not any(isinstance(term, rdflib.BNode) for triple in graph for term in triple)
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert all(str(s).startswith(BASE) for s in subjects)


def test_base_is_configurable(examples_dir: Path) -> None:
    other = kg.build_graph([examples_dir], base="https://example.org/kg/")
    assert (URIRef("https://example.org/kg/paper/2502.19587"), DCT.title, None) in other
    assert not any(str(s).startswith(BASE) for s in other.subjects())


def test_bad_base_is_refused(examples_dir: Path) -> None:
    with pytest.raises(ValueError, match="base IRI"):
        kg.build([examples_dir], base="not an iri")


def test_output_is_deterministic(examples_dir: Path) -> None:
    first = kg.build([examples_dir]).store.serialize()
    files = sorted(examples_dir.iterdir(), reverse=True)
    second = kg.build(files).store.serialize()
    assert first == second


def test_json_records_give_the_same_graph_as_markdown(tmp_path: Path) -> None:
    markdown = ("## Papers for 2025-02-28\n\n| Title | Authors | Summary | Classification | "
                "GitHub URLs | HuggingFace URLs |\n|---|---|---|---|---|---|\n"
                "| [UniTok: A Unified Tokenizer for Visual Generation and\n  Understanding]"
                "(https://arxiv.org/abs/2502.20321) | Chuofan Ma, Yi Jiang | - One tokenizer. "
                "- Two jobs. | ['Multimodal'] | [Link](github.com/FoundationVision/UniTok) | "
                "[Link](null) |\n")
    record = [{"title": "UniTok: A Unified Tokenizer for Visual Generation and\n  Understanding",
               "authors": "Chuofan Ma, Yi Jiang", "link": "https://arxiv.org/abs/2502.20321",
               "summary": "- One tokenizer.\n- Two jobs.", "classification": ["Multimodal"],
               "github_urls": ["github.com/FoundationVision/UniTok"],
               "huggingface_urls": ["null"], "date": "2025-02-28"}]
    import json

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    md = tmp_path / "a" / "papers-2025-02-28.md"
    js = tmp_path / "b" / "papers-2025-02-28.json"
    md.write_text(markdown)
    js.write_text(json.dumps(record))
    assert without_provenance(kg.build_graph([md])) == without_provenance(kg.build_graph([js]))


def without_provenance(graph: rdflib.Graph) -> set:
    """Triples minus source-file provenance and VoID (they name the file they came from)."""
    skip = (BASE + "source/", BASE + "dataset")
    return {t for t in graph if not str(t[0]).startswith(skip) and not str(t[2]).startswith(skip)}
