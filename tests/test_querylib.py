"""The SPARQL query library (``ontology/queries/*.rq``, :mod:`kg.sparql.library`).

Every query runs on the bundled example graph and must return the rows written out
below, worked out by reading ``examples/digests/*.md`` (the author and task lists of
each paper are copied here once, in :data:`PAPERS`, and the larger expectations are
derived from them in plain Python). A few cases the examples lack (a second and third
month, one author on two papers, one person under two spellings, a paper on three
days) use the small digests in ``tests/data/querylib/``. Oxigraph (the default engine)
and rdflib must agree on every query, row for row and in order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg import build
from kg.engine.result import BuildResult
from kg.sparql.library import (
    LibraryQuery,
    ParameterError,
    QueryLibraryError,
    UnknownQueryError,
    list_queries,
    load_query,
    parse_assignments,
    parse_query,
    query_names,
)
from kg.sparql.query import run_query
from kg.support.resources import ontology_dir

EXTRA = Path(__file__).resolve().parent / "data" / "querylib"
BASE = "https://w3id.org/paperkg/"
P = BASE + "paper/"
T = BASE + "task/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Value = str | int | None
Rows = list[tuple[Value, ...]]

# arXiv ID -> (title, authors in order, tasks), as the example digests list them.
PAPERS: dict[str, tuple[str, list[str], list[str]]] = {
    "2502.19613": (
        "Self-rewarding correction for mathematical reasoning",
        ["Nan Jiang", "Lichang Chen", "Chenlu Ye", "Hanning Zhang", "Wei Xiong"],
        ["Natural Language Processing", "Question Answering", "Reinforcement Learning"],
    ),
    "2502.19587": (
        "NeoBERT: A Next-Generation BERT",
        ["Lola Le Breton", "Quentin Fournier", "Mariam El Mezouar", "Sarath Chandar"],
        ["Natural Language Processing", "Sentence Similarity", "Feature Extraction"],
    ),
    "2502.20082": (
        "LongRoPE2: Near-Lossless LLM Context Window Scaling",
        ["Ning Shang", "Li Lyna Zhang", "Siyuan Wang", "Gaokai Zhang", "Gilsinia Lopez"],
        ["Natural Language Processing", "Text Generation"],
    ),
    "2502.19634": (
        "MedVLM-R1: Incentivizing Medical Reasoning Capability of Vision-Language Models "
        "(VLMs) via Reinforcement Learning",
        ["Jiayuan Zhu", "Fenglin Liu", "Junde Wu", "Jiazhen Pan", "che111"],
        ["Multimodal", "Visual Question Answering", "Reinforcement Learning", "Computer Vision"],
    ),
    "2502.20395": (
        "R2-T2: Re-Routing in Test-Time for Multimodal Mixture-of-Experts",
        ["Zhongyang Li", "Ziyue Li", "Tianyi Zhou"],
        ["Multimodal", "Visual Question Answering"],
    ),
    "2502.16944": (
        "Lean and Mean: Decoupled Value Policy Optimization with Global Value Guidance",
        ["Chenghua Huang", "Lu Wang", "Pu Zhao", "Zhixu Li", "keanudicap"],
        ["Reinforcement Learning", "Natural Language Processing"],
    ),
    "2502.20321": (
        "UniTok: A Unified Tokenizer for Visual Generation and Understanding",
        ["Chuofan Ma", "Yi Jiang", "Junfeng Wu", "Jihan Yang", "Xin Yu"],
        ["Multimodal", "Text-to-Image", "Visual Question Answering"],
    ),
    "2502.19735": (
        "R1-T1: Fully Incentivizing Translation Capability in LLMs via Reasoning Learning",
        ["Minggui He", "Yilun Liu", "Shimin Tao", "Yuanchang Luo", "Hongyong Zeng"],
        ["Translation", "Natural Language Processing", "Reinforcement Learning"],
    ),
}
TITLE = {arxiv: title for arxiv, (title, _, _) in PAPERS.items()}
NEOBERT, LEAN, MEDVLM, R1T1 = "2502.19587", "2502.16944", "2502.19634", "2502.19735"
SELF_REWARDING, LONGROPE, R2T2, UNITOK = "2502.19613", "2502.20082", "2502.20395", "2502.20321"


def person(name: str) -> str:
    """The IRI of a person with a plain ASCII name (the minter folds case, spaces → -)."""
    return BASE + "person/" + name.lower().replace(" ", "-")


def _authors() -> list[str]:
    return sorted({a for _, authors, _ in PAPERS.values() for a in authors}, key=str.lower)


def _co_author_pairs() -> Rows:
    """Every pair of people on one paper, oriented by IRI; no pair shares two papers."""
    rows = []
    for _, authors, _ in PAPERS.values():
        for a, b in itertools.combinations(authors, 2):
            (ia, na), (ib, nb) = sorted([(person(a), a), (person(b), b)])
            rows.append((ia, na, ib, nb, 1))
    return sorted(rows, key=lambda r: (r[1].lower(), r[3].lower()))


def _authors_by_collaborators() -> Rows:
    rows = [(person(a), a, len(authors) - 1, 1)
            for _, authors, _ in PAPERS.values() for a in authors]
    return sorted(rows, key=lambda r: (-r[2], r[1].lower()))


TASK_COUNTS = [
    ("natural-language-processing", "Natural Language Processing", 5),
    ("reinforcement-learning", "Reinforcement Learning", 4),
    ("multimodal", "Multimodal", 3),
    ("visual-question-answering", "Visual Question Answering", 3),
    ("computer-vision", "Computer Vision", 1),
    ("feature-extraction", "Feature Extraction", 1),
    ("question-answering", "Question Answering", 1),
    ("sentence-similarity", "Sentence Similarity", 1),
    ("text-generation", "Text Generation", 1),
    ("text-to-image", "Text-to-Image", 1),
    ("translation", "Translation", 1),
]

SUMMARY_0228 = {
    LEAN: "- Proposes a lighter RLHF recipe in which a pretrained value model guides the "
          "policy instead of a jointly trained critic. - Memory use and training time go "
          "down compared with PPO.",
    MEDVLM: "- A small vision-language model for radiology questions is trained with "
            "reinforcement learning so that it explains its answers. - Only a few hundred "
            "training images are used; the point is reasoning that a clinician can read.",
    NEOBERT: "- Featured again: the encoder's weights and training code are public.",
    R1T1: "- Teaches a model to reason step by step before translating, with reinforcement "
          "learning over reasoning traces modelled on how human translators work.",
    R2T2: "- Routing weights of a multimodal mixture-of-experts model are adjusted at test "
          "time using similar, correctly answered examples. - No model parameters are trained.",
    UNITOK: "- One image tokenizer serves both image generation and image understanding, "
            "using several small codebooks together.",
}

GH, HF = "https://github.com/", "https://huggingface.co/"

# Each query at its default parameters on the example graph.
EXPECTED: dict[str, Rows] = {
    "papers-per-task": [(T + slug, label, n) for slug, label, n in TASK_COUNTS],
    "task-papers": [  # Reinforcement Learning, newest first, then by title
        (P + LEAN, TITLE[LEAN], "2025-02-28"),
        (P + MEDVLM, TITLE[MEDVLM], "2025-02-28"),
        (P + R1T1, TITLE[R1T1], "2025-02-28"),
        (P + SELF_REWARDING, TITLE[SELF_REWARDING], "2025-02-27"),
    ],
    "task-trends-by-month": [("2025-02", label, n) for _, label, n in TASK_COUNTS],
    "prolific-authors": [(person(a), a, 1) for a in _authors()],
    # issue 12: the examples spell nobody two ways, so no links and nothing joined
    "person-links": [],
    "person-prolific": [(person(a), a, 1, a) for a in _authors()],
    "person-papers": [(P + NEOBERT, TITLE[NEOBERT], "Sarath Chandar", 4, "2025-02-27")],
    "co-author-pairs": _co_author_pairs(),
    "authors-by-collaborators": _authors_by_collaborators(),
    "author-papers": [(P + NEOBERT, TITLE[NEOBERT], 4, "2025-02-27")],  # Sarath Chandar
    "author-collaborators": [
        (person("Lola Le Breton"), "Lola Le Breton", 1),
        (person("Mariam El Mezouar"), "Mariam El Mezouar", 1),
        (person("Quentin Fournier"), "Quentin Fournier", 1),
    ],
    "papers-with-code": [  # repository URLs normalised: scheme added, /tree/main and .git cut
        (P + LONGROPE, TITLE[LONGROPE], GH + "microsoft/LongRoPE"),
        (P + NEOBERT, TITLE[NEOBERT], GH + "chandar-lab/NeoBERT"),
        (P + R2T2, TITLE[R2T2], GH + "tianyi-lab/R2-T2"),
        (P + SELF_REWARDING, TITLE[SELF_REWARDING], GH + "RLHFlow/Self-rewarding-reasoning-LLM"),
        (P + UNITOK, TITLE[UNITOK], GH + "FoundationVision/UniTok"),
    ],
    "papers-without-code": [
        (P + LEAN, TITLE[LEAN], 3),  # three Hugging Face models
        (P + MEDVLM, TITLE[MEDVLM], 0),  # its only link was "null", dropped
        (P + R1T1, TITLE[R1T1], 1),  # the transformers docs page
    ],
    "papers-with-hf-artefacts": [
        (P + LEAN, TITLE[LEAN], "model", "meta-llama/Meta-Llama-3-8B",
         HF + "meta-llama/Meta-Llama-3-8B"),
        (P + LEAN, TITLE[LEAN], "model", "mistralai/Mistral-7B-Instruct-v0.2",
         HF + "mistralai/Mistral-7B-Instruct-v0.2"),
        (P + LEAN, TITLE[LEAN], "model", "openbmb/UltraRM-13b", HF + "openbmb/UltraRM-13b"),
        (P + NEOBERT, TITLE[NEOBERT], "model", "chandar-lab/NeoBERT", HF + "chandar-lab/NeoBERT"),
        (P + NEOBERT, TITLE[NEOBERT], "space", "mteb/leaderboard", HF + "spaces/mteb/leaderboard"),
        (P + SELF_REWARDING, TITLE[SELF_REWARDING], "dataset", "AI-MO/NuminaMath-CoT",
         HF + "datasets/AI-MO/NuminaMath-CoT"),
    ],
    "artefacts-by-owner": [
        ("AI-MO", "Hugging Face", "dataset", "AI-MO/NuminaMath-CoT",
         HF + "datasets/AI-MO/NuminaMath-CoT", 1),
        ("chandar-lab", "GitHub", "repository", "chandar-lab/NeoBERT",
         GH + "chandar-lab/NeoBERT", 1),
        ("chandar-lab", "Hugging Face", "model", "chandar-lab/NeoBERT",
         HF + "chandar-lab/NeoBERT", 1),
        ("FoundationVision", "GitHub", "repository", "FoundationVision/UniTok",
         GH + "FoundationVision/UniTok", 1),
        ("meta-llama", "Hugging Face", "model", "meta-llama/Meta-Llama-3-8B",
         HF + "meta-llama/Meta-Llama-3-8B", 1),
        ("microsoft", "GitHub", "repository", "microsoft/LongRoPE", GH + "microsoft/LongRoPE", 1),
        ("mistralai", "Hugging Face", "model", "mistralai/Mistral-7B-Instruct-v0.2",
         HF + "mistralai/Mistral-7B-Instruct-v0.2", 1),
        ("mteb", "Hugging Face", "space", "mteb/leaderboard", HF + "spaces/mteb/leaderboard", 1),
        ("openbmb", "Hugging Face", "model", "openbmb/UltraRM-13b", HF + "openbmb/UltraRM-13b", 1),
        ("RLHFlow", "GitHub", "repository", "RLHFlow/Self-rewarding-reasoning-LLM",
         GH + "RLHFlow/Self-rewarding-reasoning-LLM", 1),
        ("tianyi-lab", "GitHub", "repository", "tianyi-lab/R2-T2", GH + "tianyi-lab/R2-T2", 1),
    ],
    "co-occurring-tasks": [
        ("Multimodal", "Visual Question Answering", 3),
        ("Natural Language Processing", "Reinforcement Learning", 3),
        ("Computer Vision", "Multimodal", 1),
        ("Computer Vision", "Reinforcement Learning", 1),
        ("Computer Vision", "Visual Question Answering", 1),
        ("Feature Extraction", "Natural Language Processing", 1),
        ("Feature Extraction", "Sentence Similarity", 1),
        ("Multimodal", "Reinforcement Learning", 1),
        ("Multimodal", "Text-to-Image", 1),
        ("Natural Language Processing", "Question Answering", 1),
        ("Natural Language Processing", "Sentence Similarity", 1),
        ("Natural Language Processing", "Text Generation", 1),
        ("Natural Language Processing", "Translation", 1),
        ("Question Answering", "Reinforcement Learning", 1),
        ("Reinforcement Learning", "Translation", 1),
        ("Reinforcement Learning", "Visual Question Answering", 1),
        ("Text-to-Image", "Visual Question Answering", 1),
    ],
    "day-featured": [  # 2025-02-28, by title; NeoBERT was first featured the day before
        (P + paper, TITLE[paper], SUMMARY_0228[paper],
         "2025-02-27" if paper == NEOBERT else "2025-02-28")
        for paper in (LEAN, MEDVLM, NEOBERT, R1T1, R2T2, UNITOK)
    ],
    "papers-on-several-days": [(P + NEOBERT, TITLE[NEOBERT], 2, "2025-02-27", "2025-02-28")],
    "days-overview": [("2025-02-27", 3, 3), ("2025-02-28", 6, 5)],
    "top-repositories": [
        ("chandar-lab/NeoBERT", GH + "chandar-lab/NeoBERT", 1),
        ("FoundationVision/UniTok", GH + "FoundationVision/UniTok", 1),
        ("microsoft/LongRoPE", GH + "microsoft/LongRoPE", 1),
        ("RLHFlow/Self-rewarding-reasoning-LLM", GH + "RLHFlow/Self-rewarding-reasoning-LLM", 1),
        ("tianyi-lab/R2-T2", GH + "tianyi-lab/R2-T2", 1),
    ],
    "top-hf-items": [
        ("dataset", "AI-MO/NuminaMath-CoT", HF + "datasets/AI-MO/NuminaMath-CoT", 1),
        ("model", "chandar-lab/NeoBERT", HF + "chandar-lab/NeoBERT", 1),
        ("model", "meta-llama/Meta-Llama-3-8B", HF + "meta-llama/Meta-Llama-3-8B", 1),
        ("model", "mistralai/Mistral-7B-Instruct-v0.2",
         HF + "mistralai/Mistral-7B-Instruct-v0.2", 1),
        ("model", "openbmb/UltraRM-13b", HF + "openbmb/UltraRM-13b", 1),
        ("space", "mteb/leaderboard", HF + "spaces/mteb/leaderboard", 1),
    ],
    "paper-summary": [  # NeoBERT
        (1, "title", None, TITLE[NEOBERT]),
        (2, "arXiv page", None, "https://arxiv.org/abs/2502.19587"),
        (3, "author", 1, "Lola Le Breton"),
        (3, "author", 2, "Quentin Fournier"),
        (3, "author", 3, "Mariam El Mezouar"),
        (3, "author", 4, "Sarath Chandar"),
        (4, "task", None, "Feature Extraction"),
        (4, "task", None, "Natural Language Processing"),
        (4, "task", None, "Sentence Similarity"),
        (5, "featured on", None, "2025-02-27"),
        (5, "featured on", None, "2025-02-28"),
        (6, "repository", None, GH + "chandar-lab/NeoBERT"),
        (7, "model", None, HF + "chandar-lab/NeoBERT"),
        (9, "space", None, HF + "spaces/mteb/leaderboard"),
    ],
    # issue 14: no Wikidata data beside the examples, so no item; DOIs from the arXiv IDs
    "wikidata-matches": [(P + a, TITLE[a], a, f"10.48550/arXiv.{a}", None)
                         for a in sorted(PAPERS)],
}


# --------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def example(examples_dir: Path) -> BuildResult:
    return build([examples_dir])


@pytest.fixture(scope="module")
def extended(examples_dir: Path) -> BuildResult:
    """The examples plus 2025-01-09 (rStar-Math) and 2025-03-03 (Visual-RFT, NeoBERT)."""
    return build([examples_dir, EXTRA])


def oxigraph_terms(result: BuildResult, text: str, *, union: bool = False) -> list[tuple]:
    """Rows as the command line and the endpoint compute them.

    The store keeps the set union of its day graphs in the default graph, so
    queries read the default graph; ``union=True`` asks Oxigraph for its own
    union of graphs instead (a bag: a triple stated on two days matches twice).
    """
    if union:
        return [tuple(s) for s in result.store.store.query(text, use_default_graph_as_union=True)]
    outcome = run_query(result.store.store, text)
    assert outcome.kind == "select"
    return list(outcome.rows)


def plain(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> Value:
    """A term as a test writes it: IRIs and literals as text, integers as ``int``."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "integer":
        return int(term.value)
    return term.value


