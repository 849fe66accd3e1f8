"""Where a default ``kg build`` spends its time: each stage beside the floor it could reach.

Runs the stages of :mod:`kg.engine.build` one after another in this process, on
synthetic digests (``synth.py``, seed 0), and times each next to a floor: the
cheapest thing that does the same job with the same tools (pyoxigraph's own
parser, serialiser and bulk loader, Python's ``sorted``), so the table says how
close each stage is to what its tools allow. Stages run one at a time here; the
build overlaps loading with the others on a second thread.

Usage::

    python bench/stages.py --papers 10000                 # ~1 min here
    python bench/stages.py --papers 100000 --json /tmp/s.json

Timings are printed (and written as JSON with ``--json``), never asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (bench/ is not a package)

from kg.engine.loader import BatchLoader  # noqa: E402
from kg.graph import vocab as v  # noqa: E402
from kg.graph.iris import Minter  # noqa: E402
from kg.graph.lines import TYPE, read_triples, sorted_unique  # noqa: E402
from kg.graph.mapping import digest_spo  # noqa: E402
from kg.graph.store import GraphStore  # noqa: E402
from kg.read.parse import parse_inputs  # noqa: E402
from kg.view.draw import write_view_html  # noqa: E402
from kg.view.projection import project  # noqa: E402


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return round(time.perf_counter() - started, 3), value


def run(papers: int, data: Path, work: Path) -> list[dict]:
    folder = data / f"digests-{papers}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        synth.generate(papers, folder, seed=0)
        (folder / ".complete").touch()
    work.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=work, prefix="stages-"))
    rows: list[dict] = []

    def row(stage: str, seconds: float, floor: float, floor_what: str) -> None:
        rows.append({"stage": stage, "s": seconds, "floor_s": floor, "floor": floor_what})
        print(json.dumps(rows[-1]), flush=True)

    files = sorted(folder.glob("*.md"))
    floor, _ = timed(lambda: [path.read_text(encoding="utf-8").splitlines() for path in files])
    seconds, parsed = timed(lambda: parse_inputs([str(folder)]))
    row("reading (parse_inputs)", seconds, floor, "read and split the files' lines")

    minter = Minter(v.DEFAULT_BASE)
    seconds, terms = timed(lambda: [(str(minter.day_graph(d.source.name, d.day)),
                                     list(digest_spo(d, minter))) for d in parsed.digests])
    plain = [("<urn:s>", "<urn:p>", "<urn:o>")] * sum(len(t) for _, t in terms)
    floor, _ = timed(lambda: [(s, p, o) for s, p, o in plain])
    row("mapping (records to pyoxigraph terms)", seconds, floor,
        "a Python loop making as many 3-tuples")

    def strings() -> tuple[list[str], list[str]]:
        union, quads = [], []
        for graph, triples in terms:
            for s, p, o in triples:
                subject, predicate, obj = str(s), str(p), str(o)
                quads.append(f"{subject} {predicate} {obj} {graph} .\n")
                gap = "\t" if predicate == TYPE else " "
                union.append(f"{subject}{gap}{predicate} {obj} .\n")
        return union, quads

    seconds, (lines, quads) = timed(strings)
    floor, _ = timed(lambda: [f"{s} {p} {o} .\n" for s, p, o in plain])
    row("terms to N-Triples lines", seconds, floor, "f-strings of ready-made strings")

    seconds, union = timed(lambda: list(sorted_unique(lines, tmp)))
    floor, _ = timed(lambda: sorted(set(lines)))
    row("sorting (external sort, de-duplication)", seconds, floor, "sorted(set(lines)) in memory")
    path = tmp / "union.nt"
    path.write_text("".join(union), encoding="utf-8")
    prefixes = v.all_prefixes(v.DEFAULT_BASE)
    seconds, _ = timed(lambda: ox.serialize(read_triples(path), str(tmp / "graph.ttl"),
                                            ox.RdfFormat.TURTLE, prefixes=prefixes))
    def rust_only() -> None:
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        store.dump(str(tmp / "floor.ttl"), ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                   prefixes=prefixes)

    floor, _ = timed(rust_only)
    row("writing graph.ttl (parse sorted lines, serialise)", seconds, floor,
        "pyoxigraph load + dump in Rust, no Python objects")

    data_bytes = ("".join(quads) + "".join(union)).encode()

    def batched() -> GraphStore:
        graph = GraphStore(tmp / "store", base=v.DEFAULT_BASE)
        with BatchLoader(graph.store) as loader:
            for line in quads:
                loader.add(line)
            for line in union:
                loader.add(line)
        return graph

    seconds, graph = timed(batched)
    bulk_s, _ = timed(lambda: ox.Store(str(tmp / "floor-store")).bulk_load(
        data_bytes, format=ox.RdfFormat.N_QUADS, lenient=True))
    memory_s, _ = timed(lambda: ox.Store().bulk_load(data_bytes, format=ox.RdfFormat.N_QUADS,
                                                     lenient=True))
    row(f"loading the on-disk store ({len(quads) + len(union):,} quads, batches)", seconds,
        bulk_s, f"one on-disk bulk_load (in memory: {memory_s} s)")
    data_bytes = b""
    project_s, _ = timed(lambda: project(graph))
    seconds, _ = timed(lambda: write_view_html(graph, tmp / "graph.html"))
    row("page (project, focus, draw graph.html)", seconds, project_s, "the projection alone")
    shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--data", type=Path, default=Path("/tmp/paperkg-bench/data"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/paperkg-bench/work"))
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    rows = run(args.papers, args.data, args.work)
    print(f"\n## stages of kg build, {args.papers:,} papers (one at a time, this process)\n")
    print("| stage | time | floor | ratio | floor measured as |")
    print("|---|---:|---:|---:|---|")
    for item in rows:
        ratio = item["s"] / item["floor_s"] if item["floor_s"] else float("nan")
        print(f"| {item['stage']} | {item['s']:.2f} s | {item['floor_s']:.2f} s | "
              f"{ratio:.1f}x | {item['floor']} |")
    total = sum(item["s"] for item in rows)
    print(f"\nsum of stages {total:.2f} s; peak RSS of this process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
