"""Offline, self-contained interactive HTML view of the knowledge graph.

Why not pyvis' own ``Network.show``/``write_html``: in pyvis 0.3.2 every
``cdn_resources`` mode still loads Bootstrap or vis-network from a CDN, its
template inserts random ids, and ``from_nx`` is quadratic (20k nodes: 52 s).
So this module uses pyvis only as the *source of the vis-network 9.1.2 assets*
(``pyvis/lib/vis-9.1.2``), inlines them, and writes the vis DataSet JSON itself
in one linear pass. The page makes no network request at all, and a
Content-Security-Policy (``default-src 'none'``, scripts allowed only by their
SHA-256 hash) makes that a guarantee: even a payload that slipped past escaping
could neither run nor fetch anything.

Escaping: data text reaches the page only (a) through ``html.escape`` in the
static legend/title, or (b) inside the JSON data block, where ``<``, ``>``,
``&``, U+2028 and U+2029 are ``\\u`` escaped so no ``</script>`` can close it;
the page script then only ever assigns data to ``textContent`` or to the
canvas (vis labels). Hover cards are DOM elements built with ``textContent``
(vis 9.1.2 would use ``innerText`` for a string ``title``, which is also safe,
but an element keeps that independent of the vis version). Only ``http(s)``
URLs are ever opened, with ``noopener``.

Layout and physics, measured in headless Chromium 156 on 2 cores
(``bench/bench_html.py``, synthetic one-year view, 14k nodes / 21k edges):

* vis physics from random positions does not scale: 5k nodes took 45 s to
  stabilise, 20k never did within 120 s.
* ``networkx.spring_layout`` needs SciPy beyond 500 nodes (not a dependency)
  and its dense fallback is O(n^2) memory: unusable at 15k.
* So positions are precomputed here by a linear-time, deterministic "balloon"
  layout (BFS tree from the hubs; every node's children packed on concentric
  rings around it, so an author sits next to its paper and papers next to
  their task): 0.3-0.6 s in Python for 14k nodes. With those positions and
  physics off, the one-year view (14k nodes, 21k edges, 2.3 MB page) is
  drawn in 2.2-4.5 s; forcing physics on it takes > 60 s.
* For small views a capped Barnes-Hut stabilisation (starting from the
  precomputed positions, then physics switched off) tidies the picture at a
  small cost; ``physics=None`` enables it up to ``PHYSICS_MAX_NODES`` nodes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import os
from collections.abc import Hashable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph.kinds import KINDS, plural
from kg.support.atomic import write_atomic

__all__ = ["KIND_STYLES", "PHYSICS_MAX_NODES", "render_html", "write_html"]

#: Above this many nodes ``physics=None`` draws the precomputed layout as is.
#: Measured (150 capped iterations, loaded 2-core box): 600 nodes 1.6-2.2 s to
#: ready, 1.4k nodes ~6 s, 14k nodes > 60 s; so only small views get physics.
PHYSICS_MAX_NODES = 600

#: kind -> (vis shape, fill colour), from the one kinds table.
KIND_STYLES: dict[str, tuple[str, str]] = {k.name: (k.shape, k.colour) for k in KINDS}
DEFAULT_STYLE: tuple[str, str] = ("dot", "#7f7f7f")
LABEL_MAX = 60  # characters drawn on the canvas; the full text is in the card
#: Only the best-connected nodes get a canvas label, so labels do not pile up (a
#: task with 600 papers around it); every node keeps its card and stays searchable.
LABEL_BUDGET = 120
#: Extra layout radius around aggregate nodes, so their big labels do not overlap.
LABEL_ROOM = 90

_VIS_DIR = "lib/vis-9.1.2"
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


# ---------------------------------------------------------------------------
# assets


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network JS and CSS as shipped inside the installed pyvis package."""
    # Found, not imported: importing pyvis costs every page ~0.1 s, and only its files
    # are needed.
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed: its vis-network files are needed")
    base = Path(spec.submodule_search_locations[0]) / _VIS_DIR
    js = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    for text in (js, css):  # inlined verbatim, so it must not close its own element
        low = text.lower()
        if "</script" in low or "</style" in low or "<!--" in low:
            raise RuntimeError("vis-network asset cannot be inlined safely")
    return js, css


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _json_for_script(data: Any) -> str:
    """JSON that is inert inside a <script> element (no '<', '>', '&', U+2028/9)."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)


# ---------------------------------------------------------------------------
# graph preparation


def safe_url(url: object) -> str:
    """``url`` if it is an absolute http(s) URL without control characters, else ''."""
    if not isinstance(url, str):
        return ""
    url = url.strip()
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return ""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest:
        return ""
    return url


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "\u2026"


def _node_size(degree: int) -> int:
    """Area grows with degree, but hubs stay readable (10..48 px)."""
    return min(48, 10 + round(3 * math.sqrt(degree)))


def _pack_rings(
    own: float, kids: list[Hashable], extent: dict[Hashable, float]
) -> tuple[float, list[tuple[Hashable, float, float]]]:
    """Place discs (``kids``, smallest first) on concentric rings around a disc.

    A ring is filled while the kids' diameters fit its circumference; its radius
    is the inner boundary plus the widest kid on it, and kids are spread over the
    full circle in proportion to their size. Small kids (an author) thus hug the
    centre node (its paper) and big subtrees go outside. Returns the radius of
    the whole disc and the kids' offsets.
    """
    placed: list[tuple[Hashable, float, float]] = []
    base, i, n_rings = own, 0, 0
    while i < len(kids):
        ring: list[Hashable] = []
        used = width = 0.0
        while i < len(kids):
            e = extent[kids[i]]
            if ring and used + 2 * e > 2 * math.pi * (base + max(width, e)):
                break
            ring.append(kids[i])
            used += 2 * e
            width = max(width, e)
            i += 1
        r = base + width
        step = 2 * math.pi / used
        angle = math.pi * n_rings / max(len(ring), 1)  # stagger successive rings
        for kid in ring:
            half = extent[kid] * step
            angle += half
            placed.append((kid, r * math.cos(angle), r * math.sin(angle)))
            angle += half
        base = r + width
        n_rings += 1
    return base, placed


def _balloon_layout(
    order: list[Hashable], adj: dict[Hashable, list[Hashable]], radius: dict[Hashable, float]
) -> dict[Hashable, tuple[float, float]]:
    """Deterministic O(n + m) layout: BFS trees packed as nested rings.

    Each component is turned into a BFS tree rooted at its highest-degree node;
    a level is expanded in decreasing-degree order so hubs (tasks) claim their
    papers before low-degree nodes (days) do. Bottom-up, each node's children are
    packed (``_pack_rings``) on concentric rings around it; a subtree is then a
    disc of known radius. Components are packed on shelves, largest first.
    ``order`` must list nodes by decreasing degree (ties by id) and ``adj`` must
    be sorted the same way, which makes the result independent of dict order.
    """
    seen: set[Hashable] = set()
    pos: dict[Hashable, tuple[float, float]] = {}
    discs: list[tuple[float, dict[Hashable, tuple[float, float]]]] = []
    rank = {node: i for i, node in enumerate(order)}
    for root in order:
        if root in seen:
            continue
        seen.add(root)
        children: dict[Hashable, list[Hashable]] = {root: []}
        level = [root]
        bfs = [root]
        while level:
            nxt: list[Hashable] = []
            for node in sorted(level, key=rank.__getitem__):
                for other in adj[node]:
                    if other not in seen:
                        seen.add(other)
                        children[node].append(other)
                        children[other] = []
                        nxt.append(other)
            bfs.extend(nxt)
            level = nxt
        # bottom-up: ring placement of children, relative to the parent
        extent: dict[Hashable, float] = {}
        rel: dict[Hashable, list[tuple[Hashable, float, float]]] = {}
        for node in reversed(bfs):
            kids = sorted(children[node], key=lambda k: (extent[k], rank[k]))
            extent[node], rel[node] = _pack_rings(radius[node], kids, extent)
        local: dict[Hashable, tuple[float, float]] = {root: (0.0, 0.0)}
        for node in bfs:
            x0, y0 = local[node]
            for kid, dx, dy in rel[node]:
                local[kid] = (x0 + dx, y0 + dy)
        discs.append((extent[root], local))
    # shelf packing of component discs, largest first (already in that order:
    # roots are visited by decreasing degree, so sort explicitly by radius)
    discs.sort(key=lambda d: -d[0])
    total_area = sum((2 * r) ** 2 for r, _ in discs)
    width = max(2 * discs[0][0], math.sqrt(total_area)) if discs else 0.0
    x = y = shelf_h = 0.0
    for r, local in discs:
        if x > 0 and x + 2 * r > width:
            x, y, shelf_h = 0.0, y + shelf_h, 0.0
        cx, cy = x + r, y + r
        for node, (lx, ly) in local.items():
            pos[node] = (cx + lx, cy + ly)
        x += 2 * r
        shelf_h = max(shelf_h, 2 * r)
    return pos


def _prepare(view: nx.MultiDiGraph) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    """Turn the view into compact, sorted, JSON-ready arrays plus legend rows."""
    ids = sorted(view.nodes, key=str)
    index = {node: i for i, node in enumerate(ids)}
    degree = [0] * len(ids)
    neighbours: list[set[int]] = [set() for _ in ids]
    edge_rows: list[tuple[int, int, str]] = []
    for u, v, data in view.edges(data=True):
        a, b = index[u], index[v]
        degree[a] += 1
        degree[b] += 1
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
        edge_rows.append((a, b, _text(data.get("label"))))
    edge_rows.sort()
    edge_labels = sorted({label for _, _, label in edge_rows})
    label_index = {label: i for i, label in enumerate(edge_labels)}

    kinds: dict[str, int] = {}
    node_kind: list[str] = []
    for node in ids:
        kind = _text(view.nodes[node].get("kind")) or "other"
        node_kind.append(kind)
        kinds[kind] = kinds.get(kind, 0) + 1
    kind_names = sorted(kinds, key=lambda k: (k not in KIND_STYLES, _kind_rank(k), k))
    kind_index = {k: i for i, k in enumerate(kind_names)}

    # an aggregate node (an overview's task) is sized by what it stands for
    sizes = [_node_size(int(view.nodes[node].get("weight") or degree[i]))
             for i, node in enumerate(ids)]
    order = sorted(range(len(ids)), key=lambda i: (-len(neighbours[i]), i))
    rank = {i: r for r, i in enumerate(order)}
    adj = {i: sorted(neighbours[i], key=rank.__getitem__) for i in range(len(ids))}
    gap = 6.0
    # hidden children (an overview's papers) are left out of the layout, so the
    # aggregates sit close together, then put on a ring around their parent
    parent_of = {i: index[view.nodes[node]["parent"]] for i, node in enumerate(ids)
                 if view.nodes[node].get("parent") in index}
    laid = [i for i in order if i not in parent_of]
    laid_adj = {i: [j for j in adj[i] if j not in parent_of] for i in laid}
    room = {i: sizes[i] + gap + (LABEL_ROOM if view.nodes[ids[i]].get("weight") else 0)
            for i in laid}
    pos = _balloon_layout(laid, laid_adj, room)  # type: ignore[arg-type]
    _ring_children(pos, parent_of, sizes)

    nodes: list[list[Any]] = []
    for i, node in enumerate(ids):
        attrs = view.nodes[node]
        label = _text(attrs.get("label")) or str(node)
        x, y = pos[i]
        short = _short(label) if rank[i] < LABEL_BUDGET else ""
        row = [
            short,
            kind_index[node_kind[i]],
            round(x),
            round(y),
            sizes[i],
            _with_counts(_text(attrs.get("card")) or label,
                         [node_kind[j] for j in neighbours[i]]),
            safe_url(attrs.get("url")),
        ]
        name = _text(attrs.get("name"))
        if name or short != label:
            row.append(name or label)  # full label (or plain name), for search
        nodes.append(row)
    data = {
        "kinds": [
            {"name": k, "shape": shape, "color": colour, "border": _darker(colour)}
            for k in kind_names
            for shape, colour in [_style(k)]
        ],
        "edgeLabels": edge_labels,
        "nodes": nodes,
        "edges": [[a, b, label_index[label]] for a, b, label in edge_rows],
        # [child, parent]: children start hidden; a click on the parent shows them
        # aggregate nodes (an overview's tasks) get big labels, readable at the first zoom
        "hubs": [i for i, node in enumerate(ids) if view.nodes[node].get("weight")],
        "parents": sorted([i, index[view.nodes[node]["parent"]]] for i, node in enumerate(ids)
                          if view.nodes[node].get("parent") in index),
    }
    return data, [(k, kinds[k]) for k in kind_names]


def _ring_children(pos: dict[Any, tuple[float, float]], parent_of: dict[int, int],
                   sizes: list[int]) -> None:
    """Place each child on one ring around its parent, in index order."""
    kids: dict[int, list[int]] = {}
    for child, parent in sorted(parent_of.items()):
        kids.setdefault(parent, []).append(child)
    for parent, children in kids.items():
        px, py = pos[parent]
        radius = sizes[parent] + 30 + 4 * len(children)
        for k, child in enumerate(children):
            angle = 2 * math.pi * k / len(children)
            pos[child] = (px + radius * math.cos(angle), py + radius * math.sin(angle))


def _with_counts(card: str, neighbour_kinds: list[str]) -> str:
    """The card with what the node links to in this view ("4 papers · 12 people"),
    so a person or task card answers "how many" without counting discs."""
    counts: dict[str, int] = {}
    for kind in neighbour_kinds:
        counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return card
    ordered = sorted(counts, key=lambda k: (_kind_rank(k), k))
    return card + "\nLinked here: " + " · ".join(
        f"{counts[k]} {plural(k, counts[k])}" for k in ordered)


def _kind_rank(kind: str) -> int:
    return list(KIND_STYLES).index(kind) if kind in KIND_STYLES else len(KIND_STYLES)


def _darker(colour: str, f: float = 0.7) -> str:
    """``#rrggbb`` scaled towards black: a border that keeps the kind's hue."""
    rgb = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * f):02x}" for c in rgb)


