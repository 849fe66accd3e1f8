"""Benchmark the default page (graph.html as ``kg build`` and ``kg add`` draw it).

On a store built by ``kg build`` (give its folder), in the same run and each in a
fresh process so peak memory is its own:

* ``full``: the page as it used to be drawn: project the whole store into networkx,
  then take the task overview (``overview(project(graph))``) and write it;
* ``page``: ``write_view_html(graph, path)``, the default page, which reads only
  what the overview shows (kg/view/draw.py ``default_overview``);

and prints each time (opening the store, which RocksDB may make slow, shown apart)
and peak RSS, the ratio of the drawing times, and whether the two pages are
byte-identical. Timings are printed, never asserted.

Usage: ``python bench/bench_page.py OUTPUT/store [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from kg.graph.store import GraphStore
store, mode, out = sys.argv[1:4]
start = time.perf_counter()
graph = GraphStore(store, read_only=True)
opened = time.perf_counter() - start
if mode == "full":
    from kg.view.focus import overview
    from kg.view.page import write_html
    from kg.view.projection import project
    write_html(overview(project(graph)), Path(out))
else:
    from kg.view.draw import write_view_html
    write_view_html(graph, Path(out))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "open": opened, "peak_mb": peak}))
"""


def run(store: Path, mode: str, out: Path) -> dict[str, float]:
    """One timed drawing in a fresh interpreter: seconds and peak RSS (MB)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(store), mode, str(out)],
                          check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path, help="a store folder written by kg build")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            full = run(args.store, "full", Path(tmp, "full.html"))
            page = run(args.store, "page", Path(tmp, "page.html"))
            same = Path(tmp, "full.html").read_bytes() == Path(tmp, "page.html").read_bytes()
            drawn = {name: r["seconds"] - r["open"] for name, r in (("full", full), ("page", page))}
            print(f"{time.strftime('%Y-%m-%d %H:%M')} run {i + 1}: "
                  f"full projection {full['seconds']:.2f} s (open {full['open']:.2f} s), "
                  f"{full['peak_mb']:.0f} MB; default page {page['seconds']:.2f} s "
                  f"(open {page['open']:.2f} s), {page['peak_mb']:.0f} MB; drawing ratio "
                  f"{drawn['page'] / drawn['full']:.2f}; identical page: {same}")


if __name__ == "__main__":
    main()
