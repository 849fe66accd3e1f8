"""Read the digest generator's own JSON records (the format of ``corpus/expected``).

Users of the generator keep these files too, and they hold the papers the
markdown filtered out. Each record becomes an entry exactly as its markdown row
would, so both inputs give the same graph for the papers they share.
"""

from __future__ import annotations

import json
from typing import Any

from kg.read.entries import Warn, make_entry, parse_classification, split_authors
from kg.read.markdown import day_from_name, valid_day
from kg.records import Digest, Source


def read_json(text: str, source: Source, warn: Warn) -> list[Digest]:
    """Parse a JSON list of generator records into day digests (grouped by date)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        warn(exc.lineno, f"not valid JSON ({exc.msg}, column {exc.colno}); file skipped")
        return []
    if isinstance(data, dict):
        data = data.get("papers", data.get("records", [data]))
    if not isinstance(data, list):
        warn(None, "JSON input is not a list of paper records; file skipped")
        return []
    fallback = day_from_name(source.name)
    digests: dict[str, Digest] = {}
    if not data and fallback is not None:  # the generator's record of a day with no papers
        digests[fallback] = Digest(fallback, source, 1)
    for number, record in enumerate(data, start=1):
        where = f"record {number}"
        if not isinstance(record, dict):
            warn(None, f"{where} is not an object; record skipped")
            continue
        day = _text(record.get("date"))[:10]
        if not valid_day(day):
            if fallback is None:
                warn(None, f"{where} has no valid date and the file name has none; skipped")
                continue
            day = fallback
        digest = digests.setdefault(day, Digest(day, source, number))

        def record_warn(_line: int | None, message: str, where: str = where) -> None:
            warn(None, f"{where}: {message}")

        entry = make_entry(
            day=day, position=len(digest.entries) + 1, line=number,
            title=_text(record.get("title")), link=_text(record.get("link")) or None,
            authors=split_authors(_text(record.get("authors"))),
            summary=_text(record.get("summary")),
            tasks=_tasks(record.get("classification"), record_warn),
            code_urls=_code_urls(record, record_warn),
            hf_urls=_urls(record.get("huggingface_urls")),
            warn=record_warn,
        )
        if entry is not None:
            digest.entries.append(entry)
    return [digests[day] for day in sorted(digests)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _urls(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v is not None] if isinstance(value, list) else []


def _tasks(value: Any, warn: Warn) -> tuple[str, ...]:
    if isinstance(value, list):
        return parse_classification(repr([str(v) for v in value]), None, warn)
    return parse_classification(_text(value), None, warn)


def _code_urls(record: dict[str, Any], warn: Warn) -> list[str]:
    """``github_urls`` plus the record's ``github_repo`` where the list lacks it.

    The generator fills ``github_repo`` from the paper page and ``github_urls`` from
    the abstract; where they disagree both are kept (either may be the typo) and
    the disagreement is reported.
    """
    urls = _urls(record.get("github_urls"))
    repo = _text(record.get("github_repo")).strip()
    if repo and repo.upper() != "N/A":
        folded = {url.strip().rstrip("/").casefold() for url in urls}
        if repo.rstrip("/").casefold() not in folded:
            if urls:
                warn(None, f"github_repo {repo!r} is not among github_urls; both kept")
            urls.append(repo)
    return urls
