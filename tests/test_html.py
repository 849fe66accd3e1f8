"""Unit tests of the HTML text produced by kg.view.page (no browser needed)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from kg.view.page import LABEL_BUDGET, PHYSICS_MAX_NODES, render_html, safe_url, write_html

EX = "https://example.org/kg/"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
HOSTILE_SCRIPT = "</script><script>window.__pwned=1;alert(1)</script>"
HOSTILE_URL = "javascript:window.__pwned=1;alert(1)"

PAPERS = [
    (
        "1706.03762",
        "Attention Is All You Need",
        ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
        ["Translation"],
    ),
    (
        "1810.04805",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"],
        ["Question Answering", "Fill-Mask"],
    ),
    (
        "2005.14165",
        "Language Models are Few-Shot Learners",
        ["Tom B. Brown", "Benjamin Mann", "Noam Shazeer"],
        ["Text Generation", "Question Answering"],
    ),
]


def _iri(kind: str, name: str) -> str:
    return EX + kind + "/" + name.replace(" ", "_")


def realistic_view(hostile: bool = False) -> nx.MultiDiGraph:
    """Three real papers, their authors and tasks, a GitHub repo, an HF model.

    Cards are short summaries written for these tests. ``hostile`` adds a node
    whose label, card and url are script-injection payloads.
    """
    g = nx.MultiDiGraph()
    for arxiv, title, authors, tasks in PAPERS:
        paper = _iri("paper", arxiv)
        g.add_node(
            paper,
            kind="paper",
            label=title,
            url=f"https://arxiv.org/abs/{arxiv}",
            card=f"{title}\narXiv:{arxiv}\nA paper about sequence models.",
        )
        for name in authors:
            g.add_node(_iri("person", name), kind="person", label=name, card=name)
            g.add_edge(paper, _iri("person", name), label="creator")
        for task in tasks:
            g.add_node(_iri("task", task), kind="task", label=task, card=f"Task: {task}", url="")
            g.add_edge(paper, _iri("task", task), label="subject")
    repo = "https://github.com/google-research/bert"
    g.add_node(repo, kind="repository", label="google-research/bert", card="GitHub", url=repo)
    g.add_edge(_iri("paper", "1810.04805"), repo, label="codeRepository")
    model = "https://huggingface.co/google-bert/bert-base-uncased"
    g.add_node(model, kind="model", label="google-bert/bert-base-uncased", card="HF", url=model)
    g.add_edge(_iri("paper", "1810.04805"), model, label="isBasedOn")
    if hostile:
        evil = EX + "paper/evil"
        g.add_node(
            evil,
            kind="paper",
            label=HOSTILE_IMG,
            card=HOSTILE_SCRIPT + "\n" + HOSTILE_IMG + "\u2028end",
            url=HOSTILE_URL,
        )
        g.add_node(EX + "x/data", kind=HOSTILE_IMG, label=HOSTILE_SCRIPT, url="data:text/html,x")
        g.add_edge(evil, _iri("task", "Translation"), label=HOSTILE_SCRIPT)
        g.add_edge(evil, EX + "x/data", label="subject")
    return g


class _Page(HTMLParser):
    """Collects tags, attributes and the text of each <script> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def page_data(page: str) -> dict:
    """The JSON data block, as the page script sees it."""
    for attrs, text in parse(page).scripts:
        if attrs.get("id") == "pk-data":
            return json.loads(text)
    raise AssertionError("no pk-data block")


def page_options(page: str) -> dict:
    for attrs, text in parse(page).scripts:
        if attrs.get("id") == "pk-options":
            return json.loads(text)
    raise AssertionError("no pk-options block")