def run(result: BuildResult, name: str, **params: str) -> Rows:
    text = load_query(name).bind(params)
    return [tuple(plain(t) for t in row) for row in oxigraph_terms(result, text)]


def exact_oxigraph(row: Iterable[object]) -> tuple:
    """A row with every literal's datatype and language kept, integers compared as ints."""
    out: list[object] = []
    for term in row:
        if term is None or isinstance(term, ox.NamedNode | ox.BlankNode):
            out.append(None if term is None else ("iri", term.value))
        elif term.datatype.value == XSD + "integer":
            out.append(int(term.value))
        else:
            out.append((term.value, term.datatype.value, term.language))
    return tuple(out)


def exact_rdflib(row: Iterable[object]) -> tuple:
    out: list[object] = []
    for term in row:
        if term is None or isinstance(term, rdflib.URIRef | rdflib.BNode):
            out.append(None if term is None else ("iri", str(term)))
            continue
        assert isinstance(term, rdflib.Literal)
        if term.language:
            datatype = RDF_LANG_STRING
        else:
            datatype = str(term.datatype) if term.datatype else XSD + "string"
        if datatype == XSD + "integer":
            out.append(int(str(term)))
        else:
            out.append((str(term), datatype, term.language))
    return tuple(out)


# --------------------------------------------------------------------- the library

