"""Run SPARQL queries against the paperkg store, read-only and bounded.

Why this module exists instead of calling ``Store.query`` directly:

* **Read-only.** Only queries are evaluated (``Store.query``); ``Store.update`` is never
  called.  A text that does not parse as a query but starts (after its prologue) with an
  update keyword is reported as "updates are not allowed" rather than as a confusing
  syntax error.
* **Known prefixes.** The project prefixes are passed to pyoxigraph's own ``prefixes=``
  parser option instead of being pasted in front of the text, so line/column numbers in
  error messages always refer to the user's text, and a ``PREFIX`` the query declares
  itself wins over the known one.
* **Friendly errors.** pyoxigraph reports syntax errors as ``SyntaxError("error at L:C:
  expected ...")``; we turn that into a :class:`QueryError` that shows the line, a caret
  and a hint (e.g. an undeclared prefix), never a traceback.
* **No SSRF.** pyoxigraph evaluates ``SERVICE`` by making HTTP requests.  On an endpoint
  that lets anyone make the server call arbitrary URLs, so ``SERVICE`` is refused unless
  ``allow_service=True``.
* **Default graph.** A :class:`kg.graph.store.GraphStore` keeps the set union of its day
  graphs in the default graph, so queries read the default graph as it is.
  ``use_default_graph_as_union`` exists for stores built elsewhere; pyoxigraph forms that
  union as a *bag* (a triple stated in two graphs matches twice).
* **Bounds.** pyoxigraph has no query timeout or cancellation.  What is bounded:

  - *Result size*: solutions/triples are pulled lazily and we stop after ``max_rows``
    (one extra row is pulled to know whether the result was truncated).
  - *Caller wait time*: with ``timeout`` set, evaluation runs in a daemon worker thread
    (pyoxigraph releases the GIL while evaluating) and the caller gets
    :class:`QueryTimeout` after ``timeout`` seconds.  The worker is told to stop and does
    so at the next solution.
  - *Concurrency* is the sandbox's job (:class:`kg.sparql.sandbox.WorkerPool`).

  What is **not** bounded in this process: a single blocking evaluation step
  (``ORDER BY``, ``GROUP BY``, ``COUNT(*)`` over a cross product) keeps one CPU busy
  inside pyoxigraph until it completes, and its memory use.  Untrusted queries therefore
  go through :mod:`kg.sparql.sandbox`, which runs them in worker processes with a memory
  cap and kills them at the time cap; :func:`precheck` refuses texts that would crash
  the parser before any of that.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal as TypingLiteral
from typing import TypeVar

import pyoxigraph as ox

from kg.sparql import lexer

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = tuple[Term | None, ...]
QueryKind = TypingLiteral["select", "ask", "graph"]

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
"""Per the SPARQL 1.1 grammar every update operation starts with one of these, and no
query form does - so after the prologue the first keyword tells the two apart."""

_MAX_EXPECTED_CHARS = 160
_RDFLIB_MAX_CHARS = 20_000
_T = TypeVar("_T")


class QueryError(Exception):
    """A query could not be run.  ``str(err)`` is a complete message for the user."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class UpdateRefused(QueryError):
    """The text is a SPARQL Update; this interface is read-only."""


class QueryTimeout(QueryError):
    """The query did not finish within the time limit."""


class StoreDamaged(QueryError):
    """The store's files are damaged (truncated or missing); rebuild it."""


_STORAGE_FAULT = re.compile(r"^\s*(?:Corruption|IO error|Invalid argument: Column family)")


def is_storage_fault(message: str) -> bool:
    """Whether an engine error message is RocksDB reporting damaged store files."""
    return _STORAGE_FAULT.match(message) is not None


class QueryBusy(QueryError):
    """All evaluation slots are taken (possibly by abandoned long-running queries)."""


@dataclass(frozen=True)
class QueryOutcome:
    """The materialised (and possibly capped) result of one query.

    ``kind`` is ``"select"`` (``variables`` + ``rows``), ``"ask"`` (``boolean``) or
    ``"graph"`` for CONSTRUCT/DESCRIBE (``triples``).  ``truncated`` is true when more
    rows/triples existed than ``max_rows``.
    """

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False
    max_rows: int | None = None
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        """Rows (SELECT), triples (graph) or 1 (ASK).  Not ``__len__``: an empty result
        must not make the outcome itself falsy."""
        if self.kind == "select":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1


