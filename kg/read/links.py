"""Normalise the link targets found in digests.

Digest link cells are scraped and unescaped: targets come without a scheme, with
``http://``, ``.git``, ``/tree/...`` paths, trailing slashes, ``hf.co`` short
hosts, placeholders such as ``null``, or point somewhere else entirely. This
module turns one raw target into zero or more :class:`~kg.records.Link` values,
or raises :class:`LinkError` with the reason it was dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from kg.records import Link, LinkKind

GITHUB = "github"
HUGGINGFACE = "huggingface"

_PLACEHOLDERS = frozenset({"", "null", "none", "string", "n/a", "na", "undefined", "nan", "#", "-"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOSTLIKE = re.compile(r"^[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}(:\d+)?(/|\?|#|$)")
_LINE_BREAKS = re.compile(r"[\r\n]+")
MAX_BRACE_LINKS = 64
"""Most links one target's ``{a,b}`` groups expand to; 18 groups would make 262,144."""
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

_GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
_HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
# First path segments on github.com that are site pages, not users.
_GITHUB_RESERVED = frozenset(
    {"about", "collections", "explore", "features", "marketplace", "orgs", "settings",
     "sponsors", "topics", "trending", "login", "search", "pricing", "enterprise"}
)
_HF_ITEM_KINDS = {"datasets": LinkKind.DATASET, "spaces": LinkKind.SPACE,
                  "collections": LinkKind.COLLECTION}
# First path segments on huggingface.co that are site pages, not owners.
_HF_PAGES = frozenset(
    {"docs", "blog", "papers", "learn", "tasks", "models", "pricing", "join", "login",
     "settings", "api", "posts", "chat", "enterprise", "organizations", "new", "search"}
)
# Characters kept as they are in a URL path or query; everything else is %-encoded,
# so the URL is a valid RFC 3987 IRI whatever the input held.
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
_SAFE_QUERY = _SAFE_PATH + "?"


_PLATFORM_HOMES = {GITHUB: "https://github.com/", HUGGINGFACE: "https://huggingface.co/"}


def owner_url(link: Link) -> str:
    """The page of the account that owns a platform item or is the account."""
    assert link.platform is not None and link.owner is not None
    return _PLATFORM_HOMES[link.platform] + link.owner


class LinkError(ValueError):
    """A link target that cannot be used; the message says why."""


def normalise_link(raw: str, platform_hint: str | None = None,
                   notice: Callable[[str], None] | None = None) -> list[Link]:
    """Return the normalised links a raw digest link target stands for.

    ``platform_hint`` names the column the target came from (``"github"`` or
    ``"huggingface"``), used only for bare ``owner/name`` targets with no host.
    Brace lists such as ``mamba-{130m,1.4b}`` expand to one link each, at most
    :data:`MAX_BRACE_LINKS`; ``notice`` is told about the rest.
    """
    target = _join_lines(raw).strip().strip("<>").strip()
    if target.lower() in _PLACEHOLDERS:
        raise LinkError(f"placeholder link target {raw.strip()!r}")
    expanded, complete = expand_braces(target, MAX_BRACE_LINKS)
    if not complete and notice is not None:
        notice(f"link target {target[:80]!r} expands to more than {MAX_BRACE_LINKS} "
               f"links; only the first {MAX_BRACE_LINKS} are kept")
    return list(dict.fromkeys(_normalise_one(option, platform_hint) for option in expanded))


def expand_braces(target: str, limit: int) -> tuple[list[str], bool]:
    """Expand ``{a,b}`` groups left to right into at most ``limit`` strings.

    Returns the strings and whether the expansion was complete.  A group is a ``{...}``
    holding a comma and no other brace, found by a scan that looks at each character a
    bounded number of times (the old regex backtracked quadratically on ``{,,,,``).
    Options are stripped of spaces; groups of more than 32 options stay literal text.
    """
    results = [target]
    complete = True
    position = 0
    while (group := _next_group(target, position)) is not None:
        start, end = group
        options = [o.strip() for o in target[start + 1: end - 1].split(",")]
        position = end
        if len(options) > 32:
            continue
        grown: list[str] = []
        for result in results:
            offset = len(result) - (len(target) - start)
            head, tail = result[:offset], result[offset + end - start:]
            for option in options:
                if len(grown) >= limit:
                    complete = False
                    break
                grown.append(head + option + tail)
        results = grown
    return results, complete


def _next_group(text: str, position: int) -> tuple[int, int] | None:
    """Start and end of the next ``{...,...}`` group at or after ``position``."""
    while (start := text.find("{", position)) >= 0:
        close = text.find("}", start + 1)
        reopen = text.find("{", start + 1)
        if close < 0:
            return None
        if 0 <= reopen < close:
            position = reopen
            continue
        if "," in text[start + 1: close]:
            return start, close + 1
        position = close + 1
    return None


