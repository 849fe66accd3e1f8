"""The digest reader on the layouts and the mess real digests contain."""

from __future__ import annotations

from kg.read.parse import ParseResult, parse_documents
from kg.read.sources import Document

HEADER = (
    "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
    "|-------|---------|---------|----------------|-------------|-----------------|\n"
)


def parse(text: str | bytes, name: str = "papers-2025-02-28.md") -> ParseResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_documents([Document(name, data)])


def row(
    title: str = "[NeoBERT: A Next-Generation BERT](https://arxiv.org/abs/2502.19587)",
    authors: str = "Lola Le Breton, Quentin Fournier",
    summary: str = "An encoder.",
    tasks: str = "['Natural Language Processing']",
    code: str = "N/A",
    hf: str = "N/A",
) -> str:
    return f"| {title} | {authors} | {summary} | {tasks} | {code} | {hf} |\n"


def test_six_column_row() -> None:
    result = parse(
        "\n\n## Papers for 2025-02-28\n\n"
        + HEADER
        + row(
            code="[Link](https://github.com/chandar-lab/NeoBERT)",
            hf="[Link](https://huggingface.co/chandar-lab/NeoBERT), [Link](null)",
        )
    )
    (digest,) = result.digests
    (entry,) = digest.entries
    assert digest.day == "2025-02-28"
    assert entry.arxiv_id == "2502.19587"
    assert entry.title == "NeoBERT: A Next-Generation BERT"
    assert entry.authors == ("Lola Le Breton", "Quentin Fournier")
    assert entry.tasks == ("Natural Language Processing",)
    assert entry.hf_urls == ("https://huggingface.co/chandar-lab/NeoBERT", "null")
    assert [link.url for link in entry.links] == [
        "https://github.com/chandar-lab/NeoBERT",
        "https://huggingface.co/chandar-lab/NeoBERT",
    ]
    (warning,) = result.diagnostics
    assert str(warning).startswith("papers-2025-02-28.md:7: warning: placeholder link target")


def test_wrapped_row_is_joined_and_title_whitespace_normalised() -> None:
    wrapped = (
        "| [LongRoPE2: Near-Lossless LLM Context Window\n  Scaling]"
        "(https://arxiv.org/abs/2502.20082) | Ning Shang | Extends context. | "
        "['Text Generation'] | [Link](https://github.com/microsoft/\nLongRoPE) | N/A |\n"
    )
    result = parse("## Papers for 2025-02-28\n\n" + HEADER + wrapped + row())
    first, second = result.digests[0].entries
    assert first.title == "LongRoPE2: Near-Lossless LLM Context Window Scaling"
    assert first.code_urls == ("https://github.com/microsoft/LongRoPE",)
    assert (first.line, second.line) == (5, 8)  # the first row spans lines 5-7
    assert not result.diagnostics


def test_pipes_inside_the_summary_stay_in_the_summary() -> None:
    result = parse(
        "## Papers for 2025-02-28\n\n"
        + HEADER
        + row(
            summary="Models p(y | x) and p(x | y) | jointly.",
            code="[Link](https://github.com/chandar-lab/NeoBERT)",
        )
    )
    (entry,) = result.digests[0].entries
    assert entry.summary == "Models p(y | x) and p(x | y) | jointly."
    assert entry.code_urls == ("https://github.com/chandar-lab/NeoBERT",)


def test_brackets_and_latex_in_titles() -> None:
    title = "[$\\mathcal{O}(n)$ Attention [Revisited]: a (short) note](https://arxiv.org/abs/2501.00001v3)"
    result = parse("## Papers for 2025-02-28\n\n" + HEADER + row(title=title))
    (entry,) = result.digests[0].entries
    assert entry.title == "$\\mathcal{O}(n)$ Attention [Revisited]: a (short) note"
    assert entry.arxiv_id == "2501.00001"


def test_old_style_arxiv_ids() -> None:
    result = parse(
        "## Papers for 2025-02-28\n\n"
        + HEADER
        + row(title="[Strings](http://arxiv.org/abs/hep-th/9901001v2)")
    )
    assert result.digests[0].entries[0].arxiv_id == "hep-th/9901001"


def test_several_days_in_one_file() -> None:
    text = (
        "# Digest archive\n\n## Papers for 2025-02-27\n\n"
        + HEADER
        + row()
        + "\n## Papers for 2025-02-28\n\n"
        + HEADER
        + row(title="[UniTok](https://arxiv.org/abs/2502.20321)")
    )
    result = parse(text, "README.md")
    assert [(d.day, len(d.entries)) for d in result.digests] == [
        ("2025-02-27", 1),
        ("2025-02-28", 1),
    ]


def test_file_name_gives_the_day_when_there_is_no_heading() -> None:
    result = parse(HEADER + row(), "papers-2024-10-01.md")
    assert result.digests[0].day == "2024-10-01"