def run_query(
    store: ox.Store,
    text: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
    use_default_graph_as_union: bool = False,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    allow_service: bool = False,
) -> QueryOutcome:
    """Evaluate a read-only SPARQL query and return its (capped) result.

    ``default_graphs``/``named_graphs`` are graph IRIs as in the SPARQL protocol's
    ``default-graph-uri``/``named-graph-uri``; when ``default_graphs`` is given it replaces
    the default graph.  Raises :class:`QueryError` (or a subclass) with a
    user-facing message for every expected failure.
    """
    if max_rows is not None and max_rows < 0:
        raise ValueError("max_rows must be >= 0")
    if timeout is not None and timeout <= 0:
        raise ValueError("timeout must be > 0")
    known = dict(prefixes or {})
    precheck(text, allow_service=allow_service)
    options = _query_options(use_default_graph_as_union, default_graphs, named_graphs)

    def evaluate(cancel: threading.Event) -> QueryOutcome:
        return _evaluate(store, text, known, options, max_rows, cancel)

    if timeout is None:
        return evaluate(threading.Event())
    return _run_bounded(evaluate, timeout)


# --------------------------------------------------------------------------- evaluation


def _query_options(
    union: bool, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
) -> dict[str, object]:
    """Translate protocol-style graph parameters into ``Store.query`` keyword arguments."""
    options: dict[str, object] = {}
    if default_graphs:
        options["default_graph"] = [_graph_iri(iri) for iri in default_graphs]
    else:
        options["use_default_graph_as_union"] = union
    if named_graphs:
        options["named_graphs"] = [_graph_iri(iri) for iri in named_graphs]
    return options


def _graph_iri(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as err:
        raise QueryError(f"invalid graph IRI {iri!r}: {err}. Use an absolute IRI.") from None


def _evaluate(
    store: ox.Store,
    text: str,
    prefixes: dict[str, str],
    options: dict[str, object],
    max_rows: int | None,
    cancel: threading.Event,
) -> QueryOutcome:
    """Parse and evaluate; pull at most ``max_rows + 1`` solutions lazily."""
    started = time.monotonic()
    try:
        result = store.query(text, prefixes=prefixes, **options)  # type: ignore[arg-type]
        outcome = _materialise(result, max_rows, cancel)
    except SyntaxError as err:
        raise _explain_syntax_error(text, str(err), prefixes) from None
    except (OSError, RuntimeError) as err:
        if is_storage_fault(str(err)):
            raise StoreDamaged(f"the store is damaged ({str(err).splitlines()[0][:160]}): "
                               "rebuild it with kg build") from None
        if isinstance(err, OSError):
            raise QueryError(f"the query failed while reading data: {err}") from None
        raise QueryError(f"the query failed during evaluation: {err}") from None
    except (ValueError, TypeError) as err:
        raise QueryError(f"the query failed during evaluation: {err}") from None
    return _with_elapsed(outcome, time.monotonic() - started)


def _with_elapsed(outcome: QueryOutcome, elapsed: float) -> QueryOutcome:
    return QueryOutcome(
        kind=outcome.kind,
        variables=outcome.variables,
        rows=outcome.rows,
        boolean=outcome.boolean,
        triples=outcome.triples,
        truncated=outcome.truncated,
        max_rows=outcome.max_rows,
        elapsed=elapsed,
    )


def _materialise(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    max_rows: int | None,
    cancel: threading.Event,
) -> QueryOutcome:
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome(kind="ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows, truncated = _take((tuple(solution) for solution in result), max_rows, cancel)
        return QueryOutcome(
            kind="select", variables=variables, rows=tuple(rows),
            truncated=truncated, max_rows=max_rows,
        )
    triples, truncated = _take(iter(result), max_rows, cancel)
    return QueryOutcome(kind="graph", triples=tuple(triples), truncated=truncated,
                        max_rows=max_rows)


def _take(
    items: Iterable[_T], limit: int | None, cancel: threading.Event
) -> tuple[list[_T], bool]:
    """Collect up to ``limit`` items; report whether more existed.  Stops on ``cancel``."""
    collected: list[_T] = []
    for item in items:
        if cancel.is_set():
            break
        if limit is not None and len(collected) >= limit:
            return collected, True
        collected.append(item)
    return collected, False


def _run_bounded(
    evaluate: Callable[[threading.Event], QueryOutcome],
    timeout: float,
) -> QueryOutcome:
    """Run ``evaluate`` in a daemon thread; give up waiting after ``timeout`` seconds."""
    cancel = threading.Event()
    done = threading.Event()
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = evaluate(cancel)
        except BaseException as err:  # handed to the waiting thread below
            box["error"] = err
        finally:
            done.set()

    threading.Thread(target=work, name="paperkg-sparql", daemon=True).start()
    if not done.wait(timeout):
        cancel.set()
        raise QueryTimeout(
            f"the query did not finish within {timeout:g} s and was abandoned. "
            "Narrow it (more specific patterns, LIMIT, fewer OPTIONALs) or raise the "
            "time limit."
        )
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


# ----------------------------------------------------------------------- static checks

MAX_DEPTH = 128
"""Deepest nesting of ``(``, ``[`` and ``{`` accepted.  Oxigraph's recursive-descent
parser overflows its stack (and the process dies) a few thousand levels down."""

MAX_OPERATORS = 1000
"""Most operators and pattern connectives (``&&``, ``+``, ``/``, ``.``, ``UNION``,
``OPTIONAL``...) accepted in one query.  Long chains build deep left-leaning trees that
overflow the stack too (3,000 ``OPTIONAL`` or 10,000 ``+`` crash the parser/optimizer)."""

_OPERATOR_PUNCT = frozenset("!+-*/|^&.;,=<>")
_PATTERN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH",
                            "SERVICE", "EXISTS", "IN"})


