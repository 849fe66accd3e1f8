"""Page latency of the kg.web pages on a one-year store, against the store's own query time.

Builds (or reuses, with ``--output``) a one-year graph from synthetic digests
(``bench/synth.py``, default 8,000 rows over ~265 days, about the size of a real
year), opens its store read-only as ``kg serve`` does, and for each page kind
(index, paper, person, task, day, repository, account, search, a query-page
preset) times :func:`kg.web.respond` end to end.  The baseline, measured in the
same run, is the time the store takes for exactly the SPARQL queries that page
ran (recorded while it rendered, then replayed bare), so the printed ratio is
what routing, templates and escaping add on top of Oxigraph.

The index and task pages read a summary computed once per generation of the
store (``kg serve`` computes it in the background when it opens one); its time
is printed first, and it is not part of the pages' times.  For those pages the
"store ms" column is the little they still ask the store, so compare their page
time with the target rather than the ratio.  The first call of each page is a
warm-up (it also builds the VoID and opens the search index); the median of
``--repeat`` calls is reported.  Target: every page
under 100 ms.  Timings are printed, never asserted.

Usage: ``python bench/bench_web.py [--papers 8000] [--output DIR] [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import generate

import kg
from kg.web import respond
from kg.web.site import Site, attach_search, site_for

HTML = {"Accept": "text/html"}
_PICK = {
    "paper": "SELECT ?n WHERE { ?e schema:about ?n } GROUP BY ?n ORDER BY DESC(COUNT(?e)) "
             "STR(?n) LIMIT 1",
    "person": "SELECT ?n WHERE { ?p dcterms:creator ?n } GROUP BY ?n "
              "ORDER BY DESC(COUNT(?p)) STR(?n) LIMIT 1",
    "task": "SELECT ?n WHERE { ?p dcterms:subject ?n } GROUP BY ?n "
            "ORDER BY DESC(COUNT(?p)) STR(?n) LIMIT 1",
    "day": "SELECT ?n WHERE { ?n schema:datePublished ?d } ORDER BY DESC(?d) LIMIT 1",
    "repository": "SELECT ?n WHERE { ?p pkg:hasRepository ?n } GROUP BY ?n "
                  "ORDER BY DESC(COUNT(?p)) STR(?n) LIMIT 1",
    "account": "SELECT ?n WHERE { ?i sioc:has_owner ?n } GROUP BY ?n "
               "ORDER BY DESC(COUNT(?i)) STR(?n) LIMIT 1",
}


class Recorder:
    """Wraps ``Site.rows`` to keep the queries a page runs (with their bindings applied)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.queries: list[str] = []
        self._rows = site.rows

        def rows(query: str, **bindings: ox.Term) -> list[dict[str, object]]:
            written = query
            for name, term in bindings.items():
                written = written.replace(f"?{name}", str(term))
            self.queries.append(written)
            return self._rows(query, **bindings)

        site.rows = rows  # type: ignore[method-assign]


def median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=8000)
    ap.add_argument("--output", type=Path, help="reuse or create this output folder")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-web-") as tmp:
        out = args.output or Path(tmp) / "out"
        if not (out / "store").is_dir():
            digests = Path(tmp) / "digests"
            generate(args.papers, digests)
            start = time.perf_counter()
            kg.build([digests], out, html=False)
            print(f"built {out} in {time.perf_counter() - start:.1f} s")
        store = ox.Store.read_only(str(out / "store"))
        attach_search(store, out)
        site = site_for(store)
        prefixes = site.prefixes
        start = time.perf_counter()
        site.summary()
        summary_s = time.perf_counter() - start
        paths = {"index": "/"}
        for kind, query in _PICK.items():
            rows = list(store.query(query, prefixes=prefixes))  # type: ignore[arg-type]
            if rows:
                paths[kind] = site.local(rows[0]["n"].value) + ".html"
        paths["search"] = "/search?q=reinforcement+learning"
        paths["query preset"] = "/queries?preset=papers-per-task&run=1"
        print(f"{len(store)} quads; index and task summary computed in {summary_s:.2f} s "
              "(once per generation of the store, in the background)")
        print(f"pages timed {args.repeat}x after one warm-up (median)\n")
        print(f"{'page':<14}{'path':<48}{'page ms':>9}{'store ms':>10}{'ratio':>7}{'KB':>7}")
        recorder = Recorder(site)
        for kind, target in paths.items():
            path, _, query_string = target.partition("?")
            params = [tuple(p.split("=", 1)) for p in query_string.split("&") if p]
            params = [(k, val.replace("+", " ")) for k, val in params]

            def call(path: str = path, params: list = params) -> bytes:
                answer = respond(store, "GET", path, params, HTML)
                assert answer is not None and answer.status == 200, (path, answer)
                return answer.body

            size = len(call()) / 1024
            recorder.queries.clear()
            call()
            replay = list(recorder.queries)
            page_ms = median_ms(call, args.repeat)
            store_ms = median_ms(lambda replay=replay: [list(store.query(q, prefixes=prefixes))
                                                        for q in replay], args.repeat)
            if kind in ("search", "query preset"):
                store_ms = float("nan") if not replay else store_ms
            ratio = page_ms / store_ms if store_ms == store_ms and store_ms > 0 else float("nan")
            shown = target if len(target) < 46 else target[:43] + "..."
            print(f"{kind:<14}{shown:<48}{page_ms:>9.1f}{store_ms:>10.1f}{ratio:>7.2f}"
                  f"{size:>7.0f}")
    print("\nstore ms = the page's own SPARQL queries replayed bare on the same store "
          "(search uses SQLite, the query page runs through kg.sparql.query).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