def test_legacy_three_column_layout() -> None:
    text = (
        "## Papers for 2024-09-26\n\n| Title | Authors | Summary |\n|---|---|---|\n"
        "| Molmo and PixMo: Open Weights and Open Data for State-of-the-Art Multimodal Models"
        " (Read more on [arXiv](https://arxiv.org/abs/2409.17146) or "
        "[HuggingFace](https://huggingface.co/papers/2409.17146))|  | A model family. |\n"
    )
    result = parse(text)
    (entry,) = result.digests[0].entries
    assert entry.title.startswith("Molmo and PixMo")
    assert entry.arxiv_id == "2409.17146"
    assert entry.authors == ()
    assert not result.diagnostics


def test_legacy_four_column_layout() -> None:
    text = (
        "## Papers for 2024-09-06\n\n| Title | Authors | Summary | Link |\n"
        "|-------|---------|---------|------|\n"
        "| Attention Heads of Large Language Models: A Survey | Yezhaohui Wang, jimi888 | "
        "A survey. | [Read more](https://arxiv.org/abs/2409.03752) |\n"
    )
    (entry,) = parse(text).digests[0].entries
    assert (entry.title, entry.arxiv_id) == (
        "Attention Heads of Large Language Models: A Survey",
        "2409.03752",
    )
    assert entry.authors == ("Yezhaohui Wang", "jimi888")


def test_unknown_column_is_reported_once_and_ignored() -> None:
    text = (
        "## Papers for 2025-02-28\n\n| Title | Authors | Stars | Summary |\n|--|--|--|--|\n"
        "| [A](https://arxiv.org/abs/2502.00001) | X | 12 | S |\n"
        "| [B](https://arxiv.org/abs/2502.00002) | Y | 7 | T |\n"
    )
    result = parse(text)
    assert len(result.digests[0].entries) == 2
    assert [str(d) for d in result.diagnostics] == [
        "papers-2025-02-28.md:3: warning: unknown column 'Stars' ignored"
    ]


def test_rows_without_header_are_each_reported() -> None:
    result = parse("## Papers for 2025-02-28\n\n" + row() + row())
    assert [d.line for d in result.diagnostics] == [3, 4]
    assert all("without a header" in d.message for d in result.diagnostics)
    assert result.rows == 0


def test_short_row_is_kept_with_a_warning() -> None:
    result = parse(
        "## Papers for 2025-02-28\n\n"
        + HEADER
        + "| [A](https://arxiv.org/abs/2502.00001) | Jane Doe |\n"
    )
    (entry,) = result.digests[0].entries
    assert entry.authors == ("Jane Doe",)
    assert "fewer cells" in result.diagnostics[0].message


def test_classification_that_is_not_a_literal_falls_back_with_warning() -> None:
    result = parse(
        "## Papers for 2025-02-28\n\n"
        + HEADER
        + row(tasks="['Question Answering', 'Text Generation'")
    )
    assert result.digests[0].entries[0].tasks == ("Question Answering", "Text Generation")
    assert "not a list of strings" in result.diagnostics[0].message


def test_classification_is_never_evaluated() -> None:
    result = parse(
        "## Papers for 2025-02-28\n\n"
        + HEADER
        + row(tasks="[__import__('os').system('echo pwned')]")
    )
    assert "not a list of strings" in result.diagnostics[0].message


def test_repeated_paper_in_one_day_is_reported() -> None:
    result = parse("## Papers for 2025-02-28\n\n" + HEADER + row() + row())
    assert len(result.digests[0].entries) == 1
    assert "already listed" in result.diagnostics[0].message
    assert result.diagnostics[0].line == 6


def test_crlf_cr_and_bom() -> None:
    text = "## Papers for 2025-02-28\n\n" + HEADER + row()
    for data in (
        b"\xef\xbb\xbf" + text.encode(),
        text.replace("\n", "\r\n").encode(),
        text.replace("\n", "\r").encode(),
    ):
        result = parse(data)
        assert result.rows == 1, data[:20]
        assert not result.diagnostics


def test_latin1_bytes_are_read_with_a_warning() -> None:
    data = ("## Papers for 2025-02-28\n\n" + HEADER + row(authors="Jos\u00e9 Garc\u00eda")).encode(
        "latin-1"
    )
    result = parse(data)
    assert result.digests[0].entries[0].authors == ("Jos\u00e9 Garc\u00eda",)
    assert "not valid UTF-8" in result.diagnostics[0].message


def test_binary_file_is_skipped_with_a_warning() -> None:
    result = parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.md")
    assert result.rows == 0
    assert "binary" in result.diagnostics[0].message


def test_invalid_heading_date_is_reported() -> None:
    result = parse("## Papers for 2025-02-30\n\n" + HEADER + row(), "digest.md")
    assert "not a valid" in result.diagnostics[0].message
    assert result.rows == 0
    assert result.diagnostics[1].line == 5