def test_library_has_the_promised_queries() -> None:
    names = query_names()
    assert len(names) >= 14
    for needed in ("papers-per-task", "task-trends-by-month", "prolific-authors",
                   "co-author-pairs", "papers-with-code", "papers-without-code",
                   "papers-with-hf-artefacts", "artefacts-by-owner", "co-occurring-tasks",
                   "author-papers", "author-collaborators", "day-featured",
                   "papers-on-several-days"):
        assert needed in names
    assert set(EXPECTED) == set(names), "every library query needs its expected rows here"


def _rq_files() -> list[Path]:
    with_folder = ontology_dir() / "queries"
    return sorted(Path(str(with_folder)).glob("*.rq"))


@pytest.mark.parametrize("path", _rq_files(), ids=lambda p: p.stem)
def test_every_file_has_a_title_and_description(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = list(itertools.takewhile(lambda line: line.startswith("#"), text.splitlines()))
    assert re.match(r"# title: \S", header[0]), header
    assert re.match(r"# description: \S", header[1]), header
    query = load_query(path.stem)
    assert query.title and query.description
    assert query.text == text


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_every_query_is_self_contained_and_ordered(query: LibraryQuery, example) -> None:
    """Runs with no prefixes supplied (as pasted into Fuseki or YASGUI); sorts its rows."""
    assert re.search(r"^ORDER BY ", query.text, re.MULTILINE)
    assert query.bind() == query.text  # the file holds the defaults
    example.store.store.query(query.text)  # raises on an undeclared prefix


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_returns_expected_rows_on_the_examples(example, name: str) -> None:
    assert run(example, name) == EXPECTED[name]


#: Queries over the people graph (issue 12), a named graph outside the union that
#: to_rdflib() does not return; tests/test_people.py compares them with an rdflib dataset.
PEOPLE_QUERIES = frozenset({"person-links", "person-papers", "person-prolific"})


@pytest.mark.parametrize("query", [q for q in list_queries() if q.name not in PEOPLE_QUERIES],
                         ids=lambda q: q.name)
def test_oxigraph_and_rdflib_agree(query: LibraryQuery, example, extended) -> None:
    for result in (example, extended):
        graph = result.store.to_rdflib()
        oxigraph = [exact_oxigraph(row) for row in oxigraph_terms(result, query.text)]
        reference = [exact_rdflib(row) for row in graph.query(query.text)]
        assert oxigraph == reference
        assert oxigraph, "compare on a non-empty result"


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_same_rows_on_oxigraphs_bag_union(query: LibraryQuery, extended) -> None:
    """Every query aggregates, so a triple stated on several days never counts twice."""
    stored = oxigraph_terms(extended, query.text)
    bag = oxigraph_terms(extended, query.text, union=True)
    assert [exact_oxigraph(r) for r in stored] == [exact_oxigraph(r) for r in bag]


# ------------------------------------------------------- parameters and more data

def test_task_trends_span_months(extended) -> None:
    assert run(extended, "task-trends-by-month") == [
        ("2025-01", "Natural Language Processing", 1),
        ("2025-01", "Reinforcement Learning", 1),
        *EXPECTED["task-trends-by-month"],
        ("2025-03", "Computer Vision", 1),
        ("2025-03", "Feature Extraction", 1),
        ("2025-03", "Multimodal", 1),
        ("2025-03", "Natural Language Processing", 1),
        ("2025-03", "Reinforcement Learning", 1),
        # The 2025-03-03 row gives NeoBERT no Sentence Similarity: each day counts
        # the labels its own listing gave (issue 9), so March has none.
    ]
    assert run(extended, "task-trends-by-month", task="computer VISION") == [
        ("2025-02", "Computer Vision", 1),
        ("2025-03", "Computer Vision", 1),
    ]


def test_authors_across_papers(extended) -> None:
    prolific = run(extended, "prolific-authors")
    assert prolific[:3] == [
        (person("Li Lyna Zhang"), "Li Lyna Zhang", 2),  # LongRoPE2 and rStar-Math
        (person("Ning Shang"), "Ning Shang", 2),
        (person("che111"), "che111", 1),
    ]
    assert len(prolific) == 37 + 3 + 5  # rStar-Math adds 3 people, Visual-RFT 5
    # "Lola le Breton" on 2025-03-03 is the same person: one row, one display name.
    assert (person("Lola Le Breton"), "Lola Le Breton", 1) in prolific
    assert run(extended, "co-author-pairs")[0] == (
        person("Li Lyna Zhang"), "Li Lyna Zhang", person("Ning Shang"), "Ning Shang", 2)
    assert run(extended, "author-collaborators", author="li lyna zhang") == [
        (person("Ning Shang"), "Ning Shang", 2),
        (person("Gaokai Zhang"), "Gaokai Zhang", 1),
        (person("Gilsinia Lopez"), "Gilsinia Lopez", 1),
        (person("Siyuan Wang"), "Siyuan Wang", 1),
        (person("Xinyu Guan"), "Xinyu Guan", 1),
        (person("Yifei Liu"), "Yifei Liu", 1),
        (person("Youran Sun"), "Youran Sun", 1),
    ]
    assert run(extended, "author-papers", author="Ning Shang") == [
        (P + LONGROPE, TITLE[LONGROPE], 1, "2025-02-27"),
        (P + "2501.04519", "rStar-Math: Small LLMs Can Master Math Reasoning with "
         "Self-Evolved Deep Thinking", 4, "2025-01-09"),
    ]
    assert run(extended, "author-papers", author="LOLA LE BRETON") == [
        (P + NEOBERT, TITLE[NEOBERT], 1, "2025-02-27"),
    ]


def _pairs_by_iri(store: ox.Store) -> Rows:
    """co-author-pairs worked out in Python from the store's creator and name triples."""
    creators: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(DCTERMS + "creator"), None,
                                        ox.DefaultGraph()):
        creators.setdefault(quad.subject.value, set()).add(quad.object.value)
    names: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(SCHEMA + "name"), None,
                                        ox.DefaultGraph()):
        names[quad.subject.value] = min(names.get(quad.subject.value, quad.object.value),
                                        quad.object.value)
    shared: dict[tuple[str, str], int] = {}
    for people in creators.values():
        for pair in itertools.combinations(sorted(people), 2):
            shared[pair] = shared.get(pair, 0) + 1
    rows = [(a, names[a], b, names[b], n) for (a, b), n in shared.items()]
    return sorted(rows, key=lambda r: (-r[4], r[1].lower(), r[3].lower(), r[0], r[2]))


