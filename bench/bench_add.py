"""Benchmark the daily ``kg add``: one new day onto a store, against a full rebuild.

For each size, synthetic digests (bench/synth.py, one file a day, ~30 papers a day,
so 11,000 papers is about a year) are built into an output folder except the last
day; then, in the same run:

* ``rebuild``: ``kg build`` of every day (graph.ttl, graph.html and the store), and
* ``add``: ``kg add`` of the last day onto the store of the other days, with its
  default outputs (graph.ttl and graph.html rewritten), using what the build kept:
  the VoID counts in the store, which follow the add's change (:mod:`kg.engine.union`),
  the people state (:mod:`kg.people.state`), the record of graph.ttl that lets the
  add splice it (:mod:`kg.engine.splice`), the search index, which it updates in
  place (:mod:`kg.web.search`), and the page's outline with its cards
  (:mod:`kg.view.outline`), and
* ``add, nothing kept``: the same add with those dropped first, so the union is
  merged with the change and passed over whole, the people weighed from scratch,
  graph.ttl serialised whole, the index rebuilt and the outline counted again: the
  baseline of the same run,

and each add's time is printed, in seconds and as a share of the rebuild's, in
total and for its parts: ``page`` (what the add waits for graph.html and graph.ttl,
which a second process draws and splices beside it), ``ttl`` (the union's counts, and
graph.ttl when the add writes it itself: a graph too small for the second process, or
the baseline's whole file), ``people`` (the identity links of kg.people) and
``search`` (the search index), with whether every graph.ttl is byte-identical to the
rebuild's.
Then the same add and rebuild run as a user runs them, ``kg add`` and ``kg build`` in
fresh processes (start-up and imports included), ``--commands`` times each
alternately; the medians and their ratio are printed.
The issue's targets: under 5 % on a one-year store and under 10 % at 10k papers.
Timings are printed, never asserted.

Usage: ``python bench/bench_add.py [--papers 11000 --papers 10000] [--repeat 1]
[--commands 5]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import generate

import kg
import kg.engine.add as add_module
from kg.engine import page_job, splice, union
from kg.engine.add import add_to_output
from kg.engine.workspace import Workspace
from kg.view import draw
from kg.web import search

#: The parts of an add timed on their own: (module, function) for each.
PARTS = {
    # The page is drawn by a second process (kg.engine.page_job): what the add pays is
    # handing it the new store and waiting for it, or drawing it here if it failed.
    "page": [(page_job.PageJob, "draw"), (page_job.PageJob, "finish"),
             (draw, "write_view_html")],
    "ttl": [(union, "follow"), (add_module, "_write_exports")],
    "people": [(add_module, "refresh_people")],
    "search": [(search, "update_index")],
}


class Clock:
    """Seconds spent in each part of :data:`PARTS` (the functions are wrapped once)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(PARTS, 0.0)
        for part, targets in PARTS.items():
            for module, name in targets:
                setattr(module, name, self._timed(part, getattr(module, name)))

    def _timed(self, part: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.seconds[part] += time.perf_counter() - start
        return timed


def timed_add(files: list[Path], folder: Path, clock: Clock, *,
              keep: bool) -> tuple[float, dict[str, float]]:
    """(seconds, seconds per part) of adding the last file onto a build of the others."""
    shutil.rmtree(folder, ignore_errors=True)
    kg.build(files[:-1], folder)
    if not keep:  # what an add rewrites whole without them
        for path in [*folder.glob(".union-*"), *folder.glob(".outline-*"),
                     folder / splice.RECORD, folder / search.SEARCH_FILE]:
            path.unlink(missing_ok=True)
        drop_void(folder)
    clock.seconds = dict.fromkeys(PARTS, 0.0)
    start = time.perf_counter()
    add_to_output([files[-1]], folder)
    return time.perf_counter() - start, dict(clock.seconds)


def drop_void(folder: Path) -> None:
    """Take the VoID description (the counts an add follows) out of the folder's store."""
    graph = Workspace(folder).open()
    try:
        graph.drop_void()
    finally:
        graph.close()


def measure(papers: int, workdir: Path, repeat: int, clock: Clock) -> dict[str, Any]:
    """Best times of the rebuild and of both adds (with their parts), and identity."""
    files = generate(papers, workdir / "digests")
    runs: dict[str, list[tuple[float, dict[str, float]]]] = {
        "rebuild": [], "add": [], "baseline": []}
    identical = True
    for _ in range(repeat):
        full = workdir / "full"
        shutil.rmtree(full, ignore_errors=True)
        start = time.perf_counter()
        kg.build(files, full)
        runs["rebuild"].append((time.perf_counter() - start, {}))
        reference = (full / "graph.ttl").read_bytes()
        for name, keep in (("add", True), ("baseline", False)):
            runs[name].append(timed_add(files, workdir / name, clock, keep=keep))
            identical &= (workdir / name / "graph.ttl").read_bytes() == reference
    best = {name: min(times, key=lambda run: run[0]) for name, times in runs.items()}
    return {"days": len(files), "identical": identical, **best}


def command_times(files: list[Path], workdir: Path, runs: int
                  ) -> tuple[float, float, bool]:
    """Median seconds of ``kg add`` (the last file onto a build of the others) and of
    ``kg build`` (every file), each a fresh process, taken alternately; and whether
    every graph.ttl the adds wrote is byte-identical to the builds'."""
    def kg_command(*args: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", *args, "-q"], check=True,
                       capture_output=True)
        return time.perf_counter() - start

    base, added, full = workdir / "cmd-base", workdir / "cmd-add", workdir / "cmd-full"
    kg_command("build", *map(str, files[:-1]), "-o", str(base))
    adds, builds, identical = [], [], True
    for _ in range(runs):
        shutil.rmtree(added, ignore_errors=True)
        shutil.copytree(base, added, symlinks=True)
        adds.append(kg_command("add", str(files[-1]), "-o", str(added)))
        shutil.rmtree(full, ignore_errors=True)
        builds.append(kg_command("build", *map(str, files), "-o", str(full)))
        identical &= (added / "graph.ttl").read_bytes() == (full / "graph.ttl").read_bytes()
    return statistics.median(adds), statistics.median(builds), identical


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, action="append",
                        help="synthetic papers (repeatable; default 11000 and 10000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (best is kept)")
    parser.add_argument("--commands", type=int, default=5,
                        help="kg add / kg build command runs per size (medians; 0: none)")
    args = parser.parse_args(argv)
    sizes = args.papers or [11_000, 10_000]
    clock = Clock()
    for papers in sizes:
        with tempfile.TemporaryDirectory(prefix="paperkg-bench-add-") as tmp:
            m = measure(papers, Path(tmp), args.repeat, clock)
            commands = command_times(sorted((Path(tmp) / "digests").glob("*.md")), Path(tmp),
                                     args.commands) if args.commands else None
        rebuild = m["rebuild"][0]
        print(f"{papers} papers, {m['days']} days: rebuild {rebuild:.2f} s; graph.ttl of "
              f"both adds {'identical' if m['identical'] else 'DIFFERENT'} to the rebuild's")
        print(f"  {'':<22} {'total':>14} " + " ".join(f"{part:>14}" for part in PARTS))
        for name, label in (("add", "add"), ("baseline", "add, nothing kept")):
            seconds, parts = m[name]
            cells = [f"{seconds:6.2f} {seconds / rebuild:6.1%}"] + [
                f"{parts[part]:6.2f} {parts[part] / rebuild:6.1%}" for part in PARTS]
            print(f"  {label:<22} " + " ".join(f"{cell:>14}" for cell in cells), flush=True)
        if commands is not None:
            add, build, same = commands
            print(f"  as commands (median of {args.commands}): kg add {add:.2f} s = "
                  f"{add / build:.1%} of kg build {build:.2f} s; graph.ttl "
                  f"{'identical' if same else 'DIFFERENT'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
