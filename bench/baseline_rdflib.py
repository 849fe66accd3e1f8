"""The plain-rdflib baseline that paperkg is benchmarked against.

This is deliberately what a researcher would write in an afternoon, as the issue
describes it: "parse the markdown, ``Graph.add`` each triple,
``serialize(format="turtle")``". It is honest (no artificial slowness: the parser is
a single pass over lines, IRIs are minted once per row, no SPARQL, no per-triple
checks) but it uses rdflib the ordinary way, with its in-memory store and its
Turtle serializer. Its graph has the same shape as paperkg's model (same kinds of
nodes and links) so that timings compare like with like; it does not try to
match paperkg's exact IRIs or vocabulary.

IRIs keep a single path segment after the type prefix (``authorship/ID-1``, not
``paper/ID/author/1``): rdflib's Turtle serializer binds a generated prefix for
every distinct namespace it meets and then scans all of them per IRI, so nested
per-paper paths make serialisation quadratic (measured: 3x slower at 1k rows).
Avoiding that is ordinary care, not an optimisation of rdflib itself.

What one row becomes (``pkg:`` is the baseline's own vocabulary)::

    paper  a pkg:Paper ; dcterms:title ; schema:url <arXiv> ; dcterms:identifier ;
           dcterms:creator person ... ; pkg:authorship auth ... ;
           dcterms:subject task ... ; pkg:codeRepository repo ... ; pkg:hfItem item ...
    auth   pkg:agent person ; schema:position n            (one per author)
    person a foaf:Person ; foaf:name                       (shared across papers)
    task   a skos:Concept ; skos:prefLabel                 (shared)
    repo / item / page / account
           a pkg:Repository|Model|Dataset|... ; schema:url ; pkg:owner "name"
    entry  a pkg:DigestEntry ; pkg:paper ; pkg:day ; pkg:summary
    day    a pkg:DigestDay ; dcterms:date

Size: about 36 triples a row on the synthetic digests (synth.py draws ~4.5
authors a row, like the real corpus, and authors cost 4 triples each plus 2 per
new person). That is the minimum for the items listed above; paperkg's own
mapping adds labels, a second paper type, typed authorships and account nodes,
so it writes more triples than this, not fewer. Owners are literals here
rather than account nodes to keep the baseline lean. Compare per-triple rates
as well as wall time.

Usage::

    python bench/baseline_rdflib.py DIR_OR_FILE... --out /tmp/base.ttl [--json]

or ``build(paths) -> Graph`` / ``run(paths, out_ttl) -> dict`` /
``measure(paths, out_ttl) -> dict`` (same as ``run`` but in a fresh subprocess, so
the reported peak RSS belongs to the baseline alone).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

DATA = Namespace("https://w3id.org/paperkg/")
PKG = Namespace("https://w3id.org/paperkg/vocab#")
SCHEMA = Namespace("https://schema.org/")

_TITLE_CELL = re.compile(r"\| \[(.*?)\]\((\S*?)\) \| ", re.DOTALL)
_LINK = re.compile(r"\[Link\]\(([^)]*)\)")


@dataclass(slots=True)
class Row:
    """One parsed table row (a paper featured on a day)."""

    day: str
    title: str
    link: str
    authors: list[str]
    summary: str
    tasks: list[str]
    github: list[str]
    hf: list[str]


def _links(cell: str) -> list[str]:
    """Link targets of a ``[Link](url), ...`` cell; ``N/A`` and junk targets give none."""
    out = []
    for url in _LINK.findall(cell):
        url = url.replace("\n", "").strip()
        if url and url not in ("null", "None", "string"):
            out.append(url)
    return out


def _parse_row(day: str, text: str) -> Row | None:
    """Split a (possibly wrapped) row into cells.

    The title cell is matched up to its arXiv link, the last three cells are split
    from the right, and what remains is authors then summary, so a stray ``|`` in
    a summary cannot shift the link columns.
    """
    m = _TITLE_CELL.match(text)
    if m is None:
        return None
    body = text[m.end() :].rstrip()
    if body.endswith("|"):
        body = body[:-1].rstrip()
    parts = body.rsplit(" | ", 3)
    if len(parts) != 4:
        return None
    left, classification, github, hf = parts
    authors, _, summary = left.partition(" | ")
    try:
        tasks = ast.literal_eval(classification.strip())
    except (ValueError, SyntaxError):
        tasks = []
    return Row(
        day=day,
        title=" ".join(m.group(1).split()),
        link=m.group(2).replace("\n", ""),
        authors=[a.strip() for a in authors.split(", ") if a.strip()],
        summary=" ".join(summary.split()),
        tasks=[str(t) for t in tasks],
        github=_links(github),
        hf=_links(hf),
    )


def parse_file(path: Path) -> Iterator[Row]:
    """Yield the rows of one digest; wrapped rows are joined until a line ends in '|'."""
    day = path.stem.removeprefix("papers-")
    buf: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if buf:
                buf.append(line)
            elif line.startswith("## Papers for "):
                day = line[len("## Papers for ") :].strip()
                continue
            elif line.startswith("| ["):
                buf = [line]
            else:
                continue
            if line.rstrip().endswith("|"):
                row = _parse_row(day, "\n".join(buf))
                buf = []
                if row is not None:
                    yield row


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    """Directories become their ``*.md`` files, sorted, so day order is stable."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.md")) if p.is_dir() else [p])
    return out


