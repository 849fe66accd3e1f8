"""People under several spellings (:mod:`kg.people`): name rules, evidence, tiers,
the curation file across build and add, ``kg people``, and the automatic tier's
precision on hand-labelled pairs from the real corpus."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import kg
from kg.engine.add import add_to_output
from kg.graph import vocab as v
from kg.graph.store import GraphStore
from kg.people import names as nm
from kg.people.candidates import pair
from kg.people.curation import Curation, read_curation, write_curation
from kg.people.links import compute_links, people_graph, stored_links
from kg.people.snapshot import read_snapshot
from tests.rdfcheck import shacl_report

DATA = Path(__file__).resolve().parent / "data" / "people"


def kg_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, check=False)


def links_by_names(graph: GraphStore) -> dict[tuple[str, str], tuple[str, float, str, str]]:
    """Stored person links by sorted local names: (predicate, score, tier, evidence)."""
    found = {}
    for a, b, predicate, tier, score, description in stored_links(graph):
        key = tuple(sorted((a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1])))
        found[key] = (predicate, score, tier, description)
    return found


def stated(graph: GraphStore, a: str, predicate: ox.NamedNode, b: str) -> bool:
    """Whether the people graph states ``a predicate b`` directly (either direction)."""
    people = people_graph(graph.base)
    first, second = graph.minter.person(a), graph.minter.person(b)
    return any(True for _ in graph.store.quads_for_pattern(first, predicate, second, people)) or \
        any(True for _ in graph.store.quads_for_pattern(second, predicate, first, people))


@pytest.fixture(scope="module")
def built() -> GraphStore:
    result = kg.build([DATA / "digests"])
    assert result.store is not None
    return result.store


def test_name_keys_meet_for_the_spellings_of_one_name() -> None:
    assert nm.compact("Percy Liang") == nm.compact("percyliang") == "percyliang"
    assert nm.compact("Benoît Sagot") == nm.compact("Benoit Sagot") == "benoitsagot"
    assert nm.compact("szhang42") == "szhang"
    keys = nm.name_keys("Percy Liang")
    assert keys == {"percyliang": nm.COMPACT, "liangpercy": nm.SWAPPED, "pliang": nm.INITIALS}
    assert nm.name_keys("percyliang") == {"percyliang": nm.COMPACT}
    assert nm.name_keys("Li") == {}  # too short to block on


def test_username_with_a_shared_coauthor_is_linked_automatically(built: GraphStore) -> None:
    links = links_by_names(built)
    predicate, score, tier, evidence = links[("percy-liang", "percyliang")]
    assert tier == "auto" and predicate == v.CLOSE_MATCH.value
    assert "Rishi Bommasani" in evidence and score > 0.5
    assert stated(built, "Percy Liang", v.CLOSE_MATCH, "percyliang")
    assert not stated(built, "Percy Liang", v.SAME_AS, "percyliang")


def test_name_rule_alone_is_only_a_candidate(built: GraphStore) -> None:
    # "Yiyuan" is Yiyuan Zhang's username (same co-authors, as usernames); the name
    # rule pairs it with Yi Yuan of AudioLDM 2, who shares nothing with it.
    _, _, tier, evidence = links_by_names(built)[("yi-yuan", "yiyuan")]
    assert tier == "candidate" and "co-author" not in evidence
    assert not stated(built, "Yi Yuan", v.CLOSE_MATCH, "Yiyuan")


def test_a_username_that_fits_two_full_names_is_never_automatic(built: GraphStore) -> None:
    links = links_by_names(built)
    for other in ("shuai-zhang", "shujian-zhang"):
        _, _, tier, evidence = links[(other, "szhang42")]
        assert tier == "candidate"
        assert "matches 2 full names" in evidence
    # Shujian Zhang has the co-authors, so ranks above Shuai Zhang.
    assert links[("shujian-zhang", "szhang42")][1] > links[("shuai-zhang", "szhang42")][1]


def test_both_spellings_on_one_author_list_score_zero(built: GraphStore) -> None:
    _, score, tier, evidence = links_by_names(built)[("song-han", "songhan")]
    assert (score, tier) == (0.0, "candidate")
    assert "listed together on arXiv:2503.16428" in evidence


def test_folded_spellings_stay_one_node_with_both_names(built: GraphStore) -> None:
    snap = read_snapshot(built.store)
    assert snap.names[built.minter.person("Asaf Yehudai").value] == ["Asaf Yehudai",
                                                                     "Asaf-Yehudai"]
    assert snap.names[built.minter.person("Benoit Sagot").value] == ["Benoit Sagot",
                                                                     "Benoît Sagot"]


def test_people_graph_stays_out_of_the_union_and_conforms(built: GraphStore) -> None:
    people = people_graph(built.base)
    union = set(built.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert not any(q.predicate in (v.CLOSE_MATCH, v.RDF_SUBJECT) for q in union)
    data = rdflib.Graph()
    quads = list(built.store.quads_for_pattern(None, None, None, people))
    assert quads
    nt = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)
    nt += "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in union)
    data.parse(data=nt, format="nt")
    conforms, text = shacl_report(data)
    assert conforms, text


def test_people_graph_is_deterministic() -> None:
    def trig() -> bytes:
        result = kg.build([DATA / "digests"])
        assert result.store is not None
        out = result.store.serialize(format=ox.RdfFormat.TRIG)
        assert out is not None
        return out

    first = trig()
    assert b"graph/people" in first
    assert first == trig()


def _workspace(tmp_path: Path) -> Path:
    digests = tmp_path / "digests"
    shutil.copytree(DATA / "digests", digests)
    (digests / "people.csv").write_text(
        "decision,a,b,note\n"
        "reject,Percy Liang,percyliang,testing that a rejection wins over evidence\n"
        "accept,szhang42,Shujian Zhang,SFTMix lists Shujian Zhang in szhang42's place\n",
        encoding="utf-8")
    return digests


def test_curation_survives_build_and_add(tmp_path: Path) -> None:
    digests = _workspace(tmp_path)
    out = tmp_path / "out"
    kg.build([digests], out, html=False).store.close()  # type: ignore[union-attr]

    def check() -> None:
        graph = GraphStore(out / "store")
        try:
            links = links_by_names(graph)
            assert links[("percy-liang", "percyliang")][2] == "rejected"
            assert not stated(graph, "Percy Liang", v.CLOSE_MATCH, "percyliang")
            predicate, _, tier, evidence = links[("shujian-zhang", "szhang42")]
            assert (predicate, tier) == (v.SAME_AS.value, "accepted")
            assert evidence.startswith("accepted by the user: SFTMix")
            assert stated(graph, "Shujian Zhang", v.SAME_AS, "szhang42")
            assert links[("shuai-zhang", "szhang42")][2] == "candidate"
        finally:
            graph.close()

    check()
    # kg add from another folder (no people.csv there): the recorded file still applies.
    result = add_to_output([DATA / "later"], out, export=False)
    assert result.added == [(DATA / "later" / "papers-2024-11-06.md").resolve().as_posix()]
    check()
    # The file changes: the next add applies the change.
    (digests / "people.csv").write_text("decision,a,b,note\n", encoding="utf-8")
    add_to_output([DATA / "later"], out, export=False)
    graph = GraphStore(out / "store")
    assert links_by_names(graph)[("percy-liang", "percyliang")][2] == "auto"
    graph.close()


def test_curation_file_round_trip_is_sorted_and_deduplicated(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    curation = Curation()
    curation.set("accept", "percyliang", "Percy Liang", "one")
    curation.set("reject", "Percy Liang", "percyliang", "changed my mind")
    curation.set("split", "Wei Wang", note="several people")
    write_curation(curation, path)
    assert path.read_text(encoding="utf-8") == (
        "decision,a,b,note\n"
        "reject,Percy Liang,percyliang,changed my mind\n"
        "split,Wei Wang,,several people\n")
    again = read_curation(path)
    assert again.decisions == curation.decisions


def test_bad_curation_file_is_a_one_line_error(tmp_path: Path) -> None:
    digests = _workspace(tmp_path)
    (digests / "people.csv").write_text("decision,a,b,note\nmerge,A,B,\n", encoding="utf-8")
    done = kg_cli("build", str(digests), "-o", str(tmp_path / "out"))
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        f"kg: error: {digests / 'people.csv'}:2: unknown decision 'merge' "
        "(use accept, reject, split)"]
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_unknown_name_in_the_curation_file_is_a_warning(tmp_path: Path) -> None:
    digests = _workspace(tmp_path)
    with (digests / "people.csv").open("a", encoding="utf-8") as handle:
        handle.write("accept,Nobody Here,nobodyhere,\n")
    done = kg_cli("build", str(digests), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "no person named 'Nobody Here', 'nobodyhere' in the graph" in done.stderr
    assert "Nobody Here" in (tmp_path / "out" / "warnings.log").read_text(encoding="utf-8")


def test_kg_people_lists_and_records_decisions(tmp_path: Path) -> None:
    digests = _workspace(tmp_path)
    out = tmp_path / "out"
    assert kg_cli("build", str(digests), "-o", str(out), "-q").returncode == 0
    listed = kg_cli("people", "-g", str(out))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "identity links: 1 accepted, 1 auto, 3 candidate, 1 rejected"
    assert lines[1].split() == ["0.50", "accepted", "Shujian", "Zhang", "~", "szhang42"]
    done = kg_cli("people", "-g", str(out), "accept", "Yi Yuan", "Yiyuan", "--note", "test")
    assert done.returncode == 0, done.stderr
    assert "accept recorded in" in done.stdout
    assert "accept,Yi Yuan,Yiyuan,test" in (digests / "people.csv").read_text(encoding="utf-8")
    graph = GraphStore(out / "store", read_only=True)
    assert stated(graph, "Yi Yuan", v.SAME_AS, "Yiyuan")
    missing = kg_cli("people", "-g", str(out), "reject", "Yi Yuan", "Nobody")
    assert missing.returncode == 3
    assert missing.stderr.strip() == "kg: error: no person named 'Nobody' in the graph"


def test_kg_people_without_a_curation_file_says_how_to_give_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert kg_cli("build", str(DATA / "digests"), "-o", str(out), "-q").returncode == 0
    done = kg_cli("people", "-g", str(out), "split", "Yi Yuan")
    assert done.returncode == 3
    assert "give --people FILE" in done.stderr


def test_candidates_block_instead_of_comparing_all_pairs(built: GraphStore) -> None:
    snap = read_snapshot(built.store)
    report = compute_links(snap, Curation(), built)
    people = len(snap.names)
    pairs = [link for link in report.links if link.kind == "person"]
    assert 0 < len(pairs) < people  # far below people * (people - 1) / 2


# -- measured quality on the real corpus -------------------------------------------------


@pytest.fixture(scope="module")
def corpus_graph(corpus_dir: Path) -> GraphStore:
    result = kg.build([corpus_dir / "digests"])
    assert result.store is not None
    return result.store


def _labels() -> list[dict[str, str]]:
    return list(csv.DictReader((DATA / "labels.csv").open(encoding="utf-8")))


def test_automatic_tier_precision_on_labelled_corpus_pairs(corpus_graph: GraphStore) -> None:
    rows = _labels()
    assert len(rows) >= 100
    assert all(len(row) == 4 and row["reason"] for row in rows)
    assert {row["label"] for row in rows} <= {"same", "different", "unsure"}
    graph = corpus_graph
    snap = read_snapshot(graph.store)
    report = compute_links(snap, Curation(), graph)
    tiers = {(link.a, link.b): link.tier for link in report.links if link.kind == "person"}
    outcome: Counter[tuple[str, str]] = Counter()
    for row in rows:
        a, b = (graph.minter.person(row[side]).value for side in ("a", "b"))
        assert a in snap.names and b in snap.names, f"{row['a']} / {row['b']} not in the corpus"
        tier = "folded" if a == b else tiers.get(pair(a, b), "none")
        outcome[(tier, row["label"])] += 1
    same = sum(n for (tier, label), n in outcome.items() if label == "same" and tier != "folded")
    auto_same, auto_all = outcome[("auto", "same")], sum(
        n for (tier, label), n in outcome.items() if tier == "auto" and label != "unsure")
    precision = auto_same / auto_all
    print(f"\nlabelled pairs: {len(rows)}; outcome by (tier, label): {sorted(outcome.items())}")
    print(f"automatic tier: precision {precision:.2f} ({auto_same}/{auto_all}), "
          f"recall {auto_same / same:.2f} ({auto_same}/{same})")
    assert auto_all >= 10  # the tier is exercised, not vacuously precise
    assert precision >= 0.95
    assert outcome[("folded", "different")] == 0


# -- queries and resolved statistics ----------------------------------------------------


def _plain(value: object) -> object:
    text = str(value)
    try:
        return round(float(text), 6)
    except ValueError:
        return text


def test_people_queries_agree_with_rdflib_and_resolve_spellings(built: GraphStore) -> None:
    from kg.sparql.library import load_query

    trig = built.serialize(format=ox.RdfFormat.TRIG)
    assert trig is not None
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=trig, format="trig")
    rows = {}
    for name in ("person-links", "person-prolific", "person-papers"):
        text = load_query(name).bind({"author": "percyliang"} if name == "person-papers"
                                     else {})
        mine = [tuple(_plain(t.value) if t is not None else None for t in row)
                for row in built.store.query(text)]
        theirs = [tuple(_plain(t) if t is not None else None for t in row)
                  for row in dataset.query(text)]
        # GROUP_CONCAT's order is the engine's: compare the spellings as sets.
        def comparable(row: tuple) -> tuple:
            return (*row[:3], frozenset(str(row[3]).split(" | ")))

        assert [comparable(r) for r in mine] == [comparable(r) for r in theirs]
        assert mine, name
        rows[name] = mine
    percy = [row for row in rows["person-links"] if row[1] == "Percy Liang"]
    assert [(row[3], row[4]) for row in percy] == [("percyliang", "auto")]
    tiers = [row[4] for row in rows["person-links"]]
    assert tiers == sorted(tiers, key=["accepted", "auto", "candidate", "rejected"].index)
    prolific = {row[1]: row for row in rows["person-prolific"]}
    assert prolific["Percy Liang"][2] == 2
    assert set(prolific["Percy Liang"][3].split(" | ")) == {"Percy Liang", "percyliang"}
    assert "percyliang" not in prolific
    assert [(row[2], row[3]) for row in rows["person-papers"]] == [("percyliang", 5),
                                                                   ("Percy Liang", 1)]


def test_stats_count_linked_spellings_once(tmp_path: Path) -> None:
    import json

    out = tmp_path / "out"
    assert kg_cli("build", str(DATA / "digests"), str(DATA / "later"), "-o", str(out),
                  "-q").returncode == 0
    plain = json.loads(kg_cli("stats", "-g", str(out), "--json", "--top", "100").stdout)
    resolved_run = kg_cli("stats", "-g", str(out), "--json", "--top", "100", "--resolve-people")
    assert resolved_run.returncode == 0, resolved_run.stderr
    resolved = json.loads(resolved_run.stdout)
    plain_top = {row["label"]: row["papers"] for row in plain["top"]["authors"]}
    top = {row["label"]: row["papers"] for row in resolved["top"]["authors"]}
    assert plain_top["Percy Liang"] == 2 and "percyliang" in str(plain["top"]["authors"])
    assert top["Percy Liang (percyliang)"] == 3
    assert not any(label in ("Percy Liang", "percyliang") for label in top)
    people = resolved["people"]
    assert people["people"] == people["person_nodes"] - people["groups"]
    assert ["Percy Liang", "percyliang"] in [g["spellings"] for g in people["spellings"]]
    text = kg_cli("stats", "-g", str(out), "--resolve-people").stdout
    assert "Percy Liang = percyliang" in text


def test_resolved_top_authors_show_no_labelled_person_twice(corpus_graph: GraphStore) -> None:
    from kg.people.resolve import resolve_view
    from kg.view.projection import project
    from kg.view.stats import compute_stats

    same = {frozenset((row["a"], row["b"])) for row in _labels() if row["label"] == "same"}

    def twice(view: object) -> list[tuple[str, str]]:
        top = compute_stats(view, top=50, communities=False)["top"]["authors"]
        spellings = [row["label"].replace(")", "").replace(" (", ", ").split(", ")
                     for row in top]
        return [(x, y) for i, first in enumerate(spellings) for second in spellings[i + 1:]
                for x in first for y in second if frozenset((x, y)) in same]

    view = project(corpus_graph)
    assert twice(view), "the unresolved list should show someone twice (else this proves nothing)"
    resolved, people = resolve_view(view, corpus_graph)
    assert twice(resolved) == []
    top = compute_stats(resolved, top=3, communities=False)["top"]["authors"]
    assert "Xiang Yue (yuexiang96)" in [row["label"] for row in top]
    assert people["people"] < people["person_nodes"]


def test_html_author_focus_follows_asserted_links(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert kg_cli("build", str(DATA / "digests"), "-o", str(out), "-q").returncode == 0
    done = kg_cli("html", "-g", str(out), "--author", "percyliang", "-o", str(tmp_path / "p.html"))
    assert done.returncode == 0, done.stderr
    assert "also focusing on linked spellings: Percy Liang" in done.stderr
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "Holistic Evaluation of Language Models" in page  # Percy Liang's paper
    # A candidate pair is not followed.
    alone = kg_cli("html", "-g", str(out), "--author", "Yi Yuan", "-o", str(tmp_path / "y.html"))
    assert alone.returncode == 0 and "also focusing" not in alone.stderr
