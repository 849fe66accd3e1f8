"""kg.graph.iris: node IRIs are deterministic, readable where possible, all under the base."""

from __future__ import annotations

import re

import pytest

from kg.graph.iris import Minter, digest, slug
from kg.records import Link, LinkKind

BASE = "https://w3id.org/paperkg/"


def test_slug_folds_accents_case_and_punctuation() -> None:
    assert slug("José Müller-Ñúñez") == "jose-muller-nunez"
    assert slug("  Text2Text   Generation ") == "text2text-generation"
    assert slug("a__b..c") == "a-b-c"


def test_slug_keeps_non_latin_names_apart() -> None:
    first, second = slug("王小明"), slug("李华")
    assert first and second and first != second
    assert re.fullmatch(r"[A-Za-z0-9%-]+", first)  # %-encoded, IRI-safe


def test_slug_of_symbols_only_falls_back_to_a_hash() -> None:
    assert slug("!!!") == "h-" + digest("!!!")
    assert slug("???") != slug("!!!")


def test_slug_is_cut_to_the_limit_without_a_trailing_dash() -> None:
    key = slug("word " * 40, limit=12)
    assert len(key) <= 12 and not key.endswith("-")


@pytest.mark.parametrize("base", ["http://x.org/kg", "not an iri/", "https://x.org/a b/", ""])
def test_bad_base_is_rejected(base: str) -> None:
    with pytest.raises(ValueError, match="must be an absolute IRI ending in '/' or '#'"):
        Minter(base)


def test_papers_are_keyed_by_arxiv_id_or_a_title_hash() -> None:
    minter = Minter(BASE)
    assert minter.paper(minter.paper_key("2502.19587", "NeoBERT")).value == (
        BASE + "paper/2502.19587")
    key = minter.paper_key(None, "NeoBERT:  A Next-Generation BERT")
    assert re.fullmatch(r"t-[0-9a-f]{16}", key)
    assert key == minter.paper_key(None, "neobert: a next-generation   bert")  # case, spaces
    assert key != minter.paper_key(None, "NeoBERT: A Next-Generation BERT 2")


def test_the_same_data_gets_the_same_iri_in_another_build() -> None:
    one, two = Minter(BASE), Minter(BASE)
    assert one.person("Lola Le Breton") == two.person("Lola Le Breton")
    assert one.person("Lola Le Breton").value == BASE + "person/lola-le-breton"
    assert one.task("Question Answering").value == BASE + "task/question-answering"
    assert one.day("2025-02-27").value == BASE + "day/2025-02-27"
    assert one.entry("2025-02-27", "2502.19587").value == BASE + "entry/2025-02-27_2502.19587"


def test_platform_items_and_accounts() -> None:
    minter = Minter(BASE)
    repo = Link(LinkKind.REPOSITORY, "https://github.com/chandar-lab/NeoBERT", "github",
                "chandar-lab", "NeoBERT")
    data = Link(LinkKind.DATASET, "https://huggingface.co/datasets/o/d", "huggingface", "o", "d")
    model = Link(LinkKind.MODEL, "https://huggingface.co/o/m", "huggingface", "o", "m")
    assert minter.item(repo).value == BASE + "github/chandar-lab/neobert"
    assert minter.item(data).value == BASE + "huggingface/datasets/o/d"
    assert minter.item(model).value == BASE + "huggingface/o/m"
    assert minter.account("github", "Chandar-Lab") == minter.account("github", "chandar-lab")


def test_pages_are_readable_and_distinct() -> None:
    minter = Minter(BASE)
    page = minter.page("https://example.org/project").value
    assert page.startswith(BASE + "page/example-org-project-")
    assert page != minter.page("http://example.org/project").value


def test_every_iri_is_under_a_custom_base() -> None:
    base = "https://example.org/kg#"
    minter = Minter(base)
    link = Link(LinkKind.SPACE, "https://huggingface.co/spaces/o/s", "huggingface", "o", "s")
    nodes = [minter.paper("2502.19587"), minter.authorship("2502.19587", 1),
             minter.person("A"), minter.task("T"), minter.day("2025-01-01"),
             minter.source("ab" * 32), minter.day_graph("papers-2025-01-01.md", "2025-01-01"),
             minter.item(link), minter.page("https://x.org"), minter.task_scheme,
             minter.dataset, minter.class_partition("http://schema.org/Person")]
    assert all(node.value.startswith(base) for node in nodes)
    assert len({node.value for node in nodes}) == len(nodes)
