"""Name rules: the keys under which two spellings of one person meet.

A digest writes a person as a full name (``Percy Liang``) or a site username
(``percyliang``, ``XihuiLiu``, ``szhang42``). Comparing every name with every
other would be quadratic in the ~9k people of a year, so each name yields a few
*keys* instead, and only names sharing a key are compared (blocking):

* ``compact``: accents folded, case folded, everything but letters dropped
  (spaces, hyphens, dots, underscores, digits) -- ``percyliang`` for both forms;
* ``swapped``: surname first (``liangpercy``), for full names only;
* ``initials``: first initial and surname (``pliang``), for full names only.

A pair is a candidate when one name's ``compact`` key equals any key of the
other; the rule that matched is part of the evidence.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_NOT_LETTER = re.compile(r"[^\w]|[\d_]", re.UNICODE)

COMPACT = "same-letters"
SWAPPED = "surname-first"
INITIALS = "initial-surname"
#: Rules strong enough, with co-author evidence, for an automatic link.
FULL_RULES = frozenset({COMPACT, SWAPPED})


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Accents and case folded (``Benoît`` → ``benoit``); a name is folded several times
    a run (keys, co-author keys, evidence), hence the cache."""
    if text.isascii():  # most names: nothing to decompose, and 10x cheaper
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def tokens(name: str) -> list[str]:
    """The letter runs of a folded name (digits and punctuation separate them)."""
    return _TOKEN.findall(fold(name))


def compact(name: str) -> str:
    """The name's letters only, folded: the key a username and a full name share."""
    return _NOT_LETTER.sub("", fold(name))


def is_full_name(name: str) -> bool:
    """Written with a space between at least two words (not a username)."""
    return len(name.split()) >= 2 and len(tokens(name)) >= 2


def has_digits(name: str) -> bool:
    return any(ch.isdigit() for ch in name)


def name_keys(name: str) -> dict[str, str]:
    """Blocking keys of a name, each with the rule that produced it (see module doc)."""
    key = compact(name)
    if len(key) < 3:
        return {}
    keys = {key: COMPACT}
    if is_full_name(name):
        parts = tokens(name)
        keys.setdefault(parts[-1] + "".join(parts[:-1]), SWAPPED)
        if len(parts[-1]) >= 2:
            keys.setdefault(parts[0][0] + parts[-1], INITIALS)
    return keys
