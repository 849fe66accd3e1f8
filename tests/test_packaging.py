"""The wheel ships the ontology, shapes and query library, and finds them installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_holds_and_finds_the_ontology(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=600)
    (wheel,) = tmp_path.glob("paperkg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kg/ontology/paperkg.ttl", "kg/ontology/shapes.ttl",
            "kg/ontology/queries/papers-per-task.rq"} <= names
    # the web pages' templates and static files, and graph.html's own script
    assert {"kg/web/templates/paper.html", "kg/web/static/site.css",
            "kg/web/static/query.js", "kg/web/static/LICENSE.txt",
            "kg/view/static/graph.js", "kg/view/static/graph.css",
            "kg/ontology/context.jsonld"} <= names
    # every module of the source tree, so a new sub-package cannot be left out
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "kg").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=600)
    probe = ("import kg, kg.support.resources as r, kg.sparql.library as q; "
             "print(kg.__file__); print(len(r.ontology_text()) > 1000, len(q.list_queries()))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)},
                          check=True, timeout=120)
    module, found = done.stdout.splitlines()
    assert module.startswith(str(target))  # the wheel's copy, not the source tree
    assert found.split()[0] == "True" and int(found.split()[1]) >= 12
