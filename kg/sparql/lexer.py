"""A SPARQL 1.1 tokenizer for the static checks on untrusted queries.

The checks (refusing ``SERVICE``, telling updates from queries, finding undeclared
prefixes, bounding nesting) must see the query the way the parser does: a ``#`` inside
``ex:a\\#b`` (a prefixed name with a ``PN_LOCAL_ESC`` escape) is not a comment, a ``'``
in ``ex:a\\'b`` does not open a string, and ``\\u0053ERVICE`` *is* the keyword, because
SPARQL (and Oxigraph) replace ``\\u``/``\\U`` code-point escapes before parsing.  Regexes
over the raw text got each of these wrong, so this is a single left-to-right scanner
following the grammar's terminals (SPARQL 1.1 Query, section 19.8), linear in the text.

Only the distinctions the checks need are made: IRIs, strings, comments, variables,
blank-node labels, prefixed names, bare words (keywords, function names), numbers and
single punctuation characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

IRI = "iri"
STRING = "string"
COMMENT = "comment"
VAR = "var"
BNODE = "bnode"
PNAME = "pname"
WORD = "word"
NUMBER = "number"
PUNCT = "punct"

_IRI_EXCLUDED = frozenset('<>"{}|^`\\')
_LOCAL_ESCAPES = frozenset("_~.-!$&'()*+,;=/?#@%")
_HEX = frozenset("0123456789abcdefABCDEF")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
OPENERS = frozenset("({[")
CLOSERS = frozenset(")}]")


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal: its kind, its text and where it starts in the (unescaped) text."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def unescape_codepoints(text: str) -> str:
    r"""Replace ``\uXXXX``/``\UXXXXXXXX`` as the SPARQL grammar does before tokenizing.

    An escape that names no valid code point (a surrogate, or above U+10FFFF) is left as
    it is; the parser rejects the query then.
    """

    def replace(match: re.Match[str]) -> str:
        value = int(match.group(1) or match.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return match.group(0)
        return chr(value)

    return _CODEPOINT.sub(replace, text) if "\\" in text else text


def tokens(text: str) -> Iterator[Token]:
    """The terminals of ``text`` in order (whitespace dropped, comments kept).

    ``text`` should already have gone through :func:`unescape_codepoints`.  Malformed
    input never raises: an unterminated string or IRI-like run is cut where the grammar
    would stop, and any other character becomes a one-character ``punct`` token.
    """
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c == "#":
            j = _line_end(text, i)
            yield Token(COMMENT, text[i:j], i)
        elif c == "<" and (j := _iri_end(text, i)) > 0:
            yield Token(IRI, text[i:j], i)
        elif c in "\"'":
            j = _string_end(text, i)
            yield Token(STRING, text[i:j], i)
        elif c in "?$" and i + 1 < n and _name_char(text[i + 1]):
            j = _scan_name(text, i + 1)
            yield Token(VAR, text[i:j], i)
        elif c == "_" and text.startswith("_:", i):
            j = _scan_dotted(text, i + 2)
            yield Token(BNODE, text[i:j], i)
        elif c == ":" or _prefix_start(c):
            j, kind = _scan_pname_or_word(text, i)
            yield Token(kind, text[i:j], i)
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            j = _scan_number(text, i)
            yield Token(NUMBER, text[i:j], i)
        else:
            j = i + 1
            yield Token(PUNCT, c, i)
        i = j


def _line_end(text: str, i: int) -> int:
    ends = [p for p in (text.find("\n", i), text.find("\r", i)) if p >= 0]
    return min(ends) if ends else len(text)


def _iri_end(text: str, i: int) -> int:
    """End of an ``IRIREF`` starting at ``i`` (``<`` ... ``>``), or 0 if there is none.

    Without one, ``<`` is the less-than operator (the grammar's longest-match rule).
    """
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == ">":
            return j + 1
        if c in _IRI_EXCLUDED or ord(c) <= 0x20:
            return 0
        j += 1
    return 0


def _string_end(text: str, i: int) -> int:
    """End of a string literal (short or long form, with escapes); unterminated -> end."""
    quote = text[i]
    n = len(text)
    long_form = text.startswith(quote * 3, i)
    j = i + (3 if long_form else 1)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if long_form:
            if text.startswith(quote * 3, j):
                return j + 3
        elif c == quote:
            return j + 1
        elif c in "\n\r":
            return j  # a short string cannot span lines; the parser rejects it
        j += 1
    return n


def _name_char(c: str) -> bool:
    return c.isalnum() or c == "_" or c == "\u00b7" or ("\u0300" <= c <= "\u036f")


def _prefix_start(c: str) -> bool:
    return c.isalpha()


def _scan_name(text: str, i: int) -> int:
    n = len(text)
    while i < n and _name_char(text[i]):
        i += 1
    return i


def _scan_dotted(text: str, i: int) -> int:
    """Name characters, ``-`` and inner ``.`` (a trailing ``.`` ends a triple instead)."""
    n = len(text)
    j = i
    while j < n and (_name_char(text[j]) or text[j] in "-."):
        j += 1
    while j > i and text[j - 1] == ".":
        j -= 1
    return j


def _scan_pname_or_word(text: str, i: int) -> tuple[int, str]:
    """A prefixed name (``PNAME_NS``/``PNAME_LN``) or a bare word such as a keyword."""
    j = _scan_dotted(text, i) if text[i] != ":" else i
    n = len(text)
    if j >= n or text[j] != ":":
        return _scan_name(text, i), WORD  # keywords hold no '-' or '.': 'a-b' is a - b
    j += 1
    start = j
    while j < n:
        c = text[j]
        if _name_char(c) or c in "-.:":
            j += 1
        elif c == "%" and j + 2 < n and text[j + 1] in _HEX and text[j + 2] in _HEX:
            j += 3
        elif c == "\\" and j + 1 < n and text[j + 1] in _LOCAL_ESCAPES:
            j += 2
        else:
            break
    while j > start and text[j - 1] == "." and text[j - 2: j] != "\\.":
        j -= 1
    return j, PNAME


def _scan_number(text: str, i: int) -> int:
    n = len(text)
    j = i
    while j < n and (text[j].isdigit() or text[j] == "."):
        j += 1
    while j > i + 1 and text[j - 1] == ".":
        j -= 1
    if j < n and text[j] in "eE":
        k = j + 1
        if k < n and text[k] in "+-":
            k += 1
        if k < n and text[k].isdigit():
            j = _scan_name(text, k)
    return j
