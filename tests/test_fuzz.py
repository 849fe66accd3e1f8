"""Property-based tests: hostile and broken digests never crash paperkg or lose a row.

Digests are scraped and unescaped, so any string can land in any cell. For every
generated document: parsing raises nothing; every table row is either an entry or a
warning naming its line; the graph serialises to Turtle that rdflib and pyoxigraph
read; and every IRI in it is a valid RFC 3987 IRI.

CI runs a bounded number of examples; for a longer local run set
``KG_FUZZ_EXAMPLES`` (e.g. ``KG_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py``).
"""

from __future__ import annotations

import os
import re
import warnings

import pyoxigraph
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.graph.store import GraphStore
from kg.read.markdown import split_lines
from kg.read.parse import parse_documents
from kg.read.sources import Document

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NASTY = ["|", "\\", "'", '"', "<", ">", "&", "\n", "\r", "\r\n", "\t", "\x00", "\x1b", "\x7f",
         "\u2028", "\ufeff", "\u202e", "\u05e9\u05dc\u05d5\u05dd", "😀", "[", "]", "(", ")",
         "`", "{", "}", "%", "%zz", " ", "N/A", "null", "None", "##", "---", ":",
         "<script>window.__pwned=1</script>", "<img src=x onerror=alert(1)>", "{a,b}",
         "['Question Answering']", "[Link](", "](", "Papers for 2025-02-31"]
URLS = ["https://arxiv.org/abs/2502.19587", "https://arxiv.org/abs/hep-th/9901001v2",
        "github.com/o/r", "http://github.com/o/r.git/", "https://github.com/o/r/tree/x y",
        "https://github.com", "https://huggingface.co/", "hf.co/datasets/o/d",
        "https://huggingface.co/spaces/o/s", "https://huggingface.co/o/m-{1b,2b}",
        "javascript:alert(1)", "data:text/html,<b>x</b>", "https://ex.com/a b\"<>{}`^|",
        "https://bücher.example/ü", "https://xn--.example/", "https://a:99999/", "//x.io/p",
        "null", "None", "string", "", "mailto:a@b.c", "https://ex.com/%", "https://[::1/",
        "o/n", "http://user:pw@host.example/p?q=1#f"]

text = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(NASTY), max_size=6).map("".join),
    st.builds(lambda a, b: a + b, st.text(max_size=10), st.sampled_from(NASTY)),
)
url = st.one_of(st.sampled_from(URLS), st.builds(lambda a, b: a + b, st.sampled_from(URLS),
                                                 st.sampled_from(NASTY)))
links = st.one_of(st.just("N/A"), st.lists(url, min_size=1, max_size=3).map(
    lambda us: ", ".join(f"[Link]({u})" for u in us)), text)
title = st.one_of(st.builds(lambda t, u: f"[{t}]({u})", text, url), text)
tasks = st.one_of(st.lists(text, max_size=3).map(repr), text, st.just("[[[[[[[[[[[[[[[[[[[["))
six = st.tuples(title, text, text, tasks, links, links).map(list)
cells = st.one_of(six, st.lists(text, max_size=8))

HEADERS = [
    "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
    "|-------|---------|---------|----------------|-------------|-----------------|",
    "| Title | Authors | Summary | Link |\n|---|---|---|---|",
    "| Title | Authors | Summary |\n|---|---|---|",
    "| Title | Title | Stars | Summary |\n|:--|--:|:-:|---|",
    "",  # no header at all
]
headings = st.sampled_from(["## Papers for 2025-02-28", "## Papers for 2025-13-45", "# Other",
                            "", "## Papers for 2024-09-26\n\n## Papers for 2024-09-27"])
block = st.tuples(headings, st.sampled_from(HEADERS), st.lists(cells, max_size=4))
endings = st.sampled_from(["\n", "\r\n", "\r"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])


