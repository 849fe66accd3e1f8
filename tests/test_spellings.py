"""One spelling per GitHub/Hugging Face node in the union, whatever case listings use.

The generator's listings write one repository as ``ByteDance-Seed/Seed1.5-VL`` on one
day and ``bytedance-seed/seed1.5-vl`` on another; the node is one (names are
case-insensitive on both platforms), and the union keeps the smallest spelling of its
label, account name and URL while each day graph keeps its own listing's.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

import kg
from kg.engine.add import add_to_output
from kg.graph import vocab as v
from kg.graph.spellings import fold_lines, fold_update

BASE = v.DEFAULT_BASE
HEADER = ("| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
          "|---|---|---|---|---|---|\n")
REPO = ox.NamedNode(BASE + "github/bytedance-seed/seed1.5-vl")
OWNER = ox.NamedNode(BASE + "github/bytedance-seed")
MODEL = ox.NamedNode(BASE + "huggingface/bytedance-seed/ui-tars-1.5-7b")


def _day(folder: Path, day: str, owner: str, repo: str, model: str, title: str) -> Path:
    path = folder / f"papers-{day}.md"
    github = f"[Link](https://github.com/{owner}/{repo})" if repo else "N/A"
    hf = f"[Link](https://huggingface.co/{owner}/{model})" if model else "N/A"
    path.write_text(
        f"## Papers for {day}\n\n{HEADER}"
        f"| [{title}](https://arxiv.org/abs/2505.07062) | Dong Guo, Faming Wu | "
        f"Written for this test. | ['Image-Text-to-Text'] | {github} | {hf} |\n",
        encoding="utf-8")
    return path


def _write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _day(folder, "2025-05-12", "bytedance-seed", "seed1.5-vl", "ui-tars-1.5-7b",
             "Seed1.5-VL Technical Report"),
        _day(folder, "2025-05-13", "ByteDance-Seed", "Seed1.5-VL", "UI-TARS-1.5-7B",
             "Seed1.5-VL Technical Report"),
        _day(folder, "2025-05-14", "BYTEDANCE-SEED", "seed1.5-VL", "",
             "seed1.5-vl technical report"),
    ]


def _values(store: ox.Store, node: ox.NamedNode, prop: ox.NamedNode,
            graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[str]:
    return sorted(str(q.object.value) for q in store.quads_for_pattern(node, prop, None,
                                                                       graph or ox.DefaultGraph()))


def test_the_union_keeps_one_spelling_per_node_and_days_keep_their_own(tmp_path: Path) -> None:
    store = kg.build(_write(tmp_path / "d")).store.store
    # the smallest by code point: "BY" < "By" < "by"
    assert _values(store, REPO, v.LABEL) == ["BYTEDANCE-SEED/seed1.5-VL"]
    assert _values(store, REPO, v.CODE_REPOSITORY) == ["https://github.com/BYTEDANCE-SEED/seed1.5-VL"]
    assert _values(store, OWNER, v.ACCOUNT_NAME) == ["BYTEDANCE-SEED"]
    assert _values(store, OWNER, v.URL) == ["https://github.com/BYTEDANCE-SEED"]
    assert _values(store, MODEL, v.URL) == ["https://huggingface.co/ByteDance-Seed/UI-TARS-1.5-7B"]
    # what each listing wrote is still in its day graph
    written = {str(q.object.value) for q in store.quads_for_pattern(REPO, v.LABEL, None, None)
               if q.graph_name != ox.DefaultGraph()}
    assert written == {"bytedance-seed/seed1.5-vl", "ByteDance-Seed/Seed1.5-VL",
                       "BYTEDANCE-SEED/seed1.5-VL"}
    # a paper's title is not a platform name: both spellings stay
    paper = ox.NamedNode(BASE + "paper/2505.07062")
    assert len(_values(store, paper, v.TITLE)) == 2


def test_adds_in_any_order_and_replacements_end_as_a_rebuild(tmp_path: Path) -> None:
    files = _write(tmp_path / "d")
    full = tmp_path / "full"
    kg.build(files, full, html=False)
    for order in ([2, 0, 1], [1, 2, 0]):
        out = tmp_path / f"out-{''.join(map(str, order))}"
        kg.build([files[order[0]]], out, html=False)
        for index in order[1:]:
            add_to_output([files[index]], out, export=True)
        assert (out / "graph.ttl").read_bytes() == (full / "graph.ttl").read_bytes(), order
    # the day holding the kept spellings changes: the union takes the next smallest
    out = tmp_path / "out-120"
    _day(tmp_path / "d", "2025-05-14", "bytedance-seed", "", "", "Seed1.5-VL Technical Report")
    add_to_output([files[2]], out, export=True)
    store = ox.Store.read_only(str(out / "store"))
    assert _values(store, OWNER, v.ACCOUNT_NAME) == ["ByteDance-Seed"]
    assert _values(store, REPO, v.LABEL) == ["ByteDance-Seed/Seed1.5-VL"]
    rebuilt = tmp_path / "rebuilt"
    kg.build(files, rebuilt, html=False)
    assert (out / "graph.ttl").read_bytes() == (rebuilt / "graph.ttl").read_bytes()
    del store


def test_fold_lines_cuts_only_platform_spellings() -> None:
    repo, label, url = f"<{REPO.value}>", str(v.LABEL), str(v.CODE_REPOSITORY)
    paper = f"<{BASE}paper/1>"
    lines = sorted([
        f'{repo} {label} "ByteDance-Seed/Seed1.5-VL" .\n',
        f'{repo} {label} "bytedance-seed/seed1.5-vl" .\n',
        f"{repo} {url} <https://github.com/bytedance-seed/seed1.5-vl> .\n",
        f"{repo}\t{v.TYPE} {v.SOFTWARE_SOURCE_CODE} .\n",
        f'{paper} {label} "A Title" .\n',
        f'{paper} {label} "a title" .\n',
    ])
    assert list(fold_lines(lines, BASE)) == sorted([
        f'{repo} {label} "ByteDance-Seed/Seed1.5-VL" .\n',
        f"{repo} {url} <https://github.com/bytedance-seed/seed1.5-vl> .\n",
        f"{repo}\t{v.TYPE} {v.SOFTWARE_SOURCE_CODE} .\n",
        f'{paper} {label} "A Title" .\n',
        f'{paper} {label} "a title" .\n',
    ])
    assert fold_update([]) == ""


_VARIANTS = """
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s ?p ?a } GRAPH ?h { ?s ?p ?b }
  FILTER (STR(?a) < STR(?b) && LCASE(STR(?a)) = LCASE(STR(?b))
          && (STRSTARTS(STR(?s), STR(github:)) || STRSTARTS(STR(?s), STR(hf:))))
}"""


def test_corpus_platform_nodes_have_one_spelling(corpus_dir: Path) -> None:
    store = kg.build([corpus_dir / "digests"]).store.store
    prefixes = {**v.PREFIXES, "github": BASE + "github/", "hf": BASE + "huggingface/"}

    def count(query: str) -> int:
        return int(next(iter(store.query(query, prefixes=prefixes)))["n"].value)  # type: ignore[index]

    assert count(_VARIANTS) > 0  # the listings do disagree on case
    union = _VARIANTS.replace("GRAPH ?g { ?s ?p ?a } GRAPH ?h { ?s ?p ?b }", "?s ?p ?a , ?b")
    assert count(union) == 0
