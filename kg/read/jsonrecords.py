"""Read the digest generator's own JSON records (the format of ``corpus/expected``).

Users of the generator keep these files too, and they hold the papers the
markdown filtered out. Each record becomes an entry exactly as its markdown row
would, so both inputs give the same graph for the papers they share.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kg.read.entries import Warn, make_entry, parse_classification, split_authors
from kg.read.markdown import MAX_CELL, day_from_name, valid_day
from kg.records import Digest, Source

_MAX_INT_DIGITS = 100  # longer integers stay text: int() refuses 4,300+ digits
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json(text: str, source: Source, warn: Warn) -> list[Digest]:
    """Parse a JSON list of generator records into day digests (grouped by date).

    Also accepted: an object with a ``papers`` and/or ``records`` list (both are read),
    or a single record object.
    """
    try:
        data = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        warn(exc.lineno, f"not valid JSON ({exc.msg}, column {exc.colno}); file skipped")
        return []
    except RecursionError:
        warn(None, "JSON nested too deeply to read; file skipped")
        return []
    if isinstance(data, dict):
        lists = [data[key] for key in ("papers", "records") if key in data]
        if not lists:
            data = [data]
        elif all(isinstance(value, list) for value in lists):
            data = [record for value in lists for record in value]
        else:
            data = lists[0] if len(lists) == 1 else None
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

        def record_warn(_line: int | None, message: str, where: str = where) -> None:
            warn(None, f"{where}: {message}")

        fields = _Fields(record, record_warn)
        day = fields.text("date")[:10]
        if not valid_day(day):
            if fallback is None:
                warn(None, f"{where} has no valid date and the file name has none; skipped")
                continue
            day = fallback
        digest = digests.setdefault(day, Digest(day, source, number))
        entry = make_entry(
            day=day, position=len(digest.entries) + 1, line=number,
            title=fields.text("title"), link=fields.text("link") or None,
            authors=split_authors(fields.text("authors")),
            summary=fields.text("summary"),
            tasks=_tasks(fields.value("classification"), fields, record_warn),
            code_urls=_code_urls(fields, record_warn),
            hf_urls=fields.urls("huggingface_urls"),
            warn=record_warn,
        )
        if entry is not None:
            digest.entries.append(entry)
    return [digests[day] for day in sorted(digests)]


def _integer(digits: str) -> int | str:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else digits


class _Fields:
    """The fields of one record as text, warning about what cannot be read as given."""

    def __init__(self, record: dict[str, Any], warn: Warn) -> None:
        self.record = record
        self.warn = warn

    def value(self, name: str) -> Any:
        return self.record.get(name)

    def text(self, name: str) -> str:
        return self.clean(_text(self.record.get(name)), name)

    def urls(self, name: str) -> list[str]:
        value = self.record.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            return [self.clean(value, name)]
        if isinstance(value, list):
            kept = [self.clean(_text(v), name) for v in value
                    if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
            if len(kept) < sum(v is not None for v in value):
                self.warn(None, f"{name} holds entries that are not link strings; "
                                "those entries are ignored")
            return kept
        self.warn(None, f"{name} is a {type(value).__name__}, not a list of links; "
                        "its links are ignored")
        return []

    def clean(self, text: str, name: str) -> str:
        if _SURROGATE.search(text):
            self.warn(None, f"{name} holds an invalid character (a lone surrogate); "
                            "replaced by U+FFFD")
            text = _SURROGATE.sub("\ufffd", text)
        if len(text) > MAX_CELL:
            self.warn(None, f"{name} of {len(text):,} characters is over the limit of "
                            f"{MAX_CELL:,}; cut to the limit")
            text = text[:MAX_CELL]
        return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _tasks(value: Any, fields: _Fields, warn: Warn) -> tuple[str, ...]:
    if isinstance(value, list):
        labels = [fields.clean(str(v), "classification") for v in value]
        return parse_classification(repr(labels), None, warn)
    return parse_classification(fields.text("classification"), None, warn)


def _code_urls(fields: _Fields, warn: Warn) -> list[str]:
    """``github_urls`` plus the record's ``github_repo`` where the list lacks it.

    The generator fills ``github_repo`` from the paper page and ``github_urls`` from
    the abstract; where they disagree both are kept (either may be the typo) and
    the disagreement is reported.
    """
    urls = fields.urls("github_urls")
    repo = fields.text("github_repo").strip()
    if repo and repo.upper() != "N/A":
        folded = {url.strip().rstrip("/").casefold() for url in urls}
        if repo.rstrip("/").casefold() not in folded:
            if urls:
                warn(None, f"github_repo {repo!r} is not among github_urls; both kept")
            urls.append(repo)
    return urls