class QueryTooComplex(QueryError):
    """Nested or chained beyond what the parser can take without crashing."""


def precheck(text: str, *, allow_service: bool = False) -> None:
    """The checks that need no parser: nesting and chain limits, then (unless allowed)
    the SERVICE ban.  Cheap and linear, so a server runs them before using a worker."""
    check_shape(text)
    if not allow_service:
        _refuse_service(text)


def check_shape(text: str) -> None:
    """Refuse texts nested deeper than :data:`MAX_DEPTH` or with more than
    :data:`MAX_OPERATORS` operators, before the parser can crash on them."""
    depth = deepest = operators = 0
    first_over = 0
    for token in lexer.tokens(lexer.unescape_codepoints(text)):
        if token.kind == lexer.PUNCT:
            if token.text in lexer.OPENERS:
                depth += 1
                deepest = max(deepest, depth)
                if depth == MAX_DEPTH + 1 and not first_over:
                    first_over = token.start
            elif token.text in lexer.CLOSERS:
                depth = max(depth - 1, 0)
            elif token.text in _OPERATOR_PUNCT:
                operators += 1
        elif token.kind == lexer.WORD and token.text.upper() in _PATTERN_WORDS:
            operators += 1
    if deepest > MAX_DEPTH:
        line, column = _line_col(text, min(first_over, len(text)))
        raise QueryTooComplex(
            f"the query nests brackets {deepest} levels deep (beyond the limit of "
            f"{MAX_DEPTH} from line {line}, column {column}); flatten it.",
            line=line, column=column)
    if operators > MAX_OPERATORS:
        raise QueryTooComplex(
            f"the query has {operators} operators and pattern connectives, over the limit "
            f"of {MAX_OPERATORS}; split it into smaller queries.")


def mask(text: str) -> str:
    """Blank out IRIs, strings and comments, keeping every offset and newline.

    Keyword/prefix scans then cannot be fooled by ``"SERVICE"`` inside a literal or by
    ``#`` inside an IRI.  IRIs keep their angle brackets (``<___>``).
    """
    pieces: list[str] = []
    position = 0
    for token in lexer.tokens(text):
        if token.kind not in (lexer.IRI, lexer.STRING, lexer.COMMENT):
            continue
        pieces.append(text[position:token.start])
        body = "".join(ch if ch in "\n\r" else "_" for ch in token.text)
        if token.kind == lexer.IRI:
            body = "<" + body[1:-1] + ">"
        elif token.kind == lexer.COMMENT:
            body = " " * len(body)
        pieces.append(body)
        position = token.end
    pieces.append(text[position:])
    return "".join(pieces)


def _code_tokens(text: str) -> list[lexer.Token]:
    return [t for t in lexer.tokens(text) if t.kind != lexer.COMMENT]


def first_keyword(text: str) -> str:
    """The first keyword after the prologue (``BASE``/``PREFIX`` declarations), upper-case."""
    items = _code_tokens(text)
    index = 0
    while index < len(items):
        word = items[index].text.upper() if items[index].kind == lexer.WORD else ""
        if word == "BASE":
            index += 2
        elif word == "PREFIX":
            index += 3
        else:
            break
    if index < len(items) and items[index].kind == lexer.WORD:
        return items[index].text.upper()
    return ""


def is_update(text: str) -> bool:
    """True when ``text`` looks like SPARQL Update rather than a query."""
    return first_keyword(text) in UPDATE_KEYWORDS


def _refuse_service(text: str) -> None:
    """Refuse the SERVICE keyword wherever the tokenizer finds it (after code-point
    unescaping, as the parser sees it)."""
    plain = lexer.unescape_codepoints(text)
    for token in lexer.tokens(plain):
        if token.kind == lexer.WORD and token.text.upper() == "SERVICE":
            line, column = _line_col(plain, token.start)
            raise QueryError(
                f"SERVICE (federated query) is not allowed here, at line {line}, column "
                f"{column}:\n{_caret(plain, line, column)}\nQuery the remote endpoint "
                "directly instead.",
                line=line, column=column,
            )


