"""Issue 14: the OWL profile of the graph is OWL 2 DL and HermiT finds it consistent.

Checked with tools paperkg did not write: owlready2 (which runs HermiT) and the OWL
API's OWL 2 DL profile checker (``tools/OwlCheck.java``, run against the OWL API and
HermiT that ship inside owlready2). The plain ``graph.ttl`` keeps ``xsd:date`` and
the VoID partitions for SPARQL users, and the same tools reject it as the issue says,
which shows the checks can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib

import kg
from kg.support.resources import ontology_dir

ROOT = Path(__file__).resolve().parents[1]
owlready2 = pytest.importorskip("owlready2", reason="owlready2 is a test dependency (.[test])")
HERMIT_JAR = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
JAVA = shutil.which("java")
_NO_JDK = "needs a JDK (java and javac; Debian default-jdk-headless) to run tools/OwlCheck.java"
if os.environ.get("CI") == "true" and (JAVA is None or shutil.which("javac") is None):
    pytest.fail(_NO_JDK + "; .ci/run installs it and CI=true requires it", pytrace=False)
needs_java = pytest.mark.skipif(JAVA is None or shutil.which("javac") is None, reason=_NO_JDK)


@pytest.fixture(scope="module")
def built(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("owl") / "output"
    kg.build([examples_dir], out, formats=("turtle", "owl"))
    return out


def owl_check(graph: Path) -> subprocess.CompletedProcess[str]:
    assert JAVA is not None
    return subprocess.run(
        [JAVA, "-cp", str(HERMIT_JAR), str(ROOT / "tools" / "OwlCheck.java"),
         str(ontology_dir() / "paperkg.ttl"), str(graph)],
        capture_output=True, text=True, timeout=300, check=False)


@needs_java
def test_owl_profile_is_dl_and_consistent_for_the_owl_api(built: Path) -> None:
    result = owl_check(built / "graph.owl.ttl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "violations: 0" in result.stdout and "consistent: true" in result.stdout


@needs_java
def test_plain_graph_has_the_void_violations_the_checker_reports(built: Path) -> None:
    result = owl_check(built / "graph.ttl")
    assert result.returncode == 1
    assert "reserved vocabulary for individual IRI: rdf:type" in result.stdout
    assert "reserved vocabulary for individual IRI: rdfs:label" in result.stdout


def _load(world: object, turtle: Path, tmp: Path, name: str) -> object:
    path = tmp / f"{name}.nt"
    rdflib.Graph().parse(turtle, format="turtle").serialize(path, format="nt", encoding="utf-8")
    return world.get_ontology(path.as_uri()).load(format="ntriples")  # type: ignore[attr-defined]


def _hermit(graph: Path, tmp: Path) -> object:
    world = owlready2.World()
    _load(world, Path(str(ontology_dir() / "paperkg.ttl")), tmp, "ontology")
    data = _load(world, graph, tmp, "data")
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return data


@pytest.mark.skipif(JAVA is None, reason="owlready2 runs HermiT with Java (default-jre-headless)")
def test_hermit_through_owlready2_finds_the_owl_profile_consistent(built: Path,
                                                                   tmp_path: Path) -> None:
    data = _hermit(built / "graph.owl.ttl", tmp_path)
    paper = data.search_one(iri="*paper/2502.19587")  # type: ignore[attr-defined]
    assert paper is not None
    assert "Preprint" in {c.name for c in paper.is_a}


@pytest.mark.skipif(JAVA is None, reason="owlready2 runs HermiT with Java (default-jre-headless)")
def test_hermit_rejects_xsd_date_in_the_plain_graph(built: Path, tmp_path: Path) -> None:
    with pytest.raises(owlready2.OwlReadyJavaError, match="OWL 2 datatype map"):
        _hermit(built / "graph.ttl", tmp_path)
