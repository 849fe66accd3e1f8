"""Benchmark the daily ``kg add``: one new day onto a store, against a full rebuild.

For each size, synthetic digests (bench/synth.py, one file a day, ~30 papers a day,
so 11,000 papers is about a year) are built into an output folder except the last
day; then, in the same run:

* ``rebuild``: ``kg build`` of every day (graph.ttl, graph.html and the store), and
* ``add``: ``kg add`` of the last day onto the store of the other days, with its
  default outputs (graph.ttl and graph.html rewritten),

and the add's time is printed as a share of the rebuild's, with whether the two
graph.ttl files are byte-identical. The issue's targets: under 5 % on a one-year
store and under 10 % at 10k papers. Timings are printed, never asserted.

Usage: ``python bench/bench_add.py [--papers 11000 --papers 10000] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import generate

import kg
from kg.engine.add import add_to_output


def measure(papers: int, workdir: Path, repeat: int) -> tuple[float, float, bool, int]:
    """(best rebuild seconds, best add seconds, graph.ttl identical, days)."""
    files = generate(papers, workdir / "digests")
    rebuild_times, add_times = [], []
    identical = True
    for _ in range(repeat):
        full, daily = workdir / "full", workdir / "daily"
        for folder in (full, daily):
            shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        kg.build(files, full)
        rebuild_times.append(time.perf_counter() - start)
        kg.build(files[:-1], daily)
        start = time.perf_counter()
        add_to_output([files[-1]], daily)
        add_times.append(time.perf_counter() - start)
        identical &= (full / "graph.ttl").read_bytes() == (daily / "graph.ttl").read_bytes()
    return min(rebuild_times), min(add_times), identical, len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, action="append",
                        help="synthetic papers (repeatable; default 11000 and 10000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (best is kept)")
    args = parser.parse_args(argv)
    sizes = args.papers or [11_000, 10_000]
    print(f"{'papers':>8} {'days':>5} {'rebuild s':>10} {'add s':>8} {'add share':>10} "
          f"{'graph.ttl':>10}")
    for papers in sizes:
        with tempfile.TemporaryDirectory(prefix="paperkg-bench-add-") as tmp:
            rebuild, add, identical, days = measure(papers, Path(tmp), args.repeat)
        print(f"{papers:>8} {days:>5} {rebuild:>10.2f} {add:>8.2f} {add / rebuild:>9.1%} "
              f"{'identical' if identical else 'DIFFERENT':>10}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