def _link_node(url: str) -> tuple[URIRef, URIRef, str, str | None]:
    """Classify a link: (node IRI, rdf:type, canonical URL, owner or None).

    Just enough normalisation that the usual variants of one repository (scheme,
    ``.git``, trailing slash, ``/tree/...``) land on one node, as a careful
    researcher would do.
    """
    u = url.strip()
    if "://" not in u:
        u = "https://" + u
    scheme_less = u.split("://", 1)[1].rstrip("/")
    host, _, path = scheme_less.partition("/")
    host = host.lower().removeprefix("www.")
    parts = [p for p in path.split("/") if p]
    if host == "github.com" and parts:
        owner = parts[0]
        if len(parts) == 1:
            return (
                DATA[f"account/github/{quote(owner)}"],
                PKG.Account,
                f"https://github.com/{owner}",
                owner,
            )
        name = parts[1].removesuffix(".git")
        canon = f"https://github.com/{owner}/{name}"
        return DATA[f"repo/{quote(owner)}--{quote(name)}"], PKG.Repository, canon, owner
    if host.endswith(".github.io"):
        owner = host.split(".", 1)[0]
        canon = f"https://{host}/{'/'.join(parts)}".rstrip("/")
        return DATA[f"page/{quote(canon, safe='')}"], PKG.ProjectPage, canon, owner
    if host in ("huggingface.co", "hf.co") and parts:
        kinds = {"datasets": PKG.Dataset, "spaces": PKG.Space, "collections": PKG.Collection}
        kind = PKG.Model
        if parts[0] in kinds:
            kind = kinds[parts.pop(0)]
        elif parts[0] == "models":
            parts.pop(0)
        if len(parts) == 1:
            owner = parts[0]
            return (
                DATA[f"account/hf/{quote(owner)}"],
                PKG.Account,
                f"https://huggingface.co/{owner}",
                owner,
            )
        if len(parts) >= 2:
            owner, name = parts[0], parts[1]
            prefix = {
                PKG.Dataset: "datasets/",
                PKG.Space: "spaces/",
                PKG.Collection: "collections/",
            }
            canon = f"https://huggingface.co/{prefix.get(kind, '')}{owner}/{name}"
            slug = quote(canon.removeprefix("https://huggingface.co/").replace("/", "--"))
            return DATA[f"hf/{slug}"], kind, canon, owner
    return DATA[f"page/{quote(u, safe='')}"], PKG.WebPage, u, None


