"""Hostile digests and JSON records, round two: linear-time parsing, bounded brace
expansion, size cuts, and no silent drops (issue 15's reproductions)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.read.links import MAX_BRACE_LINKS, expand_braces, normalise_link
from kg.read.markdown import MAX_CELL, heading_text, is_separator
from kg.read.parse import ParseResult, parse_documents
from kg.read.sources import Document

HEADER = ("## Papers for 2025-02-28\n\n| Title | Authors | Summary | Classification | "
          "GitHub URLs | HuggingFace URLs |\n|---|---|---|---|---|---|\n")
PAPER = "[NeoBERT: A Next-Generation BERT](https://arxiv.org/abs/2502.19587)"


def row(title: str = PAPER, code: str = "N/A", summary: str = "An encoder.") -> str:
    return f"| {title} | Lola Le Breton | {summary} | ['NLP'] | {code} | N/A |\n"


def parse(text: str, name: str = "papers-2025-02-28.md") -> ParseResult:
    return parse_documents([Document(name, text.encode("utf-8"))])


def messages(result: ParseResult) -> list[str]:
    return [str(d) for d in result.diagnostics]


# ---------------------------------------------------------------- linear parsing

ADVERSARIAL = {
    # Python expressions of the size n.  The first five took the old regexes quadratic
    # time (20 KB: 1.5-6 s each, so 1 MB: hours); the rest probe the new scanners.
    "heading spaces": '"## a" + " " * n + "b"',
    "separator spaces": '"| T |\\n|---" + " " * n + "x"',
    "title spaces": 'HEADER + "| a" + " " * n + "x | a | s | [] | N/A | N/A |"',
    "read-more title": 'HEADER + "| T" + " " * n + "x (Read more | a | s | [] | N/A | N/A |"',
    "brace commas": 'HEADER + "| T | a | s | [] | [L](https://github.com/a/{" + "," * n + ") |"',
    "brace opens": 'HEADER + "| T | a | s | [] | [L](https://github.com/" + "{," * (n // 2) + ")"',
    "read-more runs": 'HEADER + "| T " + "( Read more on " * (n // 15) + " | a | s | [] |"',
    "link brackets": 'HEADER + "| T | a | s | [] | " + "[" * n + " | N/A |"',
    "link starts": 'HEADER + "| T | a | s | [] | " + "[a](" * (n // 4) + " | N/A |"',
    "pipes": 'HEADER + "| T | a | s" + "|" * n + " | [] | N/A | N/A |"',
}


def test_adversarial_megabyte_lines_parse_in_linear_time() -> None:
    """10 KB, 100 KB and 1 MB of each pattern, in a subprocess under a generous timeout.

    The timeout is a hang guard, not a measurement: the old code needed hours for 1 MB
    of most of these; linear code needs well under a second each.
    """
    cases = "".join(f"    {name!r}: lambda n: {expression},\n"
                    for name, expression in ADVERSARIAL.items())
    script = (
        "from kg.read.parse import parse_documents\n"
        "from kg.read.sources import Document\n"
        f"HEADER = {HEADER!r}\n"
        f"CASES = {{\n{cases}}}\n"
        "for name, make in CASES.items():\n"
        "    for size in (10_000, 100_000, 1_000_000):\n"
        "        text = make(size)\n"
        "        assert len(text) >= size * 0.9, name\n"
        "        parse_documents([Document('papers-2025-02-28.md', text.encode())])\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_scanners_match_the_grammar_they_replace() -> None:
    assert heading_text("## Papers for 2025-02-28  ") == "Papers for 2025-02-28"
    assert heading_text("   # x") == "x" and heading_text("#") == ""
    assert heading_text("    # code") is None and heading_text("#x") is None
    assert heading_text("####### seven") is None
    assert is_separator("|---|:--:| ---: |") and is_separator("---")
    assert not is_separator("| a |") and not is_separator("|---|x|")


# ------------------------------------------------------------------ brace groups


def test_brace_groups_stop_at_64_links_with_a_warning() -> None:
    cell = "https://huggingface.co/m/x" + "{a,b}" * 18  # 262,144 links before
    result = parse(HEADER + row(code=f"[Link]({cell})"))
    (entry,) = result.digests[0].entries
    assert len(entry.links) == MAX_BRACE_LINKS
    assert any(f"more than {MAX_BRACE_LINKS} links; only the first" in m
               and "papers-2025-02-28.md:5" in m for m in messages(result))


def test_small_brace_groups_still_expand_fully() -> None:
    links = normalise_link("https://huggingface.co/state-spaces/mamba-{130m, 1.4b}{-hf,}")
    assert [link.url for link in links] == [
        "https://huggingface.co/state-spaces/mamba-130m-hf",
        "https://huggingface.co/state-spaces/mamba-130m",
        "https://huggingface.co/state-spaces/mamba-1.4b-hf",
        "https://huggingface.co/state-spaces/mamba-1.4b",
    ]
    assert expand_braces("a{b}c{d,e", 64) == (["a{b}c{d,e"], True)
    assert expand_braces("{{a,b}", 64) == (["{a", "{b"], True)


# -------------------------------------------------------------------- size cuts


def test_a_huge_summary_cell_is_cut_with_a_warning() -> None:
    result = parse(HEADER + row(summary="word " * 40_000))
    (entry,) = result.digests[0].entries
    assert len(entry.summary) <= MAX_CELL
    assert any("summary cell of 200,00" in m and "over the limit" in m
               and ":5:" in m for m in messages(result))


# ------------------------------------------------------------------------ JSON


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {"title": "NeoBERT", "date": "2025-02-28",
                               "link": "https://arxiv.org/abs/2502.19587"}
    base.update(fields)
    return base


def parse_json(data: object | str, name: str = "papers.json") -> ParseResult:
    text = data if isinstance(data, str) else json.dumps(data)
    return parse_documents([Document(name, text.encode("utf-8", "surrogatepass"))])


@pytest.mark.parametrize("value", [{"url": "https://github.com/a/b"}, 7, True])
def test_github_urls_that_are_not_a_list_are_warned_about(value: object) -> None:
    result = parse_json([record(github_urls=value)])
    (entry,) = result.digests[0].entries
    assert entry.links == ()
    assert any("papers.json" in m and "record 1: github_urls is a" in m
               for m in messages(result))


def test_papers_and_records_in_one_object_are_both_read() -> None:
    other = record(title="R2-T2", link="https://arxiv.org/abs/2502.20395")
    result = parse_json({"papers": [record()], "records": [other]})
    assert sorted(e.arxiv_id for d in result.digests for e in d.entries) == [
        "2502.19587", "2502.20395"]


def test_json_nested_100000_deep_is_a_warning() -> None:
    result = parse_json("[" * 100_000 + "]" * 100_000)
    assert result.digests == []
    assert any("nested too deeply" in m for m in messages(result))


def test_a_5000_digit_integer_is_kept_as_text() -> None:
    result = parse_json("[" + json.dumps(record())[:-1] + ', "summary": ' + "7" * 5000 + "}]")
    (entry,) = result.digests[0].entries
    assert entry.summary == "7" * 5000


def test_a_lone_surrogate_in_json_is_replaced_with_a_warning() -> None:
    result = parse_json('[{"title": "Neo\\ud800BERT", "date": "2025-02-28", '
                        '"link": "https://arxiv.org/abs/2502.19587"}]')
    (entry,) = result.digests[0].entries
    assert entry.title == "Neo\ufffdBERT"
    assert any("lone surrogate" in m for m in messages(result))


ARABIC_INDIC = "".join(chr(0x0660 + int(d)) if d.isdigit() else d for d in "2502.19587")
FULL_WIDTH = "".join(chr(0xFF10 + int(d)) if d.isdigit() else d for d in "2502.19587")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, FULL_WIDTH, "2502." + ARABIC_INDIC[5:]])
def test_arxiv_ids_in_non_ascii_digits_are_not_papers(digits: str) -> None:
    result = parse(HEADER + row(title=f"[NeoBERT](https://arxiv.org/abs/{digits})"))
    (entry,) = result.digests[0].entries
    assert entry.arxiv_id is None  # identified by title, never as a look-alike ID
    assert any("no arXiv ID" in m for m in messages(result))
