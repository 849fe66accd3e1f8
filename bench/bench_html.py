"""Benchmark the offline HTML renderer (kg.view.page) against plain pyvis.

Builds a synthetic one-year view (default 2,500 papers -> ~10k people, 60
tasks, ~1.5k repositories/HF items, 366 days; seeded RNG, Zipf-like reuse of
authors and tasks), renders it, loads each page in headless Chromium with the
network cut off, and reports render time, file size and time until the graph is
drawn (``window.paperkg.ready``: first ``afterDrawing`` after stabilisation, or
right away when physics is off).

Baselines, measured in the same run:

* ``pyvis from_nx``: ``Network.from_nx`` + ``generate_html`` (physics on, as
  pyvis does by default) on a *small* view, because from_nx is quadratic and
  vis physics cannot stabilise a one-year view in minutes;
* ``pyvis direct``: pyvis' node/edge lists filled directly (linear), physics on,
  on the full view, with a time limit.

Usage: ``python bench/bench_html.py [--papers 2500] [--small 80] [--limit 120]``.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.view.page import PHYSICS_MAX_NODES, render_html  # noqa: E402
from tests.browser import load_graph_page, make_driver, missing_reason  # noqa: E402

TASKS = [
    "Question Answering",
    "Text Generation",
    "Image Classification",
    "Object Detection",
    "Image Segmentation",
    "Text-to-Image",
    "Image-to-Text",
    "Visual Question Answering",
    "Reinforcement Learning",
    "Robotics",
    "Text Classification",
    "Translation",
    "Summarization",
    "Automatic Speech Recognition",
    "Text-to-Speech",
    "Video Classification",
    "Depth Estimation",
    "Feature Extraction",
    "Sentence Similarity",
    "Zero-Shot Classification",
    "Token Classification",
    "Fill-Mask",
    "Table Question Answering",
    "Text-to-Video",
    "Image-to-Image",
    "Image-to-3D",
    "Text-to-3D",
    "Audio Classification",
    "Time Series Forecasting",
    "Graph Machine Learning",
    "Tabular Classification",
    "Document Question Answering",
    "Mask Generation",
    "Unconditional Image Generation",
    "Video-Text-to-Text",
    "Any-to-Any",
    "Keypoint Detection",
    "Audio-to-Audio",
]
TASKS += [f"{t} (multilingual)" for t in TASKS[: 60 - len(TASKS)]]
WORDS = [
    "scaling",
    "sparse",
    "attention",
    "diffusion",
    "agents",
    "reasoning",
    "retrieval",
    "multimodal",
    "efficient",
    "robust",
    "alignment",
    "tokens",
    "vision",
    "language",
    "benchmark",
    "transformer",
    "latent",
    "policy",
    "graph",
    "contrastive",
    "self-supervised",
    "distillation",
    "long-context",
    "memory",
    "planning",
    "video",
    "3D",
]


def synthetic_view(papers: int = 2500, seed: int = 0) -> nx.MultiDiGraph:
    """A view shaped like a year of digests (deterministic for a given seed)."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    ex = "https://example.org/"
    for t in TASKS:
        g.add_node(ex + "task/" + t.replace(" ", "_"), kind="task", label=t, card=t, url="")
    task_w = [1 / (r + 1) ** 1.1 for r in range(len(TASKS))]
    people: list[str] = []
    slots: list[str] = []  # one entry per authorship: preferential reuse
    items: list[str] = []
    for p in range(papers):
        day = f"2024-{1 + (p * 12) // papers:02d}-{1 + p % 28:02d}"
        day_iri = ex + "day/" + day
        if day_iri not in g:
            g.add_node(day_iri, kind="day", label=day, card=f"Digest of {day}", url="")
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        arxiv = f"24{1 + (p * 12) // papers:02d}.{p:05d}"
        paper = ex + "paper/" + arxiv
        g.add_node(
            paper,
            kind="paper",
            label=title,
            url=f"https://arxiv.org/abs/{arxiv}",
            card=f"{title}\narXiv:{arxiv}\n{day}",
        )
        g.add_edge(paper, day_iri, label="datePublished")
        for _ in range(max(1, min(30, int(rng.lognormvariate(1.55, 0.6))))):
            if slots and rng.random() < 0.25:
                person = rng.choice(slots)
            else:
                person = ex + f"person/{len(people)}"
                people.append(person)
                name = f"{rng.choice('ABCDEFGHJKLMNPRSTWYZ')}. Author{len(people)}"
                g.add_node(person, kind="person", label=name, card=name, url="")
            slots.append(person)
            g.add_edge(paper, person, label="creator")
        for t in set(rng.choices(TASKS, task_w, k=rng.choice((1, 1, 2, 2, 3)))):
            g.add_edge(paper, ex + "task/" + t.replace(" ", "_"), label="subject")
        if rng.random() < 0.7:
            if items and rng.random() < 0.1:
                item = rng.choice(items)
            else:
                kind = rng.choices(["repository", "model", "dataset", "space"], [6, 2, 1, 1])[0]
                name = f"org{rng.randint(1, 800)}/{rng.choice(WORDS)}-{len(items)}"
                host = "https://github.com/" if kind == "repository" else "https://huggingface.co/"
                item = ex + f"{kind}/{len(items)}"
                items.append(item)
                g.add_node(item, kind=kind, label=name, card=f"{kind}: {name}", url=host + name)
            g.add_edge(paper, item, label="codeRepository" if "repository" in item else "isBasedOn")
    return g


