"""One spelling per GitHub or Hugging Face node in the union graph.

GitHub and Hugging Face names are case-insensitive, so a repository, model,
dataset, space, collection or account is one node whatever the case a listing
wrote it in (:meth:`kg.graph.iris.Minter.item` folds the IRI). Its label, account
name and URL are what a listing wrote, though, and the generator's listings
disagree (``ByteDance-Seed`` / ``bytedance-seed``), so the union would give one
node two labels and two URLs. Each day graph keeps its own listing's spelling;
the union keeps, of the values of one property that differ only in case, the
smallest (by code point, as ``STR(?a) < STR(?b)`` orders them in SPARQL). The
rule depends only on which spellings the graph holds, never on the order days
were added, so an add ends where a rebuild does; "the first seen" would not (a
day added late may be the earliest), and in practice the smallest is the one
with capitals, which is how the owners write their names.

Two places apply it, with the same rule: :func:`fold_lines` on the build's
sorted union lines, and :func:`fold_update` in the SPARQL Update that loads or
replaces day graphs in a store (:meth:`kg.graph.store.GraphStore.load`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.graph import vocab as v
from kg.read.links import GITHUB, HUGGINGFACE

#: The properties whose values are spellings of the node's name.
FOLDED = (v.LABEL, v.ACCOUNT_NAME, v.URL, v.CODE_REPOSITORY)
_FOLDED_TEXT = frozenset(str(term) for term in FOLDED)


def platform_prefixes(base: str) -> tuple[str, ...]:
    """IRI prefixes of the nodes whose spellings are folded."""
    return tuple(f"{base}{platform}/" for platform in (GITHUB, HUGGINGFACE))


def is_folded(base: str, subject: str, predicate: ox.NamedNode) -> bool:
    """Whether (``subject``, ``predicate``) holds spellings that the union folds."""
    return predicate in FOLDED and subject.startswith(platform_prefixes(base))


def fold_lines(lines: Iterable[str], base: str) -> Iterator[str]:
    """Sorted union lines with each folded group cut to its smallest spelling.

    The lines of one subject and property are adjacent in sorted order (they share
    the text ``<s> <p> ``), so only one such run is held at a time.
    """
    starts = tuple(f"<{prefix}" for prefix in platform_prefixes(base))
    run_key: str | None = None
    run: list[str] = []
    for line in lines:
        key = _folded_key(line, starts)
        if key != run_key:
            yield from _smallest(run)
            run, run_key = [], key
        if key is None:
            yield line
        else:
            run.append(line)
    yield from _smallest(run)


def _folded_key(line: str, starts: tuple[str, ...]) -> str | None:
    """``<s> <p> `` of a line whose subject and property are folded, else ``None``."""
    if not line.startswith(starts):
        return None
    subject_end = line.find("> ") + 1
    if subject_end <= 0:
        return None
    predicate_end = line.find("> ", subject_end + 1) + 1
    if line[subject_end + 1:predicate_end] not in _FOLDED_TEXT:
        return None
    return line[:predicate_end + 1]


def _smallest(run: list[str]) -> Iterator[str]:
    """Of lines that share subject and property, one per case-insensitive object."""
    if len(run) < 2:
        yield from run
        return
    kept: dict[str, str] = {}
    for line in run:
        value = _value(line)
        group = value.lower()
        if group not in kept or value < _value(kept[group]):
            kept[group] = line
    yield from sorted(kept.values())


def _value(line: str) -> str:
    """The object's lexical form or IRI (what ``STR()`` gives) from a folded line."""
    obj = line[line.find("> ", line.find("> ") + 1) + 2:-3]
    if obj.startswith("<"):
        return obj[1:-1]
    return obj[1:obj.rfind('"')]


_RESTORE = """
INSERT { ?s ?p ?o } WHERE {
  VALUES (?s ?p) { PAIRS }
  GRAPH ?g { ?s ?p ?o }
} ;
"""
_FOLD = """
DELETE { ?s ?p ?o } WHERE {
  VALUES (?s ?p) { PAIRS }
  ?s ?p ?o , ?x .
  FILTER (STR(?x) < STR(?o) && LCASE(STR(?x)) = LCASE(STR(?o)))
} ;
"""


def fold_update(subjects: Iterable[ox.NamedNode]) -> str:
    """SPARQL Update steps that refold the union's spellings of ``subjects``.

    Run after a load's retraction and insertion: every spelling the day graphs hold
    for these nodes goes back into the union (a retracted graph may have held the one
    the union kept), then every group keeps only its smallest. ``""`` when there is
    nothing to do.
    """
    # (subject, property) pairs, not two VALUES lists: Oxigraph plans their cross
    # product as a scan of the union (1.3 s per add on a year's store), pairs as lookups.
    pairs = " ".join(f"({subject} {predicate})"
                     for subject in sorted({str(subject) for subject in subjects})
                     for predicate in FOLDED)
    if not pairs:
        return ""
    return "".join(step.replace("PAIRS", pairs) for step in (_RESTORE, _FOLD))