def test_co_author_pairs_when_short_keys_tie(tmp_path: Path) -> None:
    """The query orders a pair by 15-character keys cut from the IRIs, and by the whole
    IRIs where those keys are equal: people whose slugs share 15 characters, and IRIs
    outside ``/person/`` (all keys empty), still give each pair once, by IRI."""
    (tmp_path / "papers-2025-04-01.md").write_text(
        "## Papers for 2025-04-01\n\n"
        "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
        "|---|---|---|---|---|---|\n"
        "| [One](https://arxiv.org/abs/2504.00001) | Alexander Smith Jones, "
        "Alexander Smith Brown, Zoe Abel | - First. | ['Robotics'] | N/A | N/A |\n"
        "| [Two](https://arxiv.org/abs/2504.00002) | Alexander Smith Brown, "
        "Alexander Smith Jones | - Second. | ['Robotics'] | N/A | N/A |\n", encoding="utf-8")
    result = build([tmp_path])
    rows = run(result, "co-author-pairs")
    assert rows == _pairs_by_iri(result.store.store)
    assert rows[0] == (person("Alexander Smith Brown"), "Alexander Smith Brown",
                       person("Alexander Smith Jones"), "Alexander Smith Jones", 2)
    assert len(rows) == 3

    foreign = ox.Store()  # the same shape with IRIs that have no "/person/" in them
    creator, name = ox.NamedNode(DCTERMS + "creator"), ox.NamedNode(SCHEMA + "name")
    people = [ox.NamedNode(f"http://example.org/someone/{n}") for n in ("b", "a", "c")]
    for i, paper in enumerate((ox.NamedNode("http://example.org/p1"),
                               ox.NamedNode("http://example.org/p2"))):
        for who in people[:2 + i]:
            foreign.add(ox.Quad(paper, creator, who))
    for who in people:
        foreign.add(ox.Quad(who, name, ox.Literal(who.value[-1].upper())))
    text = load_query("co-author-pairs").bind({})
    got = [tuple(plain(t) for t in row) for row in run_query(foreign, text).rows]
    assert got == _pairs_by_iri(foreign)
    assert got[0] == (people[1].value, "A", people[0].value, "B", 2)