def declared_prefixes(text: str) -> set[str]:
    """Prefix names the query declares itself."""
    items = _code_tokens(text)
    return {
        following.text[:-1]
        for token, following in itertools.pairwise(items)
        if token.kind == lexer.WORD and token.text.upper() == "PREFIX"
        and following.kind == lexer.PNAME and following.text.endswith(":")
    }


def _undeclared_prefix(text: str, known: Mapping[str, str]) -> tuple[str, int] | None:
    """First prefixed name whose prefix is neither declared nor known, with its offset."""
    declared = declared_prefixes(text) | set(known)
    for token in lexer.tokens(text):
        if token.kind == lexer.PNAME:
            name = token.text.split(":", 1)[0]
            if name not in declared:
                return name, token.start
    return None


# ---------------------------------------------------------------------- error messages

_POSITION_RE = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)


def _explain_syntax_error(text: str, message: str, known: Mapping[str, str]) -> QueryError:
    """Turn pyoxigraph's ``error at L:C: expected ...`` into a user-facing QueryError."""
    if is_update(text):
        return UpdateRefused(
            f"this is a SPARQL Update ({first_keyword(text)} ...); only queries are "
            "allowed here (SELECT, ASK, CONSTRUCT, DESCRIBE). The knowledge graph is "
            "read-only through this interface: rebuild it from the digests instead."
        )
    undeclared = _undeclared_prefix(text, known)
    if undeclared is not None:
        name, offset = undeclared
        line, column = _line_col(text, offset)
        hint = (
            f"add 'PREFIX {name}: <...>' at the top"
            + (f" or use one of the known prefixes: {', '.join(sorted(known))}" if known
               else "")
        )
        return QueryError(
            f"SPARQL syntax error at line {line}, column {column}: unknown prefix "
            f"'{name}:'\n{_caret(text, line, column)}\nTo fix: {hint}.",
            line=line, column=column,
        )
    return _positioned_error(text, message)


def _positioned_error(text: str, message: str) -> QueryError:
    """Locate the error: rdflib's parser first (it points at the offending clause), else
    pyoxigraph's position (often just the end of the input, where parsing gave up)."""
    match = _POSITION_RE.match(message.strip())
    detail = _shorten(match.group(3) if match else message)
    located = _rdflib_position(text)
    if located is None and match is None:
        return QueryError(f"SPARQL syntax error: {detail}")
    if located is not None:
        line, column, near = located
        where = f"line {line}, column {column}" + (f" (near {near!r})" if near else "")
        if match:
            detail = f"{detail} (pyoxigraph gave up at {match.group(1)}:{match.group(2)})"
    else:
        assert match is not None
        line, column = int(match.group(1)), int(match.group(2))
        where = f"line {line}, column {column}"
    return QueryError(
        f"SPARQL syntax error at {where}.\n{_caret(text, line, column)}\n"
        f"Parser detail: {detail}\n"
        "To fix: check the text at the caret and just before it (a missing '.', '}' or "
        "')', a misspelt keyword, an incomplete expression, an unquoted literal).",
        line=line, column=column,
    )


def _rdflib_position(text: str) -> tuple[int, int, str] | None:
    """Line, column and token where rdflib's SPARQL 1.1 parser fails, if it does.

    Used only on the error path and only for modest texts (pyparsing can be slow).  It
    returns None when rdflib accepts the text (e.g. SPARQL 1.2 syntax it does not know
    to reject) or fails in an unexpected way.
    """
    if len(text) > _RDFLIB_MAX_CHARS:
        return None
    try:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery
    except ImportError:
        return None
    try:
        parseQuery(text)
    except ParseBaseException as err:
        near = text[err.loc:].split(None, 1)[0][:30] if text[err.loc:].strip() else ""
        return int(err.lineno), int(err.col), near
    except Exception:
        return None
    return None


def _shorten(detail: str) -> str:
    """pyoxigraph lists every expected token, including Unicode ranges; keep it readable."""
    flat = " ".join(detail.split())
    if len(flat) <= _MAX_EXPECTED_CHARS:
        return flat
    cut = flat.rfind(", ", 0, _MAX_EXPECTED_CHARS)
    return flat[: cut if cut > 0 else _MAX_EXPECTED_CHARS] + ", ..."


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset``."""
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


def _caret(text: str, line: int, column: int) -> str:
    """The offending line with a caret under ``column`` (clamped to the line's end)."""
    lines = text.split("\n")
    source = lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""
    gutter = f"{line} | "
    column = min(max(column, 1), len(source) + 1)
    pad = "".join("\t" if ch == "\t" else " " for ch in source[: column - 1])
    return f"  {gutter}{source}\n  {' ' * (len(gutter) - 2)}| {pad}^"