def _add_row(g: Graph, row: Row, position: int, seen: set[URIRef]) -> None:
    """Add the triples of one row.

    Shared nodes (people, tasks, link targets, days, re-featured papers) are
    described only the first time they are met; ``seen`` is that memo. rdflib
    would deduplicate the triples anyway, but re-adding costs ~40 % more
    ``Graph.add`` calls, and skipping them is the obvious thing to do.
    """
    add = g.add
    arxiv_id = row.link.rstrip("/").rsplit("/", 1)[-1]
    paper = DATA[f"paper/{arxiv_id}"]
    if paper not in seen:
        seen.add(paper)
        add((paper, RDF.type, PKG.Paper))
        add((paper, DCTERMS.title, Literal(row.title)))
        add((paper, SCHEMA.url, URIRef(row.link)))
        add((paper, DCTERMS.identifier, Literal(arxiv_id)))
        for i, name in enumerate(row.authors, start=1):
            person = DATA[f"person/{quote(name, safe='')}"]
            if person not in seen:
                seen.add(person)
                add((person, RDF.type, FOAF.Person))
                add((person, FOAF.name, Literal(name)))
            auth = DATA[f"authorship/{arxiv_id}-{i}"]
            add((paper, DCTERMS.creator, person))
            add((paper, PKG.authorship, auth))
            add((auth, PKG.agent, person))
            add((auth, SCHEMA.position, Literal(i)))
        for label in row.tasks:
            task = DATA[f"task/{quote(label, safe='')}"]
            if task not in seen:
                seen.add(task)
                add((task, RDF.type, SKOS.Concept))
                add((task, SKOS.prefLabel, Literal(label, lang="en")))
            add((paper, DCTERMS.subject, task))
        for urls, prop in ((row.github, PKG.codeRepository), (row.hf, PKG.hfItem)):
            for url in urls:
                node, kind, canon, owner = _link_node(url)
                add((paper, prop, node))
                if node not in seen:
                    seen.add(node)
                    add((node, RDF.type, kind))
                    add((node, SCHEMA.url, URIRef(quote(canon, safe=":/?#&=%@+~"))))
                    if owner is not None:
                        add((node, PKG.owner, Literal(owner)))
    day = DATA[f"day/{row.day}"]
    if day not in seen:
        seen.add(day)
        add((day, RDF.type, PKG.DigestDay))
        add((day, DCTERMS.date, Literal(row.day, datatype=XSD.date)))
    entry = DATA[f"entry/{row.day}-{position}"]
    add((entry, RDF.type, PKG.DigestEntry))
    add((entry, PKG.paper, paper))
    add((entry, PKG.day, day))
    add((entry, PKG.summary, Literal(row.summary)))


def build(paths: Iterable[str | Path]) -> Graph:
    """Parse every digest (files or directories) and return the rdflib graph.

    A paper featured again on a later day gets a new entry (with that day's
    summary) but keeps the description from its first appearance.
    """
    g = Graph()
    for prefix, ns in (
        ("pkg", PKG),
        ("data", DATA),
        ("schema", SCHEMA),
        ("dcterms", DCTERMS),
        ("foaf", FOAF),
        ("skos", SKOS),
    ):
        g.bind(prefix, ns)
    seen: set[URIRef] = set()
    for path in _expand(paths):
        position = 0
        current_day = None
        for row in parse_file(path):
            position = position + 1 if row.day == current_day else 1
            current_day = row.day
            _add_row(g, row, position, seen)
    return g


def run(paths: Iterable[str | Path], out_ttl: str | Path) -> dict[str, float | int]:
    """Build then serialise to Turtle, timing the two phases separately.

    Wall time (``*_s``) and this process's CPU time (``*_cpu_s``) are both
    reported: on a shared 2-core machine wall time drifts with other people's
    jobs, CPU time much less so.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    g = build(paths)
    t1, c1 = time.perf_counter(), time.process_time()
    g.serialize(destination=str(out_ttl), format="turtle", encoding="utf-8")
    t2, c2 = time.perf_counter(), time.process_time()
    return {
        "triples": len(g),
        "build_s": round(t1 - t0, 3),
        "serialize_s": round(t2 - t1, 3),
        "total_s": round(t2 - t0, 3),
        "build_cpu_s": round(c1 - c0, 3),
        "serialize_cpu_s": round(c2 - c1, 3),
        "ttl_bytes": Path(out_ttl).stat().st_size,
    }


def _peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(paths: Iterable[str | Path], out_ttl: str | Path) -> dict[str, float | int]:
    """``run`` in a fresh interpreter, adding its peak RSS; isolates memory from the caller."""
    cmd = [sys.executable, __file__, *map(str, paths), "--out", str(out_ttl), "--json"]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    """CLI: run the baseline and print timings, triples and peak RSS."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", help="digest files or directories of them")
    ap.add_argument("--out", required=True, help="Turtle file to write")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    result = run(args.paths, args.out)
    result["peak_rss_mb"] = _peak_rss_mb()
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>12}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
