"""What :func:`kg.web.respond` answers: status, media type, body and extra headers."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Pages run no inline script and load nothing from other origins.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class WebResponse:
    """One HTTP answer; the server adds Content-Length and its own common headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def html(body: str, status: int = 200) -> WebResponse:
    return WebResponse(status, "text/html; charset=utf-8", body.encode("utf-8"),
                       dict(SECURITY_HEADERS))


def redirect(location: str) -> WebResponse:
    """303 See Other: the IRI names a thing; the answer points at a document about it."""
    return WebResponse(303, "text/plain; charset=utf-8",
                       f"See {location}\n".encode(), {"Location": location, "Vary": "Accept"})


def text(message: str, status: int) -> WebResponse:
    return WebResponse(status, "text/plain; charset=utf-8",
                       (message.rstrip("\n") + "\n").encode("utf-8"))
