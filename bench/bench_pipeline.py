"""End-to-end benchmark: paperkg against the plain-rdflib baseline, in one run.

Measures, on synthetic digests (``synth.py``, seed 0) of each ``--sizes`` row count:

* **the default path**: ``kg build DIR -o OUT`` exactly as the README tells a user
  to run it (the working store and ``graph.html`` included), beside
  ``kg build --no-store --no-html`` (markdown to Turtle only), against
  ``baseline_rdflib.py`` (parse, ``Graph.add``, Turtle), with each one's peak RSS;
* **a year**: ``kg build`` with everything of a year-sized synthetic set
  (2,600 papers) and of the real corpus (``KG_CORPUS``, 92 days) when it is set;
* **incremental add**: a one-year store (250 daily files, ~30 rows each) built by
  ``kg build``, then ``kg add`` of the 251st day with ``--no-export`` and with the
  Turtle export, against a full rebuild of all 251 days;
* **queries**: the three reference queries of the library (``ontology/queries``:
  papers-per-task, prolific-authors, co-author-pairs) on the largest default
  build, through ``kg query`` (the whole command) and ``kg.sparql.query.run_query``
  on its store, against ``pyoxigraph.Store.query`` on an in-memory store of the
  same data (loaded from that build's ``graph.ttl``).

Every measurement is a fresh subprocess: wall time is measured around it and its
peak RSS comes from ``os.wait4`` (that child's own ``ru_maxrss``), so nothing a
previous step allocated counts. Ratios compare figures from the same run; on a
shared machine the absolute times drift with other jobs' load, which is printed.

Usage::

    python bench/bench_pipeline.py                          # 1k, 10k, 100k (several minutes)
    python bench/bench_pipeline.py --sizes 1000,10000       # quick run
    python bench/bench_pipeline.py --baseline-max 10000     # no rdflib run above 10k

Timings are printed (and written as JSON with ``--json``), never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (bench/ is not a package)

YEAR_DAYS = 250
YEAR_ROWS = 7_800  # synth writes 25-35 rows a day: enough for YEAR_DAYS + 1 days
#: A real year of digests: ~10 papers a day (the corpus' rate) for 263 days.
REAL_YEAR_ROWS = 2_600
#: The reference queries, by their name in the query library (ontology/queries).
REFERENCE_QUERIES = ("papers-per-task", "prolific-authors", "co-author-pairs")

@dataclass(slots=True)
class Run:
    """One measured subprocess."""

    wall_s: float
    peak_rss_mb: float
    stdout: str = ""


@dataclass(slots=True)
class Report:
    """Everything measured, for the table and ``--json``."""

    load_before: str = ""
    pipeline: list[dict] = field(default_factory=list)
    year: dict = field(default_factory=dict)
    incremental: dict = field(default_factory=dict)
    queries: dict = field(default_factory=dict)
    targets: list[dict] = field(default_factory=list)


def measure(cmd: list[str], cwd: Path = ROOT) -> Run:
    """Run ``cmd`` to completion: its wall time and, from ``os.wait4``, its own peak RSS.

    Output goes to temporary files (not pipes) so the child never blocks on a full
    pipe while we wait for it.
    """
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}.out"
    err_path = out_path.with_suffix(".err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_text(), err_path.read_text()
    out_path.unlink()
    err_path.unlink()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({child.returncode}):\n{stderr[-2000:]}")
    return Run(round(wall, 3), round(usage.ru_maxrss / 1024, 1), stdout)


def kg(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg", *args]


def no_html() -> list[str]:
    """``--no-html`` where ``kg build`` has it: the HTML view is not part of md → Turtle."""
    done = subprocess.run(kg("build", "--help"), cwd=ROOT, capture_output=True, text=True)
    return ["--no-html"] if "--no-html" in done.stdout else []


def summary_triples(stdout: str) -> int:
    """The data-triple count from ``kg build``'s summary."""
    match = re.search(r"^\s*triples\s+([\d,]+)", stdout, re.MULTILINE)
    return int(match.group(1).replace(",", "")) if match else 0


def digests(data: Path, rows: int) -> Path:
    """Synthetic digests of ``rows`` rows (seed 0), generated once and reused."""
    folder = data / f"digests-{rows}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        synth.generate(rows, folder, seed=0)
        done.touch()
    return folder


# ------------------------------------------------------------------ markdown → Turtle


