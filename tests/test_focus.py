"""kg.view.focus: seeds, depth, types and max-nodes on the bundled example and the corpus.

Expected values are worked out by hand from examples/digests/*.md: NeoBERT
(2502.19587, on both days) has 4 authors, 3 tasks (union of both rows), one
repository, one HF model, one HF space; "Question Answering" is a task of one
paper (2502.19613, 5 authors) and "Visual Question Answering" of three.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.view.focus import FocusError, focus, normalise_arxiv, parse_types
from kg.view.projection import project

BASE = "https://w3id.org/paperkg/"
NEOBERT = BASE + "paper/2502.19587"
SELF_REWARDING = BASE + "paper/2502.19613"
QA = BASE + "task/question-answering"
VQA = BASE + "task/visual-question-answering"
NLP = BASE + "task/natural-language-processing"
LOLA = BASE + "person/lola-le-breton"


@pytest.fixture(scope="module")
def view(examples_dir: Path) -> nx.MultiDiGraph:
    return project(kg.build([examples_dir]).store, days=True)


@pytest.fixture(scope="module")
def view_no_days(examples_dir: Path) -> nx.MultiDiGraph:
    return project(kg.build([examples_dir]).store, days=False)


def kinds(graph: nx.MultiDiGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, kind in graph.nodes(data="kind"):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_no_arguments_keeps_everything(view: nx.MultiDiGraph) -> None:
    result = focus(view)
    assert (len(result.graph), result.graph.number_of_edges()) == (81, 91)
    assert result.notes == []
    assert result.seeds == ()


def test_task_exact_match_beats_substring(view: nx.MultiDiGraph) -> None:
    result = focus(view, task="question answering")  # exact, case-insensitive
    assert result.seeds == (QA,)
    assert set(result.graph) == {QA, SELF_REWARDING}
    assert result.graph.number_of_edges() == 1
    assert VQA not in result.graph
    assert "left out 79 nodes" in result.notes[0]
    assert "--depth" in result.notes[0]


def test_task_substring_matches_all_and_says_so(view: nx.MultiDiGraph) -> None:
    result = focus(view, task="question")
    assert result.seeds == (QA, VQA)
    # QA's one paper + VQA's three (MedVLM-R1, R2-T2, UniTok)
    assert kinds(result.graph) == {"task": 2, "paper": 4}
    assert "contains it: Question Answering, Visual Question Answering" in result.notes[0]


def test_author_depth_one_and_two(view: nx.MultiDiGraph, view_no_days: nx.MultiDiGraph) -> None:
    assert set(focus(view, author="lola le breton", depth=1).graph) == {LOLA, NEOBERT}
    deeper = focus(view, author="Lola Le Breton", depth=2).graph
    # the default depth for an author shows co-authors and tasks, not just papers
    assert set(focus(view, author="Lola Le Breton").graph) == set(deeper)
    assert kinds(deeper) == {"person": 4, "paper": 1, "task": 3, "repository": 1,
                             "model": 1, "space": 1, "day": 2}
    assert kinds(focus(view_no_days, author="Lola Le Breton", depth=2).graph) == {
        "person": 4, "paper": 1, "task": 3, "repository": 1, "model": 1, "space": 1}


@pytest.mark.parametrize("ident", ["2502.19587", "arXiv:2502.19587", "arxiv:2502.19587v2",
                                   "https://arxiv.org/abs/2502.19587v1", " 2502.19587 "])
def test_paper_by_arxiv_id_forms(view: nx.MultiDiGraph, ident: str) -> None:
    result = focus(view, paper=ident)
    assert result.seeds == (NEOBERT,)
    assert len(result.graph) == 13  # the paper, 4 authors, 3 tasks, repo, model, space, 2 days
    assert sorted(a for _, a in result.graph.nodes(data="label")
                  if result.graph.nodes[_]["kind"] == "person") == [
        "Lola Le Breton", "Mariam El Mezouar", "Quentin Fournier", "Sarath Chandar"]


def test_seeds_combine_as_union(view: nx.MultiDiGraph) -> None:
    result = focus(view, task=["Translation", "Text Generation"])
    assert kinds(result.graph) == {"task": 2, "paper": 2}
    both = focus(view, task="Question Answering", paper="2502.19587")
    assert set(both.seeds) == {QA, NEOBERT}
    assert len(both.graph) == 2 + 13


def test_depth_zero_is_the_seeds_alone(view: nx.MultiDiGraph) -> None:
    result = focus(view, author="Lola Le Breton", depth=0)
    assert list(result.graph) == [LOLA]


def test_types_filter_and_note(view: nx.MultiDiGraph) -> None:
    result = focus(view, types="paper,task")
    assert kinds(result.graph) == {"paper": 8, "task": 11}
    assert {label for *_, label in result.graph.edges(data="label")} == {"subject"}
    assert result.graph.number_of_edges() == 22
    assert "kept only papers and tasks" in result.notes[0]
    assert "37 people" in result.notes[0]


def test_types_accepts_plurals_and_lists(view: nx.MultiDiGraph) -> None:
    assert parse_types("Papers, people") == {"paper", "person"}
    assert parse_types(["task"]) == {"task"}
    assert parse_types(None) is None
    assert kinds(focus(view, types=["people"]).graph) == {"person": 37}


def test_types_keep_the_seed(view: nx.MultiDiGraph) -> None:
    result = focus(view, author="Lola Le Breton", types="paper")
    assert set(result.graph) == {LOLA, NEOBERT}
    assert any("although --types leaves out" in note for note in result.notes)


def test_max_nodes_keeps_most_connected(view: nx.MultiDiGraph) -> None:
    # degrees in the whole view: papers 7..12, day 2025-02-28 6, NLP 5, RL 4, ...
    result = focus(view, max_nodes=10)
    assert kinds(result.graph) == {"paper": 8, "day": 1, "task": 1}
    assert NLP in result.graph and BASE + "day/2025-02-28" in result.graph
    assert result.notes == [
        "kept the 10 most connected of 81 nodes; dropped 37 people, 11 accounts, 10 tasks, "
        "5 repositories and 8 other nodes; focus with --task/--author/--paper "
        "or raise --max-nodes"]


def test_max_nodes_always_keeps_seeds(view: nx.MultiDiGraph) -> None:
    # QA within 2 hops: QA, its paper, 5 authors, dataset, repo, NLP, RL, day 2025-02-27
    result = focus(view, task="Question Answering", depth=2, max_nodes=3)
    assert set(result.graph) == {QA, SELF_REWARDING, NLP}
    tiny = focus(view, task="question", max_nodes=1)
    assert set(tiny.seeds) <= set(tiny.graph)
    assert any("kept all 2 focus nodes" in note for note in tiny.notes)


def test_deterministic(view: nx.MultiDiGraph) -> None:
    runs = [focus(view, task="Multimodal", depth=2, max_nodes=20, types="paper,person,task")
            for _ in range(2)]
    assert list(runs[0].graph.nodes(data=True)) == list(runs[1].graph.nodes(data=True))
    assert list(runs[0].graph.edges(keys=True, data=True)) == \
        list(runs[1].graph.edges(keys=True, data=True))
    assert runs[0].notes == runs[1].notes


def test_focused_graph_is_a_copy(view: nx.MultiDiGraph) -> None:
    result = focus(view, paper="2502.19587")
    result.graph.nodes[NEOBERT]["label"] = "changed"
    assert view.nodes[NEOBERT]["label"] == "NeoBERT: A Next-Generation BERT"


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"task": "Qestion Answering"}, "did you mean: Question Answering"),
    ({"author": "Lola Le Bretn"}, "did you mean: Lola Le Breton"),
    ({"paper": "2502.1958"}, "did you mean: 2502.19587"),
    ({"author": "zzzzzz"}, "no author matches 'zzzzzz' (37 people in the graph)"),
    ({"types": "paprs"}, "unknown node type 'paprs' (did you mean paper?); valid types: "
                         "account, collection, dataset, day, model, page, paper, person, "
                         "repository, space, task"),
    ({"types": ","}, "no node type given"),
    ({"depth": -1}, "depth must be 0 or more"),
    ({"max_nodes": 0}, "max-nodes must be 1 or more"),
])
def test_errors_suggest(view: nx.MultiDiGraph, kwargs: dict[str, object], expected: str) -> None:
    with pytest.raises(FocusError) as err:
        focus(view, **kwargs)  # type: ignore[arg-type]
    assert expected in str(err.value)


def test_all_unknown_names_reported_together(view: nx.MultiDiGraph) -> None:
    with pytest.raises(FocusError, match=r"no task matches 'nope'.*no arXiv ID matches '9999"):
        focus(view, task="nope", paper="9999.99999")


def test_normalise_arxiv() -> None:
    assert normalise_arxiv("arXiv:2502.19587v3") == "2502.19587"
    assert normalise_arxiv("https://arxiv.org/pdf/2502.19587v1.pdf") == "2502.19587"
    assert normalise_arxiv("hep-th/9901001v2") == "hep-th/9901001"


# ----------------------------------------------------------------- corpus

@pytest.fixture(scope="module")
def corpus_view(corpus_dir: Path) -> nx.MultiDiGraph:
    return project(kg.build([corpus_dir / "digests"]).store, days=True)


@pytest.mark.corpus
def test_corpus_task_focus_matches_paper_attributes(corpus_view: nx.MultiDiGraph) -> None:
    result = focus(corpus_view, task="Question Answering")
    papers = [n for n, d in result.graph.nodes(data=True) if d["kind"] == "paper"]
    expected = [n for n, d in corpus_view.nodes(data=True) if d["kind"] == "paper"
                and "Question Answering" in d["tasks"]]
    assert papers == expected and len(papers) > 100
    assert len(result.graph) == len(papers) + 1


@pytest.mark.corpus
def test_corpus_max_nodes(corpus_view: nx.MultiDiGraph) -> None:
    result = focus(corpus_view, max_nodes=500)
    assert len(result.graph) == 500
    degree = corpus_view.degree
    kept = min(degree[n] for n in result.graph)
    assert all(degree[n] <= kept for n in corpus_view if n not in result.graph)
    assert f"kept the 500 most connected of {len(corpus_view):,} nodes" in result.notes[0]
    assert "people" in result.notes[0]


def test_overview_aggregates_tasks_with_hidden_papers(view: nx.MultiDiGraph) -> None:
    from kg.view.focus import overview

    small = overview(view, papers_per_task=2, links_per_task=1)
    tasks = [n for n, a in small.nodes(data=True) if a["kind"] == "task"]
    assert {small.nodes[t]["name"] for t in tasks} >= {"Question Answering", "Multimodal"}
    vqa = next(t for t in tasks if small.nodes[t]["name"] == "Visual Question Answering")
    assert small.nodes[vqa]["label"] == "Visual Question Answering (3)"
    assert small.nodes[vqa]["weight"] == 3
    shown = [u for u, _, d in small.in_edges(vqa, data=True) if d["label"] == "subject"]
    assert len(shown) == 2  # its two best-connected papers, each hidden under one task
    assert all(small.nodes[p]["parent"] in tasks for p in shown)
    assert all(small.nodes[n]["kind"] != "person" for n in small)
    co = [(u, w, d["label"]) for u, w, d in small.edges(data=True) if d["label"] != "subject"]
    assert co and all(re.fullmatch(r"co-occur in \d+ papers", label) for _, _, label in co)
