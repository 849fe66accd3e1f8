"""kg.view.stats: counts, top lists, co-authors, components and communities.

Expected values worked out from examples/digests/*.md: 8 papers (NeoBERT on
both days), 37 distinct authors, 11 tasks; "Natural Language Processing" is the
most common task (5 papers), then "Reinforcement Learning" (4), then
"Multimodal" and "Visual Question Answering" (3 each). 5 papers link a
repository, 3 link Hugging Face items.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.view.projection import project
from kg.view.stats import compute_stats, entity_graph, format_stats, louvain


@pytest.fixture(scope="module")
def view(examples_dir: Path) -> nx.MultiDiGraph:
    return project(kg.build([examples_dir]).store, days=True)


@pytest.fixture(scope="module")
def stats(view: nx.MultiDiGraph) -> dict:
    return compute_stats(view)


def test_counts(stats: dict) -> None:
    assert (stats["nodes"], stats["edges"]) == (81, 91)
    assert stats["nodes_by_kind"] == {
        "person": 37, "account": 11, "task": 11, "paper": 8, "repository": 5, "model": 4,
        "day": 2, "dataset": 1, "page": 1, "space": 1}
    assert list(stats["nodes_by_kind"]) == ["person", "account", "task", "paper", "repository",
                                            "model", "day", "dataset", "page", "space"]
    assert stats["edges_by_label"] == {
        "creator": 37, "subject": 22, "has_owner": 11, "isPartOf": 9, "hasRepository": 5,
        "hasModel": 4, "hasDataset": 1, "hasSpace": 1, "page": 1}


def test_paper_summary(stats: dict) -> None:
    assert stats["papers"] == {"total": 8, "with_code": 5, "with_hf": 3, "days": 2,
                               "first_day": "2025-02-27", "last_day": "2025-02-28"}


def test_top_tasks(stats: dict) -> None:
    top = [(t["label"], t["papers"]) for t in stats["top"]["tasks"][:5]]
    assert top == [("Natural Language Processing", 5), ("Reinforcement Learning", 4),
                   ("Multimodal", 3), ("Visual Question Answering", 3), ("Computer Vision", 1)]
    assert stats["top"]["tasks"][0]["id"] == "https://w3id.org/paperkg/task/natural-language-processing"


def test_top_authors_ties_by_label(stats: dict) -> None:
    authors = stats["top"]["authors"]
    assert len(authors) == 10
    assert all(a["papers"] == 1 for a in authors)  # nobody wrote two example papers
    assert [a["label"] for a in authors[:3]] == ["che111", "Chenghua Huang", "Chenlu Ye"]


def test_top_repositories_and_hf_items(stats: dict) -> None:
    repos = stats["top"]["repositories"]
    assert [r["label"] for r in repos] == [
        "chandar-lab/NeoBERT", "FoundationVision/UniTok", "microsoft/LongRoPE",
        "RLHFlow/Self-rewarding-reasoning-LLM", "tianyi-lab/R2-T2"]
    # NeoBERT's repository is linked on both days (and from its HF column): still one paper
    assert repos[0]["papers"] == 1
    hf = {(i["label"], i["kind"]) for i in stats["top"]["hf_items"]}
    assert hf == {("AI-MO/NuminaMath-CoT", "dataset"), ("chandar-lab/NeoBERT", "model"),
                  ("meta-llama/Meta-Llama-3-8B", "model"),
                  ("mistralai/Mistral-7B-Instruct-v0.2", "model"),
                  ("openbmb/UltraRM-13b", "model"), ("mteb/leaderboard", "space")}


def test_coauthor_pairs(view: nx.MultiDiGraph) -> None:
    pairs = compute_stats(view, top=1000)["coauthors"]
    # sum of n*(n-1)/2 over the papers' author counts 5, 4, 5, 5, 3, 5, 5, 5
    assert len(pairs) == 69
    assert all(p["papers"] == 1 for p in pairs)
    lola = [p["labels"] for p in pairs if "Lola Le Breton" in p["labels"]]
    assert len(lola) == 3
    assert pairs[0]["labels"] == ["che111", "Fenglin Liu"]


def test_components_without_days(stats: dict) -> None:
    # all papers meet through shared tasks; the 2 day nodes are left out
    assert stats["components"] == {"graph": "undirected, without digest days", "count": 1,
                                   "largest": [79], "isolated": 0}


def test_communities(stats: dict) -> None:
    comm = stats["communities"]
    assert comm["method"] == "louvain" and comm["seed"] == 0
    assert 2 <= comm["count"] <= 12
    assert 0.3 < comm["modularity"] < 1
    sizes = [group["size"] for group in comm["largest"]]
    assert sizes == sorted(sizes, reverse=True)
    first = comm["largest"][0]
    assert first["tasks"][0]["papers"] <= first["papers"]


def test_louvain_partition_and_folded_modularity(view: nx.MultiDiGraph) -> None:
    graph = entity_graph(view)
    groups, modularity = louvain(graph)
    members = [n for group in groups for n in group]
    assert sorted(members) == sorted(graph) and len(members) == len(set(members))
    # leaves folded into their neighbours: same modularity on the full graph
    assert math.isclose(modularity, nx.community.modularity(graph, groups), abs_tol=1e-9)


def test_json_and_deterministic(view: nx.MultiDiGraph, stats: dict) -> None:
    assert json.dumps(compute_stats(view)) == json.dumps(stats)


def test_without_communities(view: nx.MultiDiGraph) -> None:
    stats = compute_stats(view, communities=False)
    assert stats["communities"] is None
    assert "Communities: not computed" in format_stats(stats)


def test_empty_view() -> None:
    stats = compute_stats(nx.MultiDiGraph())
    assert stats["nodes"] == 0 and stats["communities"]["count"] == 0
    assert "Graph: 0 nodes, 0 edges" in format_stats(stats)


def test_format(stats: dict) -> None:
    text = format_stats(stats)
    lines = text.splitlines()
    assert lines[0] == "Graph: 81 nodes, 91 edges"
    assert "Papers: 8 on 2 digest days (2025-02-27 to 2025-02-28)" in text
    assert "with code: 5 (62%), with HF artefacts: 3 (38%)" in text
    assert re.search(r"Top tasks \(papers\)\n.*  Natural Language Processing +5\n", text)
    for heading in ("Nodes by kind", "Edges by label", "Top authors", "Top tasks",
                    "Top repositories", "Top HF items", "Top co-author pairs",
                    "Components", "Communities (louvain, seed 0)"):
        assert heading in text
    assert max(len(line) for line in lines) <= 100
    assert len(lines) <= 100


def test_format_aligns_counts(stats: dict) -> None:
    lines = format_stats(stats).splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Top co-author pairs")))
    rows = lines[start + 1:start + 11]
    assert len({len(row) for row in rows}) == 1  # right-aligned counts end in one column


# ----------------------------------------------------------------- corpus

@pytest.mark.corpus
def test_corpus_stats_consistent(corpus_dir: Path) -> None:
    view = project(kg.build([corpus_dir / "digests"]).store, days=True)
    stats = compute_stats(view)
    assert sum(stats["nodes_by_kind"].values()) == stats["nodes"] == len(view)
    assert sum(stats["edges_by_label"].values()) == stats["edges"]
    for task in stats["top"]["tasks"]:
        tagged = sum(1 for _, d in view.nodes(data=True) if d["kind"] == "paper"
                     and task["label"] in d["tasks"])
        assert task["papers"] == tagged
    for author in stats["top"]["authors"][:3]:
        wrote = sum(1 for _, d in view.nodes(data=True) if d["kind"] == "paper"
                    and author["label"] in d["authors"])
        assert author["papers"] == wrote
    counts = [a["papers"] for a in stats["top"]["authors"]]
    assert counts == sorted(counts, reverse=True)
    assert stats["communities"]["count"] > 10
    assert stats["communities"]["modularity"] > 0.5
    assert json.dumps(compute_stats(view)) == json.dumps(stats)
    assert len(format_stats(stats).splitlines()) <= 100


def test_days_count_digests_without_rows(examples_dir: Path, tmp_path: Path) -> None:
    """Regression: stats counted only days some paper was featured on, so a digest
    with no rows made ``kg stats`` report fewer days than ``kg build`` and ``kg status``."""
    for source in examples_dir.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "papers-2025-03-03.md").write_text(
        "## Papers for 2025-03-03\n\n"
        "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
        "|-------|---------|---------|----------------|-------------|-----------------|\n")
    result = kg.build([tmp_path])
    assert result.summary()["days"] == 3
    papers = compute_stats(project(result.store), communities=False)["papers"]
    assert (papers["days"], papers["first_day"], papers["last_day"]) == (
        3, "2025-02-27", "2025-03-03")


@pytest.mark.corpus
def test_corpus_days_agree_with_build(corpus_dir: Path) -> None:
    """The corpus has one digest without rows: 92 days for build and stats alike."""
    result = kg.build([corpus_dir / "digests"])
    stats = compute_stats(project(result.store), communities=False)
    assert stats["papers"]["days"] == result.summary()["days"] == 92