def bench_pipeline(size: int, data: Path, work: Path, baseline: bool) -> dict:
    """Baseline; ``kg build`` with ``--no-store --no-html``, ``--no-html`` and the defaults."""
    source = digests(data, size)
    result: dict = {"rows": size}
    if baseline:
        run = measure([sys.executable, str(HERE / "baseline_rdflib.py"), str(source),
                       "--out", str(work / f"base-{size}.ttl"), "--json"])
        stats = json.loads(run.stdout)
        result["baseline"] = {"wall_s": run.wall_s, "peak_rss_mb": run.peak_rss_mb,
                              "triples": stats["triples"], "build_s": stats["build_s"],
                              "serialize_s": stats["serialize_s"]}
        (work / f"base-{size}.ttl").unlink(missing_ok=True)
    out = work / f"kg-{size}"  # the default build's output stays for the queries
    for key, flags in (("paperkg", ["--no-store", *no_html()]),
                       ("paperkg_store", no_html()), ("paperkg_default", [])):
        shutil.rmtree(out, ignore_errors=True)
        run = measure(kg("build", str(source), "-o", str(out), *flags))
        result[key] = {"wall_s": run.wall_s, "peak_rss_mb": run.peak_rss_mb,
                       "triples": summary_triples(run.stdout)}
    return result


def bench_year(data: Path, work: Path) -> dict:
    """``kg build`` with everything on a year: synthetic, and the real corpus if set."""
    sets = {"synthetic year": digests(data, REAL_YEAR_ROWS)}
    corpus = os.environ.get("KG_CORPUS")
    if corpus and (Path(corpus) / "digests").is_dir():
        sets["real corpus (92 days)"] = Path(corpus) / "digests"
    results: dict = {}
    for name, source in sets.items():
        out = work / "year-build"
        shutil.rmtree(out, ignore_errors=True)
        measure(kg("build", str(source), "-o", str(out), "-q"))  # warm the file cache
        shutil.rmtree(out, ignore_errors=True)
        run = measure(kg("build", str(source), "-o", str(out)))
        results[name] = {"rows": _rows(source), "wall_s": run.wall_s,
                         "peak_rss_mb": run.peak_rss_mb,
                         "triples": summary_triples(run.stdout)}
    return results


def _rows(folder: Path) -> int:
    return sum(text.count("\n| [") for text in (p.read_text() for p in folder.glob("*.md")))


# ------------------------------------------------------------------ incremental add


def bench_incremental(data: Path, work: Path) -> dict:
    """One-year store, then ``kg add`` of one more day, against a full rebuild."""
    source = digests(data, YEAR_ROWS)
    files = sorted(source.glob("*.md"))
    if len(files) <= YEAR_DAYS:
        raise RuntimeError(f"need more than {YEAR_DAYS} daily files, got {len(files)}")
    year, new = work / "year", work / "new-day"
    for folder in (year, new):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for path in files[:YEAR_DAYS]:
        shutil.copy(path, year / path.name)
    shutil.copy(files[YEAR_DAYS], new / files[YEAR_DAYS].name)
    year_rows = _rows(year)

    def fresh(name: str) -> Path:
        path = work / name
        shutil.rmtree(path, ignore_errors=True)
        return path

    built = fresh("inc-year")
    year_build = measure(kg("build", str(year), "-o", str(built), "-q"))
    rebuild = measure(kg("build", str(year), str(new), "-o", str(fresh("inc-full")),
                               "-q"))
    rebuild_plain = measure(kg("build", str(year), str(new), "-o",
                                     str(fresh("inc-full-nostore")), "-q", "--no-store"))
    results = {"days": YEAR_DAYS, "rows": year_rows,
               "year_build_s": year_build.wall_s,
               "rebuild_s": rebuild.wall_s, "rebuild_no_store_s": rebuild_plain.wall_s}
    for label, extra in (("add_no_export", ["--no-export"]), ("add_export", [])):
        target = fresh(f"inc-{label}")
        shutil.copytree(built, target)
        run = measure(kg("add", str(new), "-o", str(target), "-q", *extra))
        results[f"{label}_s"] = run.wall_s
        results[f"{label}_rss_mb"] = run.peak_rss_mb
    # The result must equal the rebuild (the whole point of kg add).
    same = (work / "inc-add_export" / "graph.ttl").read_bytes() == \
        (work / "inc-full" / "graph.ttl").read_bytes()
    results["add_equals_rebuild"] = same
    return results


# ------------------------------------------------------------------ queries


def query_child(kind: str, location: str, repeat: int) -> dict:
    """In a child process: time the reference queries, best of ``repeat``."""
    import pyoxigraph as ox

    from kg.graph import vocab
    from kg.sparql.library import bind_query

    loaded_s = 0.0
    if kind == "paperkg":
        from kg.graph.store import GraphStore
        from kg.sparql.query import run_query

        graph = GraphStore(location, read_only=True)

        def execute(text: str) -> int:
            return run_query(graph.store, text).count
    else:
        started = time.perf_counter()
        store = ox.Store()
        store.bulk_load(path=location, format=ox.RdfFormat.TURTLE)
        loaded_s = time.perf_counter() - started

        def execute(text: str) -> int:
            solutions = store.query(text, prefixes=vocab.PREFIXES)
            return len([tuple(row) for row in solutions])  # type: ignore[union-attr]

    timings: dict[str, dict] = {}
    for name in REFERENCE_QUERIES:
        text = bind_query(name)
        best, rows = float("inf"), 0
        for _ in range(repeat):
            started = time.perf_counter()
            rows = execute(text)
            best = min(best, time.perf_counter() - started)
        timings[name] = {"best_s": round(best, 3), "rows": rows}
    return {"load_s": round(loaded_s, 3), "queries": timings}