def _style(kind: str) -> tuple[str, str]:
    return KIND_STYLES.get(kind, DEFAULT_STYLE)


# ---------------------------------------------------------------------------
# page


def _options(n_nodes: int, n_edges: int, physics: bool) -> dict[str, Any]:
    large = n_nodes > PHYSICS_MAX_NODES
    iterations = 150
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#fff"},
            "scaling": {"label": {"drawThreshold": 6}},
        },
        "edges": {
            "smooth": False,
            "width": 0.6,
            "color": {"color": "#a8b0b8", "highlight": "#1f2d3d", "hover": "#1f2d3d"},
            "arrows": {"to": {"enabled": n_edges <= 5000, "scaleFactor": 0.4}},
            "font": {"size": 10, "align": "middle", "color": "#556"},
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": False,
        },
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -2000, "springLength": 80, "damping": 0.4},
            "stabilization": {
                "enabled": True,
                "iterations": iterations,
                "updateInterval": 25,
                "fit": False,
            },
        },
    }




@cache
def _static(name: str) -> str:
    """The page's own CSS or script, kept as files in ``kg/view/static/``."""
    return (resources.files("kg.view") / "static" / name).read_text(encoding="utf-8")




def render_html(
    view: nx.MultiDiGraph,
    *,
    title: str = "paperkg",
    physics: bool | None = None,
    legend: bool = True,
) -> str:
    """Return a self-contained HTML page drawing ``view`` with vis-network.

    ``physics=None`` runs a capped stabilisation (from the precomputed layout,
    then physics off) only for views of at most ``PHYSICS_MAX_NODES`` nodes;
    ``True``/``False`` force it on/off. Same view and arguments give
    byte-identical output.
    """
    data, legend_rows = _prepare(view)
    n_nodes, n_edges = len(data["nodes"]), len(data["edges"])
    use_physics = n_nodes <= PHYSICS_MAX_NODES if physics is None else bool(physics)
    vis_js, vis_css = _vis_assets()
    esc = html.escape
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + _csp_hash(vis_js) + " " + _csp_hash(_static("graph.js")),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    legend_html = ""
    if legend:
        items = "".join(
            f'<label><input type="checkbox" checked data-kind="{i}">'
            f'<span class="pk-swatch" style="background:{_style(kind)[1]}"></span>'
            f'<span class="pk-kind">{esc(kind)}</span>'
            f'<span class="pk-count">{count}</span></label>'
            for i, (kind, count) in enumerate(legend_rows)
        )
        legend_html = f'<fieldset id="pk-legend"><legend>Kinds</legend>{items}</fieldset>'
    stats = f"{n_nodes} nodes, {n_edges} edges"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(title)}</title>",
        f"<style>{vis_css}</style>",
        f"<style>{_static('graph.css')}</style>",
        "</head><body>",
        '<div id="pk-panel">',
        f"<h1>{esc(title)}</h1>",
        f'<p id="pk-stats">{stats}</p>',
        '<form id="pk-search" role="search">',
        '<input id="pk-q" type="search" placeholder="Find by label" aria-label="Find by label">',
        '<button type="submit">Find</button></form>',
        '<div id="pk-status" aria-live="polite"></div>',
        legend_html,
        '<div id="pk-info"></div>',
        "</div>",
        '<div id="pk-graph"></div>',
        f'<script type="application/json" id="pk-data">{_json_for_script(data)}</script>',
        '<script type="application/json" id="pk-options">'
        f"{_json_for_script(_options(n_nodes, n_edges, use_physics))}</script>",
        f"<script>{vis_js}</script>",
        f"<script>{_static('graph.js')}</script>",
        "</body></html>",
        "",
    ]
    return "\n".join(parts)


def write_html(view: nx.MultiDiGraph, path: str | os.PathLike[str], **kwargs: Any) -> None:
    """Render ``view`` (see ``render_html`` for ``kwargs``) and write it atomically."""
    write_atomic(path, render_html(view, **kwargs))