def test_no_remote_resources() -> None:
    page = render_html(realistic_view())
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "iframe", "object", "embed", "base"), tag
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
    # no external script at all, no remote @import / url() / font in the CSS
    assert all("src" not in attrs for attrs, _ in parsed.scripts)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.I)
    # nor in markup built by script: no src/href assignment of a remote URL anywhere
    assert not re.search(r"""(src|href)\s*[=:]\s*["']?\s*(https?:)?//""", page, re.I)
    csp = next(
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp


def test_csp_hashes_match_inline_scripts() -> None:
    page = render_html(realistic_view())
    parsed = parse(page)
    csp = next(
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    code = [text for attrs, text in parsed.scripts if "type" not in attrs]
    assert len(code) == 2  # vis-network and the page script
    for text in code:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_hostile_text_is_escaped() -> None:
    view = realistic_view(hostile=True)
    page = render_html(view, title=HOSTILE_SCRIPT)
    for payload in (HOSTILE_IMG, HOSTILE_SCRIPT, "\u2028"):
        assert payload not in page
    parsed = parse(page)
    assert [t for t, _ in parsed.tags].count("script") == 4
    assert page.lower().count("</script") == 4
    assert not any(t == "img" or "onerror" in a for t, a in parsed.tags)
    # ...but the text itself survives, exactly, for textContent / canvas
    data = page_data(page)
    labels = [row[0] for row in data["nodes"]]
    assert HOSTILE_IMG in labels
    assert any(
        row[5].startswith(HOSTILE_SCRIPT) and "\u2028end\n" in row[5] for row in data["nodes"]
    )
    assert HOSTILE_SCRIPT in data["edgeLabels"]
    assert HOSTILE_IMG in [k["name"] for k in data["kinds"]]
    assert "&lt;/script&gt;&lt;script&gt;" in page  # <title>/<h1>: HTML-escaped


def test_cards_count_what_a_node_links_to() -> None:
    view = nx.MultiDiGraph()
    view.add_node("t", kind="task", label="Translation", card="Task: Translation")
    view.add_node("a", kind="person", label="Ada", card="Ada")
    for n in range(3):
        view.add_node(f"p{n}", kind="paper", label=f"Paper {n}")
        view.add_edge(f"p{n}", "t", label="subject")
    view.add_edge("p0", "a", label="creator")
    cards = {row[0]: row[5] for row in page_data(render_html(view))["nodes"]}
    assert cards["Translation"] == "Task: Translation\nLinked here: 3 papers"
    assert cards["Paper 0"] == "Paper 0\nLinked here: 1 person · 1 task"
    assert cards["Ada"] == "Ada\nLinked here: 1 paper"


def test_only_the_best_connected_nodes_get_canvas_labels() -> None:
    view = nx.MultiDiGraph()
    view.add_node("t", kind="task", label="Question Answering")
    for n in range(300):
        view.add_node(f"p{n}", kind="paper", label=f"Reading comprehension study {n}")
        view.add_edge(f"p{n}", "t", label="subject")
    rows = page_data(render_html(view))["nodes"]
    drawn = [row[0] for row in rows if row[0]]
    assert "Question Answering" in drawn and len(drawn) == LABEL_BUDGET
    unlabelled = [row for row in rows if not row[0]]
    assert len(unlabelled) == 301 - LABEL_BUDGET
    assert all(row[7].startswith("Reading comprehension study") for row in unlabelled)


def test_only_http_urls_are_kept() -> None:
    data = page_data(render_html(realistic_view(hostile=True)))
    urls = {row[6] for row in data["nodes"]}
    assert "https://arxiv.org/abs/1706.03762" in urls
    assert not any(u.lower().startswith(("javascript:", "data:")) for u in urls)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/1810.04805", "https://arxiv.org/abs/1810.04805"),
        (" HTTP://github.com/x/y ", "HTTP://github.com/x/y"),
        ("javascript:alert(1)", ""),
        ("JavaScript://%0aalert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("https://a.b/\njavascript:alert(1)", ""),
        ("//cdn.example/x.js", ""),
        ("https://", ""),
        (None, ""),
        ("", ""),
    ],
)
def test_safe_url(url: object, expected: str) -> None:
    assert safe_url(url) == expected


def test_deterministic_and_order_independent() -> None:
    view = realistic_view(hostile=True)
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(view.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(view.edges(keys=True, data=True))))
    first = render_html(view)
    assert render_html(view) == first
    assert render_html(shuffled) == first


def test_legend_lists_kinds_present() -> None:
    view = realistic_view()
    view.add_node(EX + "gizmo/1", kind="gizmo", label="Unknown thing")
    page = render_html(view)
    legend = page.split('<fieldset id="pk-legend">')[1].split("</fieldset>")[0]
    kinds = re.findall(r'<span class="pk-kind">([^<]*)</span>', legend)
    assert kinds == ["paper", "person", "task", "repository", "model", "gizmo"]
    assert "dataset" not in legend
    counts = re.findall(r'<span class="pk-count">(\d+)</span>', legend)
    assert counts == ["3", "9", "4", "1", "1", "1"]
    assert '<fieldset id="pk-legend">' not in render_html(view, legend=False)


def test_physics_decision() -> None:
    small = realistic_view()
    assert page_options(render_html(small))["physics"]["enabled"] is True
    assert page_options(render_html(small, physics=False))["physics"]["enabled"] is False
    big = nx.MultiDiGraph()
    for i in range(PHYSICS_MAX_NODES + 1):
        big.add_node(f"{EX}person/{i}", kind="person", label=f"P{i}")
    assert page_options(render_html(big))["physics"]["enabled"] is False
    assert page_options(render_html(big, physics=True))["physics"]["enabled"] is True


def test_positions_and_sizes() -> None:
    data = page_data(render_html(realistic_view()))
    points = {(row[2], row[3]) for row in data["nodes"]}
    assert len(points) == len(data["nodes"])  # precomputed layout, no collisions
    by_label = {row[0]: row for row in data["nodes"]}
    assert by_label["Question Answering"][4] > by_label["Kenton Lee"][4]  # size by degree


def test_empty_view() -> None:
    data = page_data(render_html(nx.MultiDiGraph()))
    assert data["nodes"] == [] and data["edges"] == []


def test_write_html(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "graph.html"
    view = realistic_view()
    write_html(view, target, title="Digest")
    assert target.read_text(encoding="utf-8") == render_html(view, title="Digest")
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]