def bench_queries(size: int, work: Path, repeat: int) -> dict:
    """The reference queries on the default build of ``size`` rows, three ways."""
    out = work / f"kg-{size}"
    results: dict = {"rows": size, "kg query": {}}
    for name in REFERENCE_QUERIES:
        best = min(measure(kg("query", "-n", name, "-g", str(out), "--format", "csv")).wall_s
                   for _ in range(repeat))
        results["kg query"][name] = {"best_s": best}
    results["startup_s"] = min(measure(kg("--help")).wall_s for _ in range(repeat))
    for kind, location in (("paperkg", out / "store"), ("pyoxigraph", out / "graph.ttl")):
        run = measure([sys.executable, __file__, "--child-query", kind, str(location),
                       "--repeat", str(repeat)])
        results[kind] = json.loads(run.stdout) | {"peak_rss_mb": run.peak_rss_mb}
    return results


# ------------------------------------------------------------------ report


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def judge(report: Report) -> None:
    """Compare the figures with the issue's targets."""
    targets = report.targets
    for row in report.pipeline:
        if "baseline" in row and row["rows"] >= 10_000:
            speedup = ratio(row["baseline"]["wall_s"], row["paperkg_default"]["wall_s"])
            targets.append({"target": f"default kg build ≥ 8x rdflib at {row['rows']:,}",
                            "measured": f"{speedup}x", "met": speedup >= 8})
        if row["rows"] == 100_000:
            rss = row["paperkg_default"]["peak_rss_mb"]
            targets.append({"target": "100k papers < 1 GB peak (default kg build)",
                            "measured": f"{rss:.0f} MB", "met": rss < 1024})
            rss = row["paperkg_store"]["peak_rss_mb"]
            targets.append({"target": "100k papers < 1 GB peak (kg build --no-html, store)",
                            "measured": f"{rss:.0f} MB", "met": rss < 1024})
    for name, year in report.year.items():
        targets.append({"target": f"{name} ({year['rows']:,} rows), kg build < 3 s",
                        "measured": f"{year['wall_s']:.2f} s", "met": year["wall_s"] < 3})
    inc = report.incremental
    if inc:
        share = inc["add_no_export_s"] / inc["rebuild_s"]
        targets.append({"target": "add one day < 5% of full rebuild (--no-export)",
                        "measured": f"{share:.1%}", "met": share < 0.05})
    queries = report.queries
    if queries:
        for name in REFERENCE_QUERIES:
            ours = queries["paperkg"]["queries"][name]["best_s"]
            theirs = queries["pyoxigraph"]["queries"][name]["best_s"]
            slower = ratio(ours, theirs)
            targets.append({"target": f"query {name} ≤ 2x pyoxigraph in memory "
                                      f"({queries['rows']:,})",
                            "measured": f"{slower}x", "met": slower <= 2})


