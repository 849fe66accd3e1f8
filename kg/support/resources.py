"""Find the files shipped in ``ontology/``, installed editable or from a wheel.

The wheel maps the top-level ``ontology/`` folder to the ``kg.ontology``
package (see ``pyproject.toml``), and editable installs map it the same way, so
``importlib.resources`` finds the same files in both cases.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable


def ontology_dir() -> Traversable:
    """The folder holding the ontology, the shapes and the query library."""
    return files("kg.ontology")


def ontology_text() -> str:
    """The OWL ontology (Turtle)."""
    return (ontology_dir() / "paperkg.ttl").read_text(encoding="utf-8")


def shapes_text() -> str:
    """The SHACL shapes every graph conforms to (Turtle)."""
    return (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8")


__all__ = ["as_file", "ontology_dir", "ontology_text", "shapes_text"]
