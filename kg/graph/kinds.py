"""The kinds of node a graph holds: one table for views, pages, messages and exports.

Each kind is tied to the ontology class that marks it, with the words and the
drawing style people see. Everything that speaks of "papers" or "people" reads
this table instead of keeping its own list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.graph import vocab as v


@dataclass(frozen=True, slots=True)
class Kind:
    """A node kind: its name, class, plural, vis.js shape and fill colour."""

    name: str
    cls: ox.NamedNode
    plural: str
    shape: str
    colour: str


#: In drawing and legend order. Colours: Tableau 10, distinct for each kind.
KINDS: tuple[Kind, ...] = (
    Kind("paper", v.PREPRINT, "papers", "square", "#4e79a7"),
    Kind("person", v.PERSON, "people", "dot", "#f28e2b"),
    Kind("task", v.CONCEPT, "tasks", "star", "#e15759"),
    Kind("repository", v.SOFTWARE_SOURCE_CODE, "repositories", "hexagon", "#59a14f"),
    Kind("model", v.ML_MODEL, "models", "diamond", "#b07aa1"),
    Kind("dataset", v.DATASET, "datasets", "triangle", "#edc948"),
    Kind("space", v.WEB_APPLICATION, "spaces", "triangleDown", "#76b7b2"),
    Kind("collection", v.COLLECTION, "collections", "square", "#ff9da7"),
    Kind("account", v.USER_ACCOUNT, "accounts", "dot", "#9c755f"),
    Kind("page", v.WEB_PAGE, "pages", "diamond", "#bab0ac"),
    Kind("day", v.DIGEST_ISSUE, "days", "hexagon", "#17becf"),
)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_CLASS: dict[str, Kind] = {kind.cls.value: kind for kind in KINDS}
NAMES: tuple[str, ...] = tuple(sorted(BY_NAME))
_RANK: dict[str, int] = {kind.name: i for i, kind in enumerate(KINDS)}
#: The Hugging Face item kinds.
HF_KINDS: tuple[str, ...] = ("model", "dataset", "space", "collection")


def first_kinds(typed: Iterable[tuple[str, str]], kind_of: Mapping[str, str]
                ) -> dict[str, str]:
    """Node -> kind name from (node, class) pairs, ``kind_of`` naming each class's kind
    (other classes are skipped); a node of several kinds gets the first of the table,
    so the kind never depends on the order the classes come in."""
    kinds: dict[str, str] = {}
    for node, cls in typed:
        kind = kind_of.get(cls)
        if kind is not None and (node not in kinds or _RANK[kind] < _RANK[kinds[node]]):
            kinds[node] = kind
    return kinds


def plural(name: str, count: int = 2) -> str:
    """``paper`` → ``papers`` (a kind outside the table gets an ``s``)."""
    if count == 1:
        return name
    return BY_NAME[name].plural if name in BY_NAME else f"{name}s"


@dataclass(frozen=True, slots=True)
class EdgeKind:
    """A relation drawn as an edge: the label views show and the predicate it stands for."""

    name: str
    predicate: ox.NamedNode


#: Edges between entities, in query order. The name is the predicate's local name.
AUTHOR = EdgeKind("creator", v.CREATOR)
TASK = EdgeKind("subject", v.SUBJECT)
REPOSITORY = EdgeKind("hasRepository", v.HAS_REPOSITORY)
MODEL = EdgeKind("hasModel", v.HAS_MODEL)
DATASET = EdgeKind("hasDataset", v.HAS_DATASET)
SPACE = EdgeKind("hasSpace", v.HAS_SPACE)
COLLECTION = EdgeKind("hasCollection", v.HAS_COLLECTION)
ACCOUNT = EdgeKind("mentionsAccount", v.MENTIONS_ACCOUNT)
PAGE = EdgeKind("page", v.PAGE)
OWNER = EdgeKind("has_owner", v.HAS_OWNER)
#: A paper to the digest day that featured it (drawn only when days are nodes).
FEATURED = EdgeKind("isPartOf", v.IS_PART_OF)
EDGE_KINDS: tuple[EdgeKind, ...] = (AUTHOR, TASK, REPOSITORY, MODEL, DATASET, SPACE,
                                    COLLECTION, ACCOUNT, PAGE, OWNER)
EDGE_BY_PREDICATE: dict[str, EdgeKind] = {edge.predicate.value: edge for edge in EDGE_KINDS}
#: Edge names that make a paper "with code" / "with Hugging Face artefacts".
CODE_EDGES: frozenset[str] = frozenset({REPOSITORY.name})
HF_EDGES: frozenset[str] = frozenset({MODEL.name, DATASET.name, SPACE.name, COLLECTION.name})