def print_report(report: Report) -> None:
    print(f"\nload average before the run: {report.load_before}")
    print("\n## kg build as a user runs it (store and page) against rdflib "
          "(wall time of the whole process, peak RSS)\n")
    print("| rows | triples (kg / rdflib) | rdflib | kg (default) | speedup "
          "| kg --no-html | speedup | kg --no-store --no-html | speedup "
          "| peak RSS rdflib / default / --no-html / --no-store --no-html |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in report.pipeline:
        fast, store, default = row["paperkg"], row["paperkg_store"], row["paperkg_default"]
        base = row.get("baseline")

        def speedup(ours: dict, base: dict | None = base) -> str:
            return f"{ratio(base['wall_s'], ours['wall_s'])}x" if base else "-"

        print(f"| {row['rows']:,} | {default['triples']:,} / "
              f"{format(base['triples'], ',') if base else '-'} | "
              f"{_time(base)} | {default['wall_s']:.2f} s | {speedup(default)} | "
              f"{store['wall_s']:.2f} s | {speedup(store)} | "
              f"{fast['wall_s']:.2f} s | {speedup(fast)} | "
              f"{base['peak_rss_mb'] if base else '-'} / {default['peak_rss_mb']:.0f} / "
              f"{store['peak_rss_mb']:.0f} / {fast['peak_rss_mb']:.0f} MB |")
    if report.year:
        print("\n## a year, kg build with everything (warm file cache)\n")
        print("| digests | rows | triples | wall | peak RSS |")
        print("|---|---:|---:|---:|---:|")
        for name, year in report.year.items():
            print(f"| {name} | {year['rows']:,} | {year['triples']:,} | "
                  f"{year['wall_s']:.2f} s | {year['peak_rss_mb']:.0f} MB |")
    inc = report.incremental
    if inc:
        print(f"\n## incremental: one-year store ({inc['days']} days, {inc['rows']:,} rows) "
              "+ one day\n")
        print("| step | wall | share of full rebuild |")
        print("|---|---:|---:|")
        print(f"| kg build, one year (with store) | {inc['year_build_s']:.2f} s | |")
        print(f"| full rebuild, 251 days (kg build, with store) | {inc['rebuild_s']:.2f} s "
              "| 100% |")
        print(f"| full rebuild, 251 days (kg build --no-store) | "
              f"{inc['rebuild_no_store_s']:.2f} s | "
              f"{inc['rebuild_no_store_s'] / inc['rebuild_s']:.1%} |")
        for key, label in (("add_no_export", "kg add one day --no-export"),
                           ("add_export", "kg add one day (Turtle export)")):
            print(f"| {label} | {inc[key + '_s']:.2f} s | "
                  f"{inc[key + '_s'] / inc['rebuild_s']:.1%} |")
        print(f"\nkg add result byte-identical to the rebuild: {inc['add_equals_rebuild']}")
    queries = report.queries
    if queries:
        print(f"\n## reference queries on {queries['rows']:,} rows (best of repeats)\n")
        print("| query | rows | kg query (whole command) | run_query on the store "
              "| pyoxigraph in memory | ratio |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in REFERENCE_QUERIES:
            command = queries["kg query"][name]
            ours = queries["paperkg"]["queries"][name]
            theirs = queries["pyoxigraph"]["queries"][name]
            print(f"| {name} | {ours['rows']:,} | {command['best_s']:.3f} s | "
                  f"{ours['best_s']:.3f} s | {theirs['best_s']:.3f} s | "
                  f"{ratio(ours['best_s'], theirs['best_s'])}x |")
        print(f"\n(`kg --help` takes {queries['startup_s']:.2f} s: the command's fixed cost; "
              f"pyoxigraph's load of graph.ttl into memory, "
              f"{queries['pyoxigraph']['load_s']:.1f} s, is not counted)")
    print("\n## targets\n")
    print("| target | measured | met |")
    print("|---|---:|:---:|")
    for target in report.targets:
        print(f"| {target['target']} | {target['measured']} | "
              f"{'yes' if target['met'] else 'NO'} |")


def _time(base: dict | None) -> str:
    if not base:
        return "not run"
    return f"{base['wall_s']:.2f} s ({base['build_s']:.1f} + {base['serialize_s']:.1f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000",
                    help="comma-separated row counts (default 1000,10000,100000)")
    ap.add_argument("--baseline-max", type=int, default=None,
                    help="skip the rdflib baseline above this many rows")
    ap.add_argument("--data", type=Path, default=Path("/tmp/paperkg-bench/data"),
                    help="where synthetic digests are generated (reused between runs)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/paperkg-bench/work"),
                    help="scratch folder for outputs and stores")
    ap.add_argument("--repeat", type=int, default=3, help="query repeats (best is kept)")
    ap.add_argument("--query-size", type=int, default=None,
                    help="rows of the build the queries run on (default: the largest size)")
    ap.add_argument("--no-year", action="store_true", help="skip the one-year builds")
    ap.add_argument("--no-pipeline", action="store_true",
                    help="skip the per-size builds (queries then use an earlier run's build)")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--child-query", nargs=2, metavar=("KIND", "LOCATION"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_query:
        print(json.dumps(query_child(*args.child_query, args.repeat)))
        return 0

    sizes = [int(size) for size in args.sizes.split(",")]
    args.data.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    report = Report(load_before=" ".join(f"{load:.2f}" for load in os.getloadavg()))
    for size in sizes:
        digests(args.data, size)
    if not args.no_year:
        report.year = bench_year(args.data, args.work)
        print(json.dumps(report.year), flush=True)
    for size in [] if args.no_pipeline else sizes:
        baseline = args.baseline_max is None or size <= args.baseline_max
        row = bench_pipeline(size, args.data, args.work, baseline)
        report.pipeline.append(row)
        print(json.dumps(row), flush=True)
    if not args.no_incremental:
        report.incremental = bench_incremental(args.data, args.work)
        print(json.dumps(report.incremental), flush=True)
    if not args.no_queries:
        report.queries = bench_queries(args.query_size or max(sizes), args.work, args.repeat)
        print(json.dumps(report.queries), flush=True)
    judge(report)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
