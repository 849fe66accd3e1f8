"""Link normalisation on the target shapes seen in real digests."""

from __future__ import annotations

import pytest

from kg.read.links import LinkError, normalise_link
from kg.records import LinkKind


@pytest.mark.parametrize(
    ("raw", "hint", "kind", "url"),
    [
        (
            "github.com/togethercomputer/RedPajama-Data",
            "github",
            LinkKind.REPOSITORY,
            "https://github.com/togethercomputer/RedPajama-Data",
        ),
        (
            "http://github.com/fkryan/gazelle",
            "github",
            LinkKind.REPOSITORY,
            "https://github.com/fkryan/gazelle",
        ),
        (
            "https://github.com/openai/mle-bench/",
            "github",
            LinkKind.REPOSITORY,
            "https://github.com/openai/mle-bench",
        ),
        (
            "https://github.com/tianyi-lab/R2-T2.git",
            "github",
            LinkKind.REPOSITORY,
            "https://github.com/tianyi-lab/R2-T2",
        ),
        (
            "https://github.com/microsoft/LMOps/tree/main/data_selection",
            "github",
            LinkKind.REPOSITORY,
            "https://github.com/microsoft/LMOps",
        ),
        (
            "https://github.com/sirluk/peft/blob/main/examples/eva.py",
            "github",
            LinkKind.REPOSITORY,
            "https://github.com/sirluk/peft",
        ),
        (
            "https://www.github.com/orgs/huggingface",
            "github",
            LinkKind.ACCOUNT,
            "https://github.com/huggingface",
        ),
        (
            "https://github.com/collm-cvpr25",
            "github",
            LinkKind.ACCOUNT,
            "https://github.com/collm-cvpr25",
        ),
        (
            "hkchengrex.github.io/MMAudio",
            "github",
            LinkKind.PAGE,
            "https://hkchengrex.github.io/MMAudio",
        ),
        ("http://tidybot2.github.io/", "github", LinkKind.PAGE, "https://tidybot2.github.io/"),
        (
            "https://huggingface.co/chandar-lab/NeoBERT",
            "huggingface",
            LinkKind.MODEL,
            "https://huggingface.co/chandar-lab/NeoBERT",
        ),
        (
            "https://hf.co/datasets/allenai/multipref",
            "huggingface",
            LinkKind.DATASET,
            "https://huggingface.co/datasets/allenai/multipref",
        ),
        (
            "huggingface.co/datasets/togethercomputer/RedPajama-Data-1T",
            "huggingface",
            LinkKind.DATASET,
            "https://huggingface.co/datasets/togethercomputer/RedPajama-Data-1T",
        ),
        (
            "https://huggingface.co/spaces/mteb/leaderboard",
            "huggingface",
            LinkKind.SPACE,
            "https://huggingface.co/spaces/mteb/leaderboard",
        ),
        (
            "https://hf.co/collections/allenai/tulu-3-datasets-673b8df14442393f7213f372",
            "huggingface",
            LinkKind.COLLECTION,
            "https://huggingface.co/collections/allenai/tulu-3-datasets-673b8df14442393f7213f372",
        ),
        (
            "https://huggingface.co/Qwen",
            "huggingface",
            LinkKind.ACCOUNT,
            "https://huggingface.co/Qwen",
        ),
        (
            "https://huggingface.co/almanach?search_models=camembert+v2",
            "huggingface",
            LinkKind.ACCOUNT,
            "https://huggingface.co/almanach",
        ),
        (
            "//huggingface.co/OpenGVLab/InternVL2_5-78B",
            "huggingface",
            LinkKind.MODEL,
            "https://huggingface.co/OpenGVLab/InternVL2_5-78B",
        ),
        (
            "https://huggingface.co/google/gemma-scope-2b-pt-res/tree/main/layer_14",
            "huggingface",
            LinkKind.MODEL,
            "https://huggingface.co/google/gemma-scope-2b-pt-res",
        ),
        (
            "https://huggingface.co/datasets/nyu-mll/glue",
            "huggingface",
            LinkKind.DATASET,
            "https://huggingface.co/datasets/nyu-mll/glue",
        ),
        (
            "https://huggingface.co/docs/transformers/index",
            "huggingface",
            LinkKind.PAGE,
            "https://huggingface.co/docs/transformers/index",
        ),
        (
            "mgor/protobowl-11-13",
            "huggingface",
            LinkKind.MODEL,
            "https://huggingface.co/mgor/protobowl-11-13",
        ),
        ("cmm-damovl.site", "huggingface", LinkKind.PAGE, "https://cmm-damovl.site/"),
        (
            "https://www.modelscope.com/models/swift/MS-LongWriter-GLM4-9B-Chat",
            "huggingface",
            LinkKind.PAGE,
            "https://www.modelscope.com/models/swift/MS-LongWriter-GLM4-9B-Chat",
        ),
        (
            "https://mgtsaevis.github.io/\nmgt-sae-visualization/",
            "huggingface",
            LinkKind.PAGE,
            "https://mgtsaevis.github.io/mgt-sae-visualization",
        ),
    ],
)
def test_targets_normalise(raw: str, hint: str, kind: LinkKind, url: str) -> None:
    (link,) = normalise_link(raw, hint)
    assert (link.kind, link.url) == (kind, url)


def test_repository_keeps_owner_and_name() -> None:
    (link,) = normalise_link("github.com/euclid-multimodal/Euclid.git", "github")
    assert (link.platform, link.owner, link.name) == ("github", "euclid-multimodal", "Euclid")


def test_brace_lists_expand_to_one_model_each() -> None:
    links = normalise_link("https://huggingface.co/state-spaces/mamba-{130m,1.4b}", "huggingface")
    assert [link.name for link in links] == ["mamba-130m", "mamba-1.4b"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("null", "placeholder"),
        ("None", "placeholder"),
        ("string", "placeholder"),
        ("", "placeholder"),
        ("javascript:alert(1)", "unsupported scheme"),
        ("data:text/html,x", "unsupported scheme"),
        ("https://github.com", "names no GitHub"),
        ("https://huggingface.co/", "names no Hugging"),
        ("not a url at all", "not a URL"),
    ],
)
def test_junk_targets_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(LinkError, match=reason):
        normalise_link(raw, "github")


def test_unsafe_characters_are_percent_encoded() -> None:
    (link,) = normalise_link('https://example.org/a b"<x>{y}`', None)
    assert link.url == "https://example.org/a%20b%22%3Cx%3E%7By%7D%60"


def test_international_host_becomes_punycode() -> None:
    (link,) = normalise_link("https://bücher.example/x", None)
    assert link.url == "https://xn--bcher-kva.example/x"