def pyvis_page(view: nx.MultiDiGraph, from_nx: bool) -> str:
    """Baseline page from pyvis' own template (physics on, vis defaults)."""
    from pyvis.network import Network

    net = Network(height="880px", directed=True, cdn_resources="in_line")
    if from_nx:
        net.from_nx(nx.DiGraph(view))
    else:
        for node, attrs in sorted(view.nodes(data=True)):
            net.nodes.append(
                {
                    "id": node,
                    "label": attrs.get("label", ""),
                    "title": attrs.get("card", ""),
                    "shape": "dot",
                    "size": 10,
                }
            )
            net.node_ids.append(node)
        for u, v, attrs in view.edges(data=True):
            net.edges.append({"from": u, "to": v, "title": attrs.get("label", "")})
    page = net.generate_html()
    flag = (
        '<script>network.once("stabilizationIterationsDone",function(){'
        'network.once("afterDrawing",function(){window.paperkg={ready:true};});});</script>'
    )
    return page.replace("</body>", flag + "</body>")


def measure(name: str, make, out: Path, limit: float) -> dict[str, float]:
    """Render, write, and time the draw in a fresh browser (a hung page can't leak)."""
    start = time.perf_counter()
    page = make()
    render = time.perf_counter() - start
    path = out / f"{len(list(out.iterdir()))}.html"
    path.write_text(page, encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="kg-bench-chrome-")
    driver = make_driver(profile)
    try:
        driver.set_script_timeout(limit)
        driver.set_page_load_timeout(limit)
        draw = load_graph_page(driver, path, timeout=limit)
        if draw > limit:  # a blocked main thread made the last poll overrun
            draw = float("inf")
    except Exception:  # timeout, or the page blocked the browser's main thread
        draw = float("inf")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    row = {"render": render, "size": path.stat().st_size / 1e6, "draw": draw}
    shown = f"{draw:8.2f} s" if draw != float("inf") else f" >{limit:5.0f} s"
    print(
        f"{name:36s} render {render:6.2f} s  size {row['size']:6.2f} MB  draw {shown}", flush=True
    )
    return row


def ratio(a: float, b: float) -> str:
    if b == float("inf"):
        return "baseline never finished"
    return f"{a / b:.2f}x" if b else "n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=2500)
    ap.add_argument("--small", type=int, default=80, help="papers in the from_nx baseline")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds to wait for a draw")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    reason = missing_reason()
    if reason:
        sys.exit(f"cannot run the browser benchmark: {reason}")

    big = synthetic_view(args.papers, args.seed)
    small = synthetic_view(args.small, args.seed)
    print(f"full view:  {big.number_of_nodes()} nodes, {big.number_of_edges()} edges")
    print(f"small view: {small.number_of_nodes()} nodes, {small.number_of_edges()} edges\n")
    out = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    on = "on" if small.number_of_nodes() <= PHYSICS_MAX_NODES else "off"
    try:
        r = {
            "ours small": measure(
                f"ours small (physics auto={on})", lambda: render_html(small), out, args.limit
            ),
            "base small": measure(
                "pyvis from_nx small (physics on)", lambda: pyvis_page(small, True), out, args.limit
            ),
            "ours full": measure(
                "ours full (physics auto=off)", lambda: render_html(big), out, args.limit
            ),
            "ours full on": measure(
                "ours full (physics forced on)",
                lambda: render_html(big, physics=True),
                out,
                args.limit,
            ),
            "base full": measure(
                "pyvis direct full (physics on)", lambda: pyvis_page(big, False), out, args.limit
            ),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("\nratios (ours / baseline, lower is better):")
    for ours, base in (
        ("ours small", "base small"),
        ("ours full", "base full"),
        ("ours full on", "base full"),
    ):
        a, b = r[ours], r[base]
        print(
            f"  {ours:16s} vs {base:11s}: render {ratio(a['render'], b['render'])}, "
            f"size {ratio(a['size'], b['size'])}, draw {ratio(a['draw'], b['draw'])}"
        )


if __name__ == "__main__":
    main()
