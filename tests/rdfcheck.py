"""Checks shared by the graph tests: SHACL conformance and parsing by other tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import rdflib

from kg.support.resources import ontology_text, shapes_text


def shacl_report(data: rdflib.Graph) -> tuple[bool, str]:
    """Validate ``data`` against the shipped shapes (with the ontology's class axioms)."""
    import pyshacl

    shapes = rdflib.Graph().parse(data=shapes_text(), format="turtle")
    ontology = rdflib.Graph().parse(data=ontology_text(), format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                         inference="none")
    return bool(conforms), text


def rapper_count(path: Path) -> tuple[int, str]:
    """Triples rapper counts in a Turtle file, and what it printed on stderr."""
    done = subprocess.run(["rapper", "-i", "turtle", "-c", str(path)], capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    return int(last.split("returned")[1].split()[0]), done.stderr


def have_rapper() -> bool:
    return shutil.which("rapper") is not None


def oxigraph_count(path: Path) -> int:
    return sum(1 for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