def test_days(extended) -> None:
    assert run(extended, "days-overview") == [
        ("2025-01-09", 1, 1), ("2025-02-27", 3, 3), ("2025-02-28", 6, 5), ("2025-03-03", 2, 1),
    ]
    assert run(extended, "papers-on-several-days") == [
        (P + NEOBERT, TITLE[NEOBERT], 3, "2025-02-27", "2025-03-03"),
    ]
    assert run(extended, "day-featured", day="2025-03-03") == [
        (P + NEOBERT, TITLE[NEOBERT],
         "- Featured a third time, now with the model card on Hugging Face.", "2025-02-27"),
        (P + "2503.01785", "Visual-RFT: Visual Reinforcement Fine-Tuning",
         "- Reinforcement fine-tuning with verifiable rewards is carried over from language "
         "to vision tasks such as detection and classification. - A few examples are enough "
         "to improve a vision-language model.", "2025-03-03"),
    ]
    assert run(extended, "day-featured", day="2025-03-04") == []


def test_filters(extended) -> None:
    assert run(extended, "artefacts-by-owner", owner="MICROSOFT") == [
        ("microsoft", "GitHub", "repository", "microsoft/LongRoPE", GH + "microsoft/LongRoPE", 1),
        ("microsoft", "GitHub", "repository", "microsoft/rStar", GH + "microsoft/rStar", 1),
    ]
    assert run(extended, "papers-with-hf-artefacts", kind="space") == [
        (P + NEOBERT, TITLE[NEOBERT], "space", "mteb/leaderboard", HF + "spaces/mteb/leaderboard"),
    ]
    assert [row[1] for row in run(extended, "top-hf-items", kind="Dataset")] == [
        "AI-MO/NuminaMath-CoT"]
    assert [row[1] for row in run(extended, "task-papers", task="reinforcement learning")] == [
        "Visual-RFT: Visual Reinforcement Fine-Tuning", TITLE[LEAN], TITLE[MEDVLM], TITLE[R1T1],
        TITLE[SELF_REWARDING],
        "rStar-Math: Small LLMs Can Master Math Reasoning with Self-Evolved Deep Thinking",
    ]