@st.composite
def documents(draw) -> tuple[bytes, list[int], str]:
    """A digest, the line numbers where its rows start, and its encoding."""
    eol = draw(endings)
    pieces: list[str] = []
    starts: list[int] = []  # character offsets of row starts
    for heading, header, rows in draw(st.lists(block, min_size=1, max_size=3)):
        pieces.append(heading.replace("\n", eol) + eol + eol + header.replace("\n", eol) + eol)
        for row in rows:
            starts.append(sum(map(len, pieces)))
            pieces.append("| " + " | ".join(row) + " |" + eol)
        pieces.append(draw(st.sampled_from(["", eol, "trailing text" + eol])))
    body = "".join(pieces)
    encoding = draw(encodings)
    data = body.encode(encoding, errors="replace")
    lines = [len(split_lines(body[:offset])) for offset in starts]
    return data, lines, encoding


IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')


def check_graph(store: GraphStore) -> None:
    turtle = store.serialize()
    assert isinstance(turtle, bytes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parsed = rdflib.Graph().parse(data=turtle, format="turtle")
    assert len(list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))) == len(parsed)
    for triple in parsed:
        for term in triple:
            if isinstance(term, rdflib.URIRef):
                assert re.match(r"^[a-z][a-z0-9+.-]*:", term), term
                assert not IRI_FORBIDDEN.search(term), term
                assert not re.search(r"%(?![0-9A-Fa-f]{2})", term), term


@FUZZ
@given(documents())
def test_hostile_digests_never_crash_and_lose_no_row(document) -> None:
    data, row_lines, encoding = document
    result = parse_documents([Document("papers-2025-01-01.md", data)])
    skipped_file = any(d.line is None and "file skipped" in d.message
                       for d in result.diagnostics)
    if encoding in ("utf-8", "utf-8-sig") and not skipped_file:
        accounted = {e.line for d in result.digests for e in d.entries}
        accounted |= {d.line for d in result.diagnostics}
        text = data.decode(encoding)
        lines = split_lines(text.removeprefix("\ufeff"))
        separator = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
        missing = [n for n in row_lines if n not in accounted and not separator.match(lines[n - 1])]
        assert missing == [], (missing, [str(d) for d in result.diagnostics])
    store = GraphStore()
    store.load(result.digests)
    check_graph(store)


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    for name in ("papers-2025-01-01.md", "records.json"):
        result = parse_documents([Document(name, data)])
        store = GraphStore()
        store.load(result.digests)
        check_graph(store)


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(
                        ["title", "authors", "link", "summary", "classification",
                         "github_urls", "huggingface_urls", "date", "x"]), inner, max_size=8),
                    max_leaves=30))
def test_arbitrary_json_records_never_crash(value) -> None:
    import json

    result = parse_documents([Document("papers-2025-01-01.json", json.dumps(value).encode())])
    store = GraphStore()
    store.load(result.digests)
    check_graph(store)


def test_a_megabyte_cell_is_handled() -> None:
    huge = "x|" * 300_000 + "<script>" * 10_000
    row = f"| [{huge}](https://arxiv.org/abs/2502.19587) | A | {huge} | [] | N/A | N/A |\n"
    data = ("## Papers for 2025-02-28\n\n| Title | Authors | Summary | Classification | "
            "GitHub URLs | HuggingFace URLs |\n|---|---|---|---|---|---|\n" + row).encode()
    result = parse_documents([Document("big.md", data)])
    assert result.rows == 1
    store = GraphStore()
    store.load(result.digests)
    check_graph(store)


@settings(max_examples=max(EXAMPLES // 5, 10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(documents())
def test_kg_build_exits_cleanly_on_hostile_input(tmp_path_factory, document) -> None:
    """The command line, not just the library: exit 0, no traceback, a Turtle file."""
    from click.testing import CliRunner

    from kg.cli import main

    data, _, _ = document
    folder = tmp_path_factory.mktemp("fuzz")
    digest = folder / "papers-2025-01-01.md"
    digest.write_bytes(data)
    result = CliRunner().invoke(main, ["build", str(digest), "-o", str(folder / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (folder / "out" / "graph.ttl").is_file()
    assert (folder / "out" / "graph.html").is_file()