def _join_lines(raw: str) -> str:
    """Drop line breaks and the spaces around them (a wrapped URL is one target)."""
    if "\n" not in raw and "\r" not in raw:
        return raw
    return "".join(piece.strip() for piece in _LINE_BREAKS.split(raw))


def _normalise_one(target: str, platform_hint: str | None) -> Link:
    scheme = _SCHEME.match(target)
    if target.startswith("//"):
        target = "https:" + target
    elif scheme is None or _HOSTLIKE.match(target):
        if _HOSTLIKE.match(target):
            target = "https://" + target
        elif platform_hint and re.fullmatch(r"[\w.-]+/[\w.-]+/?", target):
            host = "github.com" if platform_hint == GITHUB else "huggingface.co"
            target = f"https://{host}/{target}"
        else:
            raise LinkError(f"link target {target!r} is not a URL")
    elif scheme.group(1).lower() not in ("http", "https"):
        raise LinkError(f"link target {target!r} has unsupported scheme {scheme.group(1)!r}")
    try:
        parts = urlsplit(target)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError as exc:
        raise LinkError(f"link target {target!r} is not a valid URL ({exc})") from None
    if not host:
        raise LinkError(f"link target {target!r} has no host")
    host = _ascii_host(host, target)
    segments = [s for s in parts.path.split("/") if s]
    if host in _GITHUB_HOSTS:
        return _github(segments, target)
    if host in _HF_HOSTS:
        return _huggingface(segments, target, parts.query)
    scheme_name = "https" if host.endswith(".github.io") else parts.scheme.lower()
    netloc = host if port is None else f"{host}:{port}"
    path = _quote(parts.path, _SAFE_PATH)
    if len(path) > 1:
        path = path.rstrip("/")
    query = _quote(parts.query, _SAFE_QUERY)
    url = f"{scheme_name}://{netloc}{path or '/'}" + (f"?{query}" if query else "")
    return Link(LinkKind.PAGE, url)


def _ascii_host(host: str, target: str) -> str:
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise LinkError(f"link target {target!r} has an invalid host name") from None
    if not re.fullmatch(r"[a-z0-9.-]+", ascii_host):
        raise LinkError(f"link target {target!r} has an invalid host name")
    return ascii_host


def _clean(segment: str) -> str:
    return _quote(segment, "-._~%")


def _quote(text: str, safe: str) -> str:
    """%-encode what an IRI cannot hold, including a '%' that starts no escape."""
    return quote(_BAD_PERCENT.sub("%25", text), safe=safe)


def _github(segments: list[str], target: str) -> Link:
    if not segments:
        raise LinkError(f"link target {target!r} names no GitHub repository or account")
    if segments[0].lower() in _GITHUB_RESERVED:
        if segments[0].lower() == "orgs" and len(segments) > 1:
            segments = segments[1:2]
        else:
            return Link(LinkKind.PAGE, "https://github.com/" + "/".join(map(_clean, segments)))
    owner = _clean(segments[0])
    if len(segments) == 1:
        return Link(LinkKind.ACCOUNT, f"https://github.com/{owner}", GITHUB, owner)
    name = _clean(segments[1].removesuffix(".git"))
    if not name:
        return Link(LinkKind.ACCOUNT, f"https://github.com/{owner}", GITHUB, owner)
    return Link(LinkKind.REPOSITORY, f"https://github.com/{owner}/{name}", GITHUB, owner, name)


def _huggingface(segments: list[str], target: str, query: str) -> Link:
    if not segments:
        raise LinkError(f"link target {target!r} names no Hugging Face item or account")
    head = segments[0]
    if head in _HF_ITEM_KINDS:
        kind = _HF_ITEM_KINDS[head]
        rest = segments[1:3]
        if not rest:
            return Link(LinkKind.PAGE, f"https://huggingface.co/{head}")
        if len(rest) == 1:  # canonical datasets such as "squad" have no owner
            name = _clean(rest[0])
            return Link(kind, f"https://huggingface.co/{head}/{name}", HUGGINGFACE, None, name)
        owner, name = _clean(rest[0]), _clean(rest[1])
        url = f"https://huggingface.co/{head}/{owner}/{name}"
        return Link(kind, url, HUGGINGFACE, owner, name)
    if head in _HF_PAGES:
        path = "/".join(map(_clean, segments))
        suffix = f"?{_quote(query, _SAFE_QUERY)}" if query and head == "models" else ""
        return Link(LinkKind.PAGE, f"https://huggingface.co/{path}{suffix}")
    owner = _clean(head)
    if len(segments) == 1:
        return Link(LinkKind.ACCOUNT, f"https://huggingface.co/{owner}", HUGGINGFACE, owner)
    name = _clean(segments[1])
    return Link(LinkKind.MODEL, f"https://huggingface.co/{owner}/{name}", HUGGINGFACE, owner, name)