def test_paper_summary_accepts_arxiv_forms(extended) -> None:
    rows = run(extended, "paper-summary", arxiv="arXiv:2502.19587v2")
    assert [r for r in rows if r[1] in ("author", "featured on")] == [
        (3, "author", 1, "Lola Le Breton"),  # two spellings, one author row
        (3, "author", 2, "Quentin Fournier"),
        (3, "author", 3, "Mariam El Mezouar"),
        (3, "author", 4, "Sarath Chandar"),
        (5, "featured on", None, "2025-02-27"),
        (5, "featured on", None, "2025-02-28"),
        (5, "featured on", None, "2025-03-03"),
    ]
    assert run(extended, "paper-summary", arxiv="2502.99999") == []


@pytest.mark.parametrize("value", [
    'x" } ?paper ?p ?o . } #',
    'Sarath Chandar" || true || "',
    "back\\slash \\\" quote",
    "line\nbreak\r\ttab",
    "'''",
    '"""',
    "}",
])
def test_parameter_values_cannot_change_the_query(example, value: str) -> None:
    query = load_query("author-papers")
    text = query.bind({"author": value})
    assert text.count("\n") == query.text.count("\n")  # the value was escaped, not pasted
    assert run(example, "author-papers", author=value) == []
    assert list(example.store.to_rdflib().query(text)) == []


def test_parameter_with_quotes_is_matched_literally() -> None:
    text = load_query("author-papers").bind({"author": 'O"Neil'})
    assert 'VALUES ?author { "O\\"Neil" }' in text


def test_unknown_query_names_the_known_ones() -> None:
    with pytest.raises(UnknownQueryError) as caught:
        load_query("papers-per-tsk")
    message = str(caught.value)
    assert isinstance(caught.value, KeyError)
    assert "papers-per-tsk" in message
    assert "Did you mean: papers-per-task" in message
    assert "co-author-pairs" in message and "top-repositories" in message


def test_unknown_parameter_names_the_known_ones() -> None:
    with pytest.raises(ParameterError, match=r"no parameter 'autor' \(its parameters: author\)"):
        load_query("author-papers").bind({"autor": "x"})
    with pytest.raises(ParameterError, match=r"its parameters: none"):
        load_query("papers-per-task").bind({"task": "x"})


@pytest.mark.parametrize("day", ["28/02/2025", "2025-02-30", "20250228", "", "2025-2-28"])
def test_bad_dates_are_refused(day: str) -> None:
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        load_query("day-featured").bind({"day": day})


def test_parse_assignments() -> None:
    assert parse_assignments(["author=Jean = Luc", "day=2025-02-28", "day=2025-02-27"]) == {
        "author": "Jean = Luc", "day": "2025-02-27"}
    assert parse_assignments(["task="]) == {"task": ""}
    for bad in ("author", "=x"):
        with pytest.raises(ParameterError, match="key=value"):
            parse_assignments([bad])


@pytest.mark.parametrize(("text", "problem"), [
    ("# description: d\nSELECT * WHERE {} ORDER BY ?x\n", "no '# title: ...'"),
    ("# title: t\nSELECT * WHERE {} ORDER BY ?x\n", "no '# description: ...'"),
    ('# title: t\n# description: d\n# param: who = "x" -- someone\nSELECT * WHERE {}\n',
     'needs exactly one clause VALUES ?who { "x" }'),
    ("# title: t\n# description: d\n# param: who\nSELECT * WHERE {}\n",
     "malformed parameter line"),
])
def test_malformed_files_are_reported(text: str, problem: str) -> None:
    with pytest.raises(QueryLibraryError, match=re.escape(problem)):
        parse_query("broken", text)


def test_params_are_described() -> None:
    by_name = {q.name: q for q in list_queries()}
    day = by_name["day-featured"].param("day")
    assert (day.type, day.default, day.optional) == ("date", "2025-02-28", False)
    owner = by_name["artefacts-by-owner"].param("owner")
    assert owner.optional and owner.description
    for query in by_name.values():
        assert all(p.description for p in query.params)
        assert query.defaults() == {p.name: p.default for p in query.params}

